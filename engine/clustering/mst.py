"""The minimum spanning tree, grown edge by edge in Kruskal's order, and its cut.

Kruskal's algorithm takes the pairs of points shortest first and keeps a pair when it joins
two different trees (a union-find says which tree each point is in). It is written here, for
teaching, for up to `KRUSKAL_MAX` points; above that scipy's `minimum_spanning_tree` finds
the same tree (same total weight) and its edges are sorted into Kruskal's order.

Removing the k − 1 longest edges leaves k trees: exactly the k clusters of single linkage,
since single linkage merges in the same order, at the same heights (Gower and Ross, 1969).
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs, distances
from engine.cancellable import call_cancellable
from engine.clustering.hierarchical import frame_merges
from engine.params import Choice, Int
from engine.protocol import Algorithm, SpanningTree, frozen
from engine.registry import register

METRICS = distances.COMMON_METRICS
KRUSKAL_MAX = 1_500  # the hand-written Kruskal scans up to n(n−1)/2 pairs in Python
MAX_POINTS = 10_000  # scipy's tree on a dense n×n matrix: its time, past the memory
# The square matrix (8 bytes a pair) and scipy's sparse copy of it (12 bytes a pair).
BYTES_PER_PAIR = 20.0
GROW_FRAMES = 50  # frames while the tree grows; the cut takes at most CUT_FRAMES more
CUT_FRAMES = 8


# ---------------------------------------------------------------- Kruskal


class UnionFind:
    """Which tree each point is in: `find` follows parents to the root (halving the path),
    `union` hangs the smaller tree under the larger, so both take nearly constant time."""

    def __init__(self, n: int):
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        """Join the trees of a and b; False when they were one tree already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True


def kruskal(X: np.ndarray, metric: str, check=lambda: None) -> tuple[np.ndarray, np.ndarray]:
    """The tree's n − 1 edges (pairs of rows) and their lengths, shortest first: every pair,
    sorted by distance, kept when it joins two trees. `check()` is called now and then (it
    may raise to stop)."""
    n = len(X)
    d = distances.pdist(X, metric)
    order = np.argsort(d, kind="stable")
    rows, cols = np.triu_indices(n, k=1)  # the condensed order of pdist
    forest = UnionFind(n)
    kept: list[int] = []
    for start in range(0, order.size, 20_000):
        check()
        chunk = order[start:start + 20_000]
        for pair, a, b in zip(chunk.tolist(), rows[chunk].tolist(), cols[chunk].tolist(),
                              strict=True):
            if forest.union(a, b):
                kept.append(pair)
                if len(kept) == n - 1:
                    break
        if len(kept) == n - 1:
            break
    kept_arr = np.asarray(kept, dtype=np.int64)
    edges = np.column_stack([rows[kept_arr], cols[kept_arr]]).astype(np.int64)
    return edges.reshape(-1, 2), d[kept_arr]


