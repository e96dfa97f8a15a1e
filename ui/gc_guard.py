"""Garbage collection on the main thread only.

Python's collector runs in whichever thread allocates when a threshold is crossed. If that
is a worker thread and the garbage holds Qt objects (a closed window's menus), PySide 6.11
frees them there and can deadlock with the main thread (seen here in tests under gdb). So
automatic collection is turned off and a main-thread timer collects instead, as pyqtgraph's
GarbageCollector does.
"""

from __future__ import annotations

_collector = None


def collect_on_main_thread(interval_s: float = 1.0) -> None:
    """Call once from the main thread, after the QApplication exists."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=interval_s)
