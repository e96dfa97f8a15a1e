"""Garbage collection on the main thread only, and short.

Python's collector runs in whichever thread allocates when a threshold is crossed. If that
is a worker thread and the garbage holds Qt objects (a closed window's menus), PySide 6.11
frees them there and can deadlock with the main thread (seen here in tests under gdb). So
automatic collection is turned off and a main-thread timer collects instead, generation by
generation, as pyqtgraph's GarbageCollector does.

A full collection walks every object: with torch and scikit-learn loaded (~400,000 objects)
that took 166 ms here, a visible freeze. Modules, classes and functions live as long as the
program, so after each batch of imports the collector moves everything alive into the
permanent generation (gc.freeze) and full collections scan only what came since.

A collection's cost grows with the objects made since the last one: a run's worker can make
60,000 a second (t-SNE's affinities), and checked once a second the youngest generation
took 11–40 ms a check, and 91 ms when the next one was due. Checked every 0.1 s, each
check has a tenth of them to scan. A full collection scans every object since the freeze
(110 ms during t-SNE), whenever it is due: it runs at most every FULL_EVERY_S, as often as
it did with checks once a second (Python's own rule, a full one only once the survivors
since the last have grown by a quarter, cannot be read from Python).
"""

from __future__ import annotations

import gc
import sys
import time

from PySide6.QtCore import QTimer

NEW_MODULES = 20  # this many new modules since the last freeze: a library was loaded
INTERVAL_S = 0.1  # between two checks of the collector's counts
FULL_EVERY_S = 120.0  # the least time between two full collections

_collector: MainThreadCollector | None = None


class MainThreadCollector:
    """Checks the collector's counts every `interval_s` and collects the due generations."""

    def __init__(self, interval_s: float = INTERVAL_S):
        self.threshold = gc.get_threshold()
        self.modules = 0  # the first check freezes what start-up made
        self.last_full = time.monotonic()
        gc.disable()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        self.timer.start(int(interval_s * 1000))

    def check(self) -> None:
        if len(sys.modules) >= self.modules + NEW_MODULES:
            self.freeze()
        count0, count1, count2 = gc.get_count()
        if count0 > self.threshold[0]:
            gc.collect(0)
            if count1 > self.threshold[1]:
                gc.collect(1)
                now = time.monotonic()
                if count2 > self.threshold[2] and now - self.last_full >= FULL_EVERY_S:
                    gc.collect(2)
                    self.last_full = now

    def freeze(self) -> None:
        """Young garbage goes first (cheap); what is left is long-lived and leaves the scans."""
        gc.collect(1)
        gc.freeze()
        self.modules = len(sys.modules)


def collect_on_main_thread(interval_s: float = INTERVAL_S) -> MainThreadCollector:
    """Call once from the main thread, after the QApplication exists."""
    global _collector
    if _collector is None:
        _collector = MainThreadCollector(interval_s)
    return _collector
