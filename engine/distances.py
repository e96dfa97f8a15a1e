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


# ---------------------------------------------------------------- strings

# The edit distance compares strings, not rows of numbers: it has no scipy spelling.
EDIT = "edit (Levenshtein)"


def levenshtein(a: str, b: str) -> int:
    """The fewest insertions, deletions and substitutions of one character that turn a into b.

    Wagner and Fischer's table, one row at a time: a row's substitutions and deletions come
    from the row above in one numpy step, and its insertions (each cell one more than the
    cell to its left) are a running minimum: row[j] = j + min over k ≤ j of (t[k] − k)."""
    return int(edit_distances(a, [b])[0])


def _codes(texts) -> tuple[np.ndarray, np.ndarray]:
    """The strings as a padded (m, L) array of code points (−1 past each end) and lengths."""
    lengths = np.fromiter((len(t) for t in texts), np.int64, len(texts))
    codes = np.full((len(texts), max(int(lengths.max(initial=0)), 1)), -1, np.int64)
    for i, t in enumerate(texts):
        codes[i, :len(t)] = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32)
    return codes, lengths


def edit_distances(a: str, texts, codes=None) -> np.ndarray:
    """The edit distance from a to each of `texts`, all at once (one table row per letter
    of a, computed for every string together); `codes` the texts' `_codes`, if made."""
    codes, lengths = _codes(texts) if codes is None else codes
    m, width = codes.shape
    steps = np.arange(width + 1, dtype=np.int64)
    row = np.broadcast_to(steps, (m, width + 1)).copy()
    for i, ch in enumerate(a, start=1):
        t = np.empty_like(row)
        t[:, 0] = i
        np.minimum(row[:, 1:] + 1, row[:, :-1] + (codes != ord(ch)), out=t[:, 1:])
        row = np.minimum.accumulate(t - steps, axis=1) + steps
    return row[np.arange(m), lengths].astype(np.float64)


def edit_matrix(texts, cancelled=None) -> np.ndarray | None:
    """The n × n edit distances between the strings (None if `cancelled()` turned true)."""
    texts = list(texts)
    codes = _codes(texts)
    out = np.zeros((len(texts), len(texts)))
    for i, a in enumerate(texts):
        if cancelled is not None and cancelled():
            return None
        out[i, i + 1:] = edit_distances(a, texts[i + 1:], (codes[0][i + 1:], codes[1][i + 1:]))
    return out + out.T


def check_texts(texts) -> None:
    """Raise ValueError when there are no strings to compare (a table of numbers)."""
    if texts is None:
        raise ValueError("the edit (Levenshtein) distance compares strings, and this data set "
                         "is a table of numbers: load the Words data set or a text file of "
                         "one item a line, or choose another metric")


# ---------------------------------------------------------------- the unit ball


def unit_ball(r: float, n: int = 400) -> np.ndarray:
    """Points of the unit circle of the r-norm, {x in the plane : ‖x‖_r = 1}, as a closed
    curve: the direction at each of n angles (rounded up to a multiple of 8, so the corners
    of r = 1 and r = ∞ are among them) scaled to r-norm 1. r = 1 gives a diamond, 2 a
    circle, ∞ a square."""
    n = max(8, -(-int(n) // 8) * 8)
    theta = np.linspace(0.0, 2.0 * np.pi, n + 1)
    u = np.column_stack([np.cos(theta), np.sin(theta)])
    u[np.abs(u) < 1e-15] = 0.0
    norms = np.linalg.norm(u, ord=float(r), axis=1)
    return u / norms[:, None]
