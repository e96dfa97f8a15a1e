"""The distances every distance-based method takes its metric from.

One name per metric, spelled for people ("manhattan", not scipy's "cityblock"); this module
translates it for scipy's `pdist`/`cdist`, fastcluster and scikit-learn, and says what input
each metric refuses (a point at the origin for cosine, a constant row for correlation,
non-binary data for Hamming) with the row at fault.
"""

from __future__ import annotations

import numpy as np

# Metrics on vectors, in the order the forms list them.
VECTOR_METRICS = ("euclidean", "manhattan", "chebyshev", "minkowski", "cosine", "correlation",
                  "hamming")
# The metrics a clustering form offers by default (minkowski needs its r, hamming binary data).
COMMON_METRICS = ("euclidean", "manhattan", "chebyshev", "cosine")

_SCIPY = {"euclidean": "euclidean", "manhattan": "cityblock", "chebyshev": "chebyshev",
          "minkowski": "minkowski", "cosine": "cosine", "correlation": "correlation",
          "hamming": "hamming"}
# fastcluster spells Chebyshev its own way.
_FASTCLUSTER = {**_SCIPY, "chebyshev": "chebychev"}
# scikit-learn's NearestNeighbors / DBSCAN names.
_SKLEARN = {"euclidean": "euclidean", "manhattan": "manhattan", "chebyshev": "chebyshev",
            "minkowski": "minkowski", "cosine": "cosine", "correlation": "correlation",
            "hamming": "hamming"}


def scipy_name(metric: str) -> str:
    """The metric as scipy's `pdist` and `cdist` spell it."""
    return _SCIPY[_known(metric)]


def fastcluster_name(metric: str) -> str:
    """The metric as fastcluster's `linkage_vector` spells it."""
    return _FASTCLUSTER[_known(metric)]


def sklearn_name(metric: str) -> str:
    """The metric as scikit-learn's neighbour searches spell it."""
    return _SKLEARN[_known(metric)]


def _known(metric: str) -> str:
    if metric not in _SCIPY:
        raise ValueError(f"unknown metric {metric!r} (known: {', '.join(VECTOR_METRICS)})")
    return metric


def minkowski_r(metric: str, r: float = 2.0) -> float:
    """The Minkowski exponent a metric stands for (∞ for Chebyshev)."""
    return {"euclidean": 2.0, "manhattan": 1.0, "chebyshev": np.inf}.get(metric, float(r))


def check(X: np.ndarray, metric: str) -> None:
    """Raise ValueError naming the first row on which this metric is undefined."""
    _known(metric)
    if metric == "cosine":
        bad = np.flatnonzero(~np.asarray(X).any(axis=1))
        if bad.size:
            raise ValueError(f"the cosine distance is undefined for a point at the origin "
                             f"(row {bad[0] + 1}); choose another metric")
    elif metric == "correlation":
        bad = np.flatnonzero(np.ptp(np.asarray(X), axis=1) == 0)
        if bad.size:
            raise ValueError(f"the correlation distance is undefined for a row whose values "
                             f"are all equal (row {bad[0] + 1}); choose another metric")
    elif metric == "hamming":
        X = np.asarray(X)
        bad = np.argwhere((X != 0) & (X != 1))
        if bad.size:
            row, col = bad[0]
            raise ValueError(f"the Hamming distance needs binary data (0 or 1), but row "
                             f"{row + 1}, column {col + 1} holds {X[row, col]:g}")


def pdist(X: np.ndarray, metric: str, r: float = 2.0) -> np.ndarray:
    """The n(n−1)/2 distances between the rows of X (scipy's condensed order)."""
    from scipy.spatial.distance import pdist as scipy_pdist

    X = np.asarray(X, dtype=np.float64)
    if metric == "minkowski":
        if np.isinf(r):
            return scipy_pdist(X, "chebyshev")
        return scipy_pdist(X, "minkowski", p=float(r))
    return scipy_pdist(X, scipy_name(metric))


def square(X: np.ndarray, metric: str, r: float = 2.0) -> np.ndarray:
    """The full n × n distance matrix between the rows of X."""
    from scipy.spatial.distance import squareform

    return squareform(pdist(X, metric, r))
