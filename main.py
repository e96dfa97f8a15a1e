"""Unsupervised Explorer: see unsupervised learning happen.

    python main.py                                 open the window
    python main.py --dataset moons --algorithm agglomerative
    python main.py --screenshot out.png [--dataset NAME] [--algorithm ID] [--run]
    python main.py --presentation [--theme dark|light|system]   for a projector
    python main.py --open FILE [--screenshot out.png]   a data file or a saved session
    python main.py --lesson kmeans-step-by-step    open a lesson (its file name or title)
    python main.py --selftest                      run every method headless; non-zero on failure
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="unsupervised-explorer", description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="blobs", help="a built-in set, a generator or a file path")
    p.add_argument("--algorithm", default="kmeans", help="an algorithm id, e.g. kmeans, pca, vae")
    p.add_argument("--run", action="store_true", help="run the method at once")
    p.add_argument("--open", metavar="FILE",
                   help="open a data file, or a session file (which runs its method again)")
    p.add_argument("--lesson", metavar="NAME",
                   help="open a lesson from the Lessons menu, by file name or title")
    p.add_argument("--screenshot", metavar="PATH", help="render the window offscreen to a PNG")
    p.add_argument("--size", default="1400x880", help="window size for --screenshot (WxH)")
    p.add_argument("--presentation", action="store_true",
                   help="start in presentation mode (large text, thick lines, panels folded)")
    p.add_argument("--theme", choices=("system", "light", "dark"), default=None,
                   help="colour theme (default: the one last chosen, else follow the system)")
    p.add_argument("--selftest", action="store_true", help="run every method headless and exit")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    return p.parse_args(argv)


def _open_and_wait(app, window, opener, open_it, name: str, wait: bool) -> bool:
    """Open a session or a lesson (`open_it(name)`; `opener.last_error` says why it could not);
    with `wait` (for --screenshot), wait until it has come back: True only if it did."""
    outcome = []
    window.session.restored.connect(outcome.append)
    if not open_it(name):
        print(f"unsupervised-explorer: {opener.last_error}", file=sys.stderr)
        return False
    if not wait:
        return True
    from ui.screenshot import wait_until

    wait_until(app, lambda: bool(outcome), timeout_s=600)
    if outcome == ["done"]:
        return True
    print(f"unsupervised-explorer: opening {name} ended as {outcome or 'timeout'}: "
          f"{window.session.last_error or window.run_bar.message.text()}", file=sys.stderr)
    return False


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.version:
        from engine import __version__

        print(__version__)
        return 0
    if args.selftest:
        from ui.selftest import selftest

        return selftest()
    from engine import registry

    try:
        registry.get(args.algorithm)
    except KeyError as exc:
        print(f"unsupervised-explorer: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Unsupervised Explorer")
    app.setApplicationName("Unsupervised Explorer")
    from PySide6.QtGui import QIcon

    from ui.resources import resource_path

    app.setWindowIcon(QIcon(str(resource_path("icon", "icon.png"))))
    from engine.session import is_session_file

    session_file = args.open if args.open and is_session_file(args.open) else None
    dataset = None if session_file or args.lesson else (args.open or args.dataset)
    window = MainWindow(dataset=dataset, algorithm=args.algorithm, theme=args.theme,
                        presentation=args.presentation, remember=not args.screenshot)
    wait = bool(args.screenshot)
    if session_file and not _open_and_wait(app, window, window.session, window.session.open,
                                           session_file, wait):
        return 1
    if args.lesson and not _open_and_wait(app, window, window.lessons,
                                          window.lessons.open_named, args.lesson, wait):
        return 1
    if args.screenshot:
        from ui.screenshot import take_screenshot

        w, h = (int(v) for v in args.size.lower().split("x"))
        return take_screenshot(app, window, args.screenshot, run=args.run and not session_file,
                               size=(w, h))
    window.show()
    window.recovery.offer()  # a recovery file left by a crash: offer it back
    if args.run:
        from PySide6.QtCore import QTimer

        def run_when_loaded():
            if window.dataset is None or window.data_panel.loader.is_busy():
                QTimer.singleShot(100, run_when_loaded)
            else:
                window.run()

        QTimer.singleShot(0, run_when_loaded)
    return app.exec()


if __name__ == "__main__":
    # A frozen program (the installers) starts its helper processes (engine/reduction/
    # streaming.py) as itself: this runs their work instead of opening a window.
    multiprocessing.freeze_support()
    sys.exit(main())
