"""Scores that judge a clustering, for every clustering method: one place computes them all.

With the true classes: purity, the adjusted Rand index and the normalised mutual information
(arithmetic-mean normalisation, scikit-learn's default). Without: the silhouette, per point
and its mean. All equal scikit-learn's (`adjusted_rand_score`, `normalized_mutual_info_score`,
`silhouette_samples`), in numpy alone, so the window never imports scikit-learn for them.

Noise (label -1, from density methods or a tree still growing): for the class scores it is
one more group, exactly as scikit-learn scores the raw labels; the silhouette leaves noise
points out (they belong to no cluster, so "their cluster" has no meaning).

The silhouette needs every pairwise distance, O(n²): it is computed in row chunks (memory
bounded by `CHUNK_CELLS`) and, above `MAX_SILHOUETTE` points, on a seeded random subsample
of that many, as scikit-learn's `silhouette_score(sample_size=...)` does; the result says
how many points it used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_SILHOUETTE = 5_000
CHUNK_CELLS = 2_000_000  # distances held at once: 16 MB of float64


# ---------------------------------------------------------------- class scores


def contingency(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Counts n_ij of points in group i of `a` and group j of `b` (labels any integers)."""
    _, ia = np.unique(np.asarray(a), return_inverse=True)
    _, ib = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((ia.max() + 1 if ia.size else 0, ib.max() + 1 if ib.size else 0))
    np.add.at(table, (ia.ravel(), ib.ravel()), 1)
    return table


def purity(classes: np.ndarray, labels: np.ndarray) -> float:
    """Share of points in their cluster's majority class (1: every cluster is one class)."""
    table = contingency(labels, classes)
    return float(table.max(axis=1).sum() / table.sum()) if table.size else float("nan")


def adjusted_rand(classes: np.ndarray, labels: np.ndarray) -> float:
    """Rand index corrected for chance: 0 for random labels, 1 for the same partition."""
    table = contingency(classes, labels)
    n = table.sum()

    def pairs(x):
        return float((x * (x - 1)).sum() / 2)

    sum_cells = pairs(table)
    sum_a, sum_b = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    total = n * (n - 1) / 2
    expected = sum_a * sum_b / total if total else 0.0
    top = (sum_a + sum_b) / 2
    if top == expected:  # both trivial (one group, or all singletons): scikit-learn says 1
        return 1.0
    return float((sum_cells - expected) / (top - expected))


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def normalized_mutual_info(classes: np.ndarray, labels: np.ndarray) -> float:
    """Mutual information over the arithmetic mean of the two entropies (0 to 1)."""
    table = contingency(classes, labels)
    if table.shape[0] == table.shape[1] == 1 or table.size == 0:
        return 1.0  # scikit-learn: two single-group labelings agree perfectly
    n = table.sum()
    h_a, h_b = _entropy(table.sum(axis=1)), _entropy(table.sum(axis=0))
    nz = table > 0
    outer = np.outer(table.sum(axis=1), table.sum(axis=0))
    mi = float((table[nz] / n * np.log(table[nz] * n / outer[nz])).sum())
    mi = max(mi, 0.0)
    denom = (h_a + h_b) / 2
    return float(mi / denom) if denom > 0 else 1.0


# ---------------------------------------------------------------- silhouette


def silhouette_values(X: np.ndarray, labels: np.ndarray,
                      cancelled: Callable[[], bool] = lambda: False) -> np.ndarray | None:
    """s(i) = (b - a) / max(a, b) per point, Euclidean, in chunks of rows; 0 in a cluster of
    one point (as scikit-learn). None if cancelled."""
    X = np.asarray(X, dtype=np.float64)
    _, inv = np.unique(labels, return_inverse=True)
    inv = inv.ravel()
    m, k = inv.size, int(inv.max()) + 1 if inv.size else 0
    onehot = np.zeros((m, k))
    onehot[np.arange(m), inv] = 1.0
    sizes = onehot.sum(axis=0)
    sq = np.einsum("ij,ij->i", X, X)
    out = np.empty(m)
    rows = max(1, CHUNK_CELLS // max(m, 1))
    for start in range(0, m, rows):
        if cancelled():
            return None
        stop = min(start + rows, m)
        d2 = sq[start:stop, None] + sq[None, :] - 2.0 * (X[start:stop] @ X.T)
        np.maximum(d2, 0.0, out=d2)
        d = np.sqrt(d2, out=d2)
        d[np.arange(stop - start), np.arange(start, stop)] = 0.0
        sums = d @ onehot  # (chunk, k): total distance to each cluster
        own = inv[start:stop]
        own_size = sizes[own]
        a = sums[np.arange(stop - start), own] / np.maximum(own_size - 1, 1)
        mean_other = sums / sizes
        mean_other[np.arange(stop - start), own] = np.inf
        b = mean_other.min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = (b - a) / np.maximum(a, b)
        s[own_size <= 1] = 0.0
        out[start:stop] = np.nan_to_num(s)
    return out


def silhouette_rows(labels: np.ndarray, max_points: int = MAX_SILHOUETTE,
                    seed: int = 0) -> np.ndarray:
    """The points the silhouette is computed on: every one not noise, or a seeded random
    sample of `max_points` of them (sorted)."""
    rows = np.flatnonzero(np.asarray(labels) >= 0)
    if rows.size > max_points:
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=max_points, replace=False))
    return rows


