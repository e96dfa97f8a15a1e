"""How far the data's distances are from the ultrametric a dendrogram turns them into.

A tree's cophenetic distance (the height at which two points first share a cluster) is an
ultrametric: every triple has d(x,y) ≤ max(d(x,z), d(y,z)) for each of its three pairs, so
the two largest of its three distances are equal. The data's own distances rarely are: the
share of triples whose distances break that inequality says how much any tree must bend
them, and the cophenetic correlation how well this tree kept them in order. All triples are
checked for small n; above that a seeded random sample of them, and the result says which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine import distances
from engine.cancellable import call_cancellable

MAX_EXACT_TRIPLES = 1_000_000  # every triple up to n = 182 points
SAMPLE_TRIPLES = 200_000
# Broken: the largest distance exceeds the second by more than 5 % of it. Real-valued data
# break the exact inequality in nearly every triple, which says nothing; by 5 % tells apart
# data with clusters (most triples nearly isosceles) from data without.
RTOL = 0.05


@dataclass(frozen=True)
class UltrametricReport:
    """The cophenetic correlation and the share of triples breaking the inequality, for the
    original distances and for the tree's (which break none)."""

    cophenetic: float
    broken: float
    broken_tree: float
    triples: int
    exact: bool
    excess: float  # mean over the triples of (largest − second largest) / largest distance

    def describe(self) -> str:
        """One sentence for the run's message."""
        how = "all" if self.exact else "a random sample of"
        if not self.triples:
            return "fewer than three points: no triple to check"
        return (f"{self.broken:.1%} of {how} {self.triples:,} triples of points break "
                f"d(x,y) ≤ max(d(x,z), d(y,z)) by more than {RTOL:.0%} in the original "
                f"distances (the largest of the three exceeds the second by "
                f"{self.excess:.1%} on average), {self.broken_tree:.1%} in the tree's "
                "cophenetic distances")


def n_triples(n: int) -> int:
    return n * (n - 1) * (n - 2) // 6


