"""Independent component analysis: FastICA (scikit-learn) or Infomax (written here), beside
PCA on the same data, to show that uncorrelated (orthogonal) is not independent.

FastICA's fixed-point iterations are repeated step by step (engine/reduction/ica_core.py,
the same arithmetic as scikit-learn's) to animate them; the last snapshot is scikit-learn's
own FastICA from the same start, which a test checks the steps reach. Infomax follows the
natural gradient ΔW = η (I − φ(y) yᵀ) W over mini-batches of the whitened data, a snapshot
every few batches. On a generated mixture the true sources are known
(engine/datasets/sources.py): the recovered ones are matched to them and scored.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.datasets.sources import Truth, truth
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Separation, frozen
from engine.reduction import ica_core as core
from engine.registry import register

TOL = 1e-4  # scikit-learn's FastICA default
FRAMES = 100  # snapshots a run aims at
EVERY_STEP = 50  # FastICA's first iterations each get a snapshot
METHODS = ("fastica", "infomax")
NONLINEARITIES = ("extended", "tanh")


class _Reference:
    """The truth and PCA's answer, computed once: what every snapshot compares with."""

    def __init__(self, X: np.ndarray, k: int, known: Truth | None):
        self.mean, self.K, self.Z = core.whitening(X, k)
        self.root_n = math.sqrt(len(X))
        self.known = known
        self.square = known is not None and known.mixing.shape[1] == k
        pca_unmixing = self.root_n * self.K  # whitened PCA: unit-variance scores
        self.pca = self.placed(pca_unmixing, X)

    def placed(self, unmixing: np.ndarray, X: np.ndarray):
        """(unmixing, sources, amari, |r|): rows scaled to unit-variance sources, then put in
        the true sources' order and sign where they are known."""
        S = (X - self.mean) @ unmixing.T
        spread = S.std(axis=0)
        spread = np.where(spread > 0, spread, 1.0)
        unmixing, S = unmixing / spread[:, None], S / spread
        if self.known is None:
            return unmixing, S, float("nan"), np.empty(0)
        order, signs, r = core.match(self.known.sources, S)
        unmixing = unmixing[order] * signs[:, None]
        amari = core.amari_index(unmixing @ self.known.mixing) if self.square else math.nan
        return unmixing, S[:, order] * signs, amari, r


