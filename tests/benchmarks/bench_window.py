"""Start-up and responsiveness of the window.

    python -m tests.benchmarks.bench_window

1. Cold start to first picture, against a bare PySide6 + pyqtgraph window (ratio), and
   whether torch or scikit-learn were imported by then; and the whole process, launch to a
   saved picture, from source and from the bundle (`make bundle` first).
2. The main thread's longest stall while each foundation method runs (100,000 points;
   digits for the VAE), measured by a 2 ms timer's largest gap; and, apart, the stall of
   choosing the method (its canvases are built and filled then, before Run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE = r"""
import time, sys; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
app = QApplication([])
w = pg.PlotWidget(); w.resize(1400, 880); w.plot([1, 2, 3]); w.show()
app.processEvents(); w.grab()
print(time.perf_counter() - t0)
"""

OURS = r"""
import time, sys; t0 = time.perf_counter()
sys.argv = ["main.py"]
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
app = QApplication([])
w = MainWindow(); w.show()
app.processEvents(); w.grab()
t = time.perf_counter() - t0
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'sklearn'})
print(t, ",".join(heavy) or "-")
"""


def cold_start(repeats: int = 5) -> dict:
    # A user's start finds the bytecode Python cached at the first one (`make run` compiles
    # it where PYTHONDONTWRITEBYTECODE is set, as on this machine); so does this measurement.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "engine", "ui", "widgets"],
                   cwd=Path(__file__).resolve().parents[2], capture_output=True, check=True)

    def run(code):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        return out.stdout.split()

    bare = min(float(run(BARE)[0]) for _ in range(repeats))
    results = [run(OURS) for _ in range(repeats)]
    ours = min(float(r[0]) for r in results)
    return {"bare_s": round(bare, 3), "ours_s": round(ours, 3), "ratio": round(ours / bare, 2),
            "heavy_imported_at_first_picture": results[0][1]}


BARE_PROCESS = r"""
import sys, time
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
app = QApplication([])
w = pg.PlotWidget(); w.resize(1400, 880); w.plot([1, 2, 3]); w.show()
for _ in range(5):
    app.processEvents(); time.sleep(0.02)
w.grab().save(sys.argv[1])
"""
BUNDLE = Path(__file__).resolve().parents[2] / "dist" / "unsupervised-explorer"


def whole_process(repeats: int = 3) -> dict:
    """Launch to saved first picture and exit, as a user's double-click would start it: a bare
    PySide6 + pyqtgraph window, the program from source, and the bundle (after `make bundle`)."""
    import tempfile

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    shot = str(Path(tempfile.mkdtemp()) / "shot.png")
    root = Path(__file__).resolve().parents[2]
    commands = {"bare": [sys.executable, "-c", BARE_PROCESS, shot],
                "source": [sys.executable, str(root / "main.py"), "--screenshot", shot]}
    exe = BUNDLE / ("unsupervised-explorer.exe" if os.name == "nt" else "unsupervised-explorer")
    if exe.exists():
        commands["bundle"] = [str(exe), "--screenshot", shot]
    out = {}
    for name, command in commands.items():
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=env)
            times.append(time.perf_counter() - t0)
        out[f"{name}_s"] = round(min(times), 2)
    for name in ("source", "bundle"):
        if f"{name}_s" in out:
            out[f"{name}_ratio"] = round(out[f"{name}_s"] / out["bare_s"], 2)
    if "bundle_s" not in out:
        out["bundle"] = "not built (make bundle)"
    return out


def stalls() -> dict:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from engine import datasets
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    if os.environ.get("BENCH_WARM", "1") == "1":
        # First-use imports of scikit-learn and torch hold the GIL for long stretches; they
        # are measured apart (BENCH_WARM=0), so these numbers are the steady state.
        import importlib

        from engine import registry
        from engine.protocol import run_to_end

        tiny = datasets.load("blobs", n_samples=60, seed=0)
        for algorithm in registry.all():
            for name in algorithm.libraries:
                importlib.import_module(name)
        for algorithm_id in ("kmeans", "pca", "agglomerative"):  # their own first-use imports
            run_to_end(algorithm_id, tiny, {"elbow": 3} if algorithm_id == "kmeans" else {})
    window = MainWindow(dataset=None)
    window.resize(1280, 800)
    window.show()
    window.run_bar.set_fastest()
    big = datasets.load("blobs", n_samples=100_000, seed=0)
    mid = datasets.load("blobs", n_samples=20_000, seed=0)  # the most a linkage is drawn live for
    cases = [("kmeans", big, {"n_clusters": 8}), ("pca", big, {}),
             ("agglomerative", mid, {"linkage": "ward"}), ("vae", datasets.load("digits"), {})]
    out = {}
    for algorithm_id, dataset, params in cases:
        window.data_panel.loader.request(lambda d=dataset: d)
        while window.dataset is not dataset or window.data_panel.loader.is_busy():
            app.processEvents()
        for _ in range(20):
            app.processEvents()
        clock = QElapsedTimer()
        clock.start()
        gaps = [0]
        last = [0]

        def tick(last=last, gaps=gaps, clock=clock):
            now = clock.elapsed()
            gaps[0] = max(gaps[0], now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(2)
        timer.timeout.connect(tick)
        timer.start()
        # Choosing the method builds and fills its canvases: measured apart from the run,
        # as a user picks a method and only then reaches for Run.
        window.method_panel.select(algorithm_id)
        window.method_panel.set_values(params)
        settle = time.perf_counter() + 0.3
        while time.perf_counter() < settle:
            app.processEvents()
            time.sleep(0.001)
        choose_stall, gaps[0] = gaps[0], 0
        ended = []
        window.run_ended.connect(ended.append)
        t0 = time.perf_counter()
        if not window.run():
            raise RuntimeError(f"{algorithm_id}: {window.method_panel.problem.text()}")
        while not ended:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        window.run_ended.disconnect()
        out[algorithm_id] = {"longest_stall_ms": gaps[0], "choosing_stall_ms": choose_stall,
                             "run_s": round(time.perf_counter() - t0, 2), "outcome": ended[0]}
    window.close()
    return out


if __name__ == "__main__":
    print(json.dumps({"cold_start": cold_start(), "launch_to_picture": whole_process(),
                      "main_thread": stalls()}, indent=2))