def _pair_index(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Positions of pairs i < j in a condensed (scipy pdist) distance vector."""
    i, j = i.astype(np.int64), j.astype(np.int64)
    return n * i - i * (i + 1) // 2 + (j - i - 1)


def _excess(d_ij: np.ndarray, d_ik: np.ndarray, d_jk: np.ndarray) -> np.ndarray:
    """How much each triple's largest distance exceeds its second largest, as a share of the
    largest: 0 where the ultrametric inequality holds (its two largest are equal)."""
    three = np.sort(np.stack([d_ij, d_ik, d_jk]), axis=0)
    gap = three[2] - three[1]
    out = np.divide(gap, three[2], out=np.zeros_like(gap), where=three[2] > 0)
    out[gap <= RTOL * np.abs(three[2])] = 0.0
    return out


def _tally(condensed, ij, ik, jk, counts, excess) -> None:
    for c, d in enumerate(condensed):
        e = _excess(d[ij], d[ik], d[jk])
        counts[c] += int(np.count_nonzero(e))
        excess[c] += float(e.sum())


def sample_triples(n: int, m: int, seed: int) -> np.ndarray:
    """m random triples (i < j < k) of distinct points, from this seed."""
    rng = np.random.default_rng(seed)
    out = np.empty((0, 3), np.int64)
    while len(out) < m:
        draw = rng.integers(0, n, size=(2 * (m - len(out)) + 16, 3))
        draw = draw[(draw[:, 0] != draw[:, 1]) & (draw[:, 0] != draw[:, 2])
                    & (draw[:, 1] != draw[:, 2])]
        out = np.concatenate([out, draw])
    return np.sort(out[:m], axis=1)


def broken_counts(condensed: tuple[np.ndarray, ...], n: int, seed: int = 0,
                  max_exact: int = MAX_EXACT_TRIPLES, sample: int = SAMPLE_TRIPLES,
                  cancelled: Callable[[], bool] = lambda: False
                  ) -> tuple[list[int], list[float], int, bool] | None:
    """For each condensed distance vector, how many triples break the inequality and the sum
    of their relative excesses; then how many were checked and whether that was all of them.
    None when cancelled."""
    counts, excess = [0] * len(condensed), [0.0] * len(condensed)
    total = n_triples(n)
    if total <= max_exact:
        for k in range(2, n):  # every triple i < j < k, one k at a time
            if cancelled():
                return None
            i, j = np.triu_indices(k, 1)
            ij, ik, jk = (_pair_index(n, i, j), _pair_index(n, i, np.full_like(i, k)),
                          _pair_index(n, j, np.full_like(j, k)))
            _tally(condensed, ij, ik, jk, counts, excess)
        return counts, excess, total, True
    t = sample_triples(n, sample, seed)
    ij, ik, jk = (_pair_index(n, t[:, 0], t[:, 1]), _pair_index(n, t[:, 0], t[:, 2]),
                  _pair_index(n, t[:, 1], t[:, 2]))
    if cancelled():
        return None
    _tally(condensed, ij, ik, jk, counts, excess)
    return counts, excess, len(t), False


def pearson(a: np.ndarray, b: np.ndarray, chunk: int = 1 << 20) -> float:
    """The correlation of two long vectors, centred a chunk at a time (np.corrcoef would copy
    both: 800 MB at 10,000 points); nan when either is constant."""
    if a.size < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    ma, mb = float(a.mean()), float(b.mean())
    saa = sbb = sab = 0.0
    for start in range(0, a.size, chunk):
        da, db = a[start:start + chunk] - ma, b[start:start + chunk] - mb
        saa += float(da @ da)
        sbb += float(db @ db)
        sab += float(da @ db)
    return float(sab / np.sqrt(saa * sbb))


def report(linkage: np.ndarray, X: np.ndarray, metric: str = "euclidean", seed: int = 0,
           cancelled: Callable[[], bool] = lambda: False, **limits) -> UltrametricReport | None:
    """The ultrametric check of this tree of the rows of X (None when cancelled)."""
    from scipy.cluster.hierarchy import cophenet

    z = np.asarray(linkage, dtype=np.float64)
    original = distances.pdist(X, metric)
    tree = cophenet(z)
    n = z.shape[0] + 1
    coph = pearson(original, tree)
    if cancelled():
        return None
    found = broken_counts((original, tree), n, seed, cancelled=cancelled, **limits)
    if found is None:
        return None
    (broken, broken_tree), (excess, _), checked, exact = found
    if checked == 0:  # fewer than three points: nothing to break
        return UltrametricReport(coph, 0.0, 0.0, 0, True, 0.0)
    return UltrametricReport(coph, broken / checked, broken_tree / checked, checked, exact,
                             excess / checked)


def tree_fields(linkage: np.ndarray, X: np.ndarray, metric: str, max_points: int,
                cancelled: Callable[[], bool] = lambda: False) -> tuple[dict, str] | None:
    """The check as a finished `Tree` snapshot's fields, and a sentence for its message;
    skipped above `max_points` (it holds two n(n−1)/2 distance vectors). None when cancelled."""
    n = np.asarray(linkage).shape[0] + 1
    if n > max_points:
        return {}, (f"cophenetic correlation and ultrametric check not computed above "
                    f"{max_points:,} points")
    done, found = call_cancellable(lambda: report(linkage, X, metric, cancelled=cancelled),
                                   cancelled)
    if not done or found is None:
        return None
    fields = {"cophenetic": found.cophenetic, "broken_triples": found.broken,
              "broken_triples_tree": found.broken_tree, "triples_checked": found.triples,
              "triples_exact": found.exact, "triples_excess": found.excess}
    coph = (f"cophenetic correlation {found.cophenetic:.3f} (how well the tree's heights keep "
            "the distances)" if np.isfinite(found.cophenetic) else
            "cophenetic correlation undefined (all distances or heights are equal)")
    return fields, f"{coph}; {found.describe()}"
