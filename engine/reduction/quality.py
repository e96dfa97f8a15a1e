"""How well an embedding keeps the data's structure: the measures every reduction shows.

Local structure: **trustworthiness** (are the embedding's k nearest neighbours near in the
data? false neighbours are penalised by how far down the data's ranking they are),
**continuity** (the converse: are the data's neighbours kept near?) and **kNN preservation**
(the share of each point's k nearest neighbours that stay its k nearest). Global structure:
**stress**, the mismatch of all pairwise distances after the best uniform scaling of the
embedding (0: every distance kept up to scale), since t-SNE or UMAP coordinates have no
units. Trustworthiness equals scikit-learn's `trustworthiness`.

All need every pairwise distance and its rank, O(n²) memory: above `MAX_POINTS` points they
are computed on a seeded random subsample of that many, as the result says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_POINTS = 2_000
MIN_POINTS = 3  # the measures compare each point's neighbours: fewer have none to compare
DEFAULT_K = 10


@dataclass(frozen=True)
class Quality:
    """The measures of one embedding, on `n_used` of its `n_points` points."""

    trustworthiness: float
    continuity: float
    knn_preservation: float
    stress: float
    k: int
    n_used: int
    n_points: int

    def sample_text(self) -> str:
        if self.n_used == self.n_points:
            return f"all {self.n_points:,} points"
        return f"{self.n_used:,} of {self.n_points:,} points"

    def rows(self) -> list[tuple[str, float, str]]:
        """(measure, value, what it says) in display order."""
        k = self.k
        return [("trustworthiness", self.trustworthiness,
                 f"local: the embedding's {k} nearest are near in the data (1 best)"),
                ("continuity", self.continuity,
                 f"local: the data's {k} nearest stay near (1 best)"),
                (f"{k}-NN preserved", self.knn_preservation,
                 f"local: share of each point's {k} nearest kept (1 best)"),
                ("stress", self.stress, "global: pairwise distances, best scale (0 best)")]

    def short(self) -> str:
        """The four measures in a line short enough for a canvas's title."""
        return (f"T {self.trustworthiness:.2f} · C {self.continuity:.2f} · "
                f"{self.k}-NN {self.knn_preservation:.2f} · stress {self.stress:.2f}")

    def summary(self) -> str:
        return f"{self.short()} ({self.sample_text()})"

    def table(self) -> tuple[list[str], list[tuple]]:
        """The CSV export's quality table."""
        rows = [(name, value, note) for name, value, note in self.rows()]
        rows.append(("points used", self.n_used, self.sample_text()))
        return ["measure", "value", "note"], rows


def plane(Y: np.ndarray) -> np.ndarray:
    """The map a 2-D picture shows of coordinates Y (n, m): its first two columns, a zero
    second one when m is 1."""
    Y = np.asarray(Y, dtype=np.float64)
    return Y[:, :2] if Y.shape[1] >= 2 else np.c_[Y[:, 0], np.zeros(len(Y))]


def measure(X: np.ndarray, Y: np.ndarray, k: int = DEFAULT_K, seed: int = 0,
            max_points: int = MAX_POINTS, input_distances: np.ndarray | None = None
            ) -> Quality:
    """Every measure of the embedding Y (n, m) of the data X (n, d). `input_distances`, an
    (n, n) matrix, replaces the Euclidean distances of X (MDS of a loaded distance table,
    edit distances of words)."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    n = len(Y)
    if n < MIN_POINTS:
        raise ValueError(f"quality measures need at least {MIN_POINTS} points, not {n}")
    rows = np.arange(n)
    if n > max_points:
        rows = np.sort(np.random.default_rng(seed).choice(n, max_points, replace=False))
    k = int(min(k, (len(rows) - 1) // 2)) or 1  # the trustworthiness formula needs k < n/2
    dx = (_square(X[rows]) if input_distances is None
          else np.asarray(input_distances, dtype=np.float64)[np.ix_(rows, rows)])
    dy = _square(Y[rows])
    np.fill_diagonal(dx, np.inf)  # a point is not its own neighbour
    np.fill_diagonal(dy, np.inf)
    near_x, near_y = _nearest(dx, k), _nearest(dy, k)
    m = len(rows)
    return Quality(trustworthiness=_trust(_ranks_of(dx, near_y), k),
                   continuity=_trust(_ranks_of(dy, near_x), k),
                   knn_preservation=_shared(near_x, near_y, k), stress=_stress(dx, dy),
                   k=k, n_used=m, n_points=n)


def _square(A: np.ndarray) -> np.ndarray:
    from scipy.spatial.distance import pdist, squareform

    return squareform(pdist(A))


def _nearest(d: np.ndarray, k: int) -> np.ndarray:
    """Each row's k nearest columns (among equal distances the lowest index first, as a
    stable sort orders them), in no particular order: O(n²), no full sort."""
    kth = np.partition(d, k - 1, axis=1)[:, k - 1:k]
    less, tied = d < kth, d == kth
    room = k - less.sum(axis=1, keepdims=True)
    chosen = less | (tied & (np.cumsum(tied, axis=1) <= room))
    return np.nonzero(chosen)[1].reshape(len(d), k)


def _ranks_of(d: np.ndarray, targets: np.ndarray, chunk: int = 20_000_000) -> np.ndarray:
    """rank[i, t] of column targets[i, t] in row i of d (1 = nearest; ties broken by index,
    as a stable sort of the row would), counted without sorting."""
    n, k = targets.shape
    ranks = np.empty((n, k), dtype=np.int64)
    index = np.arange(d.shape[1])
    step = max(1, chunk // (k * d.shape[1]))
    for start in range(0, n, step):
        rows = d[start:start + step, None, :]
        t = targets[start:start + step, :, None]
        at = np.take_along_axis(d[start:start + step], targets[start:start + step], axis=1)
        before = (rows < at[:, :, None]) | ((rows == at[:, :, None]) & (index < t))
        ranks[start:start + step] = before.sum(axis=2) + 1
    return ranks


def _trust(ranks: np.ndarray, k: int) -> float:
    """1 − the normalised sum, over each point's k nearest in one space, of how far beyond
    rank k they are in the other (Venna and Kaski); `ranks` those ranks, (n, k)."""
    n = len(ranks)
    penalty = np.maximum(ranks - k, 0).sum()
    return float(1.0 - 2.0 / (n * k * (2 * n - 3 * k - 1)) * penalty)


def _shared(near_a: np.ndarray, near_b: np.ndarray, k: int) -> float:
    n = len(near_a)
    hits = sum(np.intersect1d(near_a[i], near_b[i], assume_unique=True).size for i in range(n))
    return float(hits / (n * k))


def _stress(dx: np.ndarray, dy: np.ndarray) -> float:
    """sqrt(Σ(d − s·e)² / Σd²) with the scale s that minimises it (Kruskal's stress-1 after
    the best uniform scaling of the embedding)."""
    upper = np.triu_indices(len(dx), 1)
    d, e = dx[upper], dy[upper]
    dd, ee = float(d @ d), float(e @ e)
    if dd == 0:
        return 0.0
    s = float(d @ e) / ee if ee > 0 else 0.0
    residual = d - s * e  # not dd − 2s·de + s²ee: that cancels to rounding, √ of ~1e-16
    return float(np.sqrt(float(residual @ residual) / dd))
