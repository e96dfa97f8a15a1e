"""Agglomerative (hierarchical) clustering: the tree grows merge by merge.

fastcluster computes the whole linkage at once (its `linkage_vector` needs no distance
matrix for single and Ward linkage); the run then shows the merges in at most about 60
frames. The pure functions `cut`, `partial_labels`, `height_for_k` and `k_for_height` turn a
linkage into flat clusters for the views and the draggable cut line.
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs, distances
from engine.cancellable import call_cancellable
from engine.clustering import ultrametric
from engine.params import Choice, Int
from engine.protocol import Algorithm, Tree
from engine.registry import register

LINKAGES = ("single", "complete", "average", "ward")
METRICS = distances.COMMON_METRICS

# Complete and average linkage need all n(n-1)/2 distances: 1.6 GB at 20,000 points; fewer
# points where less memory is free (engine/big_inputs.py).
MAX_MATRIX_POINTS = 20_000
MATRIX_BYTES_PER_PAIR = 4.0  # n(n-1)/2 float64 distances
# Single and Ward linkage need O(n) memory but O(n²) time: about 7 s at 50,000 points.
MAX_VECTOR_POINTS = 50_000
# The cophenetic correlation and the ultrametric check compare two n(n-1)/2 arrays; skipped
# above this many points.
MAX_COPHENETIC_POINTS = 10_000
MAX_FRAMES = 60


# ---------------------------------------------------------------- the linkage


def needs_matrix(method: str) -> bool:
    """Whether this linkage needs the full distance matrix (fastcluster's vector code lacks it)."""
    return method not in ("single", "ward")


def compute_linkage(X: np.ndarray, method: str = "ward", metric: str = "euclidean") -> np.ndarray:
    """scipy-format linkage matrix (n-1, 4) of the rows of X, computed by fastcluster."""
    import fastcluster

    X = np.ascontiguousarray(X, dtype=np.float64)
    if not needs_matrix(method):
        return fastcluster.linkage_vector(X, method=method,
                                          metric=distances.fastcluster_name(metric))
    return fastcluster.linkage(distances.pdist(X, metric), method=method, preserve_input=False)


# ---------------------------------------------------------------- flat clusters


def _relabel_by_leaf_order(linkage: np.ndarray, raw: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Number the clusters 0, 1, ... as they first appear left to right in the dendrogram,
    so colours follow the tree; points where `keep` is False get -1."""
    from scipy.cluster.hierarchy import leaves_list

    order = leaves_list(linkage)
    seq = raw[order][keep[order]]
    _, first = np.unique(seq, return_index=True)
    ordered = seq[np.sort(first)]
    mapping = np.full(int(raw.max()) + 1, -1, dtype=np.int64)
    mapping[ordered] = np.arange(ordered.size)
    return np.where(keep, mapping[raw], -1)


_last_cut: tuple[np.ndarray, int, np.ndarray] | None = None  # (linkage, k, labels)


def cut(linkage: np.ndarray, k: int) -> np.ndarray:
    """Labels 0..k-1 of the n points when the tree is cut into k clusters (fewer if merge
    heights tie); clusters are numbered left to right as the dendrogram draws them.

    The labels are read-only, and the last answer is kept: the scatter and the dendrogram
    ask for the same cut of the same tree (8 ms at 20,000 points)."""
    global _last_cut
    last = _last_cut
    if last is not None and last[0] is linkage and last[1] == k:
        return last[2]
    from scipy.cluster.hierarchy import fcluster

    z = np.asarray(linkage, dtype=np.float64)
    n = z.shape[0] + 1
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    raw = fcluster(z, int(min(max(k, 1), n)), criterion="maxclust")
    labels = _relabel_by_leaf_order(z, raw, np.ones(n, dtype=bool))
    labels.flags.writeable = False
    _last_cut = (linkage, k, labels)
    return labels


def partial_labels(linkage: np.ndarray, n_merges: int) -> np.ndarray:
    """Labels after only the first n_merges merges: points still on their own get -1,
    the clusters formed so far 0, 1, ... left to right in the dendrogram."""
    z = np.asarray(linkage, dtype=np.float64)
    n = z.shape[0] + 1
    n_merges = int(min(max(n_merges, 0), n - 1))
    if n_merges == 0:
        return np.full(n, -1, dtype=np.int64)
    parent = np.full(n + n_merges, -1, dtype=np.int64)
    children = z[:n_merges, :2].astype(np.int64)
    parent[children[:, 0]] = parent[children[:, 1]] = n + np.arange(n_merges)
    # Top-down over the merged nodes (a parent always comes after its children).
    root = np.arange(n + n_merges)
    par = parent.tolist()
    top = root.tolist()
    for node in range(n + n_merges - 1, n - 1, -1):
        if par[node] >= 0:
            top[node] = top[par[node]]
    root = np.asarray(top, dtype=np.int64)
    leaf_parent = parent[:n]
    raw = np.where(leaf_parent >= 0, root[np.maximum(leaf_parent, 0)], np.arange(n))
    return _relabel_by_leaf_order(z, raw, leaf_parent >= 0)


def height_for_k(linkage: np.ndarray, k: int) -> float:
    """A height whose horizontal cut leaves k clusters: midway between merge n-k and n-k+1."""
    h = np.asarray(linkage, dtype=np.float64)[:, 2]
    n = h.size + 1
    k = int(min(max(k, 1), n))
    if h.size == 0:
        return 0.0
    if k == n:
        return float(h[0] / 2)
    if k == 1:
        top = float(h[-1])
        return top * 1.05 if top > 0 else 1.0
    return float((h[n - k - 1] + h[n - k]) / 2)


def k_for_height(linkage: np.ndarray, height: float) -> int:
    """How many clusters a cut at this height leaves (merges at or below it are done)."""
    h = np.asarray(linkage, dtype=np.float64)[:, 2]
    done = int(np.searchsorted(np.sort(h), height, side="right"))
    return h.size + 1 - done


def frame_merges(n_rows: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """How many merges each frame shows: every merge when few, else evenly spaced batches."""
    if n_rows == 0:
        return np.zeros(1, dtype=np.int64)
    counts = np.linspace(1, n_rows, min(n_rows, max_frames))
    return np.unique(np.round(counts).astype(np.int64))


# ---------------------------------------------------------------- the algorithm


def _merge_message(z: np.ndarray, before: int, after: int) -> str:
    n_rows = z.shape[0]
    a, b, height, _ = z[after - 1]
    n = n_rows + 1
    sizes = [1 if c < n else int(z[int(c) - n, 3]) for c in (a, b)]
    what = (f"clusters {int(a)} and {int(b)} ({sizes[0]} + {sizes[1]} points) "
            f"at height {height:.3g}")
    if after - before == 1:
        return f"merge {after} of {n_rows}: {what}"
    return f"merges {before + 1}–{after} of {n_rows}; the last joined {what}"


@register
class Agglomerative(Algorithm):
    id = "agglomerative"
    name = "Agglomerative (hierarchical)"
    family = "Clustering"
    summary = "Start with every point alone and repeatedly merge the two closest clusters."
    objective = ("no global objective: each step merges the pair of clusters with the smallest "
                 "linkage distance (Ward: the smallest rise in within-cluster variance)")
    params = (
        Choice(name="linkage", default="ward", options=LINKAGES,
               help="How far apart two clusters are: their closest points (single), farthest "
                    "points (complete), mean distance (average), or the rise in variance "
                    "(Ward)."),
        Choice(name="metric", default="euclidean", options=METRICS,
               help="Distance between two points. Ward: Euclidean only."),
        Int(name="n_clusters", label="clusters k", default=3, low=1, high=50,
            help="Where the tree is cut at first; drag the cut line to change it."),
    )
    snapshot_type = Tree
    libraries = ("fastcluster", "scipy.cluster")

    def check(self, dataset, params):
        method, metric, n = params["linkage"], params["metric"], dataset.n
        if method == "ward" and metric != "euclidean":
            raise ValueError(f"Ward linkage works with Euclidean distances only, not {metric}: "
                             "choose the euclidean metric, or single, complete or average "
                             "linkage")
        if n < 2:
            raise ValueError("hierarchical clustering needs at least 2 points")
        if params["n_clusters"] > n:
            raise ValueError(f"cannot cut {n} points into {params['n_clusters']} clusters: "
                             f"choose k of at most {n}")
        distances.check(dataset.X, metric)

    def max_points(self, dataset, params):
        """Complete and average linkage hold all n(n−1)/2 distances (4 bytes per pair of
        points, as float64); single and Ward need O(n) memory but O(n²) time."""
        if needs_matrix(params["linkage"]):
            return big_inputs.points_that_fit(MATRIX_BYTES_PER_PAIR, MAX_MATRIX_POINTS)
        return MAX_VECTOR_POINTS

    def too_many_points(self, n, params):
        method = params["linkage"]
        if needs_matrix(method):
            need = MATRIX_BYTES_PER_PAIR * float(n) ** 2
            room = big_inputs.MEMORY_SHARE * big_inputs.available_bytes()
            return (f"{method.capitalize()} linkage on {n:,} points needs all pairwise "
                    f"distances, {big_inputs.size_text(need)}; this machine has "
                    f"{big_inputs.size_text(room)} to "
                    "spare (single and Ward linkage need no distance matrix).")
        return f"{method.capitalize()} linkage of {n:,} points would take many minutes."

    def run(self, dataset, params, ctx):
        method, metric = params["linkage"], params["metric"]
        if ctx.cancelled():
            return
        ctx.progress(0.0, f"computing the {method} linkage of {dataset.n:,} points")
        done, z = call_cancellable(lambda: compute_linkage(dataset.X, method, metric),
                                   ctx.cancelled)
        if not done:
            return
        z.flags.writeable = False
        n_rows = z.shape[0]
        frames = frame_merges(n_rows)
        before = 0
        for i, after in enumerate(frames[:-1]):
            if ctx.cancelled():
                return
            ctx.progress(after / n_rows, f"merge {after} of {n_rows}")
            yield Tree(step=i + 1, message=_merge_message(z, before, after), linkage=z,
                       n_merges=int(after), method=method, metric=metric)
            before = after
        ctx.progress(before / max(n_rows, 1), "cophenetic correlation and ultrametric check")
        checked = ultrametric.tree_fields(z, dataset.X, metric, MAX_COPHENETIC_POINTS,
                                          ctx.cancelled)
        if checked is None:
            return
        fields, note = checked
        ctx.progress(1.0, "done")
        last = _merge_message(z, before, n_rows) if n_rows else "a single point"
        yield Tree(step=len(frames), message=f"{last}. Done: {note}", linkage=z,
                   n_merges=n_rows, method=method, metric=metric, **fields)
