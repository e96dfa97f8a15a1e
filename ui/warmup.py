"""Compile umap's and PaCMAP's numba code while the user looks at the window.

The first UMAP fit in a process compiles for about 25 s (a minute on a new machine, PaCMAP's
import 28 s more): a user who picks UMAP first would wait that long. A few seconds after the
window opens, a plain background thread imports both and fits each on a tiny set (then UMAP
once above 4,096 points, where it switches to NN-descent), holding numba_setup.LOCK so a run
started meanwhile waits for it instead of compiling the same code at the same time.

The GIL: numba's type inference is Python and holds it, but Python hands it over every
5 ms (sys.getswitchinterval) and LLVM's compilation runs in C without it; the main thread's
longest stall while this runs is measured in tests/benchmarks/bench_numba.py.

numba's cache goes to the user's cache folder (QStandardPaths), set before numba is imported:
an installed program's own folder may be read-only. Tests (QStandardPaths test mode) keep
numba's default, beside the libraries in the virtual environment, so the suite reuses it.
"""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import QCoreApplication, QStandardPaths, QTimer

from engine.reduction import numba_setup

DELAY_MS = 3000  # after the window has drawn and the user has started to look around


def numba_cache_folder() -> str:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return os.path.join(base, "numba")


def start(window, enabled: bool = True) -> threading.Event | None:
    """Point numba's cache at the user's folder and, when `enabled`, warm the compilation
    on a background thread a moment after the window opens. Returns the event that stops it
    (set when the application quits or the window is destroyed)."""
    if not QStandardPaths.isTestModeEnabled():
        numba_setup.use_cache_folder(numba_cache_folder())
    if not enabled:
        return None
    stop = threading.Event()
    window.destroyed.connect(lambda *_: stop.set())
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(stop.set)

    def launch():
        # Not a daemon: a process that exits while LLVM compiles aborts in LLVM (seen when
        # the window closed 20 s after it opened). Python waits at exit for the fit under
        # way; the quit has set `stop`, so none follows it.
        if not stop.is_set():
            threading.Thread(target=numba_setup.warm, args=(stop.is_set,), name="numba-warmup",
                             daemon=False).start()

    QTimer.singleShot(DELAY_MS, window, launch)
    return stop
