"""What a user waits for when UMAP or PaCMAP first runs, and what the warm-up costs the window.

    python -m tests.benchmarks.bench_numba

Each case runs in a new process with its own numba cache folder (NUMBA_CACHE_DIR), first
empty (a new machine), then again with the cache that run left (the next start):
1. Pressing Run on digits (1,797 points) for UMAP, then PaCMAP, from a window-less process:
   seconds until the final snapshot, the imports included; and a second run in the process.
2. The window's warm-up (ui/warmup.py) on its background thread: how long it takes, and the
   main thread's longest stall meanwhile (a 2 ms timer's largest gap, as bench_window.stalls).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUNS = r"""
import json, time
from engine import datasets
from engine.protocol import run_to_end
data = datasets.load("digits")
out = {}
for algorithm_id in ("umap", "pacmap"):
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        run_to_end(algorithm_id, data, {})
        times.append(round(time.perf_counter() - t0, 2))
    out[algorithm_id] = {"first_run_s": times[0], "second_run_in_process_s": times[1]}
print(json.dumps(out))
"""

WARMUP = r"""
import json, threading, time
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
from engine.reduction import numba_setup
app = QApplication([])
window = MainWindow(dataset=None)
window.show()
for _ in range(20):
    app.processEvents()
clock, gaps, last = QElapsedTimer(), [0], [0]
clock.start()
def tick():
    now = clock.elapsed()
    gaps[0] = max(gaps[0], now - last[0])
    last[0] = now
timer = QTimer()
timer.setInterval(2)
timer.timeout.connect(tick)
timer.start()
box = {}
thread = threading.Thread(target=lambda: box.update(numba_setup.warm()))
t0 = time.perf_counter()
thread.start()
while thread.is_alive():
    app.processEvents()
    time.sleep(0.001)
print(json.dumps({"warm_up_s": round(time.perf_counter() - t0, 1),
                  "stages_s": {k: round(v, 1) for k, v in box.items()},
                  "longest_main_thread_stall_ms": gaps[0]}))
"""


def _run(code: str, cache: str) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> dict:
    result = {}
    for name, code in (("run", RUNS), ("window_warm_up", WARMUP)):
        cache = tempfile.mkdtemp(prefix="numba-cache-")
        result[name] = {"new_machine": _run(code, cache), "next_start": _run(code, cache)}
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
