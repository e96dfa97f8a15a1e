"""DBSCAN, grown point by point: the clusters spread through the eps-neighbourhood graph.

The neighbourhoods come from scikit-learn's `NearestNeighbors`, the call its `DBSCAN` makes
(engine/clustering/neighbours.py); the expansion is written here, for teaching, as a
breadth-first search. scikit-learn's `dbscan_inner` scans the points in order and, from each
core point not yet in a cluster, labels everything reachable through core points before it
scans on; a border point within eps of two clusters' cores therefore joins the cluster
started first (the lower label), whatever order each expansion visits its points in. This
search keeps that scan, so its labels equal scikit-learn's exactly, border points included.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from engine import big_inputs, distances
from engine.cancellable import call_cancellable
from engine.clustering import neighbours
from engine.params import Bool, Choice, Float, Int
from engine.protocol import Algorithm, DensityScan, frozen
from engine.registry import register

METRICS = distances.COMMON_METRICS
FRAMES = 120  # frames while the clusters grow (a few more where clusters start)
RECENT = 10  # the core points expanded last, whose eps-balls a frame shows
SIZES_SHOWN = 8  # cluster sizes the last message lists
AUTO_CUT = 0.1  # automatic eps: 10 % of the points lie above it on the k-distance plot
MAX_POINTS = 200_000  # the expansion visits every point in Python: seconds past this
SMALL = 5_000  # up to this many points even a neighbourhood of every point fits
BYTES_PER_PAIR = 8.0  # one int64 index per neighbour
BYTES_PER_POINT = 120.0  # an index array's own overhead, labels, queue


def auto_eps(k_dist: np.ndarray, cut: float = AUTO_CUT) -> float:
    """The eps at which a share `cut` of the points are not core (Orange's default): at the
    k-distance of the point at that place in the sorted plot, zeros (duplicates) left out."""
    ordered = np.sort(k_dist[k_dist > 0])[::-1]
    if ordered.size == 0:
        raise ValueError("every point's k-distance is 0 (min samples 1, or the points "
                         "coincide), so the plot suggests no eps: set eps yourself")
    i = min(round(cut * len(ordered)), len(ordered) - 1)
    # Midway to the next larger distance: no point's k-distance ties with eps, so rounding
    # in the neighbour search cannot move a point across the line.
    return float(ordered[i] if i == 0 else (ordered[i] + ordered[i - 1]) / 2)


def expand(neigh: np.ndarray, core: np.ndarray, check=lambda: None):
    """Yield (labels, scanned, current, queue, started) after each point is taken from the
    queue: the breadth-first growth of the clusters, scikit-learn's scan order kept.

    `labels` is updated in place; `started` is True when `current` began a new cluster."""
    n = len(core)
    labels = np.full(n, -1, dtype=np.int64)
    queued = np.zeros(n, dtype=bool)
    n_clusters = 0
    for seed in range(n):
        if labels[seed] >= 0 or not core[seed]:
            continue
        check()
        queue = deque([seed])
        queued[seed] = True
        started = True
        while queue:
            i = queue.popleft()
            labels[i] = n_clusters
            if core[i]:
                near = neigh[i]
                new = near[(labels[near] < 0) & ~queued[near]]
                queued[new] = True
                queue.extend(new.tolist())
            yield labels, seed + 1, i, queue, started
            started = False
        n_clusters += 1



def fitting_points(dataset, eps: float, metric: str, automatic: bool = False) -> int:
    """The most points whose eps-neighbourhoods fit in memory here, their mean size m
    estimated from a sample of the data. With a fixed eps, n' points hold about m·n'²/n
    pairs; an automatic eps grows as points are left out, keeping about m neighbours each,
    so n' points hold about m·n'."""
    m = max(neighbours.mean_neighbours(dataset.X, eps, metric), 1.0)  # itself, at least
    room = big_inputs.MEMORY_SHARE * big_inputs.available_bytes()
    if automatic:
        fit = int(room / (BYTES_PER_PAIR * m + BYTES_PER_POINT))
    else:
        a, b = BYTES_PER_PAIR * m / dataset.n, BYTES_PER_POINT
        fit = int((-b + math.sqrt(b * b + 4 * a * room)) / (2 * a))
    return max(2, min(MAX_POINTS, fit))


@register
class DBSCAN(Algorithm):
    id = "dbscan"
    name = "DBSCAN"
    family = "Clustering"
    summary = ("Points with at least min_samples neighbours within eps are core; clusters "
               "spread from core to core; what no cluster reaches is noise.")
    objective = ("no objective: a cluster is a maximal set of points density-connected "
                 "through core points (|N_eps(x)| ≥ min_samples)")
    params = (
        Float(name="eps", label="eps", default=0.5, low=0.001, high=1000.0, log=True,
              help="Neighbourhood radius: points within eps of each other are neighbours. "
                   "Used when 'eps from the k-distance plot' is off."),
        Bool(name="auto_eps", label="eps from the k-distance plot", default=True,
             help="Choose eps where 10 % of the points lie above it on the k-distance plot "
                  "(as Orange does); turn off to set eps yourself."),
        Int(name="min_samples", label="min samples", default=5, low=1, high=100,
            help="Points (itself included) a point needs within eps to be a core point."),
        Choice(name="metric", default="euclidean", options=METRICS,
               help="Distance between two points."),
    )
    snapshot_type = DensityScan
    libraries = ("sklearn",)

    def check(self, dataset, params):
        if dataset.n < 2:
            raise ValueError("DBSCAN needs at least 2 points")
        if params["min_samples"] > dataset.n:
            raise ValueError(f"min samples {params['min_samples']} is more than the "
                             f"{dataset.n} points: choose at most {dataset.n}")
        distances.check(dataset.X, params["metric"])

    def max_points(self, dataset, params):
        """The neighbourhoods hold one index per pair of neighbours: with a large eps nearly
        n² of them. Their mean size is estimated from a sample of the data."""
        if dataset.n <= SMALL or params["auto_eps"]:
            return MAX_POINTS  # an automatic eps is checked once found, in run
        return fitting_points(dataset, params["eps"], params["metric"])

    def too_many_points(self, n, params):
        return (f"DBSCAN on {n:,} points with eps = {params['eps']:g} would find too many "
                "neighbours to hold in memory (or take many minutes); a smaller eps needs "
                "fewer.")

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        X, n, k, metric = dataset.X, dataset.n, params["min_samples"], params["metric"]
        ctx.progress(0.0, f"distance of each point to its {k}th nearest")
        done, k_dist = call_cancellable(lambda: neighbours.k_distances(X, k, metric),
                                        ctx.cancelled)
        if not done:
            return
        eps = auto_eps(k_dist) if params["auto_eps"] else params["eps"]
        if (params["auto_eps"] and n > SMALL
                and (fit := fitting_points(dataset, eps, metric, automatic=True)) < n):
            raise ValueError(f"{self.too_many_points(n, params | {'eps': eps})} Use at most "
                             f"{fit:,} points (a random subsample), or set eps yourself.")
        ctx.progress(0.05, f"the eps-neighbourhood of every point (eps = {eps:.4g})")
        done, neigh = call_cancellable(lambda: neighbours.neighbourhoods(X, eps, metric),
                                       ctx.cancelled)
        if not done:
            return
        sizes = np.fromiter((len(a) for a in neigh), np.int64, n)
        core = frozen(sizes >= k, copy=True)
        k_dist = frozen(k_dist, copy=True)
        base = dict(core=core, eps=eps, min_samples=k, metric=metric, k_distances=k_dist)
        how = ("chosen where 10 % of the points lie above it on the k-distance plot"
               if params["auto_eps"] else "as set")
        yield DensityScan(step=1, phase="neighbourhoods", labels=frozen(np.full(n, -1), copy=True),
                          message=(f"eps = {eps:.4g} ({how}), min samples = {k}: "
                                   f"{int(core.sum())} of {n} points are core (at least {k} "
                                   f"points within eps); a neighbourhood holds "
                                   f"{sizes.mean():.3g} points on average"), **base)
        yield from self._grow(neigh, core, n, ctx, base)

    def _grow(self, neigh, core, n, ctx, base):
        """One frame per `batch` points taken from the queue, and one where each of the
        first `FRAMES` // 4 clusters starts; so a run has about FRAMES frames."""
        batch = max(1, math.ceil(n / FRAMES))
        step, taken, starts, state = 1, 0, 0, None
        recent: deque[int] = deque(maxlen=RECENT)
        for state in expand(neigh, core, ctx.check):
            labels, scanned, i, queue, started = state
            taken += 1
            starts += started
            if core[i]:
                recent.append(i)
            if taken % batch and not (started and starts <= FRAMES // 4):
                continue
            step += 1
            ctx.progress(0.1 + 0.9 * taken / n, f"{taken} points reached")
            yield self._frame(step, labels, scanned, i, queue, recent, started, neigh,
                              base, taken)
        labels = state[0] if state is not None else np.full(n, -1)
        yield self._done(step + 1, labels, core, base)

    def _frame(self, step, labels, scanned, i, queue, recent, started, neigh, base, taken):
        c = int(labels[i])
        size = int(np.count_nonzero(labels == c))
        what = (f"point {i} is core and in no cluster yet: cluster {c} starts there"
                if started else
                f"cluster {c} grows to {size} points; point {i} " +
                (f"is core ({len(neigh[i])} points within eps): those not yet reached join "
                 "the queue"
                 if base["core"][i] else "is a border point: it joins, but spreads no further"))
        return DensityScan(
            step=step, phase="grow", labels=frozen(labels, copy=True), scanned=scanned, current=i,
            frontier=frozen(np.fromiter(queue, np.int64, len(queue)), copy=True),
            new_cores=frozen(np.fromiter(recent, np.int64, len(recent)), copy=True),
            n_clusters=c + 1,
            message=f"{what}; {taken} points reached, {len(queue)} waiting in the queue",
            **base)

    def _done(self, step, labels, core, base):
        labels = frozen(labels, copy=True)
        k = int(labels.max()) + 1 if labels.size else 0
        n_core = int(np.count_nonzero(core & (labels >= 0)))
        n_border = int(np.count_nonzero(~core & (labels >= 0)))
        noise = int(np.count_nonzero(labels < 0))
        sizes = np.bincount(labels[labels >= 0], minlength=k)
        if k > SIZES_SHOWN:  # the largest few: a message, not a list of hundreds
            top = ", ".join(str(s) for s in np.sort(sizes)[::-1][:SIZES_SHOWN])
            of = f", the largest of {top} points"
        else:
            of = " of " + ", ".join(str(s) for s in sizes) + " points" if k else ""
        return DensityScan(
            step=step, phase="done", labels=labels, scanned=len(labels), n_clusters=k,
            message=(f"Done: {k} cluster{'s' if k != 1 else ''}{of}" +
                     f"; {n_core} core and {n_border} border points, {noise} noise points "
                     "(within eps of no core point)"), **base)
