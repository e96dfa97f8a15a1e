"""Multidimensional scaling: points placed so their distances follow a table of distances.

**Classical** (Torgerson) MDS double-centres the squared distances, B = −½ H D² H, and
places the points by B's largest eigenvectors scaled by √λ. B is a Gram matrix, with no
negative eigenvalue, exactly when D is Euclidean: the negative ones, shown as bars, say how
far from Euclidean the table is. **Metric** and **non-metric** MDS minimise the stress
Σ(d̂ᵢⱼ − dᵢⱼ)² by SMACOF (de Leeuw): each Guttman transform X ← B(X) X / n lowers it, so
it never rises. Metric MDS fits the distances themselves (d̂ = δ); non-metric MDS only
their order: each iteration d̂ is the isotonic regression of the embedded distances on the
input's order (scipy's `isotonic_regression`, ties in δ left free: Kruskal's primary
approach), scaled to Σd̂² = n(n−1)/2 as scikit-learn's `smacof` does. The iterations are
written here, one snapshot each; scikit-learn's `smacof` is the reference the tests compare
with.

Input distances: a loaded table (`Dataset.distances`), edit distances for strings, or a
metric of engine/distances.py on the rows.
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs, distances
from engine.cancellable import call_cancellable
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, Scaling
from engine.registry import register

KINDS = ("classical", "metric", "non-metric")
AUTOMATIC = "automatic"
INPUTS = (AUTOMATIC, *distances.COMMON_METRICS, distances.EDIT)
SHEPARD_PAIRS = 2_000  # pairs drawn in the Shepard diagram
# D, D², B (or the Guttman matrix), the embedded distances and the disparities: five n×n.
BYTES_PER_PAIR = 40.0
CAP = 3_000  # past this, B's eigendecomposition (n³) and each iteration (n²) take minutes


# ---------------------------------------------------------------- the input


def input_distances(dataset, choice: str, cancelled=None) -> tuple[np.ndarray | None, str]:
    """The n × n distances MDS scales and their name; None if cancelled. "automatic": the
    loaded table, else edit distances for strings, else Euclidean."""
    if choice == AUTOMATIC:
        if dataset.distances is not None:
            return np.array(dataset.distances), "the loaded distances"
        choice = distances.EDIT if dataset.texts is not None else "euclidean"
    if choice == distances.EDIT:
        return distances.edit_matrix(dataset.texts, cancelled), "edit distances"
    return distances.square(dataset.X, choice), f"{choice} distances"


# ---------------------------------------------------------------- classical MDS


def double_centre(d: np.ndarray) -> np.ndarray:
    """B = −½ H D² H, H = I − 11ᵀ/n: the Gram matrix D would have if it were Euclidean."""
    d2 = np.asarray(d, dtype=np.float64) ** 2
    return -0.5 * (d2 - d2.mean(axis=0) - d2.mean(axis=1)[:, None] + d2.mean())


def classical(d: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """(coordinates (n, k), every eigenvalue of B, largest first): the top k eigenvectors
    scaled by √λ (zero for λ ≤ 0), each signed so its largest entry is positive."""
    from scipy.linalg import eigh

    values, vectors = eigh(double_centre(d))
    values, vectors = values[::-1], vectors[:, ::-1]
    top = vectors[:, :k]
    rows = np.argmax(np.abs(top), axis=0)
    signs = np.sign(top[rows, np.arange(top.shape[1])])
    top = top * np.where(signs == 0, 1.0, signs)
    coords = top * np.sqrt(np.maximum(values[:k], 0.0))
    if coords.shape[1] < k:
        coords = np.column_stack([coords, np.zeros((len(d), k - coords.shape[1]))])
    return coords, values


def negative_share(values: np.ndarray) -> float:
    """Σ|λ| over negative eigenvalues / Σ|λ|: 0 for a Euclidean D (up to rounding)."""
    total = float(np.abs(values).sum())
    if total == 0:
        return 0.0
    share = float(-values[values < 0].sum()) / total
    return share if share > 1e-10 else 0.0


# ---------------------------------------------------------------- SMACOF


def _pairwise(X: np.ndarray) -> np.ndarray:
    sq = np.einsum("ij,ij->i", X, X)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (X @ X.T)
    np.maximum(d2, 0.0, out=d2)
    np.fill_diagonal(d2, 0.0)
    return np.sqrt(d2)


class Smacof:
    """SMACOF on the distances d, metric or not, one Guttman transform per `step`.

    `disparities(dist)` are the targets d̂ for embedded distances `dist` (condensed, upper
    triangle order): δ itself (metric), or the isotonic regression of dist on δ's order,
    scaled to Σd̂² = number of pairs (non-metric). `stress` is Σ(d̂ − d)² over the pairs,
    with the d̂ the last step used, as scikit-learn's `smacof` reports it."""

    def __init__(self, d: np.ndarray, X0: np.ndarray, metric: bool = True):
        self.n = len(d)
        self.upper = np.triu_indices(self.n, 1)
        self.delta = np.asarray(d, dtype=np.float64)[self.upper]
        self.metric = metric
        self.X = np.array(X0, dtype=np.float64)
        self.dist = _pairwise(self.X)
        self.dhat = self.disparities(self.dist[self.upper])
        self.stress = float(((self.dist[self.upper] - self.dhat) ** 2).sum())

    def disparities(self, dist: np.ndarray) -> np.ndarray:
        if self.metric:
            return self.delta
        from scipy.optimize import isotonic_regression

        order = np.lexsort((dist, self.delta))  # ties in δ: their own order (Kruskal's primary)
        fit = np.empty_like(dist)
        fit[order] = isotonic_regression(dist[order]).x
        total = float(fit @ fit)
        return fit * np.sqrt(len(fit) / total) if total > 0 else fit

    def step(self) -> float:
        """One iteration: the disparities of the current distances, the Guttman transform,
        the new distances; returns the relative fall in stress (scikit-learn's test)."""
        self.dhat = self.disparities(self.dist[self.upper])
        target = np.zeros((self.n, self.n))
        target[self.upper] = self.dhat
        target += target.T
        safe = np.where(self.dist == 0, 1e-5, self.dist)
        ratio = target / safe
        B = -ratio
        B[np.diag_indices(self.n)] += ratio.sum(axis=1)
        self.X = B @ self.X / self.n
        self.dist = _pairwise(self.X)
        old, e = self.stress, self.dist[self.upper]
        self.stress = float(((e - self.dhat) ** 2).sum())
        scale = float(e @ e)
        return (old - self.stress) / scale if scale > 0 else 0.0

    def stress1(self) -> float:
        """√(stress / Σd̂²): the stress as a share, 0 a perfect fit, 0.2 poor (Kruskal)."""
        total = float(self.dhat @ self.dhat)
        return float(np.sqrt(self.stress / total)) if total > 0 else 0.0