# ---------------------------------------------------------------- all of them


@dataclass(frozen=True, eq=False)
class Scores:
    """The scores of one clustering. Class scores are NaN without classes; the silhouette
    is NaN (with `silhouette_note` saying why) when it is undefined."""

    n_points: int
    n_clusters: int
    n_noise: int
    purity: float = float("nan")
    ari: float = float("nan")
    nmi: float = float("nan")
    silhouette: float = float("nan")
    silhouette_note: str = ""
    # The points the silhouette used (indices into the data), their labels and values.
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    row_labels: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    values: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def n_used(self) -> int:
        return int(self.rows.size)

    @property
    def has_classes(self) -> bool:
        return not np.isnan(self.ari)

    def sample_text(self) -> str:
        """Where the silhouette comes from: 'silhouette on 5,000 of 100,000 points'."""
        if self.n_used == self.n_points:
            return f"silhouette on all {self.n_points:,} points"
        return f"silhouette on {self.n_used:,} of {self.n_points:,} points"

    def summary(self) -> str:
        """One line for a title or a message."""
        parts = []
        if self.has_classes:
            parts.append(f"purity {self.purity:.2f} · ARI {self.ari:.2f} · NMI {self.nmi:.2f}")
        if np.isnan(self.silhouette):
            parts.append(f"silhouette undefined ({self.silhouette_note})")
        else:
            on = self.sample_text().removeprefix("silhouette on ")
            parts.append(f"silhouette {self.silhouette:.2f} ({on})")
        if self.n_noise:
            parts.append(f"{self.n_noise:,} noise points")
        return " · ".join(parts)

    def table(self) -> tuple[list[str], list[tuple]]:
        """(header, rows) of score, value and note: the CSV export's scores table."""
        rows = [("clusters", self.n_clusters, ""), ("noise points", self.n_noise,
                 "one group for purity, ARI and NMI; left out of the silhouette")]
        if self.has_classes:
            rows += [("purity", self.purity, ""), ("adjusted Rand index", self.ari, ""),
                     ("normalised mutual information", self.nmi, "arithmetic mean")]
        rows.append(("silhouette", self.silhouette, self.silhouette_note or self.sample_text()))
        return ["score", "value", "note"], rows


def compute_scores(X: np.ndarray, labels: np.ndarray, classes: np.ndarray | None = None,
                   max_points: int = MAX_SILHOUETTE, seed: int = 0,
                   cancelled: Callable[[], bool] = lambda: False) -> Scores | None:
    """Every score of this labelling; the silhouette on at most `max_points` points.
    None if cancelled. Same inputs and seed, same numbers (the export relies on it)."""
    labels = np.asarray(labels).ravel()
    n = labels.size
    noise = int(np.count_nonzero(labels < 0))
    n_clusters = int(np.unique(labels[labels >= 0]).size)
    class_scores = {}
    if classes is not None and n:
        classes = np.asarray(classes).ravel()
        class_scores = dict(purity=purity(classes, labels), ari=adjusted_rand(classes, labels),
                            nmi=normalized_mutual_info(classes, labels))
    rows = silhouette_rows(labels, max_points, seed)
    used = labels[rows]
    k_used = int(np.unique(used).size)
    if k_used < 2 or k_used > rows.size - 1:
        note = ("fewer than 2 clusters" if k_used < 2
                else "every point is a cluster of its own")
        return Scores(n, n_clusters, noise, **class_scores, silhouette_note=note)
    values = silhouette_values(np.asarray(X)[rows], used, cancelled)
    if values is None:
        return None
    return Scores(n, n_clusters, noise, **class_scores, silhouette=float(values.mean()),
                  rows=rows, row_labels=used, values=values)
