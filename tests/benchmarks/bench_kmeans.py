"""What watching costs: stepped k-means against one scikit-learn fit; fastcluster against scipy.

    python -m tests.benchmarks.bench_kmeans

1. k-means on 2-D blobs (k = 8), both from the same k-means++ centres and for the same
   number of iterations (scikit-learn's own count to convergence): the time of our run,
   every snapshot consumed, over one `KMeans(n_init=1, algorithm="lloyd")` fit. Best of 5,
   interleaved.
2. Hierarchical clustering of 5,000 points: `fastcluster.linkage_vector` (single, ward)
   against `scipy.cluster.hierarchy.linkage`. Best of 5.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

K = 8
REPEATS = 5


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def blobs(n: int) -> np.ndarray:
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=n, centers=K, n_features=2, cluster_std=1.5, random_state=0)
    return X


def bench_kmeans(n: int) -> dict:
    from sklearn.cluster import KMeans as SkKMeans

    from engine.clustering.kmeans import initial_centres, lloyd_steps

    X = blobs(n)
    centres = initial_centres(X, K, "k-means++", seed=0)

    def sklearn_fit(max_iter):
        return SkKMeans(K, init=centres, n_init=1, algorithm="lloyd", tol=0,
                        max_iter=max_iter).fit(X)

    n_iter = sklearn_fit(1000).n_iter_
    ours_last = [None]

    def ours():
        for snap in lloyd_steps(X, centres, n_iter):
            ours_last[0] = snap

    # Interleaved, so both see the same load on a shared machine; the best of each counts.
    t_sk, t_ours = float("inf"), float("inf")
    for _ in range(REPEATS):
        t_sk = min(t_sk, best_of(lambda: sklearn_fit(n_iter), 1))
        t_ours = min(t_ours, best_of(ours, 1))
    snaps = ours_last[0].step
    return {"n": n, "iterations": n_iter, "snapshots": snaps, "sklearn_s": t_sk,
            "ours_s": t_ours, "ratio": t_ours / t_sk}


def bench_linkage(n: int = 5000) -> list[dict]:
    import fastcluster
    from scipy.cluster.hierarchy import linkage

    X = np.random.default_rng(0).normal(size=(n, 2))
    rows = []
    for method in ("single", "ward"):
        t_fc = best_of(lambda m=method: fastcluster.linkage_vector(X, method=m))
        t_sp = best_of(lambda m=method: linkage(X, method=m))
        rows.append({"method": method, "n": n, "fastcluster_s": t_fc, "scipy_s": t_sp,
                     "ratio": t_fc / t_sp})
    return rows


def main() -> None:
    from engine.clustering.kmeans import best_kernels

    print(f"k-means kernel: {best_kernels().name}, threads: {best_kernels().n_threads}")
    for n in (100_000, 1_000_000):
        r = bench_kmeans(n)
        print(f"k-means n={r['n']:>9,}  iterations={r['iterations']:>3}  "
              f"snapshots={r['snapshots']:>3}  sklearn {r['sklearn_s']:.3f} s  "
              f"ours {r['ours_s']:.3f} s  ratio ours/sklearn = {r['ratio']:.2f}")
    for r in bench_linkage():
        print(f"linkage {r['method']:<6} n={r['n']:,}  fastcluster {r['fastcluster_s']:.3f} s  "
              f"scipy {r['scipy_s']:.3f} s  ratio fastcluster/scipy = {r['ratio']:.2f}")


if __name__ == "__main__":
    main()
