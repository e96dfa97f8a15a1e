"""Adaptive PCA: the principal components found one at a time, as a vector turning towards
each axis in turn.

Power iteration multiplies a random unit vector by the covariance S until it stops turning
(its direction converges to S's top eigenvector at the rate λ₂/λ₁), then deflates,
S ← S − λ w wᵀ, so the next one finds the next axis. Oja's rule learns the same vector from
one point at a time, w ← w + η y (x − y w) with y = wᵀx: Hebbian growth kept at unit
length; the data is deflated, x ← x − (wᵀx) w, before the next component. Both are written
here (no library steps them) and tested against numpy's eigh and scikit-learn's PCA.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Bool, Choice, Float, Int, seed_param
from engine.protocol import AdaptivePCA, Algorithm, RunContext, frozen
from engine.reduction.pca import flip_signs, standardise
from engine.registry import register

POWER, OJA = "power iteration", "Oja's rule"
FRAMES = 100
DECAY = 20.0  # Oja's step size falls to 1/(1 + DECAY) of its first value in one epoch


def angle(w: np.ndarray, u: np.ndarray) -> float:
    """Degrees between the lines of w and u (0 to 90: a sign flip is the same axis)."""
    cos = abs(float(w @ u)) / max(float(np.linalg.norm(w) * np.linalg.norm(u)), 1e-300)
    return math.degrees(math.acos(min(cos, 1.0)))


def reference(S: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray]:
    """(values, components): the top q eigenpairs of the symmetric S, largest first."""
    values, vectors = np.linalg.eigh(S)
    order = np.argsort(values)[::-1][:q]
    return np.clip(values[order], 0.0, None), flip_signs(vectors[:, order].T)


def unit(w: np.ndarray) -> np.ndarray:
    return w / max(float(np.linalg.norm(w)), 1e-300)


def signed(w: np.ndarray) -> np.ndarray:
    """w with its largest-magnitude entry positive, as scikit-learn signs its components."""
    return flip_signs(w[None, :])[0]


@dataclass
class Trace:
    """What the run has recorded so far, step by step."""

    angles: list[float] = field(default_factory=list)
    rayleigh: list[float] = field(default_factory=list)
    at: list[float] = field(default_factory=list)
    component: list[int] = field(default_factory=list)

    def add(self, at: float, k: int, w: np.ndarray, S: np.ndarray, truth: np.ndarray) -> None:
        self.angles.append(angle(w, truth))
        self.rayleigh.append(float(w @ S @ w))
        self.at.append(float(at))
        self.component.append(k)


def power_steps(S: np.ndarray, w: np.ndarray, max_iter: int, tol: float
                ) -> Iterator[np.ndarray]:
    """Power iteration from w: yields the unit vector after each multiplication by S, and
    stops once 1 − |cos| between successive vectors falls under tol."""
    for _ in range(max_iter):
        v = S @ w
        norm = float(np.linalg.norm(v))
        if norm <= 1e-300:  # w lies in S's null space: nothing is left to find
            return
        new = v / norm
        change = 1.0 - abs(float(new @ w))
        w = new
        yield w
        if change < tol:
            return


def oja_chunks(Z: np.ndarray, w: np.ndarray, epochs: int, rate: float, chunk: int,
               rng: np.random.Generator) -> Iterator[tuple[float, np.ndarray]]:
    """Oja's rule over `epochs` shuffled passes of Z's rows; yields (epochs so far, w) every
    `chunk` points. The step η_t = rate / (trace S · (1 + DECAY t / n)) shrinks so w settles
    (a constant step leaves it jittering by degrees around the axis)."""
    n = len(Z)
    spread = max(float(np.einsum("ij,ij->", Z, Z)) / max(n - 1, 1), 1e-300)
    t = 0
    w = w.copy()
    for _ in range(epochs):
        for i in rng.permutation(n):
            x = Z[i]
            y = float(w @ x)
            w += rate / (spread * (1.0 + DECAY * t / n)) * y * (x - y * w)
            t += 1
            if t % chunk == 0 or t == epochs * n:
                if not np.all(np.isfinite(w)):
                    raise ValueError("Oja's rule diverged: lower the learning rate")
                w = unit(w)  # only rounding drifts it: Oja's rule keeps ‖w‖ near 1
                yield t / n, w.copy()


NOT_CONVERGED_DEG = 1.0  # a vector further than this from its eigenvector is said so


@register
class SequentialPCA(Algorithm):
    id = "pca-sequential"
    name = "Adaptive PCA (power iteration, Oja's rule)"
    family = "Dimensionality reduction"
    summary = ("Find the principal components one at a time: a vector turning towards each "
               "axis, by power iteration with deflation or by Oja's learning rule.")
    objective = ("Maximise the Rayleigh quotient wᵀSw / wᵀw (the variance along w); then "
                 "remove that direction (deflation) and find the next.")
    params = (
        Choice(name="method", default=POWER, options=(POWER, OJA),
               help="Power iteration multiplies by the covariance until the vector stops "
                    "turning; Oja's rule learns it from one point at a time."),
        Int(name="n_components", label="components", default=2, low=1, high=20,
            help="How many components to find, one after the other (at most the number "
                 "of features)."),
        Int(name="max_iter", label="iterations", default=50, low=1, high=1000,
            help="Power iteration: the most multiplications per component."),
        Int(name="epochs", default=3, low=1, high=100,
            help="Oja's rule: passes over the data per component."),
        Float(name="learning_rate", label="learning rate", default=0.5, low=0.001,
              high=1.0, log=True,
              help="Oja's rule: the first step size, relative to the total variance; it "
                   "then shrinks as 1 / (1 + 20 × epochs so far)."),
        Bool(name="scale", default=False,
             help="Divide each feature by its standard deviation first."),
        seed_param(),
    )
    snapshot_type = AdaptivePCA

    TOL = 1e-12  # power iteration: 1 − |cos| between successive vectors, to stop

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if dataset.n < 2:
            raise ValueError("adaptive PCA needs at least two points")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[AdaptivePCA]:
        Z, mean, spread, _ = standardise(dataset.X, True, params["scale"])
        n, d = Z.shape
        q = min(params["n_components"], d)
        S = Z.T @ Z / (n - 1)
        true_values, truth = reference(S, q)
        rng = np.random.default_rng(ctx.seed)
        base = dict(method=params["method"], true_components=frozen(truth),
                    true_values=frozen(true_values), total_variance=float(np.trace(S)),
                    mean=frozen(mean), scale=frozen(spread))
        found: list[np.ndarray] = []
        values: list[float] = []
        trace = Trace()
        step = 0

        def snapshot(k: int, w: np.ndarray, message: str, phase: str = "learn",
                     scores=None) -> AdaptivePCA:
            nonlocal step
            step += 1
            return AdaptivePCA(
                step=step - 1, message=message, component=k, vector=frozen(w, copy=True),
                found=frozen(np.array(found).reshape(-1, d)),
                found_values=frozen(np.array(values)), angles=frozen(np.array(trace.angles)),
                rayleigh=frozen(np.array(trace.rayleigh)), trace_at=frozen(np.array(trace.at)),
                trace_component=frozen(np.array(trace.component, dtype=np.int64)),
                phase=phase, scores=scores, **base)

        learn = self._power if params["method"] == POWER else self._oja
        deflated = S.copy() if params["method"] == POWER else Z.copy()
        for k in range(q):
            ctx.check()
            w = start = unit(rng.standard_normal(d))
            for w, message in learn(deflated, start, k, q, params, S, truth[k], trace, rng):
                ctx.check()
                ctx.progress(k / q, message)
                yield snapshot(k, w, message)
            w = signed(w)
            values.append(float(w @ S @ w))
            found.append(w)
            deflated = self._deflate(deflated, w, values[-1], params["method"])
            yield snapshot(k, w, f"component {k + 1} found: variance {values[-1]:.4g} "
                                 f"(eigh: {true_values[k]:.4g}), {angle(w, truth[k]):.2f}° "
                                 f"from its eigenvector")
        components = np.array(found).reshape(-1, d)
        share = sum(values) / base["total_variance"] if base["total_variance"] > 0 else 0.0
        worst = max(angle(w, u) for w, u in zip(found, truth, strict=False))
        message = (f"{len(found)} components by {params['method']}: {100 * share:.1f} % of "
                   f"the variance; largest angle to eigh's {worst:.2f}°")
        if worst > NOT_CONVERGED_DEG:
            message += (" (not converged: raise the epochs or the learning rate)"
                        if params["method"] == OJA else " (not converged: raise the iterations)")
        ctx.progress(1.0, message)
        yield snapshot(q - 1, found[-1], message, "done", frozen(Z @ components.T))

    @staticmethod
    def _deflate(deflated: np.ndarray, w: np.ndarray, value: float, method: str) -> np.ndarray:
        if method == POWER:
            return deflated - value * np.outer(w, w)
        return deflated - np.outer(deflated @ w, w)

    def _power(self, S_k, w0, k, q, params, S, truth, trace, rng):
        """Yields (vector, message) every few multiplications; records every one."""
        stride = max(1, math.ceil(params["max_iter"] * q / FRAMES))
        start = trace.at[-1] if trace.at else 0.0
        trace.add(start, k, w0, S, truth)
        it, w = 0, w0
        for it, w in enumerate(power_steps(S_k, w0, params["max_iter"], self.TOL), start=1):
            trace.add(start + it, k, w, S, truth)
            if it % stride == 0:
                yield w, self._says(k, it, "multiplication", w, S, truth)
        if it % stride:
            yield w, self._says(k, it, "multiplication", w, S, truth)

    def _oja(self, Z_k, w0, k, q, params, S, truth, trace, rng):
        """Yields (vector, message) every chunk of points, recording each chunk."""
        total = params["epochs"] * len(Z_k)
        chunk = max(1, math.ceil(total * q / FRAMES))
        start = trace.at[-1] if trace.at else 0.0
        trace.add(start, k, w0, S, truth)
        for epochs, w in oja_chunks(Z_k, w0, params["epochs"], params["learning_rate"], chunk,
                                    rng):
            trace.add(start + epochs, k, w, S, truth)
            yield w, self._says(k, round(epochs * len(Z_k)), "point", w, S, truth)

    @staticmethod
    def _says(k: int, count: int, what: str, w, S, truth) -> str:
        return (f"component {k + 1}, after {count} {what}{'s' * (count != 1)}: "
                f"{angle(w, truth):.2f}° from the eigenvector, variance wᵀSw = "
                f"{float(w @ S @ w):.4g}")