def scipy_tree(X: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """The same tree from scipy's `minimum_spanning_tree` on the n × n distance matrix, its
    edges sorted shortest first. A zero in the matrix means "no edge" to scipy, so distances
    of 0 (repeated points) stand in as half the smallest positive distance, which keeps the
    order of the edges."""
    from scipy.sparse.csgraph import minimum_spanning_tree

    D = distances.square(X, metric)
    zero = D == 0
    np.fill_diagonal(zero, False)
    if zero.any():
        positive = D[D > 0]
        D[zero] = positive.min() / 2 if positive.size else 1.0
    tree = minimum_spanning_tree(D).tocoo()
    a, b = np.minimum(tree.row, tree.col), np.maximum(tree.row, tree.col)
    w = np.where(zero[a, b], 0.0, tree.data)
    order = np.lexsort((b, a, w))
    return np.column_stack([a[order], b[order]]).astype(np.int64), w[order]


def spanning_tree(X: np.ndarray, metric: str = "euclidean", check=lambda: None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Edges (n − 1, 2) and weights of a minimum spanning tree, in Kruskal's order."""
    X = np.asarray(X, dtype=np.float64)
    if len(X) <= KRUSKAL_MAX:
        return kruskal(X, metric, check)
    return scipy_tree(X, metric)


# ---------------------------------------------------------------- components


def components(n: int, edges: np.ndarray, alone: int | None = 0) -> np.ndarray:
    """Labels of the trees these edges make: numbered 0, 1, … in order of their first point.
    With `alone=None`, points joined to nothing get −1 (a tree still growing)."""
    forest = UnionFind(n)
    for a, b in np.asarray(edges, dtype=np.int64).reshape(-1, 2).tolist():
        forest.union(a, b)
    roots = np.fromiter((forest.find(i) for i in range(n)), np.int64, n)
    _, first, raw = np.unique(roots, return_index=True, return_inverse=True)
    rank = np.empty(first.size, np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    labels = rank[raw.ravel()]
    if alone is None:
        sizes = np.bincount(labels)
        single = sizes[labels] == 1
        keep = ~single
        _, relabel = np.unique(labels[keep], return_inverse=True)
        labels = np.full(n, -1, np.int64)
        labels[keep] = relabel.ravel()
    return labels


def cut_labels(n: int, edges: np.ndarray, k: int) -> np.ndarray:
    """The k clusters left when the k − 1 longest edges (the last in Kruskal's order) go."""
    k = int(min(max(k, 1), n))
    return components(n, np.asarray(edges)[: n - k])


# ---------------------------------------------------------------- the algorithm



@register
class MinimumSpanningTree(Algorithm):
    id = "mst"
    name = "Minimum spanning tree"
    family = "Clustering"
    summary = ("Join the points by the shortest tree (Kruskal: shortest edges first); cut its "
               "k − 1 longest edges to get single linkage's k clusters.")
    objective = "minimise the total length Σ d(a, b) over the n − 1 edges of a spanning tree"
    params = (
        Choice(name="metric", default="euclidean", options=METRICS,
               help="Distance between two points: the length of an edge."),
        Int(name="n_clusters", label="clusters k", default=3, low=1, high=50,
            help="Cut the k − 1 longest edges: the k trees left are single linkage's k "
                 "clusters."),
    )
    snapshot_type = SpanningTree
    libraries = ()

    def check(self, dataset, params):
        n, k = dataset.n, params["n_clusters"]
        if n < 2:
            raise ValueError("a spanning tree needs at least 2 points")
        if k > n:
            raise ValueError(f"cannot cut {n} points into {k} clusters: choose k of at most {n}")
        distances.check(dataset.X, params["metric"])

    def max_points(self, dataset, params):
        """All n² distances are held (and, above KRUSKAL_MAX, scipy's sparse copy)."""
        return big_inputs.points_that_fit(BYTES_PER_PAIR, MAX_POINTS)

    def too_many_points(self, n, params):
        need = BYTES_PER_PAIR * float(n) ** 2
        room = big_inputs.MEMORY_SHARE * big_inputs.available_bytes()
        return (f"The spanning tree of {n:,} points is built from all pairwise distances, "
                f"{big_inputs.size_text(need)}; this machine has {big_inputs.size_text(room)} "
                "to spare.")

    def run(self, dataset, params, ctx):
        metric, k, n = params["metric"], params["n_clusters"], dataset.n
        if ctx.cancelled():
            return
        how = "Kruskal's algorithm" if n <= KRUSKAL_MAX else "scipy's minimum_spanning_tree"
        ctx.progress(0.0, f"{how} on the {metric} distances of {n:,} points")
        done, tree = call_cancellable(lambda: spanning_tree(dataset.X, metric, ctx.check),
                                      ctx.cancelled)
        if not done:
            return
        edges, weights = (frozen(a) for a in tree)
        total = float(weights.sum())
        frames = frame_merges(n - 1, GROW_FRAMES)
        step, before = 0, 0

        def snap(**fields):
            nonlocal step
            step += 1
            return SpanningTree(step=step, edges=edges, weights=weights, metric=metric,
                                n_clusters=k, total_weight=total, **fields)

        for after in frames:
            if ctx.cancelled():
                return
            ctx.progress(0.8 * after / (n - 1), f"edge {after} of {n - 1}")
            labels = frozen(components(n, edges[:after], alone=None))
            yield snap(n_edges=int(after), labels=labels, phase="grow",
                       message=_grow_message(edges, weights, before, after, total))
            before = after
        cuts = frame_merges(k - 1, CUT_FRAMES) if k > 1 else np.zeros(0, np.int64)
        for i, n_cut in enumerate(cuts):
            if ctx.cancelled():
                return
            labels = frozen(components(n, edges[: n - 1 - n_cut]))
            last = i == len(cuts) - 1
            yield snap(n_edges=n - 1, n_cut=int(n_cut), labels=labels,
                       phase="done" if last else "cut",
                       message=_cut_message(weights, int(n_cut), k, last))
        if k == 1:
            yield snap(n_edges=n - 1, labels=frozen(np.zeros(n, np.int64)), phase="done",
                       message=f"k = 1: nothing cut; the whole tree (total length "
                               f"{total:.4g}) is one cluster")
        ctx.progress(1.0, "done")


def _grow_message(edges, weights, before: int, after: int, total: float) -> str:
    n_rows = len(weights)
    a, b = edges[after - 1]
    what = f"joins points {a} and {b} at distance {weights[after - 1]:.3g}"
    head = (f"edge {after} of {n_rows}" if after - before == 1
            else f"edges {before + 1}–{after} of {n_rows}")
    grown = float(weights[:after].sum())
    tail = (f"; the tree is whole: total length {total:.4g}" if after == n_rows
            else f"; length so far {grown:.4g}")
    return f"{head}, shortest first: the last {what}{tail}"


def _cut_message(weights, n_cut: int, k: int, last: bool) -> str:
    n_rows = len(weights)
    longest = weights[n_rows - n_cut:][::-1]
    lengths = ", ".join(f"{w:.3g}" for w in longest[:6]) + (" …" if n_cut > 6 else "")
    edges = "edge" if n_cut == 1 else "edges"
    text = f"cut the {n_cut} longest {edges} (lengths {lengths}): {n_cut + 1} trees"
    if last:
        text += f": single linkage's {k} clusters"
    return text
