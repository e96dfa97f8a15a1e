"""HDBSCAN in stages: core distances, the mutual reachability tree, the condensed tree, the
clusters that last.

scikit-learn's `HDBSCAN` computes the answer (labels and membership probabilities) and its
single-linkage tree. The stages drawn on the way are written here, for teaching, and tested
against it: each point's core distance (to its min_samples-th nearest point, itself the
first); the minimum spanning tree of the mutual reachability distance max(core(a), core(b),
d(a, b)), grown by Prim's algorithm one point at a time (O(n) memory); the single-linkage
tree condensed to clusters of at least min_cluster_size points (Campello, Moulavi and
Sander, 2013); each cluster's stability Σ (λ_leave − λ_birth) over its points, λ = 1 /
distance; and the clusters chosen by excess of mass (or the leaves). The clusters chosen
here give scikit-learn's labels exactly.
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs, distances
from engine.cancellable import call_cancellable
from engine.clustering import neighbours
from engine.params import Choice, Int
from engine.protocol import Algorithm, DensityTree, frozen
from engine.registry import register

METRICS = distances.COMMON_METRICS
SELECTIONS = ("eom", "leaf")
MAX_POINTS = 15_000  # Prim's tree (numpy, ~5 s here) and scikit-learn's: n² distances each
BRUTE_BYTES_PER_PAIR = 16.0  # cosine: scikit-learn holds the n×n matrix and a copy
MST_FRAMES = 40


# ---------------------------------------------------------------- the spanning tree


def _distances_to(X: np.ndarray, x: np.ndarray, metric: str) -> np.ndarray:
    """Distances from the point x to every row of X (both unit length for cosine)."""
    diff = X - x
    if metric == "euclidean":
        return np.sqrt(np.einsum("ij,ij->i", diff, diff))
    if metric == "manhattan":
        return np.abs(diff).sum(axis=1)
    if metric == "chebyshev":
        return np.abs(diff).max(axis=1)
    return np.maximum(1.0 - X @ x, 0.0)  # cosine


def mutual_reachability_mst(X: np.ndarray, core: np.ndarray, metric: str,
                            check=lambda: None) -> tuple[np.ndarray, np.ndarray]:
    """Prim's minimum spanning tree of max(core(a), core(b), d(a, b)): edges (n − 1, 2) and
    weights, shortest first. Each step joins the point nearest the tree so far; only the
    points still outside are kept (and measured), so the work halves as the tree grows."""
    X = np.asarray(X, dtype=np.float64)
    if metric == "cosine":
        X = X / np.linalg.norm(X, axis=1, keepdims=True)
    n = len(X)
    edges = np.empty((n - 1, 2), dtype=np.int64)
    weights = np.empty(n - 1)
    # The points outside the tree sit in the first m rows of these copies; a point joining
    # the tree swaps places with the last of them, so each step reads one contiguous block.
    out = np.arange(n)
    Xo, core_o = X.copy(), np.array(core, dtype=np.float64)
    best = np.full(n, np.inf)  # their reach to the tree so far
    best_from = np.zeros(n, dtype=np.int64)
    m, current, xc, cc = n, 0, Xo[0].copy(), float(core_o[0])
    _swap(0, n - 1, out, Xo, core_o, best, best_from)
    for step in range(n - 1):
        if step % 512 == 0:
            check()
        m -= 1
        reach = _distances_to(Xo[:m], xc, metric)
        np.maximum(reach, core_o[:m], out=reach)
        np.maximum(reach, cc, out=reach)
        closer = reach < best[:m]
        best[:m][closer] = reach[closer]
        best_from[:m][closer] = current
        j = int(np.argmin(best[:m]))
        current, xc, cc = int(out[j]), Xo[j].copy(), float(core_o[j])
        edges[step] = best_from[j], current
        weights[step] = best[j]
        _swap(j, m - 1, out, Xo, core_o, best, best_from)
    order = np.argsort(weights, kind="stable")
    return edges[order], weights[order]


def _swap(i: int, j: int, *arrays: np.ndarray) -> None:
    """Exchange rows i and j of every array."""
    for a in arrays:
        a[[i, j]] = a[[j, i]]


# ---------------------------------------------------------------- the condensed tree


def _points_under(hierarchy: np.ndarray, node: int, n: int) -> list[int]:
    """The points (leaves) below a node of the single-linkage tree."""
    out, stack = [], [node]
    while stack:
        x = stack.pop()
        if x < n:
            out.append(x)
        else:
            stack.extend((int(hierarchy[x - n, 0]), int(hierarchy[x - n, 1])))
    return out


def condense(hierarchy: np.ndarray, min_cluster_size: int):
    """The single-linkage tree (scipy format: a, b, distance, size) condensed: walking down
    from the root, a split into two parts of at least `min_cluster_size` points makes two new
    clusters; a smaller part falls out as single points, the larger part keeps its parent's
    id. Returns (parent, child, lambda, size) arrays, one row per child that leaves a
    cluster; clusters are numbered from n (the root), points are 0 … n − 1."""
    hierarchy = np.asarray(hierarchy, dtype=np.float64)
    n = len(hierarchy) + 1
    root = 2 * n - 2
    relabel = {root: n}
    next_id = n + 1
    rows: list[tuple[int, int, float, int]] = []
    todo = [root]  # breadth first, as scikit-learn walks
    for node in todo:
        if node < n or node not in relabel:
            continue
        a, b, dist, _ = hierarchy[node - n]
        a, b = int(a), int(b)
        lam = 1.0 / dist if dist > 0 else np.inf
        size = [int(hierarchy[c - n, 3]) if c >= n else 1 for c in (a, b)]
        parent = relabel[node]
        big = [s >= min_cluster_size for s in size]
        for child, child_size, keep in zip((a, b), size, big, strict=True):
            if all(big):
                relabel[child] = next_id
                rows.append((parent, next_id, lam, child_size))
                next_id += 1
                todo.append(child)
            elif keep:
                relabel[child] = parent  # the larger part goes on as the same cluster
                todo.append(child)
            else:
                rows.extend((parent, p, lam, 1) for p in _points_under(hierarchy, child, n))
    p, c, lam, s = (np.array(col) for col in zip(*rows, strict=True))
    return p.astype(np.int64), c.astype(np.int64), lam.astype(np.float64), s.astype(np.int64)


def stabilities(parent, child, lam, size, n: int) -> np.ndarray:
    """Each cluster's stability Σ (λ when a point or child leaves − λ when the cluster was
    born) × size, for cluster ids n, n + 1, …; the root is born at λ = 0."""
    n_ids = int(max(parent.max(), child.max())) + 1 - n
    birth = np.zeros(n_ids)
    is_cluster = child >= n
    birth[child[is_cluster] - n] = lam[is_cluster]
    return np.bincount(parent - n, weights=(lam - birth[parent - n]) * size, minlength=n_ids)


def select(parent, child, stability: np.ndarray, n: int, method: str = "eom") -> np.ndarray:
    """The cluster ids chosen, ascending. Excess of mass: from the leaves up, a cluster is
    kept when it is at least as stable as its chosen descendants together, else they are
    kept (and stand for it above). Leaf: the clusters that never split. The root never."""
    links = child >= n
    kids: dict[int, list[int]] = {}
    for p, c in zip(parent[links].tolist(), child[links].tolist(), strict=True):
        kids.setdefault(p, []).append(c)
    ids = range(n + 1, n + len(stability))
    if method == "leaf":
        leaves = [c for c in ids if c not in kids]
        return np.array(leaves if leaves else [], dtype=np.int64)
    best = stability.copy()
    chosen = set()
    for c in sorted(ids, reverse=True):
        below = sum(best[k - n] for k in kids.get(c, ()))
        if below > best[c - n]:
            best[c - n] = below
        else:
            chosen.add(c)
            chosen -= _descendants(kids, c)
    return np.array(sorted(chosen), dtype=np.int64)


def _descendants(kids: dict[int, list[int]], c: int) -> set[int]:
    out, stack = set(), list(kids.get(c, ()))
    while stack:
        x = stack.pop()
        out.add(x)
        stack.extend(kids.get(x, ()))
    return out


def labels_from(parent, child, selected: np.ndarray, n: int) -> np.ndarray:
    """Each point's label: the chosen cluster above it (numbered 0, 1, … in id order), or −1
    when none is (it fell out of the root, or of clusters never chosen)."""
    n_ids = int(max(parent.max(), child.max())) + 1
    up = np.full(n_ids, -1, dtype=np.int64)
    up[child] = parent
    label_of = np.full(n_ids, -1, dtype=np.int64)
    label_of[selected] = np.arange(len(selected))
    # Clusters come after their parents in id order: pass the chosen label down.
    for c in range(n + 1, n_ids):
        if label_of[c] < 0:
            label_of[c] = label_of[up[c]]
    return label_of[up[:n]]


# ---------------------------------------------------------------- the algorithm



def _sklearn_fit(X, params):
    from sklearn.cluster import HDBSCAN

    model = HDBSCAN(min_cluster_size=params["min_cluster_size"],
                    min_samples=params["min_samples"],
                    metric=distances.sklearn_name(params["metric"]),
                    cluster_selection_method=params["selection"], copy=True)
    model.fit(X)
    slt = model._single_linkage_tree_
    hierarchy = np.column_stack([slt["left_node"], slt["right_node"], slt["value"],
                                 slt["cluster_size"]]).astype(np.float64)
    return model.labels_.astype(np.int64), model.probabilities_, hierarchy


@register
class HDBSCANClustering(Algorithm):
    id = "hdbscan"
    name = "HDBSCAN"
    family = "Clustering"
    summary = ("DBSCAN at every eps at once: a tree of density levels, condensed, and the "
               "clusters that persist longest kept.")
    objective = ("maximise the total stability Σ_C Σ_{x∈C} (λ_x − λ_birth(C)) of the chosen "
                 "clusters, λ = 1 / mutual reachability distance")
    params = (
        Int(name="min_cluster_size", label="min cluster size", default=10, low=2, high=500,
            help="The fewest points a cluster may have; smaller groups are noise."),
        Int(name="min_samples", label="min samples", default=5, low=1, high=100,
            help="Points (itself included) that set a point's core distance: larger values "
                 "call more points noise."),
        Choice(name="metric", default="euclidean", options=METRICS,
               help="Distance between two points."),
        Choice(name="selection", label="cluster selection", default="eom", options=SELECTIONS,
               help="Excess of mass (eom): the most persistent clusters; leaf: the smallest "
                    "clusters of the condensed tree."),
    )
    snapshot_type = DensityTree
    libraries = ("sklearn",)

    def check(self, dataset, params):
        n = dataset.n
        if n < 3:
            raise ValueError("HDBSCAN needs at least 3 points")
        for name in ("min_cluster_size", "min_samples"):
            if params[name] > n:
                raise ValueError(f"{name.replace('_', ' ')} {params[name]} is more than the "
                                 f"{n} points: choose at most {n}")
        distances.check(dataset.X, params["metric"])

    def max_points(self, dataset, params):
        if params["metric"] == "cosine":  # scikit-learn holds the whole matrix
            return big_inputs.points_that_fit(BRUTE_BYTES_PER_PAIR, MAX_POINTS)
        return MAX_POINTS

    def too_many_points(self, n, params):
        return (f"HDBSCAN on {n:,} points compares every pair of points ({n * n / 2:,.0f} "
                "distances) to build its tree: many minutes.")

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        X, n, metric = dataset.X, dataset.n, params["metric"]
        k = params["min_samples"]
        ctx.progress(0.0, "core distances")
        done, core = call_cancellable(lambda: neighbours.k_distances(X, k, metric),
                                      ctx.cancelled)
        if not done:
            return
        core = frozen(core, copy=True)
        none = frozen(np.full(n, -1, dtype=np.int64), copy=True)
        zero = frozen(np.zeros(n), copy=True)
        base = dict(core_distances=core, min_cluster_size=params["min_cluster_size"],
                    min_samples=k, metric=metric, selection=params["selection"])
        blank = dict(mst_edges=np.empty((0, 2), np.int64), mst_weights=np.empty(0))
        yield DensityTree(step=1, phase="core", labels=none, probabilities=zero, **blank,
                          **base, message=(
                              f"core distances: each point's distance to its {k}th nearest "
                              f"point (itself the first); from {core.min():.3g} in the "
                              f"densest places to {core.max():.3g}, median "
                              f"{np.median(core):.3g}"))
        ctx.progress(0.1, "the mutual reachability spanning tree")
        done, mst = call_cancellable(
            lambda: mutual_reachability_mst(X, np.asarray(core), metric, ctx.check),
            ctx.cancelled)
        if not done:
            return
        edges, weights = frozen(mst[0], copy=True), frozen(mst[1], copy=True)
        tree = dict(mst_edges=edges, mst_weights=weights)
        frames = np.unique(np.linspace(1, n - 1, min(n - 1, MST_FRAMES)).round().astype(int))
        for i, shown in enumerate(frames):
            if ctx.cancelled():
                return
            yield DensityTree(step=2 + i, phase="mst", n_edges=int(shown), labels=none,
                              probabilities=zero, **tree, **base, message=(
                                  f"spanning tree of the mutual reachability distance "
                                  f"max(core(a), core(b), d(a, b)): {shown} of {n - 1} edges, "
                                  f"shortest first; the last is {weights[shown - 1]:.3g} long"))
        yield from self._clusters(X, n, params, ctx, tree, base, 2 + len(frames), none, zero)

    def _clusters(self, X, n, params, ctx, tree, base, step, none, zero):
        ctx.progress(0.7, "scikit-learn's HDBSCAN")
        done, fit = call_cancellable(lambda: _sklearn_fit(X, params), ctx.cancelled)
        if not done:
            return
        labels, probabilities, hierarchy = fit
        parent, child, lam, size = condense(hierarchy, params["min_cluster_size"])
        stab = stabilities(parent, child, lam, size, n)
        chosen = select(parent, child, stab, n, params["selection"])
        cond = dict(tree_parent=frozen(parent, copy=True), tree_child=frozen(child, copy=True),
                    tree_lambda=frozen(lam, copy=True), tree_size=frozen(size, copy=True),
                    stability=frozen(stab, copy=True),
                    n_edges=n - 1, **tree, **base)
        n_split = int(np.count_nonzero(child >= n))
        yield DensityTree(step=step, phase="condensed", labels=none, probabilities=zero,
                          **cond, message=(
                              f"condensed tree: walking down the spanning tree from the "
                              f"longest edge, {n_split} splits leave two parts of at least "
                              f"{params['min_cluster_size']} points each ({len(stab)} clusters "
                              f"in all); smaller parts fall out as points"))
        if ctx.cancelled():
            return
        k = len(chosen)
        noise = int(np.count_nonzero(labels < 0))
        how = ("the most stable (excess of mass)" if params["selection"] == "eom" else
               "the leaves of the condensed tree")
        ctx.progress(1.0, "done")
        yield DensityTree(step=step + 1, phase="done", labels=frozen(labels, copy=True),
                          probabilities=frozen(probabilities, copy=True),
                          selected=frozen(chosen, copy=True),
                          **cond, message=self._done(k, how, [stab[c - n] for c in chosen],
                                                     noise))

    @staticmethod
    def _done(k: int, how: str, stabilities: list[float], noise: int) -> str:
        if k == 0:
            return (f"Done: no cluster holds its points long enough; all {noise} points are "
                    "noise (try a smaller min cluster size or min samples)")
        shown = sorted(stabilities, reverse=True)[:8]
        # A cluster of duplicate points lives from λ = 1/0: its stability is infinite.
        values = ", ".join("∞ (duplicate points)" if s == float("inf") else f"{s:.3g}"
                           for s in shown)
        more = f" (the {len(shown)} largest)" if len(shown) < k else ""
        return (f"Done: {k} cluster{'s' if k != 1 else ''} chosen, {how}, of stability "
                f"{values}{more}; {noise} noise points; a point's membership probability is "
                "how long it stays in its cluster")
