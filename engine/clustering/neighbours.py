"""Neighbour searches for the density methods, done as scikit-learn's DBSCAN does them.

`neighbourhoods` asks scikit-learn's `NearestNeighbors` for every point's eps-neighbourhood
(a k-d tree for Euclidean, Manhattan and Chebyshev; brute force for cosine), the very call
`sklearn.cluster.DBSCAN` makes, so the core points are the same to the last tie.
`k_distances` is each point's distance to its k-th nearest point, itself the first.
`mean_neighbours` estimates the neighbourhood size from a sample, so a run whose
neighbourhoods would not fit in memory is stopped before it starts.
"""

from __future__ import annotations

import numpy as np

from engine import distances

SAMPLE = 200  # points whose neighbourhoods estimate the mean size
CHUNK = 50_000  # rows per block of sample-to-data distances
COLUMNS = 20_000  # data points the sample is measured against: the estimate stays cheap


def _model(metric: str, **kwargs):
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors(metric=distances.sklearn_name(metric), **kwargs)


def neighbourhoods(X: np.ndarray, eps: float, metric: str) -> np.ndarray:
    """An object array of n index arrays: the points within eps of each (itself included)."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    return _model(metric, radius=eps).fit(X).radius_neighbors(X, return_distance=False)


def k_distances(X: np.ndarray, k: int, metric: str) -> np.ndarray:
    """Each point's distance to its k-th nearest point, counting itself as the first."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    k = min(int(k), len(X))
    dist, _ = _model(metric, n_neighbors=k).fit(X).kneighbors(X)
    return np.ascontiguousarray(dist[:, -1])


def mean_neighbours(X: np.ndarray, eps: float, metric: str, seed: int = 0) -> float:
    """The mean number of points within eps of a point (itself included), from a random
    sample of at most `SAMPLE` points counted among at most `COLUMNS` others and scaled up:
    a few milliseconds even on a million points, so the window may ask on every change."""
    from scipy.spatial.distance import cdist

    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    rng = np.random.default_rng(seed)
    rows = rng.choice(n, size=min(SAMPLE, n), replace=False)
    cols = np.arange(n) if n <= COLUMNS else np.sort(rng.choice(n, size=COLUMNS, replace=False))
    counts = np.zeros(len(rows))
    for start in range(0, len(cols), CHUNK):
        d = cdist(X[rows], X[cols[start:start + CHUNK]], distances.scipy_name(metric))
        counts += np.count_nonzero(d <= eps, axis=1)
    return float(counts.mean()) * n / len(cols)
