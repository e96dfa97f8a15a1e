"""Divisive (top-down) clustering by bisecting k-means, one split per snapshot.

All points start in one cluster; each step picks a cluster (the one with the largest SSE, or
the one with the most points, as scikit-learn's `BisectingKMeans` with bisecting_strategy
"biggest_inertia" or "largest_cluster") and splits it in two with 2-means
(engine/clustering/kmeans.py, Euclidean). The tree so far is emitted as a scipy linkage so
the agglomerative dendrogram draws it: each current cluster's points are joined at height 0
(below the leaves nothing was computed) and each split sits at the SSE of the cluster it
split. A part of a cluster has an SSE no larger than the cluster's, so the tree is monotone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.clustering import kmeans, ultrametric
from engine.params import Choice, Int, seed_param
from engine.protocol import Algorithm, Divisive, Partition, frozen
from engine.registry import register

STRATEGIES = ("biggest_inertia", "largest_cluster")
# The cophenetic correlation and ultrametric check hold two n(n−1)/2 vectors: skipped above.
MAX_CHECK_POINTS = 10_000


@dataclass
class Node:
    """A cluster of the tree: its points, their mean and SSE, and its children once split."""

    rows: np.ndarray
    mean: np.ndarray
    sse: float
    split_at: int = -1  # the step that split it (-1: a leaf)
    left: Node | None = None
    right: Node | None = None

    def leaves(self) -> list[Node]:
        if self.left is None:
            return [self]
        return self.left.leaves() + self.right.leaves()

    def splits(self) -> list[Node]:
        if self.left is None:
            return []
        return [self, *self.left.splits(), *self.right.splits()]


def node_of(X: np.ndarray, rows: np.ndarray) -> Node:
    part = X[rows]
    mean = part.mean(axis=0)
    diff = part - mean
    return Node(rows=rows, mean=mean, sse=float(np.einsum("ij,ij->", diff, diff)))


def cluster_means(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The mean of each cluster 0..max(labels) (an empty one at the origin)."""
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sums = np.stack([np.bincount(labels, weights=X[:, j], minlength=k)
                     for j in range(X.shape[1])], axis=1)
    return sums / np.maximum(counts, 1)[:, None]


def splittable(node: Node) -> bool:
    """2-means can split only a cluster of at least two distinct points."""
    return node.left is None and node.rows.size >= 2 and node.sse > 0


def pick(leaves: list[Node], strategy: str) -> Node | None:
    """The leaf to split next: the first with the largest score, as scikit-learn picks."""
    best, best_score = None, None
    for leaf in leaves:
        if not splittable(leaf):
            continue
        score = leaf.sse if strategy == "biggest_inertia" else leaf.rows.size
        if best_score is None or score > best_score:
            best, best_score = leaf, score
    return best


def bisect(X: np.ndarray, node: Node, init: str, seeds: list[int], max_iter: int, ctx
           ) -> Partition | None:
    """The best of len(seeds) 2-means runs on the node's points (least J), or None when
    cancelled."""
    best = None
    for seed in seeds:
        run = kmeans.final_run(X[node.rows], 2, init, seed, max_iter, ctx)
        if run is None:
            return None
        # As scikit-learn: a later run must be better by more than rounding to replace it.
        if best is None or run.objective < best.objective * (1 - 1e-6):
            best = run
    return best


def linkage_of(root: Node, n: int) -> np.ndarray:
    """The tree so far as a scipy linkage (n − 1, 4): each leaf's points joined in a chain at
    height 0, then the splits from the lowest SSE up (children always before parents)."""
    z = np.empty((n - 1, 4))
    row = 0
    ids: dict[int, int] = {}
    for leaf in root.leaves():
        rows = np.sort(leaf.rows)
        m = rows.size
        if m == 1:
            ids[id(leaf)] = int(rows[0])
            continue
        r = np.arange(row, row + m - 1)
        z[r, 0] = np.concatenate([[rows[0]], n + r[:-1]])
        z[r, 1] = rows[1:]
        z[r, 2] = 0.0
        z[r, 3] = np.arange(2, m + 1)
        row += m - 1
        ids[id(leaf)] = n + row - 1
    # Lowest SSE first; a child (split later) before its parent should their SSEs tie.
    for node in sorted(root.splits(), key=lambda s: (s.sse, -s.split_at)):
        z[row] = (ids[id(node.left)], ids[id(node.right)], node.sse, node.rows.size)
        ids[id(node)] = n + row
        row += 1
    return z


def leaf_labels(z: np.ndarray, root: Node, n: int) -> tuple[np.ndarray, list[Node]]:
    """Each point's leaf, numbered 0, 1, ... left to right as the dendrogram draws them (as
    `hierarchical.cut` numbers them), and the leaves in that order."""
    from scipy.cluster.hierarchy import leaves_list

    leaves = root.leaves()
    raw = np.empty(n, np.int64)
    for i, leaf in enumerate(leaves):
        raw[leaf.rows] = i
    seq = raw[leaves_list(z)]
    _, first = np.unique(seq, return_index=True)
    ordered = seq[np.sort(first)]
    mapping = np.empty(len(leaves), np.int64)
    mapping[ordered] = np.arange(len(leaves))
    return mapping[raw], [leaves[i] for i in ordered]



