"""How fast Cancel stops a run, in the window (goal: the run's thread ends within 0.2 s).

    python -m tests.benchmarks.bench_cancel

Each method is started on a large set and cancelled at several moments of its run; the
time is from pressing Cancel to the run's worker thread having ended. (A library call that
cannot be interrupted, fastcluster or k-means++, runs on in a helper thread whose result
is dropped: the window and the next run do not wait for it.)
"""

from __future__ import annotations

import json
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MOMENTS_S = (0.05, 0.3, 1.0)  # cancel this long after Run


def cancel_latencies() -> dict:
    from PySide6.QtWidgets import QApplication

    from engine import datasets
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    import sklearn.cluster  # noqa: F401  (first-use imports are not what is measured here)
    import torch  # noqa: F401

    window = MainWindow(dataset=None)
    window.resize(1280, 800)
    window.show()
    window.run_bar.set_fastest()
    big = datasets.load("blobs", n_samples=1_000_000, seed=0)
    cases = [("kmeans", big, {"n_clusters": 30, "init": "k-means++"}),
             ("kmeans", big, {"n_clusters": 30, "init": "random"}),
             ("agglomerative", datasets.load("blobs", n_samples=20_000, seed=0),
              {"linkage": "ward"}),
             ("pca", datasets.load("blobs", n_samples=1_000_000, n_features=50, seed=0), {}),
             ("vae", datasets.load("digits"), {"epochs": 200})]
    out = {}
    for algorithm_id, dataset, params in cases:
        if window.dataset is not dataset:
            window.data_panel.loader.request(lambda d=dataset: d)
            while window.dataset is not dataset or window.data_panel.loader.is_busy():
                app.processEvents()
        window.method_panel.select(algorithm_id)
        window.method_panel.set_values(params)
        times = []
        ended = []
        window.run_ended.connect(ended.append)
        for moment in MOMENTS_S:
            if not window.run():
                raise RuntimeError(f"{algorithm_id}: {window.method_panel.problem.text()}")
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < moment:
                app.processEvents()
                time.sleep(0.002)
            thread = window.controller._thread
            if thread is None:  # it ended before the moment came
                times.append(f"ended first: {ended[-1] if ended else '?'}")
                continue
            t1 = time.perf_counter()
            window.controller.cancel()
            thread.wait()
            times.append(round((time.perf_counter() - t1) * 1000, 1))
            app.processEvents()
        window.run_ended.disconnect()
        key = f"{algorithm_id} ({params.get('init', params.get('linkage', ''))})".replace(" ()", "")
        out[key] = {"cancel_to_thread_end_ms": dict(zip(map(str, MOMENTS_S), times, strict=True))}
    window.controller.shutdown(None)
    window.close()
    return out


if __name__ == "__main__":
    print(json.dumps(cancel_latencies(), indent=2))
