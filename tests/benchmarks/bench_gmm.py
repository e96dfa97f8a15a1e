"""What watching EM costs: our stepped Gaussian mixture against one scikit-learn fit.

    python -m tests.benchmarks.bench_gmm

100,000 points in 2-D (five blobs), five components, for each covariance type: both start
from the same parameters (ours from a k-means partition; scikit-learn given them as
weights_init, means_init and precisions_init) and run the same number of iterations
(max_iter = 50, tol = 0, n_init = 1). Ours consumes every snapshot (two per iteration, each
with the (n, k) float32 responsibilities). Best of 5, interleaved; the ratio is ours over
scikit-learn's.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

N, K, ITERATIONS, REPEATS = 100_000, 5, 50, 5


def data(n: int = N) -> np.ndarray:
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=n, centers=K, n_features=2, cluster_std=[1.0, 1.5, 0.5, 2.0,
                      1.0], random_state=0)
    return X


def _precisions(covariances: np.ndarray, kind: str) -> np.ndarray:
    return np.linalg.inv(covariances) if kind in ("full", "tied") else 1.0 / covariances


def bench(X: np.ndarray, kind: str, iterations: int = ITERATIONS) -> dict:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    from engine.clustering import gmm

    em = gmm.EM(X, kind)
    start = em.initial(gmm.initial_responsibilities(X, K, "k-means", seed=0))
    init = {"weights_init": start.weights, "means_init": start.means + em.offset,
            "precisions_init": _precisions(start.covariances, kind)}

    def sklearn_fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return GaussianMixture(K, covariance_type=kind, max_iter=iterations, tol=0,
                                   n_init=1, **init).fit(X)

    last = [None]

    def ours():
        for snap in gmm.em_steps(X, start, kind, iterations, tol=0, em=gmm.EM(X, kind)):
            last[0] = snap

    t_sk = t_ours = float("inf")
    for _ in range(REPEATS):  # interleaved, so both see the same load on a shared machine
        t0 = time.perf_counter()
        fitted = sklearn_fit()
        t_sk = min(t_sk, time.perf_counter() - t0)
        t0 = time.perf_counter()
        ours()
        t_ours = min(t_ours, time.perf_counter() - t0)
    gap = float(np.abs(last[0].means - fitted.means_).max())
    return {"kind": kind, "sklearn_s": t_sk, "ours_s": t_ours, "ratio": t_ours / t_sk,
            "snapshots": last[0].step, "mean_gap": gap}


def main() -> None:
    X = data()
    print(f"GMM n={len(X):,} d={X.shape[1]} K={K} iterations={ITERATIONS}")
    for kind in ("full", "diag", "spherical", "tied"):
        r = bench(X, kind)
        print(f"  {r['kind']:<9}  sklearn {r['sklearn_s']:.3f} s  ours {r['ours_s']:.3f} s "
              f"({r['snapshots']} snapshots)  ratio ours/sklearn = {r['ratio']:.2f}  "
              f"max |Δmean| = {r['mean_gap']:.1e}")


if __name__ == "__main__":
    main()
