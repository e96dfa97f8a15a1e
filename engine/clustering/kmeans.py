"""k-means (Lloyd), stepped: every assignment and every centre update is a snapshot.

Each iteration is one call of scikit-learn's own Lloyd kernel, which assigns the points to
the old centres and computes the new ones in one pass over the data, so watching a run
costs little more than scikit-learn's `KMeans` itself. When that private kernel cannot be
imported (another scikit-learn), a plain numpy version with the same arithmetic is used.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from engine.cancellable import call_cancellable
from engine.params import Choice, Int, seed_param
from engine.protocol import Algorithm, Partition, frozen
from engine.registry import register

# Rows per chunk in the numpy fallback: bounds its (chunk, k) distance buffer.
_CHUNK = 65_536
# J from sums loses digits when it is this small a part of Σ||x||²; then it is measured.
_CANCELLATION = 1e-4


# ---------------------------------------------------------------- kernels


@dataclass(frozen=True)
class Kernels:
    """One Lloyd iteration and the inertia, with scikit-learn's private signatures."""

    lloyd_iter: Callable
    inertia: Callable
    n_threads: int
    limit_blas: Callable  # () -> context manager that keeps BLAS single-threaded
    name: str


def sklearn_kernels() -> Kernels:
    """scikit-learn's Cython Lloyd iteration; ImportError where the private names moved."""
    from sklearn.cluster._k_means_common import _inertia_dense
    from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
    from sklearn.utils.parallel import _get_threadpool_controller

    controller = _get_threadpool_controller()
    return Kernels(
        lloyd_iter=lloyd_iter_chunked_dense,
        inertia=_inertia_dense,
        n_threads=_openmp_effective_n_threads(),
        # As scikit-learn does: its kernel calls BLAS inside OpenMP threads.
        limit_blas=lambda: controller.limit(limits=1, user_api="blas"),
        name="scikit-learn",
    )


def numpy_kernels() -> Kernels:
    """The same iteration in numpy: slower, for scikit-learn versions without the kernel."""
    from contextlib import nullcontext

    return Kernels(lloyd_iter=numpy_lloyd_iter, inertia=numpy_inertia,
                   n_threads=os.cpu_count() or 1, limit_blas=nullcontext, name="numpy")


def best_kernels() -> Kernels:
    try:
        return sklearn_kernels()
    except ImportError:
        return numpy_kernels()


def numpy_lloyd_iter(X, sample_weight, centers_old, centers_new, weight_in_clusters, labels,
                     center_shift, n_threads, update_centers=True):
    """Assign every point to its nearest old centre; optionally put new centres at the means.

    Arguments and in-place outputs as scikit-learn's `lloyd_iter_chunked_dense`, empty
    clusters included: each takes the point farthest from its centre.
    """
    del n_threads
    sq_norms = np.einsum("ij,ij->i", centers_old, centers_old)
    for start in range(0, X.shape[0], _CHUNK):
        part = X[start:start + _CHUNK]
        # ||x||² is the same for every centre, so the nearest minimises ||c||² - 2 x·c.
        labels[start:start + _CHUNK] = np.argmin(sq_norms - 2.0 * (part @ centers_old.T), axis=1)
    if not update_centers:
        return
    k, d = centers_old.shape
    weight_in_clusters[:] = np.bincount(labels, weights=sample_weight, minlength=k)
    for j in range(d):
        centers_new[:, j] = np.bincount(labels, weights=X[:, j] * sample_weight, minlength=k)
    _relocate_empty(X, sample_weight, centers_old, centers_new, weight_in_clusters, labels)
    filled = weight_in_clusters > 0
    centers_new[filled] /= weight_in_clusters[filled, None]
    # Clusters still empty (all points identical) sit on the heaviest one, not at 0.
    centers_new[~filled] = centers_new[np.argmax(weight_in_clusters)]
    center_shift[:] = np.sqrt(((centers_new - centers_old) ** 2).sum(axis=1))


