"""Gaussian mixture by EM, stepped: every E step and every M step is a snapshot.

The arithmetic is scikit-learn's `GaussianMixture` (the same estimates, the same reg_covar,
the same stopping rule on the mean log-likelihood per point), so from the same initial
parameters a run reaches its result; tests/engine/test_gmm.py checks that for all four
covariance types. It is written again here, vectorised, so that each step can be shown and
so that one iteration costs no more than scikit-learn's:

- the data are centred once, and the features each step needs (x², or the products xᵢxⱼ for
  full covariances) are made once per run, so an M step is one matrix product per statistic;
- full and tied log-densities use the Cholesky factors of the precisions, as scikit-learn
  does: one product X·[L₁ … L_k] for all components, and the squared norms summed per
  component by a second product;
- the E step exponentiates once: the responsibilities and the log-likelihood come from the
  same exp(log p − max), and the M step reuses them (scikit-learn exponentiates twice).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from engine.cancellable import call_cancellable
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, Mixture, frozen
from engine.registry import register

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
INITS = ("k-means", "random")
_LOG_2PI = math.log(2.0 * math.pi)
# Above this many numbers the products xᵢxⱼ are not stored; covariances are summed per component.
_PAIR_FEATURES_BUDGET = 4_000_000


# ---------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Params:
    """One mixture in the centred data's frame; covariances in the shape of their type:
    full (k, d, d), tied (d, d), diag (k, d), spherical (k,)."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    precisions_cholesky: np.ndarray
    covariance_type: str


def precisions_cholesky(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    """Factors U with U Uᵀ = Σ⁻¹ (scikit-learn's `precisions_cholesky_`), or a plain error."""
    if covariance_type in ("full", "tied"):
        try:
            lower = np.linalg.cholesky(covariances)
        except np.linalg.LinAlgError:
            raise ValueError(
                "a component's covariance collapsed (it is not positive definite): use fewer "
                "components, a larger reg_covar, or scale the data") from None
        eye = np.broadcast_to(np.eye(covariances.shape[-1]), covariances.shape)
        return np.swapaxes(np.linalg.solve(lower, eye), -1, -2)
    if np.any(covariances <= 0.0):
        raise ValueError("a component's variance fell to zero: use fewer components or a "
                         "larger reg_covar")
    return 1.0 / np.sqrt(covariances)


def full_covariances(covariances: np.ndarray, covariance_type: str, k: int, d: int
                     ) -> np.ndarray:
    """Any type's covariances as k full (d, d) matrices, for drawing and export."""
    if covariance_type == "full":
        return np.array(covariances, dtype=np.float64)
    if covariance_type == "tied":
        return np.repeat(np.asarray(covariances, dtype=np.float64)[None], k, axis=0)
    variances = np.asarray(covariances, dtype=np.float64)
    if covariance_type == "spherical":
        variances = np.repeat(variances[:, None], d, axis=1)
    return variances[:, :, None] * np.eye(d)[None]


def n_parameters(k: int, d: int, covariance_type: str) -> int:
    """Free parameters of the mixture, as scikit-learn counts them (for BIC and AIC)."""
    covariance = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2,
                  "spherical": k}[covariance_type]
    return int(covariance + k * d + k - 1)


# ---------------------------------------------------------------- EM on one data set


