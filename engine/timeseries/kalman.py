"""The linear dynamical system's mathematics: Kalman filter, RTS smoother and EM, in numpy.

    x₁ ~ N(μ₀, V₀),  x_t = A x_{t−1} + w,  w ~ N(0, Q),  y_t = C x_t + d + v,  v ~ N(0, diag R)

The filter's covariances do not depend on the data, so trials of one length share them: the
means of all such trials are filtered together, one time step for all at once. The update is
written in information form (k × k matrices only), so a hundred channels cost no more than a
few. EM's M-step is exact, so the log-likelihood never falls (Ghahramani and Hinton, 1996).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

NOISE_FLOOR = 1e-6  # of each channel's variance: the least noise variance R may reach


@dataclass(frozen=True)
class LDSParams:
    A: np.ndarray  # (k, k) dynamics
    Q: np.ndarray  # (k, k) innovation covariance
    C: np.ndarray  # (p, k) loading
    d: np.ndarray  # (p,) offset
    R: np.ndarray  # (p,) private noise variances
    mu0: np.ndarray  # (k,) mean of the first state
    V0: np.ndarray  # (k, k) covariance of the first state

    @property
    def k(self) -> int:
        return self.A.shape[0]


@dataclass(frozen=True)
class Smoothed:
    """The posterior of the trials of one length: means (m, T, k), covariances (T, k, k) and
    the lag-one covariances Cov(x_{t+1}, x_t) (T−1, k, k), shared by the m trials."""

    mean: np.ndarray
    cov: np.ndarray
    cross: np.ndarray
    loglik: float


def _sym(a: np.ndarray) -> np.ndarray:
    return 0.5 * (a + np.swapaxes(a, -1, -2))


def inv_logdet(a: np.ndarray) -> tuple[np.ndarray, float]:
    """Inverse and log-determinant of a symmetric positive-definite matrix, by Cholesky
    (GPFA's E-step uses it too)."""
    L = np.linalg.cholesky(_sym(a))
    Linv = np.linalg.inv(L)
    return Linv.T @ Linv, 2.0 * float(np.sum(np.log(np.diag(L))))


def smooth(Y: np.ndarray, p: LDSParams) -> Smoothed:
    """Kalman filter then Rauch–Tung–Striebel smoother over trials Y (m, T, channels) of one
    length; the log-likelihood is the sum over trials of log p(y₁ … y_T)."""
    m, T, n_ch = Y.shape
    k = p.k
    Rinv = 1.0 / p.R
    CtRinv = p.C.T * Rinv  # (k, p)
    CRC = _sym(CtRinv @ p.C)
    E = Y - p.d
    B = E @ CtRinv.T  # (m, T, k): C'R⁻¹(y_t − d)
    quad_r = np.einsum("mtp,p->mt", E * E, Rinv)
    logdet_r = float(np.sum(np.log(p.R)))
    xp = np.empty((m, T, k))
    xf = np.empty((m, T, k))
    Pp = np.empty((T, k, k))
    Pf = np.empty((T, k, k))
    x, P = np.broadcast_to(p.mu0, (m, k)).copy(), p.V0.copy()
    loglik = 0.0
    for t in range(T):
        xp[:, t], Pp[t] = x, P
        P_inv, logdet_p = inv_logdet(P)
        Pf_t, logdet_m = inv_logdet(P_inv + CRC)  # Pf = (P⁻¹ + C'R⁻¹C)⁻¹
        b = B[:, t] - x @ CRC  # C'R⁻¹ times the innovation
        e_r_e = quad_r[:, t] - 2.0 * np.sum(x * B[:, t], axis=1) + np.sum((x @ CRC) * x, axis=1)
        quad = e_r_e - np.sum((b @ Pf_t) * b, axis=1)
        logdet_s = logdet_r + logdet_p + logdet_m  # |S| = |R| |P| |P⁻¹ + C'R⁻¹C|
        loglik -= 0.5 * (m * (n_ch * math.log(2 * math.pi) + logdet_s) + float(quad.sum()))
        xf[:, t] = x + b @ Pf_t
        Pf[t] = Pf_t
        x = xf[:, t] @ p.A.T
        P = _sym(p.A @ Pf_t @ p.A.T + p.Q)
    xs = xf.copy()
    Ps = Pf.copy()
    cross = np.empty((max(T - 1, 0), k, k))
    for t in range(T - 2, -1, -1):
        Pp_inv, _ = inv_logdet(Pp[t + 1])
        J = Pf[t] @ p.A.T @ Pp_inv
        xs[:, t] = xf[:, t] + (xs[:, t + 1] - xp[:, t + 1]) @ J.T
        Ps[t] = _sym(Pf[t] + J @ (Ps[t + 1] - Pp[t + 1]) @ J.T)
        cross[t] = Ps[t + 1] @ J.T
    return Smoothed(xs, Ps, cross, loglik)


def e_step(groups: list[np.ndarray], p: LDSParams) -> list[Smoothed]:
    """The smoother over each group of trials of one length (each (m, T, channels))."""
    return [smooth(Y, p) for Y in groups]


def m_step(groups: list[np.ndarray], post: list[Smoothed], p: LDSParams,
           floor: np.ndarray) -> LDSParams:
    """The parameters that maximise the expected complete log-likelihood (exactly)."""
    k, n_ch = p.k, p.C.shape[0]
    Sxx = np.zeros((k, k))
    Sx = np.zeros(k)
    Sprev = np.zeros((k, k))  # Σ E[x_{t−1} x_{t−1}'] over t ≥ 2
    Snext = np.zeros((k, k))  # Σ E[x_t x_t'] over t ≥ 2
    Slag = np.zeros((k, k))  # Σ E[x_t x_{t−1}']
    Syx = np.zeros((n_ch, k))
    Sy = np.zeros(n_ch)
    Syy = np.zeros(n_ch)
    first_mean, first_outer, n, n_pairs, n_trials = np.zeros(k), np.zeros((k, k)), 0, 0, 0
    for Y, s in zip(groups, post, strict=True):
        m, T, _ = Y.shape
        outer = np.einsum("mti,mtj->tij", s.mean, s.mean) + m * s.cov  # Σ_trials E[x_t x_t']
        Sxx += outer.sum(axis=0)
        Sx += s.mean.sum(axis=(0, 1))
        Syx += np.einsum("mtp,mtk->pk", Y, s.mean)
        Sy += Y.sum(axis=(0, 1))
        Syy += np.einsum("mtp,mtp->p", Y, Y)
        if T > 1:
            Sprev += outer[:-1].sum(axis=0)
            Snext += outer[1:].sum(axis=0)
            Slag += (np.einsum("mti,mtj->ij", s.mean[:, 1:], s.mean[:, :-1])
                     + m * s.cross.sum(axis=0))
        first_mean += s.mean[:, 0].sum(axis=0)
        first_outer += outer[0]
        n += m * T
        n_pairs += m * (T - 1)
        n_trials += m
    A = np.linalg.solve(Sprev.T, Slag.T).T if n_pairs else p.A
    Q = _sym((Snext - A @ Slag.T) / n_pairs) if n_pairs else p.Q
    aug = np.block([[Sxx, Sx[:, None]], [Sx[None, :], np.array([[float(n)]])]])
    Cd = np.linalg.solve(aug.T, np.hstack([Syx, Sy[:, None]]).T).T
    C, d = Cd[:, :k], Cd[:, k]
    R = (Syy - np.sum(Cd * np.hstack([Syx, Sy[:, None]]), axis=1)) / n
    mu0 = first_mean / n_trials
    V0 = _sym(first_outer / n_trials - np.outer(mu0, mu0))
    return LDSParams(A=A, Q=Q, C=C, d=d, R=np.maximum(R, floor), mu0=mu0, V0=V0)


def init_from_pca(groups: list[np.ndarray], k: int) -> LDSParams:
    """A start that EM improves on: PCA's loading and scores (unit variance), the dynamics
    that best predict each score from the one before, the rest as residual variances."""
    Y = np.concatenate([g.reshape(-1, g.shape[-1]) for g in groups])
    d = Y.mean(axis=0)
    Yc = Y - d
    _, s, vt = np.linalg.svd(Yc, full_matrices=False)
    scale = np.maximum(s[:k] / math.sqrt(len(Y)), 1e-9)
    C = vt[:k].T * scale
    variance = Yc.var(axis=0)
    R = np.maximum(variance - np.sum(C**2, axis=1), 0.01 * variance.mean() + 1e-12)
    xs = [((g - d) @ vt[:k].T) / scale for g in groups]  # (m, T, k) per group
    prev = np.concatenate([x[:, :-1].reshape(-1, k) for x in xs])
    nxt = np.concatenate([x[:, 1:].reshape(-1, k) for x in xs])
    if len(prev) > k:
        A = np.linalg.lstsq(prev, nxt, rcond=None)[0].T
        resid = nxt - prev @ A.T
        Q = _sym(resid.T @ resid / len(resid)) + 1e-3 * np.eye(k)
    else:
        A, Q = np.eye(k), np.eye(k)
    first = np.concatenate([x[:, 0] for x in xs])
    mu0 = first.mean(axis=0)
    V0 = (np.cov(first.T).reshape(k, k) if len(first) > 1 else np.zeros((k, k))) + Q
    return LDSParams(A=A, Q=Q, C=C, d=d, R=R, mu0=mu0, V0=_sym(V0))


def fit(groups: list[np.ndarray], k: int, max_iter: int, tol: float = 0.0):
    """EM from the PCA start: yields (params, posterior, log-likelihood) per iteration, the
    posterior and log-likelihood those of the params (the E-step of that iteration), until
    the relative gain falls under `tol` or max_iter iterations."""
    p = init_from_pca(groups, k)
    Y = np.concatenate([g.reshape(-1, g.shape[-1]) for g in groups])
    floor = NOISE_FLOOR * np.maximum(Y.var(axis=0), 1e-12)
    p = replace(p, R=np.maximum(p.R, floor))
    old = -np.inf
    for _ in range(max_iter):
        post = e_step(groups, p)
        ll = float(sum(s.loglik for s in post))
        yield p, post, ll
        if np.isfinite(old) and ll - old <= tol * abs(old):
            return
        old = ll
        p = m_step(groups, post, p, floor)