def _relocate_empty(X, sample_weight, centers_old, centers_new, weight_in_clusters, labels):
    """Give each empty cluster one of the points farthest from their centres (weighted sums)."""
    empty = np.flatnonzero(weight_in_clusters == 0)
    if empty.size == 0:
        return
    dist = ((X - centers_old[labels]) ** 2).sum(axis=1)
    if dist.max() == 0:  # fewer distinct points than clusters: nothing to move
        return
    far = np.argsort(-dist, kind="stable")[:empty.size]
    for new, idx in zip(empty, far, strict=True):
        old, w = labels[idx], sample_weight[idx]
        centers_new[old] -= X[idx] * w
        centers_new[new] = X[idx] * w
        weight_in_clusters[new] = w
        weight_in_clusters[old] -= w


def numpy_inertia(X, sample_weight, centers, labels, n_threads):
    """Σ w ||x - c(x)||², chunked so no (n, d) temporary is made for big data."""
    del n_threads
    total = 0.0
    for start in range(0, X.shape[0], _CHUNK):
        stop = start + _CHUNK
        diff = X[start:stop] - centers[labels[start:stop]]
        total += float(np.einsum("ij,ij->i", diff, diff) @ sample_weight[start:stop])
    return total


# ---------------------------------------------------------------- histories


class _Growing:
    """Append-only rows kept in one buffer; each snapshot gets a read-only view of the rows
    so far, so a run of s steps holds O(s) numbers, not O(s²)."""

    def __init__(self, row_shape: tuple[int, ...], capacity: int = 64):
        self._buf = np.empty((capacity, *row_shape))
        self._n = 0

    def append(self, row) -> np.ndarray:
        if self._n == len(self._buf):  # older views keep the old buffer, still correct
            bigger = np.empty((2 * len(self._buf), *self._buf.shape[1:]))
            bigger[:self._n] = self._buf[:self._n]
            self._buf = bigger
        self._buf[self._n] = row
        self._n += 1
        view = self._buf[:self._n]
        view.flags.writeable = False
        return view



# ---------------------------------------------------------------- the stepped run


def initial_centres(X: np.ndarray, k: int, init: str, seed: int) -> np.ndarray:
    """k starting centres: k-means++ (scikit-learn's) or k distinct data points at random."""
    X = np.asarray(X, dtype=np.float64)
    if init == "random":
        rows = np.random.default_rng(seed).choice(X.shape[0], size=k, replace=False)
        return X[np.sort(rows)].copy()
    return plusplus(X, k, seed)[0]