class EM:
    """E and M steps on one data set; the features each step reuses are made once here."""

    def __init__(self, X: np.ndarray, covariance_type: str, reg_covar: float = 1e-6):
        if covariance_type not in COVARIANCE_TYPES:
            raise ValueError(f"covariance_type must be one of {', '.join(COVARIANCE_TYPES)}")
        X = np.asarray(X, dtype=np.float64)
        self.n, self.d = X.shape
        self.offset = X.mean(axis=0)
        self.X = np.ascontiguousarray(X - self.offset)
        self.covariance_type = covariance_type
        self.reg_covar = float(reg_covar)
        self._pairs = None  # (n, d(d+1)/2) products xᵢxⱼ (i ≤ j) for full covariances
        self._squares = None  # x² per feature (diag), or ‖x‖² as a column (spherical)
        if covariance_type == "full" and self.n * self.d * (self.d + 1) // 2 <= \
                _PAIR_FEATURES_BUDGET:
            self._iu = np.triu_indices(self.d)
            self._pairs = np.ascontiguousarray(self.X[:, self._iu[0]] * self.X[:, self._iu[1]])
        elif covariance_type in ("diag", "spherical"):
            squares = self.X * self.X
            if covariance_type == "spherical":
                squares = squares.sum(axis=1, keepdims=True)
            self._squares = np.ascontiguousarray(squares)
        self._ones_k: np.ndarray | None = None

    # ---- M step ------------------------------------------------------------------------

    def m_step(self, resp: np.ndarray) -> Params:
        """Weights, means and covariances that maximise the expected log-likelihood."""
        X, d = self.X, self.d
        nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
        means = (resp.T @ X) / nk[:, None]
        kind = self.covariance_type
        if kind == "full":
            covariances = self._full(resp, nk, means)
        elif kind == "tied":
            covariances = (X.T @ X - (nk * means.T) @ means) / nk.sum()
            covariances.flat[:: d + 1] += self.reg_covar
        else:
            second = (resp.T @ self._squares) / nk[:, None]
            if kind == "diag":
                covariances = second - means * means + self.reg_covar
            else:
                covariances = (second[:, 0] - (means * means).sum(axis=1)) / d + self.reg_covar
        return Params(nk / nk.sum(), means, covariances,
                      precisions_cholesky(covariances, kind), kind)

    def _full(self, resp, nk, means) -> np.ndarray:
        k, d = means.shape
        if self._pairs is not None:
            second = (resp.T @ self._pairs) / nk[:, None]  # E[xᵢxⱼ] per component, i ≤ j
            cov = np.empty((k, d, d))
            cov[:, self._iu[0], self._iu[1]] = second
            cov[:, self._iu[1], self._iu[0]] = second
            cov -= means[:, :, None] * means[:, None, :]
        else:
            cov = np.empty((k, d, d))
            for j in range(k):  # k products of (d, n) by (n, d); no (n, k, d) temporary
                cov[j] = (self.X.T * resp[:, j]) @ self.X / nk[j]
                cov[j] -= np.outer(means[j], means[j])
        cov[:, np.arange(d), np.arange(d)] += self.reg_covar
        return cov

    # ---- E step ------------------------------------------------------------------------

    def weighted_log_prob(self, p: Params) -> np.ndarray:
        """(n, k) log(wⱼ N(xᵢ | μⱼ, Σⱼ))."""
        X, d = self.X, self.d
        kind, U = p.covariance_type, p.precisions_cholesky
        k = len(p.weights)
        if kind == "full":
            # All components at once: Y = X [U₁ … U_k] − [μ₁U₁ … μ_kU_k], then ‖y‖² per block.
            blocks = np.ascontiguousarray(U.transpose(1, 0, 2).reshape(d, k * d))
            shift = np.einsum("kd,kde->ke", p.means, U).reshape(-1)
            y = X @ blocks
            y -= shift
            np.square(y, out=y)
            maha = y.reshape(-1, k, d).sum(axis=2) if d > 1 else y
            log_det = np.log(U[:, np.arange(d), np.arange(d)]).sum(axis=1)
        elif kind == "tied":
            xu = X @ U
            mu = p.means @ U
            maha = (xu * xu).sum(axis=1, keepdims=True) - 2.0 * (xu @ mu.T)
            maha += (mu * mu).sum(axis=1)
            log_det = np.full(k, np.log(np.diag(U)).sum())
        elif kind == "diag":
            prec = U * U
            maha = self._squares @ prec.T - 2.0 * (X @ (p.means * prec).T)
            maha += (p.means * p.means * prec).sum(axis=1)
            log_det = np.log(U).sum(axis=1)
        else:
            prec = U * U
            maha = self._squares * prec - 2.0 * (X @ p.means.T) * prec
            maha += (p.means * p.means).sum(axis=1) * prec
            log_det = d * np.log(U)
        maha *= -0.5
        maha += log_det - 0.5 * d * _LOG_2PI + np.log(p.weights)
        return maha

    def e_step(self, p: Params) -> tuple[np.ndarray, np.ndarray, float]:
        """(responsibilities (n, k), labels, total log-likelihood), from one exp pass."""
        a = self.weighted_log_prob(p)
        labels = np.argmax(a, axis=1).astype(np.int32)
        top = a[np.arange(self.n), labels]
        a -= top[:, None]
        np.exp(a, out=a)
        if self._ones_k is None or len(self._ones_k) != a.shape[1]:
            self._ones_k = np.ones(a.shape[1])
        total = a @ self._ones_k  # row sums as one BLAS product: the k axis is short
        a /= total[:, None]
        log_likelihood = float(np.log(total).sum() + top.sum())
        return a, labels, log_likelihood

    # ---- parameters in and out ---------------------------------------------------------

    def params_from(self, weights, means, covariances) -> Params:
        """Parameters given in the data's own frame (as scikit-learn's *_init take them)."""
        covariances = np.array(covariances, dtype=np.float64)
        return Params(np.asarray(weights, dtype=np.float64),
                      np.asarray(means, dtype=np.float64) - self.offset, covariances,
                      precisions_cholesky(covariances, self.covariance_type),
                      self.covariance_type)

    def initial(self, resp: np.ndarray) -> Params:
        """Parameters from initial responsibilities (scikit-learn's `_initialize`)."""
        return self.m_step(resp)


