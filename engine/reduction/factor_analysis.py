"""Factor analysis beside PCA: a noise variance of its own for every feature.

FA models x = μ + Wᵀz + ε with z ~ N(0, I) and ε ~ N(0, diag ψ). PCA (probabilistic PCA)
has one noise variance for all features, so a single very noisy feature pulls its first
component towards itself; FA puts that feature's variance into its ψ instead. The EM (SVD)
iterations are scikit-learn's (FactorAnalysis, svd_method="lapack"), repeated here step by
step to show them; the last snapshot is scikit-learn's own fit, and a test checks that the
steps end where it does.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Choice, Int
from engine.protocol import Algorithm, FactorModel, RunContext, frozen
from engine.reduction import quality
from engine.reduction.pca import flip_signs
from engine.registry import register

ROTATIONS = ("none", "varimax", "quartimax")
TOL = 1e-2  # scikit-learn's default: stop when the log-likelihood gains less
SMALL = 1e-12  # scikit-learn's floor for ψ
EVERY_STEP = 20  # the first iterations each get a snapshot, then one in `stride`
FRAMES = 100


def em_steps(X: np.ndarray, k: int, max_iter: int, tol: float = TOL
             ) -> Iterator[tuple[np.ndarray, np.ndarray, float]]:
    """scikit-learn's FactorAnalysis.fit loop, one iteration at a time: yields (W, ψ,
    log-likelihood) after each; W (k, d) is computed from the ψ before it, ψ then updated.
    X must be centred."""
    import scipy.linalg

    n, d = X.shape
    root_n = math.sqrt(n)
    constant = d * math.log(2.0 * math.pi) + k
    variance = X.var(axis=0)
    psi = np.ones(d)
    old = -np.inf
    for _ in range(max_iter):
        sqrt_psi = np.sqrt(psi) + SMALL
        _, s, vt = scipy.linalg.svd(X / (sqrt_psi * root_n), full_matrices=False,
                                    check_finite=False)
        unexplained = float(np.sum(s[k:] ** 2))
        s = s[:k] ** 2
        W = np.sqrt(np.maximum(s - 1.0, 0.0))[:, None] * vt[:k] * sqrt_psi
        ll = -n / 2.0 * (constant + np.sum(np.log(s)) + unexplained + np.sum(np.log(psi)))
        done = ll - old < tol
        if not done:
            psi = np.maximum(variance - np.sum(W**2, axis=0), SMALL)
        yield W, psi, float(ll)
        if done:
            return
        old = ll


def pca_loadings(X: np.ndarray, k: int) -> np.ndarray:
    """PCA's first k components × √eigenvalue: the loadings in FA's units, signed."""
    from sklearn.decomposition import PCA

    model = PCA(n_components=k, svd_solver="full").fit(X)
    return flip_signs(model.components_ * np.sqrt(model.explained_variance_)[:, None])


def sklearn_fit(X: np.ndarray, k: int, rotation: str, max_iter: int):
    """scikit-learn's FactorAnalysis on X, the reference every snapshot leads to."""
    import warnings

    from sklearn.decomposition import FactorAnalysis
    from sklearn.exceptions import ConvergenceWarning

    model = FactorAnalysis(n_components=k, rotation=None if rotation == "none" else rotation,
                           svd_method="lapack", max_iter=max_iter, tol=TOL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the message says so instead
        model.fit(X)
    return model


@register
class FA(Algorithm):
    id = "fa"
    name = "Factor analysis"
    family = "Dimensionality reduction"
    summary = ("A few latent factors plus a noise variance per feature; shown beside PCA, "
               "which a single noisy feature can pull.")
    objective = ("Maximise the likelihood of x ~ N(μ, WᵀW + diag ψ) by EM: W the loadings, "
                 "ψ each feature's own noise variance.")
    params = (
        Int(name="n_components", label="factors", default=2, low=1, high=50,
            help="How many latent factors (at most the number of features)."),
        Choice(name="rotation", default="none", options=ROTATIONS,
               help="Rotate the loadings at the end (varimax: each factor loads on few "
                    "features). The likelihood does not change."),
        Int(name="max_iter", label="iterations", default=1000, low=1, high=10_000,
            help="The most EM iterations."),
    )
    snapshot_type = FactorModel
    libraries = ("sklearn",)

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if dataset.n < 2:
            raise ValueError("factor analysis needs at least two points")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[FactorModel]:
        X = dataset.X
        k = min(params["n_components"], dataset.d)
        mean = X.mean(axis=0)
        Xc = X - mean
        pca = frozen(pca_loadings(Xc, k))
        base = dict(pca_loadings=pca, mean=frozen(mean))
        max_iter = params["max_iter"]
        stride = max(1, math.ceil(max_iter / FRAMES))
        trace: list[float] = []
        step = 0
        for it, (W, psi, ll) in enumerate(em_steps(Xc, k, max_iter), start=1):
            ctx.check()
            trace.append(ll)
            if it <= EVERY_STEP or it % stride == 0:
                ctx.progress(it / max_iter, f"EM iteration {it}")
                yield self._snap(step, it, W, psi, trace, base, "em")
                step += 1
        ctx.check()
        model = sklearn_fit(X, k, params["rotation"], max_iter)
        it = model.n_iter_
        converged = len(trace) >= 2 and trace[-1] - trace[-2] < TOL
        scores = model.transform(X)
        ctx.progress(0.99, "quality measures…")
        measured = (quality.measure(X, quality.plane(scores))
                    if len(X) >= quality.MIN_POINTS else None)
        message = self._message(dataset, model, pca, it, converged, k, params)
        if measured is not None:
            message += f"; the map of the first two factors: {measured.summary()}"
        ctx.progress(1.0, message)
        yield FactorModel(
            step=step, message=message, loadings=frozen(flip_signs(model.components_)),
            noise_variance=frozen(model.noise_variance_), log_likelihood=float(trace[-1]),
            trace=frozen(np.array(trace)), iteration=it, converged=converged,
            rotation=params["rotation"], phase="done", scores=frozen(scores),
            quality=measured, **base)

    @staticmethod
    def _snap(step, it, W, psi, trace, base, phase) -> FactorModel:
        return FactorModel(
            step=step, message=f"EM iteration {it}: log-likelihood {trace[-1]:.6g}",
            loadings=frozen(flip_signs(W)), noise_variance=frozen(psi, copy=True),
            log_likelihood=trace[-1], trace=frozen(np.array(trace)), iteration=it,
            phase=phase, **base)

    @staticmethod
    def _message(dataset, model, pca, it, converged, k, params) -> str:
        names = dataset.feature_names
        psi = model.noise_variance_
        noisy = int(np.argmax(psi))
        fa_first = flip_signs(model.components_)[0]
        pulled = int(np.argmax(np.abs(pca[0])))
        parts = [f"{k} factor{'s' * (k != 1)} in {it} EM iterations"
                 + ("" if converged else " (not converged: raise the iterations)"),
                 f"noisiest feature {names[noisy]} (ψ = {psi[noisy]:.3g})",
                 f"PCA's first component leans most on {names[pulled]}, FA's first factor on "
                 f"{names[int(np.argmax(np.abs(fa_first)))]}"]
        if k < params["n_components"]:
            parts.append(f"{params['n_components']} factors asked for, but this data has "
                         f"only {k} features")
        return "; ".join(parts)