def plusplus(X: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's k-means++ seeding: the k centres and the rows they were taken from."""
    from sklearn.cluster import kmeans_plusplus

    return kmeans_plusplus(np.asarray(X, dtype=np.float64), k, random_state=seed)


def seeding_weights(X: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, float]:
    """Each point's probability of being drawn next under k-means++ (D², the squared distance
    to its nearest centre, over their sum) and that sum, the J of these centres."""
    X = np.asarray(X, dtype=np.float64)
    d2 = np.full(X.shape[0], np.inf)
    for c in np.atleast_2d(centres):
        np.minimum(d2, ((X - c) ** 2).sum(axis=1), out=d2)
    total = float(d2.sum())
    if total == 0:  # every point sits on a centre: scikit-learn then draws uniformly
        return np.full(X.shape[0], 1.0 / X.shape[0]), 0.0
    return d2 / total, total


def seeding_steps(X: np.ndarray, k: int, seed: int, trace: _Growing,
                  cancelled: Callable[[], bool] = lambda: False,
                  indices: np.ndarray | None = None) -> Iterator[Partition]:
    """k-means++ as k snapshots, one per centre: the centres so far and the D² weights with
    which the newest one was drawn. The centres are scikit-learn's (its seeding is greedy:
    it draws 2 + ln k candidates this way and keeps the one that lowers J most)."""
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if indices is None:
        indices = plusplus(X, k, seed)[1]
    trials = 2 + int(np.log(k))
    weights = np.full(n, 1.0 / n)
    for c in range(1, k + 1):
        if cancelled():
            return
        chosen = int(indices[c - 1])
        centres = frozen(X[indices[:c]].copy())
        p_chosen = float(weights[chosen])
        following, J = seeding_weights(X, centres)
        if c == 1:
            message = (f"centre 1 of {k}: a data point drawn uniformly at random "
                       f"(probability 1/{n} = {p_chosen:.3g}); J = {J:.4g}")
        else:
            message = (f"centre {c} of {k}: chosen with probability {p_chosen:.3g}; points "
                       f"far from the centres are likelier (∝ D²); of {trials} candidates "
                       f"drawn so, the one that lowers J most is kept: J = {J:.4g}")
        yield Partition(step=c, message=message,
                        labels=frozen(np.full(n, -1, dtype=np.int32)), centres=centres,
                        objective=J, trace=trace.append(J), phase="seed",
                        seed_weights=frozen(weights.astype(np.float32)))
        weights = following


def lloyd_steps(X: np.ndarray, centres: np.ndarray, max_iter: int,
                cancelled: Callable[[], bool] = lambda: False,
                progress: Callable[[float, str], None] | None = None,
                kernels: Kernels | None = None, init_name: str = "given",
                threads: int | None = None, first_step: int = 0,
                trace: _Growing | None = None) -> Iterator[Partition]:
    """Lloyd's iterations from these centres, as snapshots: init, then assign/update pairs.

    Stops after an assignment that changes no point (converged) or after `max_iter`
    iterations; then one last assignment makes the labels match the final centres, as
    scikit-learn does. As scikit-learn, works on the data minus its mean (for accuracy).
    Steps are numbered after `first_step`, and J is appended to `trace` when given (so a
    run shown after its seeding goes on counting).
    """
    kern = kernels or best_kernels()
    n_threads = min(kern.n_threads, threads) if threads else kern.n_threads
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    mean = X.mean(axis=0)
    Xc = np.ascontiguousarray(X - mean)
    weights = np.ones(n)
    k, d = centres.shape
    old = np.ascontiguousarray(centres, dtype=np.float64) - mean
    new = np.empty_like(old)
    wic = np.zeros(k)
    shift = np.zeros(k)
    work = np.full(n, -1, dtype=np.int32)
    trace = trace if trace is not None else _Growing(())
    path = _Growing((k, d))
    step = first_step

    def snapshot(phase, labels, c, J, message, changed=0, converged=False) -> Partition:
        nonlocal step
        step += 1
        return Partition(step=step, message=message, labels=labels,
                         centres=frozen(c + mean), objective=float(J),
                         trace=trace.append(J), centre_path=path.append(c + mean),
                         phase=phase, changed=int(changed), converged=converged)

    total = float(np.einsum("ij,ij->", Xc, Xc))  # Σ ||x||², for J without a pass over X

    empty: list[int] = []  # clusters the last assignment left empty

    def iterate(update: bool) -> tuple[float, float]:
        """One kernel call: labels vs `old`, and `new` if update; J after each half."""
        with kern.limit_blas():
            kern.lloyd_iter(Xc, weights, old, new, wic, work, shift, n_threads, update)
        empty.clear()
        if not update:
            return measured(old), float("nan")
        if np.any(wic == 1.0):  # maybe an empty cluster took a point: measure directly
            empty.extend(np.flatnonzero(np.bincount(work, minlength=k) == 0).tolist())
            return measured(old), measured(new)
        # Every centre sits at its cluster's mean, so J = Σ||x||² - Σ_k n_k ||mean_k||²,
        # and (parallel axes) J(old centres) = J(means) + Σ_k n_k ||old_k - mean_k||².
        J_update = total - float(wic @ np.einsum("ij,ij->i", new, new))
        if J_update < _CANCELLATION * total:  # too few digits survive: measure directly
            J_update = measured(new)
        J_assign = J_update + float(wic @ ((old - new) ** 2).sum(axis=1))
        return J_assign, J_update

    def measured(c) -> float:
        with kern.limit_blas():
            return float(kern.inertia(Xc, weights, c, work, n_threads))

    if cancelled():
        return
    J_assign, J_update = iterate(update=True)
    labels = frozen(work.copy())
    yield snapshot("init", frozen(np.full(n, -1, dtype=np.int32)), old, J_assign,
                   f"{k} initial centres ({init_name}); with every point at its nearest "
                   f"centre J = {J_assign:.4g}")
    previous, J_prev = None, J_assign
    for it in range(1, max_iter + 1):
        if it > 1:
            if cancelled():
                return
            J_assign, J_update = iterate(update=True)
            labels = frozen(work.copy())
        changed = n if previous is None else int(np.count_nonzero(labels != previous))
        if changed == 0:
            yield snapshot("assign", labels, old, J_assign,
                           f"assignment {it}: no point changed cluster: converged, "
                           f"J = {J_assign:.4g}", converged=True)
            return
        if previous is None:
            message = (f"assignment 1: each of the {n} points joins its nearest centre; "
                       f"J = {J_assign:.4g}")
        else:
            message = (f"assignment {it}: {_points(changed)} changed cluster; "
                       f"{_change('J', J_prev, J_assign)}")
        yield snapshot("assign", labels, old, J_assign, message, changed=changed)
        if cancelled():
            return
        move = float(np.sqrt(((new - old) ** 2).sum(axis=1)).max())
        old, new = new, old
        message = (f"update {it}: centres moved to their clusters' means (largest move "
                   f"{move:.3g}); {_change('J', J_assign, J_update)}")
        if empty:
            if len(empty) == 1:
                message += (f"; cluster {empty[0]} had no points, so its centre jumped to "
                            "the point farthest from its own centre")
            else:
                names = ", ".join(str(c) for c in empty)
                message += (f"; clusters {names} had no points, so their centres jumped to "
                            "the points farthest from their own centres")
        yield snapshot("update", labels, old, J_update, message)
        if progress is not None:
            progress(it / max_iter, f"iteration {it} of at most {max_iter}")
        previous, J_prev = labels, J_update
    if cancelled():
        return
    J_final, _ = iterate(update=False)
    labels = frozen(work.copy())
    changed = int(np.count_nonzero(labels != previous))
    yield snapshot("assign", labels, old, J_final,
                   f"stopped after {max_iter} iterations; last assignment: "
                   f"{_points(changed)} changed cluster; {_change('J', J_prev, J_final)}",
                   changed=changed, converged=changed == 0)


def _points(n: int) -> str:
    return "1 point" if n == 1 else f"{n} points"


def _change(name: str, before: float, after: float) -> str:
    if after < before:
        return f"{name} fell from {before:.4g} to {after:.4g}"
    if after > before:
        return f"{name} rose from {before:.4g} to {after:.4g}"
    return f"{name} stays at {after:.4g}"


# ---------------------------------------------------------------- the algorithm


@register
class KMeans(Algorithm):
    id = "kmeans"
    name = "k-means (Lloyd)"
    family = "Clustering"
    summary = "Alternately give each point to its nearest centre and move each centre to its mean."
    objective = "minimise J = Σᵢ ‖xᵢ − μ_c(i)‖², the squared distances to the assigned centres"
    params = (
        Int(name="n_clusters", label="clusters k", default=3, low=1, high=30,
            help="How many clusters to find."),
        Choice(name="init", default="k-means++", options=("k-means++", "random"),
               help="k-means++ spreads the first centres apart; random picks k data points."),
        Int(name="max_iter", label="max iterations", default=100, low=1, high=1000,
            help="Stop after this many assign/update rounds even if points still move."),
        Int(name="n_init", label="restarts", default=1, low=1, high=20,
            help="Runs from different seeds (seed, seed + 1, ...); each one's final J is "
                 "listed and the best kept: different starts end in different local minima."),
        Int(name="elbow", label="elbow up to k", default=10, low=0, high=30,
            help="At the end, J for every k from 1 to this (the elbow plot); 0 skips it."),
        seed_param(),
    )
    snapshot_type = Partition
    libraries = ("sklearn",)

    def check(self, dataset, params):
        k = params["n_clusters"]
        if k > dataset.n:
            raise ValueError(f"k-means cannot find {k} clusters in {dataset.n} points: "
                             f"choose k of at most {dataset.n}")

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        X, k, init, seed = dataset.X, params["n_clusters"], params["init"], params["seed"]
        ctx.progress(0.0, f"choosing {k} initial centres ({init})")
        done, seeded = call_cancellable(  # k-means++ takes seconds on a million points
            lambda: _seed(X, k, init, seed), ctx.cancelled)
        if not done:
            return
        centres, indices = seeded
        trace = _Growing(())
        first = 0
        if indices is not None:  # k-means++: one snapshot per centre chosen
            yield from seeding_steps(X, k, seed, trace, ctx.cancelled, indices)
            first = k
        last = None
        for snap in lloyd_steps(X, centres, params["max_iter"], ctx.cancelled, ctx.progress,
                                init_name=init, threads=ctx.threads, first_step=first,
                                trace=trace):
            if last is not None:
                yield last
            last = snap
        if last is None or ctx.cancelled():
            return
        runs = [last]
        for r in range(1, params["n_init"]):
            ctx.progress(r / params["n_init"], f"restart {r + 1} of {params['n_init']}")
            run = final_run(X, k, init, seed + r, params["max_iter"], ctx)
            if run is None:
                return
            yield last
            runs.append(run)
            last = _restart_snapshot(run, runs, last, trace, seed + r, params["max_iter"])
        if len(runs) > 1:
            yield last  # the final snapshot is then the best run's, after it
        elbow = None
        if params["elbow"]:
            elbow = _elbow(X, min(params["elbow"], dataset.n), init, seed, params, runs, ctx)
            if elbow is None:
                return
        yield _final_snapshot(last, runs, elbow, trace, k)
        if not ctx.cancelled():
            ctx.progress(1.0, "done")


# ---------------------------------------------------------------- restarts and elbow


def _seed(X, k, init, seed) -> tuple[np.ndarray, np.ndarray | None]:
    """Initial centres, and the rows k-means++ took them from (None for random)."""
    if init == "k-means++":
        return plusplus(X, k, seed)
    return initial_centres(X, k, init, seed), None


def final_run(X, k, init, seed, max_iter, ctx) -> Partition | None:
    """One whole run from this seed, not shown step by step: its last snapshot (None when
    cancelled). Other methods call it to show k-means's answer beside their own."""
    done, centres = call_cancellable(lambda: initial_centres(X, k, init, seed), ctx.cancelled)
    if not done:
        return None
    tail = deque(lloyd_steps(X, centres, max_iter, ctx.cancelled, threads=ctx.threads),
                 maxlen=1)
    return None if ctx.cancelled() or not tail else tail[0]


def _best(runs: list[Partition]) -> int:
    return int(np.argmin([r.objective for r in runs]))


def _restart_snapshot(run: Partition, runs: list[Partition], shown: Partition,
                      trace: _Growing, seed: int, max_iter: int) -> Partition:
    """The end of restart r, shown on the scatter, with every run's J so far."""
    r, best = len(runs), _best(runs)
    iters = run.step // 2 if run.converged else max_iter
    message = (f"run {r} (seed {seed}): {'converged' if run.converged else 'stopped'} after "
               f"{iters} iterations with J = {run.objective:.4g}; best so far: run "
               f"{best + 1}, J = {runs[best].objective:.4g}")
    return replace(run, step=shown.step + 1, message=message, trace=trace.append(run.objective),
                   centre_path=None, phase="restart",
                   restarts=frozen(np.array([x.objective for x in runs])), best_run=best)


def _elbow(X, kmax, init, seed, params, runs, ctx) -> np.ndarray | None:
    """J for k = 1..kmax, each the best of `n_init` runs from the same seeds as this run."""
    J = np.empty(kmax)
    for k in range(1, kmax + 1):
        ctx.progress(0.99, f"elbow: J for k = {k} of {kmax}")
        if k == runs[0].centres.shape[0]:
            J[k - 1] = min(r.objective for r in runs)  # the run itself: the same numbers
            continue
        best = np.inf
        for r in range(params["n_init"]):
            run = final_run(X, k, init, seed + r, params["max_iter"], ctx)
            if run is None:
                return None
            best = min(best, run.objective)
        J[k - 1] = best
    return frozen(J)


def _final_snapshot(last: Partition, runs: list[Partition], elbow, trace: _Growing,
                    k: int) -> Partition:
    """The best run's partition, with every run's J and the elbow."""
    best = _best(runs)
    Js = np.array([r.objective for r in runs])
    notes = []
    if len(runs) > 1:
        listed = ", ".join(f"{j:.4g}" for j in Js)
        notes.append(f"best of {len(runs)} runs kept: run {best + 1}, J = {Js[best]:.4g} "
                     f"(final J of each run: {listed})")
    if elbow is not None:
        notes.append(f"elbow: J over k = 1..{len(elbow)} drawn, k = {k} marked")
    if len(runs) == 1:
        return replace(last, message="; ".join([last.message, *notes]),
                       restarts=frozen(Js), best_run=0, elbow=elbow)
    chosen = runs[best]
    return replace(chosen, step=last.step + 1, message="; ".join(notes), phase="best",
                   trace=trace.append(chosen.objective),
                   centre_path=chosen.centre_path if best == 0 else None,
                   restarts=frozen(Js), best_run=best, elbow=elbow)
