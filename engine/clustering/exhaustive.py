"""The globally optimal k-means partition of a tiny set, by trying every partition.

k-means only promises a local minimum of J = Σᵢ ‖xᵢ − μ_c(i)‖². On at most `MAX_POINTS`
points every partition into K non-empty clusters can be tried: they are the restricted growth
strings (the first point is in cluster 0, and each later point joins a cluster already used
or opens the next one), S(n, K) of them, a Stirling number of the second kind. J is computed
for a batch of partitions at once, from the cluster sums: J = Σ‖x‖² − Σ_k ‖S_k‖² / n_k.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from engine.params import Choice, Int, seed_param
from engine.protocol import Algorithm, OptimalPartition, frozen
from engine.registry import register

MAX_POINTS = 12  # S(12, K) ≤ 1.4 million for every K: a few seconds
MAX_CLUSTERS = 6
BATCH = 20_000  # partitions scored at once: bounds the (batch, n, K) one-hot array
FRAMES = 40  # snapshots while searching


# ---------------------------------------------------------------- counting and enumerating


@cache
def stirling2(n: int, k: int) -> int:
    """S(n, k), how many ways n labelled points split into k non-empty clusters:
    S(n, k) = k·S(n−1, k) + S(n−1, k−1) (the last point joins a cluster, or is one)."""
    if n == k:
        return 1
    if k == 0 or k > n:
        return 0
    return k * stirling2(n - 1, k) + stirling2(n - 1, k - 1)


def count_text(n: int, k: int) -> str:
    """S(n, k) as a person reads it: exactly when small, else its power of ten (≈ kⁿ/k!)."""
    if n <= 60:
        return f"{stirling2(n, k):,}"
    exponent = n * math.log10(k) - math.log10(math.factorial(k)) if k > 1 else 0.0
    return f"about 10^{exponent:.0f}"


def partitions(n: int, k: int) -> np.ndarray:
    """Every partition of n points into k non-empty clusters, as restricted growth strings
    (S(n, k) rows of n labels, int8), in lexicographic order. Built a position at a time:
    a prefix whose largest label is m may go on with 0..m+1, if enough positions remain to
    open the clusters still missing."""
    if not 1 <= k <= n:
        return np.zeros((0, n), np.int8)
    prefix = np.zeros((1, 1), np.int8)
    top = np.zeros(1, np.int64)  # the largest label of each prefix
    values = np.arange(k)
    for i in range(1, n):
        remaining = n - 1 - i
        new_top = np.maximum(top[:, None], values[None, :])
        ok = (values[None, :] <= top[:, None] + 1) & (new_top + 1 + remaining >= k)
        rows, vals = np.nonzero(ok)  # row-major: children stay in lexicographic order
        prefix = np.column_stack([prefix[rows], vals.astype(np.int8)])
        top = new_top[rows, vals]
    return prefix


def objectives(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """J of each row of labels (m, n), from the clusters' sums: Σ‖x‖² − Σ_k ‖S_k‖² / n_k
    (X is centred first, so no digits are lost to a far-away mean)."""
    Xc = np.asarray(X, np.float64) - np.asarray(X, np.float64).mean(axis=0)
    onehot = (labels[:, :, None] == np.arange(k)).astype(np.float64)  # (m, n, k)
    counts = onehot.sum(axis=1)  # (m, k)
    members = onehot.transpose(0, 2, 1)  # (m, k, n)
    if Xc.shape[1] <= Xc.shape[0]:
        sums = members @ Xc  # (m, k, d)
        squares = np.einsum("mkd,mkd->mk", sums, sums)
    else:  # more features than points: ‖S_k‖² from the n × n Gram matrix costs less
        squares = ((members @ (Xc @ Xc.T)) * members).sum(axis=2)
    between = squares / np.maximum(counts, 1)
    return float(np.einsum("nd,nd->", Xc, Xc)) - between.sum(axis=1)


def centres_of(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """The mean of each cluster (k, d)."""
    X = np.asarray(X, np.float64)
    return np.stack([X[labels == j].mean(axis=0) for j in range(k)])


def j_of(X: np.ndarray, labels: np.ndarray, k: int) -> float:
    """J measured directly: Σᵢ ‖xᵢ − μ_c(i)‖²."""
    X = np.asarray(X, np.float64)
    return float(((X - centres_of(X, labels, k)[labels]) ** 2).sum())


def aligned(labels: np.ndarray, reference: np.ndarray, k: int) -> np.ndarray:
    """`labels` renumbered so that as many points as possible keep their `reference` label
    (every permutation of k ≤ 6 labels is tried): the same cluster gets the same colour."""
    import itertools

    labels = np.asarray(labels, np.int64)
    overlap = np.zeros((k, k), np.int64)
    np.add.at(overlap, (labels, np.asarray(reference, np.int64)), 1)
    best = max(itertools.permutations(range(k)),
               key=lambda p: overlap[np.arange(k), list(p)].sum())
    return np.asarray(best, np.int64)[labels]


# ---------------------------------------------------------------- k-means beside


def kmeans_answers(X, k: int, init: str, seeds, ctx):
    """k-means's labels (seeds, n) and J from each seed, as the k-means method would end
    from that seed (None when cancelled)."""
    from engine.clustering.kmeans import final_run

    labels, js = [], []
    for seed in seeds:
        run = final_run(X, k, init, int(seed), 100, ctx)
        if run is None:
            return None
        labels.append(np.asarray(run.labels, np.int64))
        js.append(j_of(X, labels[-1], k) if np.unique(labels[-1]).size == k
                  else float(run.objective))
    return np.array(labels), np.array(js)


# ---------------------------------------------------------------- the algorithm



@register
class ExhaustivePartition(Algorithm):
    id = "exhaustive"
    name = "Globally optimal partition (exhaustive)"
    family = "Clustering"
    summary = ("For at most 12 points: try every partition into K clusters and keep the one "
               "with the least J, then compare k-means's answers from several seeds.")
    objective = "minimise J = Σᵢ ‖xᵢ − μ_c(i)‖² over all S(n, K) partitions: the global minimum"
    params = (
        Int(name="n_clusters", label="clusters K", default=3, low=1, high=MAX_CLUSTERS,
            help=f"Clusters K (at most {MAX_CLUSTERS}). At most {MAX_POINTS} points: "
                 f"S(12, 3) = {stirling2(12, 3):,}, S(12, 4) = {stirling2(12, 4):,}, "
                 f"S(12, 6) = {stirling2(12, 6):,} partitions, a few seconds. A larger set "
                 "is offered a random subsample."),
        Int(name="n_seeds", label="k-means seeds", default=10, low=1, high=30,
            help="k-means is run from this many seeds (seed, seed + 1, …); each one's J is "
                 "listed, and how many reached the optimum."),
        Choice(name="init", label="k-means start", default="random",
               options=("random", "k-means++"),
               help="How each k-means run starts: K data points at random (falls into local "
                    "minima more often) or k-means++."),
        seed_param(),
    )
    snapshot_type = OptimalPartition
    libraries = ("sklearn",)

    def check(self, dataset, params):
        k = params["n_clusters"]
        if k > dataset.n:
            raise ValueError(f"cannot split {dataset.n} points into {k} non-empty clusters: "
                             f"choose K of at most {dataset.n}")

    def max_points(self, dataset, params):
        return MAX_POINTS

    def too_many_points(self, n, params):
        k = params["n_clusters"]
        return (f"The exhaustive search tries every partition: n = {n:,} points into {k} "
                f"clusters is S({n:,}, {k}) = {count_text(n, k)} partitions. It takes at most "
                f"{MAX_POINTS} points (S({MAX_POINTS}, {k}) = "
                f"{stirling2(MAX_POINTS, k):,}).")

    def run(self, dataset, params, ctx):
        X, n, k = dataset.X, dataset.n, params["n_clusters"]
        if ctx.cancelled():
            return
        seeds = np.arange(params["n_seeds"]) + params["seed"]
        ctx.progress(0.0, f"k-means from {len(seeds)} seeds")
        answers = kmeans_answers(X, k, params["init"], seeds, ctx)
        if answers is None:
            return
        km_labels, km_j = (frozen(a) for a in answers)
        ctx.check()
        every = partitions(n, k)
        total = len(every)
        per_frame = max(1, math.ceil(total / FRAMES))
        best_j, best = np.inf, every[0]
        trace, at = [], []
        for start in range(0, total, per_frame):
            stop = min(start + per_frame, total)
            for lo in range(start, stop, BATCH):
                ctx.check()
                chunk = every[lo:min(lo + BATCH, stop)]
                js = objectives(X, chunk, k)
                i = int(np.argmin(js))
                if js[i] < best_j:  # strictly: among equals, the first found stays
                    best_j, best = float(js[i]), chunk[i]
            trace.append(best_j)
            at.append(stop)
            ctx.progress(stop / total, f"{stop:,} of {total:,} partitions")
            yield self._snapshot(X, k, best, stop, total, trace, at, km_labels, km_j, seeds)

    def _snapshot(self, X, k, best, searched, total, trace, at, km_labels, km_j, seeds):
        labels = frozen(best.astype(np.int64))
        J = j_of(X, labels, k)
        done = searched == total
        reached = int(np.sum(km_j <= J + 1e-9 * max(1.0, J)))
        if done:
            message = (f"all {total:,} partitions into {k} clusters searched (S({len(X)}, {k})): "
                       f"the optimum has J = {J:.4g}; k-means reached it from {reached} of "
                       f"{len(km_j)} seeds (its J ranged {km_j.min():.4g} to {km_j.max():.4g})")
        else:
            message = (f"{searched:,} of {total:,} partitions searched: the best so far has "
                       f"J = {J:.4g}")
        return OptimalPartition(
            step=len(trace), message=message, labels=labels,
            centres=frozen(centres_of(X, labels, k)), objective=J, searched=int(searched),
            total=int(total), trace=frozen(np.array(trace)),
            searched_trace=frozen(np.array(at, dtype=np.int64)), kmeans_labels=km_labels,
            kmeans_objective=km_j, kmeans_seeds=frozen(seeds.copy()),
            phase="done" if done else "search")