# ---------------------------------------------------------------- starting points


def initial_responsibilities(X: np.ndarray, k: int, init: str, seed: int) -> np.ndarray:
    """(n, k) starting responsibilities, as scikit-learn's GaussianMixture makes them with
    `init_params="kmeans"` or `"random"` and `random_state=seed`."""
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if init == "random":
        resp = np.random.RandomState(seed).uniform(size=(n, k))
        return resp / resp.sum(axis=1)[:, None]
    if init != "k-means":
        raise ValueError(f"init must be one of {', '.join(INITS)}, got {init!r}")
    from sklearn.cluster import KMeans

    labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit(X).labels_
    resp = np.zeros((n, k))
    resp[np.arange(n), labels] = 1.0
    return resp


# ---------------------------------------------------------------- the stepped run



class _Trace:
    """The log-likelihood per E step in one growing buffer; snapshots get read-only views."""

    def __init__(self) -> None:
        self._buf = np.empty(64)
        self._n = 0

    def append(self, value: float) -> np.ndarray:
        if self._n == len(self._buf):
            self._buf = np.concatenate([self._buf, np.empty(len(self._buf))])
        self._buf[self._n] = value
        self._n += 1
        return self.view()

    def view(self) -> np.ndarray:
        return frozen(self._buf[: self._n])


def em_steps(X: np.ndarray, start: Params | np.ndarray, covariance_type: str,
             max_iter: int = 100, tol: float = 1e-3, reg_covar: float = 1e-6,
             cancelled: Callable[[], bool] = lambda: False,
             progress: Callable[[float, str], None] | None = None,
             init_name: str = "given", em: EM | None = None) -> Iterator[Mixture]:
    """EM from initial responsibilities (n, k) or parameters, as snapshots: init, then E/M
    pairs, then a last E step so the responsibilities match the final parameters.

    Stops, as scikit-learn does, when the mean log-likelihood per point changes by less than
    `tol` from one E step to the next, or after `max_iter` iterations. Parameters given as
    `Params` are in the centred frame of `em` (see `EM.params_from`).
    """
    em = em or EM(X, covariance_type, reg_covar)
    n, d = em.n, em.d
    if isinstance(start, Params):
        params, resp0 = start, None
    else:
        resp0 = np.asarray(start, dtype=np.float64)
        params = em.initial(resp0)
    k = len(params.weights)
    trace = _Trace()
    step = 0

    def snapshot(phase, resp32, labels, ll, message, iteration, converged=False) -> Mixture:
        nonlocal step
        step += 1
        return Mixture(step=step, message=message, weights=frozen(params.weights.copy()),
                       means=frozen(params.means + em.offset),
                       covariances=frozen(full_covariances(params.covariances,
                                                            covariance_type, k, d)),
                       covariance_type=covariance_type, responsibilities=resp32,
                       labels=labels, log_likelihood=float(ll), trace=trace.view(),
                       phase=phase, iteration=iteration, converged=converged)

    if cancelled():
        return
    if resp0 is None:
        resp32 = frozen(np.full((n, k), 1.0 / k, dtype=np.float32))
        labels = frozen(np.full(n, -1, dtype=np.int32))
    else:
        resp32 = frozen(resp0.astype(np.float32))
        labels = frozen(np.argmax(resp0, axis=1).astype(np.int32))
    yield snapshot("init", resp32, labels, float("nan"),
                   f"{k} initial components ({init_name}, {covariance_type} covariances); "
                   f"weights {_weights(params.weights)}", 0)
    previous = -np.inf  # mean log-likelihood per point at the last E step
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        if cancelled():
            return
        resp, hard, ll = em.e_step(params)
        resp32, labels = frozen(resp.astype(np.float32)), frozen(hard)
        if it == 1:
            message = (f"E-step 1: responsibilities of the {k} components for each of the "
                       f"{n} points; log-likelihood {ll:.6g}")
        else:
            message = f"E-step {it}: responsibilities updated; {_change(trace.view()[-1], ll)}"
        trace.append(ll)
        yield snapshot("E", resp32, labels, ll, message, it)
        if cancelled():
            return
        old_means = params.means
        params = em.m_step(resp)
        move = float(np.sqrt(((params.means - old_means) ** 2).sum(axis=1)).max())
        yield snapshot("M", resp32, labels, ll,
                       f"M-step {it}: weights, means and covariances re-estimated from the "
                       f"responsibilities (largest mean move {move:.3g}); weights "
                       f"{_weights(params.weights)}", it)
        if progress is not None:
            progress(it / max_iter, f"iteration {it} of at most {max_iter}")
        if abs(ll / n - previous) < tol:
            converged = True
            break
        previous = ll / n
    if cancelled():
        return
    resp, hard, ll = em.e_step(params)
    how = (f"converged: the log-likelihood per point changed by less than {tol:g}"
           if converged else f"stopped after {max_iter} iterations")
    change = _change(trace.view()[-1], ll) if it else f"log-likelihood {ll:.6g}"
    trace.append(ll)
    yield snapshot("E", frozen(resp.astype(np.float32)), frozen(hard), ll,
                   f"final E-step ({how}); {change}", it + 1, converged=converged)