def _split_message(s: int, k: int, node: Node, strategy: str, before: float, after: float
                   ) -> str:
    m, a, b = node.rows.size, node.left.rows.size, node.right.rows.size
    which = (f"the cluster with the largest SSE ({node.sse:.4g}, {m} points)"
             if strategy == "biggest_inertia" else
             f"the largest cluster ({m} points, SSE {node.sse:.4g})")
    return (f"split {s} of {k - 1}: {which} cut in two by 2-means into {a} + {b} points; "
            f"total SSE fell from {before:.4g} to {after:.4g}")


@register
class DivisiveClustering(Algorithm):
    id = "divisive"
    name = "Divisive (bisecting k-means)"
    family = "Clustering"
    summary = "Start with all points in one cluster and repeatedly split one cluster in two."
    objective = ("each split is 2-means on one cluster (Euclidean); the total SSE "
                 "Σ‖xᵢ − μ_c(i)‖² over the clusters falls with every split")
    params = (
        Int(name="n_clusters", label="clusters k", default=3, low=1, high=50,
            help="Split until there are this many clusters (k − 1 splits)."),
        Choice(name="strategy", label="split which cluster", default="biggest_inertia",
               options=STRATEGIES,
               help="biggest_inertia: the cluster with the largest SSE (sum of squared "
                    "distances to its mean); largest_cluster: the one with the most points. "
                    "As scikit-learn's BisectingKMeans."),
        Choice(name="init", default="k-means++", options=("k-means++", "random"),
               help="How each 2-means run picks its two starting centres."),
        Int(name="n_init", label="restarts per split", default=1, low=1, high=10,
            help="2-means runs per split from different seeds; the lowest SSE is kept."),
        Int(name="max_iter", label="max iterations", default=300, low=1, high=1000,
            help="Most assign/update rounds of each 2-means run."),
        seed_param(),
    )
    snapshot_type = Divisive
    libraries = ("sklearn", "scipy.cluster")

    def check(self, dataset, params):
        k = params["n_clusters"]
        if k > dataset.n:
            raise ValueError(f"cannot split {dataset.n} points into {k} clusters: "
                             f"choose k of at most {dataset.n}")

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        X = np.asarray(dataset.X, dtype=np.float64)
        n, k, strategy = X.shape[0], params["n_clusters"], params["strategy"]
        rng = np.random.default_rng(params["seed"])
        root = node_of(X, np.arange(n))
        trace = [root.sse]
        label = "largest SSE" if strategy == "biggest_inertia" else "most points"
        method = f"bisecting k-means ({label} split first)"

        def snapshot(step: int, message: str, **check) -> Divisive:
            z = frozen(linkage_of(root, n))
            labels, leaves = leaf_labels(z, root, n)
            return Divisive(step=step, message=message, linkage=z, n_merges=n - 1,
                            method=method, metric="euclidean", labels=frozen(labels),
                            centres=frozen(np.array([leaf.mean for leaf in leaves])),
                            objective=trace[-1], trace=frozen(np.array(trace)),
                            strategy=strategy, n_clusters=len(leaves), **check)

        pending = snapshot(1, f"start: all {n} points in one cluster, SSE = {root.sse:.4g}")
        for s in range(1, k):
            node = pick(root.leaves(), strategy)
            if node is None:
                pending = replace(pending, message=f"{pending.message}; no cluster has two "
                                                   "distinct points left to split")
                break
            ctx.progress((s - 1) / max(k - 1, 1), f"split {s} of {k - 1}")
            seeds = rng.integers(0, 2**31 - 1, size=params["n_init"]).tolist()
            best = bisect(X, node, params["init"], seeds, params["max_iter"], ctx)
            if best is None:
                return
            yield pending
            labels = np.asarray(best.labels)
            node.left = node_of(X, node.rows[labels == 0])
            node.right = node_of(X, node.rows[labels == 1])
            node.split_at = s
            trace.append(sum(leaf.sse for leaf in root.leaves()))
            pending = snapshot(s + 1, _split_message(s, k, node, strategy, trace[-2],
                                                     trace[-1]))
        if ctx.cancelled():
            return
        ctx.progress(1.0, "cophenetic correlation and ultrametric check")
        checked = ultrametric.tree_fields(pending.linkage, X, "euclidean", MAX_CHECK_POINTS,
                                          ctx.cancelled)
        if checked is None:
            return
        fields, note = checked
        ctx.progress(1.0, "done")
        yield replace(pending, message=f"{pending.message}. Done: {note}", **fields)
