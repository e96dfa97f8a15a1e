"""`--screenshot`: render the window (after a run, if asked) and save it as a PNG."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow


def wait_until(app: QApplication, done, timeout_s: float) -> bool:
    """Process events until `done()` is true; False on timeout."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def take_screenshot(app: QApplication, window: MainWindow, path: str, run: bool = False,
                    size: tuple[int, int] = (1400, 880), timeout_s: float = 600) -> int:
    window.resize(*size)
    window.show()
    failed = []
    window.data_panel.load_failed.connect(failed.append)
    loaded = wait_until(app, lambda: failed or (window.dataset is not None
                        and not window.data_panel.loader.is_busy()), timeout_s)
    if failed or not loaded:
        print(f"screenshot: the data set did not load: {failed[0] if failed else 'timeout'}",
              flush=True)
        return 1
    if run:
        outcome = []
        window.run_ended.connect(outcome.append)
        window.run_bar.set_fastest()
        if not window.run():
            print(f"screenshot: cannot run: {window.method_panel.problem.text()}", flush=True)
            return 1
        if not wait_until(app, lambda: bool(outcome), timeout_s):
            print("screenshot: the run did not finish in time", flush=True)
            return 1
        if outcome[0] != "done":
            print(f"screenshot: the run ended as {outcome[0]}: "
                  f"{window.run_bar.message.text()}", flush=True)
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)
    ok = window.grab().save(path)
    window.close()
    print(f"screenshot: saved {path}" if ok else f"screenshot: could not write {path}",
          flush=True)
    return 0 if ok else 1