def shepard_pairs(n: int, seed: int, size: int = SHEPARD_PAIRS) -> np.ndarray:
    """Indices into the condensed pairs of n points: all of them, or a seeded sample."""
    m = n * (n - 1) // 2
    if m <= size:
        return np.arange(m)
    return np.sort(np.random.default_rng(seed).choice(m, size, replace=False))


# ---------------------------------------------------------------- the algorithm


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


@register
class MDS(Algorithm):
    id = "mds"
    name = "Multidimensional scaling (MDS)"
    family = "Dimensionality reduction"
    summary = ("Place the points in a few dimensions so that their distances follow a table "
               "of distances: classical (eigenvectors), metric or non-metric (SMACOF).")
    objective = "stress Σ(d̂ᵢⱼ − ‖yᵢ − yⱼ‖)², d̂ = δ (metric) or monotone in δ (non-metric)"
    params = (
        Choice(name="kind", default="metric", options=KINDS,
               help="Classical: B = −½HD²H's eigenvectors, in one step. Metric: SMACOF fits "
                    "the distances. Non-metric: SMACOF fits only their order."),
        Choice(name="distances", label="input distances", default=AUTOMATIC, options=INPUTS,
               help="Automatic: a loaded table of distances, edit distances for strings, "
                    "else Euclidean distances between the rows."),
        Int(name="n_components", label="dimensions", default=2, low=1, high=5,
            help="How many coordinates each point gets (the views draw the first two)."),
        Choice(name="init", label="start", default="random", options=("classical", "random"),
               help="SMACOF's first configuration: classical MDS, or random (seeded)."),
        Int(name="max_iter", label="iterations", default=300, low=1, high=3000,
            help="At most this many Guttman transforms."),
        Float(name="eps", label="tolerance", default=1e-6, low=1e-10, high=1e-1, log=True,
              decimals=10,
              help="Stop when the stress falls by less than this share of Σd² in one step."),
        seed_param(),
    )
    snapshot_type = Scaling
    libraries = ()  # scipy only
    reads = ("distances",)

    def check(self, dataset, params):
        if dataset.n < 3:
            raise ValueError("MDS needs at least 3 points")
        choice = params["distances"]
        if choice == distances.EDIT:
            distances.check_texts(dataset.texts)
        elif choice != AUTOMATIC:
            distances.check(dataset.X, choice)

    def max_points(self, dataset, params):
        return big_inputs.points_that_fit(BYTES_PER_PAIR, CAP)

    def too_many_points(self, n, params):
        return (f"MDS on {n:,} points needs five n×n matrices "
                f"({big_inputs.size_text(BYTES_PER_PAIR * float(n) ** 2)}) and an n×n "
                "eigendecomposition, which would take many minutes.")

    def run(self, dataset, params, ctx):
        ctx.progress(0.0, "input distances")
        done, got = call_cancellable(
            lambda: input_distances(dataset, params["distances"], ctx.cancelled), ctx.cancelled)
        if not done or got[0] is None:
            return
        d, metric = got
        k = params["n_components"]
        ctx.progress(0.1, "B = −½HD²H and its eigenvalues")
        done, got = call_cancellable(lambda: classical(d, k), ctx.cancelled)
        if not done:
            return
        coords, values = got
        pairs = shepard_pairs(dataset.n, params["seed"])
        upper = np.triu_indices(dataset.n, 1)
        base = dict(kind=params["kind"], metric=metric, eigenvalues=_frozen(values),
                    negative_share=negative_share(values),
                    shepard_input=_frozen(d[upper][pairs]),
                    axis_names=("MDS 1", "MDS 2"))
        if params["kind"] == "classical":
            yield from self._classical(dataset, d, coords, values, base, pairs, ctx)
        else:
            yield from self._smacof(dataset, d, coords, base, pairs, params, ctx)

    def _eigen_note(self, values: np.ndarray, share: float, k: int) -> str:
        neg = int(np.count_nonzero(values < -1e-9 * max(abs(values[0]), 1e-300)))
        top = ", ".join(f"{v:.3g}" for v in values[:k])
        if neg == 0 or share == 0:
            return f"B's largest eigenvalues {top}; none negative: D is Euclidean"
        return (f"B's largest eigenvalues {top}; {neg} negative (lowest {values[-1]:.3g}, "
                f"{share:.1%} of Σ|λ|): D is not Euclidean")

    def _classical(self, dataset, d, coords, values, base, pairs, ctx):
        k = coords.shape[1]
        kept = float(np.maximum(values[:k], 0).sum() / max(np.abs(values).sum(), 1e-300))
        out = _frozen(_pairwise(coords)[np.triu_indices(dataset.n, 1)][pairs])
        note = self._eigen_note(values, base["negative_share"], k)
        message = (f"classical MDS of {base['metric']}: {note}; the first {k} keep "
                   f"{kept:.1%} of Σ|λ|")
        snap = dict(coords=_frozen(coords), shepard_output=out, phase="classical", **base)
        yield Scaling(step=1, message=message, **snap)
        ctx.progress(0.9, "quality measures")
        quality = self._quality(dataset, d, coords, ctx)
        if quality is None:
            return
        ctx.progress(1.0, "done")
        yield Scaling(step=2, message=f"{message}. Done: {quality.summary()}", quality=quality,
                      **snap)

    def _quality(self, dataset, d, coords, ctx):
        from engine.reduction.quality import measure

        done, quality = call_cancellable(
            lambda: measure(dataset.X, coords, seed=ctx.seed, input_distances=d), ctx.cancelled)
        return quality if done else None

    def _start(self, d, coords, params):
        if params["init"] == "classical":
            return coords
        rng = np.random.default_rng(params["seed"])
        return rng.uniform(size=coords.shape) * float(d.max() or 1.0)

    def _smacof(self, dataset, d, coords, base, pairs, params, ctx):
        metric = params["kind"] == "metric"
        done, solver = call_cancellable(lambda: Smacof(d, self._start(d, coords, params),
                                                       metric), ctx.cancelled)
        if not done:
            return
        trace, at = [solver.stress1()], [0]
        note = self._eigen_note(base["eigenvalues"], base["negative_share"],
                                params["n_components"])
        kind = "metric" if metric else "non-metric (isotonic regression of the order)"
        first = f"SMACOF, {kind}, on {base['metric']}: start from {params['init']}; {note}"
        yield self._snapshot(solver, 1, first, trace, at, pairs, params, base, "start")
        max_iter = params["max_iter"]
        for it in range(1, max_iter + 1):
            ctx.check()
            fall = solver.step()
            trace.append(solver.stress1())
            at.append(it)
            ctx.progress(0.05 + 0.85 * it / max_iter, f"iteration {it}")
            converged = fall < params["eps"] and it > 1
            if converged or it == max_iter:
                break
            message = (f"Guttman transform {it}: stress-1 {trace[-1]:.4f} "
                       f"(raw {solver.stress:.4g}, down {trace[-2] - trace[-1]:.2g})")
            yield self._snapshot(solver, it + 1, message, trace, at, pairs, params, base,
                                 "iterate")
        quality = self._quality(dataset, d, solver.X, ctx)
        if quality is None:
            return
        ended = "converged" if converged else f"stopped at {max_iter} iterations"
        ctx.progress(1.0, "done")
        message = (f"SMACOF {ended} after {it} Guttman transforms: stress-1 {trace[-1]:.4f} "
                   f"(raw {solver.stress:.4g}). {quality.summary()}")
        yield self._snapshot(solver, it + 1, message, trace, at, pairs, params, base, "done",
                             quality)

    def _snapshot(self, solver, step, message, trace, at, pairs, params, base, phase,
                  quality=None):
        dhat = None if solver.metric else _frozen(solver.dhat[pairs])
        return Scaling(step=step, message=message, coords=_frozen(solver.X.copy()),
                       objective_name="stress-1", objective=trace[-1],
                       trace=_frozen(np.array(trace)), trace_at=_frozen(np.array(at, float)),
                       phase=phase, iteration=int(at[-1]), n_iter=params["max_iter"],
                       shepard_output=_frozen(solver.dist[solver.upper][pairs]),
                       shepard_disparities=dhat, quality=quality, **base)