def fit(X: np.ndarray, k: int, covariance_type: str, init: str = "k-means", seed: int = 0,
        max_iter: int = 100, tol: float = 1e-3, reg_covar: float = 1e-6,
        cancelled: Callable[[], bool] = lambda: False) -> Mixture | None:
    """The last snapshot of a run without watching (None when cancelled)."""
    em = EM(X, covariance_type, reg_covar)
    done, resp = call_cancellable(lambda: initial_responsibilities(X, k, init, seed), cancelled)
    if not done:
        return None
    last = None
    for snap in em_steps(X, resp, covariance_type, max_iter, tol, reg_covar, cancelled, em=em):
        last = snap
    return None if cancelled() else last


def criteria(X: np.ndarray, k_max: int, covariance_type: str, seed: int = 0,
             max_iter: int = 100, tol: float = 1e-3, reg_covar: float = 1e-6,
             cancelled: Callable[[], bool] = lambda: False,
             progress: Callable[[float, str], None] | None = None,
             known: dict[int, float] | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """BIC and AIC for K = 1..k_max, each mixture fitted by this EM from k-means
    (log-likelihoods in `known` are taken as they are). None when cancelled."""
    n, d = np.shape(X)
    bic, aic = np.empty(k_max), np.empty(k_max)
    for K in range(1, k_max + 1):
        if progress is not None:
            progress((K - 1) / k_max, f"BIC and AIC: fitting K = {K} of {k_max}")
        if known and K in known:
            ll = known[K]
        elif n < K:
            bic[K - 1] = aic[K - 1] = np.nan
            continue
        else:
            try:
                last = fit(X, K, covariance_type, "k-means", seed, max_iter, tol, reg_covar,
                           cancelled)
            except ValueError:  # a component collapsed: this K has no score, the others do
                bic[K - 1] = aic[K - 1] = np.nan
                continue
            if last is None:
                return None
            ll = last.log_likelihood
        p = n_parameters(K, d, covariance_type)
        bic[K - 1] = -2.0 * ll + p * math.log(n)
        aic[K - 1] = -2.0 * ll + 2.0 * p
    return frozen(bic), frozen(aic)


def _criteria_message(bic: np.ndarray, aic: np.ndarray, kind: str) -> str:
    head = f"BIC and AIC for K = 1 … {len(bic)} ({kind} covariances)"
    if np.all(np.isnan(bic)):
        return f"{head}: no K could be fitted"
    best_b, best_a = int(np.nanargmin(bic)) + 1, int(np.nanargmin(aic)) + 1
    return f"{head}: BIC is lowest at K = {best_b}, AIC at K = {best_a}"


def _weights(w: np.ndarray) -> str:
    shown = ", ".join(f"{v:.2f}" for v in w[:8])
    return shown + (", …" if len(w) > 8 else "")


def _change(before: float, after: float) -> str:
    """How the log-likelihood moved; changes at the level of rounding count as none."""
    if abs(after - before) <= 1e-10 * max(abs(before), 1.0):
        return f"log-likelihood stays at {after:.6g}"
    verb = "rose" if after > before else "fell"
    return f"log-likelihood {verb} by {abs(after - before):.3g}, from {before:.6g} to {after:.6g}"


# ---------------------------------------------------------------- drawing helpers


def project_covariances(axes: np.ndarray, covariances: np.ndarray) -> np.ndarray:
    """Σ₂ = P Σ Pᵀ for each (d, d) covariance under the linear map P (2, d): exact for a
    linear view (PCA or a pair of features)."""
    return np.einsum("id,kde,je->kij", axes, covariances, axes)


def ellipses(means: np.ndarray, covariances: np.ndarray, radius: float, points: int = 73
             ) -> np.ndarray:
    """(k, points, 2) closed outlines {μ + r Σ^½ u : ‖u‖ = 1}: the points at Mahalanobis
    distance `radius` from each 2-D mean."""
    values, vectors = np.linalg.eigh(np.asarray(covariances, dtype=np.float64))
    scale = vectors * np.sqrt(np.clip(values, 0.0, None))[:, None, :]  # Σ^½ up to rotation
    t = np.linspace(0.0, 2.0 * np.pi, points)
    circle = np.stack([np.cos(t), np.sin(t)])  # (2, points)
    return np.asarray(means)[:, None, :] + radius * np.einsum("kij,jp->kpi", scale, circle)


# ---------------------------------------------------------------- the algorithm


@register
class GaussianMixture(Algorithm):
    id = "gmm"
    name = "Gaussian mixture (EM)"
    family = "Clustering"
    summary = ("Soft clusters: each point belongs to every Gaussian in proportion to how "
               "well it explains the point.")
    objective = ("maximise the log-likelihood Σᵢ log Σⱼ wⱼ N(xᵢ | μⱼ, Σⱼ); EM never lowers it")
    params = (
        Int(name="n_components", label="components K", default=3, low=1, high=20,
            help="How many Gaussians to mix."),
        Choice(name="covariance_type", label="covariance", default="full",
               options=COVARIANCE_TYPES,
               help="full: any ellipse per component; diag: axis-aligned ellipses; "
                    "spherical: circles; tied: one shared ellipse for all components."),
        Choice(name="init", default="k-means", options=INITS,
               help="k-means: start from a k-means partition; random: random "
                    "responsibilities (all components start near the data's mean)."),
        Int(name="max_iter", label="max iterations", default=100, low=1, high=1000,
            help="Stop after this many E/M rounds even if the likelihood still rises."),
        Float(name="tol", label="tolerance", default=1e-3, low=1e-8, high=1.0, log=True,
              decimals=8, help="Stop when the log-likelihood per point rises by less."),
        Float(name="reg_covar", label="reg_covar", default=1e-6, low=1e-9, high=1.0, log=True,
              decimals=9, help="Added to every variance so no component collapses onto a "
                               "single point (scikit-learn's reg_covar)."),
        Int(name="k_max", label="BIC/AIC up to K", default=6, low=0, high=20,
            help="After the run, fit K = 1 … this many components and plot BIC and AIC "
                 "(0: skip)."),
        seed_param(),
    )
    snapshot_type = Mixture
    libraries = ("sklearn",)

    def check(self, dataset, params):
        k = params["n_components"]
        if k > dataset.n:
            raise ValueError(f"a mixture of {k} components needs at least {k} points; "
                             f"this data set has {dataset.n}")

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        k, kind = params["n_components"], params["covariance_type"]
        ctx.progress(0.0, f"initialising {k} components ({params['init']})")
        done, resp = call_cancellable(
            lambda: initial_responsibilities(dataset.X, k, params["init"], params["seed"]),
            ctx.cancelled)
        if not done:
            return
        last = None
        for last in em_steps(dataset.X, resp, kind, params["max_iter"], params["tol"],
                             params["reg_covar"], ctx.cancelled, ctx.progress,
                             init_name=params["init"]):
            yield last
        if last is None or ctx.cancelled() or params["k_max"] == 0:
            return
        found = criteria(dataset.X, params["k_max"], kind, params["seed"], params["max_iter"],
                         params["tol"], params["reg_covar"], ctx.cancelled, ctx.progress,
                         known={k: last.log_likelihood} if params["init"] == "k-means" else
                         None)
        if found is None:
            return
        bic, aic = found
        yield replace(last, step=last.step + 1, phase="criteria", bic=bic, aic=aic,
                      message=_criteria_message(bic, aic, kind))
        ctx.progress(1.0, "done")
