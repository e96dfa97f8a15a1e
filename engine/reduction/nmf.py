"""Non-negative matrix factorisation, X ≈ W H with W, H ≥ 0, one iteration at a time.

The updates are written here (a few lines each) so every iteration can be shown; they are
scikit-learn's own, step for step: multiplicative updates (Lee and Seung) as its "mu" solver
with the Frobenius loss, coordinate descent as its "cd" solver without shuffling, from the
same initial guess (NNDSVD, Boutsidis and Gallopoulos, through its `randomized_svd`). At the
end scikit-learn's NMF runs with the same settings, and its error is shown beside ours.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.cancellable import call_cancellable
from engine.data import Dataset
from engine.params import Choice, Int, seed_param
from engine.protocol import Algorithm, Factorisation, RunContext
from engine.reduction import quality
from engine.registry import register

# scikit-learn's guard against a zero denominator in the multiplicative updates.
EPSILON = float(np.finfo(np.float32).eps)
SOLVERS = {"multiplicative": "mu", "coordinate descent": "cd"}
INITS = ("nndsvda", "nndsvd", "nndsvdar", "random")
MAX_SNAPSHOTS = 100  # iterations are batched into at most this many snapshots


def first_negative(X: np.ndarray) -> tuple[int, int] | None:
    """(row, column) of the first negative entry, in reading order; None when there is none."""
    where = np.argwhere(X < 0)
    return (int(where[0, 0]), int(where[0, 1])) if where.size else None


def initial_factors(X: np.ndarray, k: int, init: str, seed: int) -> tuple[np.ndarray, ...]:
    """W (n, k), H (k, d): scikit-learn's initial guesses, for the same seed.

    NNDSVD splits each singular pair into its positive and negative parts and keeps the
    larger; its zeros stay zeros under multiplicative updates, so "nndsvda" fills them with
    the data's mean and "nndsvdar" with small random values."""
    from sklearn.utils.extmath import randomized_svd

    rng = np.random.RandomState(seed)  # a fresh one for each draw, as scikit-learn does
    if init == "random":
        avg = np.sqrt(X.mean() / k)
        H = np.abs(avg * rng.standard_normal(size=(k, X.shape[1])))
        W = np.abs(avg * rng.standard_normal(size=(X.shape[0], k)))
        return W, H
    U, S, V = randomized_svd(X, k, random_state=seed)
    W, H = np.zeros_like(U), np.zeros_like(V)
    W[:, 0] = np.sqrt(S[0]) * np.abs(U[:, 0])
    H[0] = np.sqrt(S[0]) * np.abs(V[0])
    for j in range(1, k):
        u, v, sigma = _dominant_part(U[:, j], V[j])
        W[:, j] = np.sqrt(S[j] * sigma) * u
        H[j] = np.sqrt(S[j] * sigma) * v
    W[W < 1e-6] = 0  # scikit-learn's cut-off
    H[H < 1e-6] = 0
    avg = X.mean()
    if init == "nndsvda":
        W[W == 0] = avg
        H[H == 0] = avg
    elif init == "nndsvdar":
        W[W == 0] = abs(avg * rng.standard_normal(size=int((W == 0).sum())) / 100)
        H[H == 0] = abs(avg * rng.standard_normal(size=int((H == 0).sum())) / 100)
    return W, H