@register
class ICA(Algorithm):
    id = "ica"
    name = "Independent component analysis"
    family = "Dimensionality reduction"
    summary = ("Unmix signals: find the directions whose projections are as independent "
               "(as far from Gaussian) as possible; PCA beside it only decorrelates.")
    objective = ("Find W so that the components of s = W x are independent: FastICA "
                 "maximises non-Gaussianity (negentropy through a contrast G); Infomax "
                 "maximises the likelihood log|det W| + Σ log p(sᵢ) by its natural gradient.")
    params = (
        Choice(name="method", default="fastica", options=METHODS,
               help="FastICA (scikit-learn's fixed-point iteration) or Infomax (Bell and "
                    "Sejnowski's natural-gradient rule, written here)."),
        Int(name="n_components", label="components", default=4, low=1, high=50,
            help="How many sources to recover (at most the number of features)."),
        Choice(name="contrast", default="logcosh", options=core.CONTRASTS,
               help="FastICA's contrast G: logcosh (robust, general), exp (heavy-tailed "
                    "sources), cube (kurtosis: fast but sensitive to outliers)."),
        Int(name="max_iter", label="iterations", default=200, low=1, high=5000,
            help="FastICA: the most fixed-point iterations."),
        Choice(name="nonlinearity", default="extended", options=NONLINEARITIES,
               help="Infomax's φ: extended switches between super- and sub-Gaussian "
                    "sources per component; tanh (the original) suits only "
                    "super-Gaussian ones, and fails on sines and square waves."),
        Float(name="learning_rate", label="learning rate", default=0.05, low=0.0001,
              high=1.0, decimals=4, help="Infomax: the step size η, decaying over the "
                                         "epochs."),
        Int(name="epochs", default=60, low=1, high=2000,
            help="Infomax: passes through the data."),
        Int(name="batch_size", label="batch size", default=64, low=4, high=10_000,
            help="Infomax: rows per natural-gradient step."),
        seed_param(),
    )
    snapshot_type = Separation
    libraries = ("sklearn",)

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if dataset.n < 3:
            raise ValueError(f"ICA needs at least three rows; {dataset.name} has {dataset.n}")
        dataset.require_spread("ICA", "separate")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Separation]:
        X = dataset.X
        k = min(params["n_components"], dataset.d, dataset.n - 1)
        ctx.progress(0.0, f"whitening {dataset.n} × {dataset.d}…")
        ref = _Reference(X, k, truth(dataset))
        ctx.check()
        if params["method"] == "fastica":
            yield from self._fastica(X, ref, params, ctx)
        else:
            yield from self._infomax(X, ref, params, ctx)

    # ---- FastICA ---------------------------------------------------------------------------

    def _fastica(self, X, ref: _Reference, params, ctx) -> Iterator[Separation]:
        k = len(ref.K)
        name, max_iter = params["contrast"], params["max_iter"]
        w_init = np.random.default_rng(params["seed"]).normal(size=(k, k))
        stride = max(1, math.ceil(max_iter / FRAMES))
        trace, at = [], []
        step, it, lim = 0, 0, math.inf
        for it, (W, lim) in enumerate(core.fastica_steps(ref.Z, name, w_init, max_iter, TOL),
                                      start=1):
            ctx.check()
            placed = ref.placed(ref.root_n * W @ ref.K, X)
            trace.append(placed[2] if ref.square else lim)
            at.append(it)
            if (it <= EVERY_STEP or it % stride == 0) and it < max_iter and lim >= TOL:
                ctx.progress(it / max_iter, f"FastICA iteration {it}")
                yield self._snap(ref, placed, params, step, it, max_iter, trace, at, "iterate",
                                 f"FastICA iteration {it}: rows of W moved by {lim:.2e}")
                step += 1
        ctx.check()
        ctx.progress(0.99, "scikit-learn's FastICA from the same start…")
        model = _sklearn_fastica(X, k, name, w_init, max_iter)
        placed = ref.placed(model.components_, X)
        converged = lim < TOL
        message = self._message(ref, placed, "FastICA", name, it, converged)
        ctx.progress(1.0, message)
        yield self._snap(ref, placed, params, step, it, max_iter, trace, at, "done", message,
                         converged)

    # ---- Infomax ---------------------------------------------------------------------------

    def _infomax(self, X, ref: _Reference, params, ctx) -> Iterator[Separation]:
        k = len(ref.K)
        rng = np.random.default_rng(params["seed"])
        W = core.random_rotation(k, rng)
        Z = ref.Z.T
        epochs, b = params["epochs"], min(params["batch_size"], len(Z))
        extended = params["nonlinearity"] == "extended"
        batches = math.ceil(len(Z) / b)
        total = epochs * batches
        stride = max(1, math.ceil(total / FRAMES))
        trace, at = [], []
        step = update = 0
        gradient = math.nan
        for epoch in range(epochs):
            rate = params["learning_rate"] / (1.0 + 4.0 * epoch / epochs)
            order = rng.permutation(len(Z))
            for start in range(0, len(Z), b):
                W, gradient = core.infomax_step(W, Z[order[start:start + b]], rate, extended)
                update += 1
                if update % stride and update != total:
                    continue
                ctx.check()
                if not np.all(np.isfinite(W)):
                    raise ValueError("Infomax diverged: lower the learning rate")
                placed = ref.placed(ref.root_n * W @ ref.K, X)
                trace.append(placed[2] if ref.square else gradient)
                at.append(update)
                done = update == total
                message = (self._message(ref, placed, "Infomax", params["nonlinearity"],
                                         epochs, True) if done else
                           f"Infomax epoch {epoch + 1}, step {update}: η = {rate:.3g}, "
                           f"‖I − E[φ(y)yᵀ]‖ = {gradient:.3g}")
                ctx.progress(update / total, message)
                yield self._snap(ref, placed, params, step, update, total, trace, at,
                                 "done" if done else "iterate", message, done)
                step += 1

    # ---- snapshots -------------------------------------------------------------------------

    @staticmethod
    def _snap(ref: _Reference, placed, params, step, it, n_iter, trace, at, phase, message,
              converged=False) -> Separation:
        unmixing, S, amari, r = placed
        pca_unmixing, pca_S, pca_amari, pca_r = ref.pca
        known = ref.known
        fastica = params["method"] == "fastica"
        name = ("Amari index" if ref.square else
                "change of W" if fastica else "‖I − E[φ(y)yᵀ]‖")
        k = S.shape[1]
        return Separation(
            step=step, message=message, coords=frozen(S), mean=frozen(ref.mean),
            axis_names=("source 1", "source 2" if k > 1 else ""),
            objective_name=name, objective=float(trace[-1]), trace=frozen(np.array(trace)),
            trace_at=frozen(np.array(at, dtype=np.float64)), phase=phase, iteration=it,
            n_iter=n_iter, method=params["method"],
            contrast=params["contrast"] if fastica else params["nonlinearity"],
            unmixing=frozen(unmixing), mixing=frozen(np.linalg.pinv(unmixing)),
            true_sources=None if known is None else frozen(known.sources),
            true_mixing=None if known is None else frozen(known.mixing),
            source_names=() if known is None else known.names,
            amari=amari, correlations=frozen(r), pca_sources=frozen(pca_S),
            pca_unmixing=frozen(pca_unmixing), pca_amari=pca_amari,
            pca_correlations=frozen(pca_r), converged=converged)

    @staticmethod
    def _message(ref: _Reference, placed, method, variant, it, converged) -> str:
        k = placed[1].shape[1]
        what = "iterations" if method == "FastICA" else "epochs"
        head = (f"{method} ({variant}): {k} source{'s' * (k != 1)} in {it} {what}"
                + ("" if converged else " (not converged: raise the iterations)"))
        if ref.known is None:
            return head + "; the true sources are unknown for this data"
        if not ref.square:
            return head + (f"; {ref.known.mixing.shape[1]} true sources but {k} recovered: "
                           "no Amari index")
        return (f"{head}; Amari index {placed[2]:.3f} (PCA {ref.pca[2]:.3f}); |r| with the "
                f"true sources {_listed(placed[3])} (PCA {_listed(ref.pca[3])})")


def _listed(values: np.ndarray) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _sklearn_fastica(X: np.ndarray, k: int, contrast: str, w_init: np.ndarray, max_iter: int):
    """scikit-learn's FastICA from the same start as the steps shown."""
    import warnings

    from sklearn.decomposition import FastICA
    from sklearn.exceptions import ConvergenceWarning

    model = FastICA(n_components=k, algorithm="parallel", whiten="unit-variance",
                    fun=contrast, max_iter=max_iter, tol=TOL, w_init=w_init,
                    whiten_solver="svd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the message says so instead
        return model.fit(X)
