"""Live t-SNE against openTSNE without callbacks, and the window while it runs.

    python -m tests.benchmarks.bench_tsne [n]        (n: 20,000 by default)

1. The same run (perplexity 30, 250 + 500 iterations, seed 0) through openTSNE's `fit` and
   through our live run, in one process: the ratio of their times, and how often snapshots
   arrive during the optimisation (both include the affinities, which are the same call).
2. In the window: the main thread's longest stall while t-SNE runs on n points (a 2 ms
   timer's largest gap, as bench_window.stalls), and snapshots drawn per second.
3. 70,000 digit-like points (64-D) in the window: progress messages, the longest stall, and
   how long a cancel takes to end the run, after a few seconds of optimisation.
Ratios and measures are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def digits_like(n: int, seed: int = 0):
    """n rows of 64 features: the digits tiled, with noise (a data set with labels)."""
    from sklearn.datasets import load_digits

    from engine.data import Dataset

    digits = load_digits()
    rows = np.resize(np.arange(len(digits.data)), n)
    X = digits.data[rows] + np.random.default_rng(seed).normal(0, 1.0, (n, 64))
    return Dataset(name=f"digits × noise ({n:,})", X=X, y=digits.target[rows],
                   feature_names=tuple(f"p{i}" for i in range(64)))


def engine_ratio(data) -> dict:
    from openTSNE import TSNE

    from engine import registry
    from engine.protocol import RunContext
    from engine.reduction.tsne import tsne_settings

    algorithm = registry.get("tsne")
    params = algorithm.resolve(data, {"seed": 0})
    ctx = RunContext(seed=0)
    t0 = time.perf_counter()
    TSNE(**tsne_settings(params, data.n, ctx.threads)).fit(data.X)
    plain = time.perf_counter() - t0
    arrivals = []
    t0 = time.perf_counter()
    for snap in algorithm.run(data, params, ctx):
        if snap.phase in ("early exaggeration", "optimisation"):
            arrivals.append(time.perf_counter())
    live = time.perf_counter() - t0
    span = arrivals[-1] - arrivals[0]
    return {"points": data.n, "opentsne_fit_s": round(plain, 1), "live_s": round(live, 1),
            "live_over_plain": round(live / plain, 3),
            "snapshots_per_s_while_optimising": round((len(arrivals) - 1) / span, 1),
            "longest_gap_between_snapshots_s": round(float(np.diff(arrivals).max()), 3)}


def window_run(data, cancel_after_s: float | None = None) -> dict:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(dataset=None)
    window.resize(1280, 800)
    window.show()
    window.run_bar.set_fastest()
    window.data_panel.loader.request(lambda: data)
    while window.dataset is not data or window.data_panel.loader.is_busy():
        app.processEvents()
    window.method_panel.select("tsne")
    for _ in range(50):
        app.processEvents()
        time.sleep(0.002)
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
    ended, drawn, messages = [], [], []
    window.run_ended.connect(ended.append)
    window.controller.snapshot.connect(lambda *a: drawn.append(time.perf_counter()))
    window.controller.progress.connect(lambda f, m: messages.append(m))
    t0 = time.perf_counter()
    if not window.run():
        raise RuntimeError(window.method_panel.problem.text())
    cancelled_at = None
    while not ended:
        app.processEvents()
        time.sleep(0.001)
        optimising = any("iteration" in m for m in messages[-3:])
        if (cancel_after_s is not None and cancelled_at is None and optimising
                and time.perf_counter() - t0 > cancel_after_s):
            cancelled_at = time.perf_counter()
            window.controller.cancel()
    stop = time.perf_counter()
    timer.stop()
    out = {"points": data.n, "outcome": ended[0], "longest_stall_ms": gaps[0],
           "run_s": round(stop - t0, 1), "snapshots_drawn": len(drawn),
           "first_messages": list(dict.fromkeys(messages))[:3]}
    during = [t for t in drawn if t > t0]
    if len(during) > 2:
        out["drawn_per_s"] = round((len(during) - 1) / (during[-1] - during[0]), 1)
    if cancelled_at is not None:
        out["cancel_to_end_s"] = round(stop - cancelled_at, 3)
    window.close()
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    data = digits_like(n)
    result = {"engine": engine_ratio(data), "window": window_run(data),
              "window_70k_cancelled": window_run(digits_like(70_000), cancel_after_s=5.0)}
    print(json.dumps(result, indent=2))
