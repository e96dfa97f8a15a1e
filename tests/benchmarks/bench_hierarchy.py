"""Hierarchies at 20,000 points: our agglomerative run against the faster of scipy and
fastcluster, its memory, and the dendrogram drawn against scipy's own layout.

Run: QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_hierarchy [--quick]

1. Single and Ward linkage of 20,000 2-D points: our whole run (every snapshot consumed)
   over the faster of `scipy.cluster.hierarchy.linkage` and `fastcluster.linkage_vector`.
   scipy is timed once (it takes seconds), the others best of 3.
2. The memory our run adds, measured in a fresh process (peak resident set sampled during
   the run, Linux): bounded, far below the 1.6 GB that n(n−1)/2 float64 distances take.
3. The dendrogram of 20,000 leaves: our canvas's layout plus paint (grab() of a 600×400
   canvas) over scipy's `dendrogram(no_plot=True)`, which only computes a layout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

N = 20_000
METHODS = ("single", "ward")


def best_of(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def data(n: int) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2))


def ours(X: np.ndarray, method: str):
    from engine.data import Dataset
    from engine.protocol import run_to_end

    return run_to_end("agglomerative", Dataset("bench", X),
                      {"linkage": method, "n_clusters": 3})


def bench_linkage(n: int, scipy_too: bool) -> list[dict]:
    import fastcluster
    from scipy.cluster.hierarchy import linkage

    X = data(n)
    rows = []
    for method in METHODS:
        t_ours = best_of(lambda m=method: ours(X, m), 3)
        t_fc = best_of(lambda m=method: fastcluster.linkage_vector(X, method=m), 3)
        t_sp = best_of(lambda m=method: linkage(X, method=m), 1) if scipy_too else float("inf")
        fastest = min(t_fc, t_sp)
        rows.append({"method": method, "n": n, "ours_s": t_ours, "fastcluster_s": t_fc,
                     "scipy_s": t_sp, "ratio": t_ours / fastest})
    return rows


_MEMORY_CHILD = """
import os, sys, threading, time
from tests.benchmarks.bench_hierarchy import data, ours
X = data(int(sys.argv[1]))
ours(X[:50], sys.argv[2])  # imports and first-use costs are not the run's memory
page = os.sysconf("SC_PAGE_SIZE")

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page

before, peak, done = rss(), [0], threading.Event()

def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.002)

sampler = threading.Thread(target=sample)
sampler.start()
ours(X, sys.argv[2])
done.set()
sampler.join()
print(max(peak[0], rss()) - before)
"""


def bench_memory(n: int) -> list[dict]:
    """Peak resident memory our run adds above what the process held before it, per
    linkage, each in a fresh process, sampled every 2 ms (Linux: reads /proc)."""
    if not os.path.exists("/proc/self/statm"):
        return []
    rows = []
    for method in METHODS:
        out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(n), method],
                             capture_output=True, text=True, check=True)
        added = int(out.stdout.split()[-1])
        matrix = 8 * n * (n - 1) / 2
        rows.append({"method": method, "n": n, "added_mb": added / 1e6,
                     "matrix_mb": matrix / 1e6, "share_of_matrix": added / matrix})
    return rows


def bench_dendrogram(n: int) -> dict:
    import fastcluster
    from PySide6 import QtWidgets
    from scipy.cluster.hierarchy import dendrogram

    from widgets.dendrogram import DendrogramCanvas

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    z = fastcluster.linkage_vector(data(n), method="ward")
    canvas = DendrogramCanvas()
    canvas.resize(600, 400)
    canvas.show()
    app.processEvents()

    def draw():
        canvas.clear()
        canvas.set_tree(z, n - 1, 3)
        canvas.grab()

    t_ours = best_of(draw, 5)
    t_scipy = best_of(lambda: dendrogram(z, no_plot=True), 3)
    canvas.close()
    return {"leaves": n, "ours_ms": t_ours * 1e3, "scipy_layout_ms": t_scipy * 1e3,
            "ratio": t_ours / t_scipy}


def main() -> None:
    quick = "--quick" in sys.argv
    n = 2_000 if quick else N
    print(f"agglomerative clustering of {n:,} points: our run over the faster of scipy "
          "and fastcluster")
    for r in bench_linkage(n, scipy_too=True):
        print(f"  {r['method']:>6}: ours {r['ours_s']:.2f} s, fastcluster "
              f"{r['fastcluster_s']:.2f} s, scipy {r['scipy_s']:.2f} s: "
              f"ratio {r['ratio']:.2f} (goal ≤ 1.2)")
    print("memory our run adds (peak resident set during the run, fresh process)")
    for r in bench_memory(n):
        print(f"  {r['method']:>6}: {r['added_mb']:.0f} MB, against {r['matrix_mb']:.0f} MB "
              f"for all pairwise distances ({r['share_of_matrix']:.1%})")
    r = bench_dendrogram(n)
    print(f"dendrogram of {r['leaves']:,} leaves: ours {r['ours_ms']:.1f} ms (layout and "
          f"paint) against scipy's layout alone {r['scipy_layout_ms']:.1f} ms: ratio "
          f"{r['ratio']:.2f} (goal < 100 ms)")


if __name__ == "__main__":
    main()