def _dominant_part(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The positive or the negative parts of a singular pair, whichever carries more."""
    xp, yp = np.maximum(x, 0), np.maximum(y, 0)
    xn, yn = np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
    mp = np.linalg.norm(xp) * np.linalg.norm(yp)
    mn = np.linalg.norm(xn) * np.linalg.norm(yn)
    if mp > mn:
        return xp / np.linalg.norm(xp), yp / np.linalg.norm(yp), mp
    return xn / np.linalg.norm(xn), yn / np.linalg.norm(yn), mn


def multiplicative_step(X: np.ndarray, W: np.ndarray, H: np.ndarray) -> None:
    """One Lee–Seung iteration in place: W ← W ∘ XHᵀ / WHHᵀ, then H ← H ∘ WᵀX / WᵀWH.
    Neither update can raise ‖X − WH‖²."""
    denominator = W @ (H @ H.T)
    denominator[denominator == 0] = EPSILON
    W *= (X @ H.T) / denominator
    denominator = W.T @ W @ H
    denominator[denominator == 0] = EPSILON
    H *= (W.T @ X) / denominator


def coordinate_step(X: np.ndarray, W: np.ndarray, H: np.ndarray) -> None:
    """One coordinate-descent sweep in place: each column of W, then each row of H, set to
    its exact non-negative least-squares minimiser with the others fixed (HALS)."""
    _columns(W, H @ H.T, X @ H.T)
    Ht = H.T.copy()
    _columns(Ht, W.T @ W, X.T @ W)
    H[:] = Ht.T


def _columns(W: np.ndarray, HHt: np.ndarray, XHt: np.ndarray) -> None:
    for t in range(W.shape[1]):
        hess = HHt[t, t]
        if hess != 0:
            gradient = W @ HHt[:, t] - XHt[:, t]
            W[:, t] = np.maximum(W[:, t] - gradient / hess, 0.0)


def frobenius(X: np.ndarray, W: np.ndarray, H: np.ndarray) -> float:
    """‖X − WH‖²_F."""
    return float(np.sum((X - W @ H) ** 2))


def sklearn_error(X: np.ndarray, k: int, solver: str, init: str, n_iter: int,
                  seed: int) -> float:
    """scikit-learn's NMF with the same settings, run to the same iteration: ‖X − WH‖_F."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    model = NMF(n_components=k, init=init, solver=solver, beta_loss="frobenius", tol=0.0,
                max_iter=n_iter, random_state=seed, shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    return float(model.reconstruction_err_)


@register
class NMF(Algorithm):
    id = "nmf"
    name = "Non-negative matrix factorisation"
    family = "Dimensionality reduction"
    summary = "Write each point as a non-negative mix of non-negative parts: X ≈ W H."
    objective = ("Minimise the squared reconstruction error ‖X − WH‖²_F (Frobenius) over "
                 "W ≥ 0 (codes) and H ≥ 0 (parts).")
    params = (
        Int(name="n_components", label="components", default=10, low=1, high=100,
            help="How many parts k: H has k rows, W has k columns."),
        Choice(name="solver", default="multiplicative", options=tuple(SOLVERS),
               help="Multiplicative updates (Lee and Seung): never raise the error. "
                    "Coordinate descent: one column at a time, exactly; usually faster."),
        Choice(name="init", default="nndsvda", options=INITS,
               help="The first guess: NNDSVD from the SVD (with zeros filled by the mean in "
                    "nndsvda, or by small random values in nndsvdar), or random values."),
        Int(name="n_iter", label="iterations", default=200, low=1, high=5000,
            help="How many iterations to run."),
        seed_param(),
    )
    snapshot_type = Factorisation
    libraries = ("sklearn",)

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        spot = first_negative(dataset.X)
        if spot is not None:
            row, col = spot
            raise ValueError(
                f"NMF needs non-negative data, but row {row + 1}, column {col + 1} "
                f"({dataset.feature_names[col]}) is {dataset.X[row, col]:g}. Shift or "
                f"rescale the features first, or pick a data set such as digits.")
        if params["init"] != "random" and params["n_components"] > min(dataset.X.shape):
            raise ValueError(
                f"init {params['init']} needs at most min(n, d) = {min(dataset.X.shape)} "
                f"components; choose fewer, or the random init")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Factorisation]:
        X = dataset.X
        k, n_iter, solver = params["n_components"], params["n_iter"], SOLVERS[params["solver"]]
        step = multiplicative_step if solver == "mu" else coordinate_step
        ctx.progress(0.0, "initial guess…")
        W, H = initial_factors(X, k, params["init"], params["seed"])
        trace = [frobenius(X, W, H)]
        every = max(1, math.ceil(n_iter / MAX_SNAPSHOTS))
        snapshot = 0
        yield self._snapshot(params, dataset, W, H, trace, snapshot,
                             f"{params['init']} initial guess: ‖X − WH‖² = {trace[0]:.5g}")
        for it in range(1, n_iter + 1):
            ctx.check()
            step(X, W, H)
            trace.append(frobenius(X, W, H))
            if it % every == 0 and it < n_iter:
                snapshot += 1
                ctx.progress(it / n_iter, f"iteration {it} of {n_iter}")
                yield self._snapshot(params, dataset, W, H, trace, snapshot,
                                     self._message(trace, it, params["solver"]))
        ctx.progress(0.99, "scikit-learn's NMF, same settings, for comparison…")
        done, reference = call_cancellable(
            lambda: sklearn_error(X, k, solver, params["init"], n_iter, params["seed"]),
            ctx.cancelled)
        if not done:
            return
        ours = math.sqrt(trace[-1])
        message = (f"{self._message(trace, n_iter, params['solver'])}; ‖X − WH‖ = {ours:.6g}, "
                   f"scikit-learn's NMF (same init and solver): {reference:.6g}")
        measured = None
        if dataset.n >= quality.MIN_POINTS:
            ctx.progress(0.99, "quality measures…")
            measured = quality.measure(dataset.X, quality.plane(W))
            message += f"; the map of the first two codes: {measured.summary()}"
        yield self._snapshot(params, dataset, W, H, trace, snapshot + 1, message,
                             reference=reference, measured=measured)

    @staticmethod
    def _message(trace: list[float], it: int, solver: str) -> str:
        drop = trace[-2] - trace[-1] if len(trace) > 1 else 0.0
        return (f"{solver} iteration {it}: ‖X − WH‖² = {trace[-1]:.6g} "
                f"(down {drop:.3g} this iteration)")

    def _snapshot(self, params, dataset: Dataset, W, H, trace, step: int, message: str,
                  reference: float = float("nan"), measured=None) -> Factorisation:
        values = np.array(trace)
        k = W.shape[1]
        return Factorisation(
            step=step, message=message, coords=W.copy(), components=H.copy(),
            axis_names=("code 1", "code 2" if k > 1 else ""),
            objective_name="‖X − WH‖²", objective=float(values[-1]), trace=values,
            trace_at=np.arange(values.size, dtype=np.float64), phase=params["solver"],
            iteration=values.size - 1, n_iter=params["n_iter"],
            image_shape=dataset.image_shape, solver=params["solver"], init=params["init"],
            reference_error=reference, quality=measured)
