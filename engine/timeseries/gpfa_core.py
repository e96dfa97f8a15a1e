"""Gaussian-process factor analysis (Yu et al., 2009), in numpy: its E-step, M-step and
log-likelihood.

    x_j(·) ~ GP(0, K_j),  K_j(t, s) = (1 − σ²) exp(−(t − s)² / 2τ_j²) + σ² δ_ts
    y_t = C x_t + d + v,  v ~ N(0, diag R)

Each trial's latents are stacked latent by latent, x̄ = (x₁(t₁ … t_T), x₂(…), …), so their
prior covariance K̄ is block-diagonal and the posterior is one Gaussian of kT dimensions:
Σ = (K̄⁻¹ + C'R⁻¹C ⊗ I_T)⁻¹, mean Σ · (C'R⁻¹(y_t − d))_stacked. It depends on the trial's
times alone, so trials sampled at the same times share one Σ. The M-step is exact for C, d
and R; each τ_j climbs its own part of the expected log-likelihood by gradient steps on
log τ_j, each kept only if it climbs (a generalised EM: the likelihood never falls).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.timeseries.kalman import inv_logdet

GP_NOISE = 1e-3  # σ²: the share of each latent's unit variance that is white noise
TAU_STEPS = 4  # gradient steps on each log τ per EM iteration


@dataclass(frozen=True)
class GPFAParams:
    C: np.ndarray  # (p, k)
    d: np.ndarray  # (p,)
    R: np.ndarray  # (p,)
    tau: np.ndarray  # (k,) timescales, in the units of the times

    @property
    def k(self) -> int:
        return self.C.shape[1]


@dataclass(frozen=True)
class Posterior:
    """The posterior of the m trials sampled at `times`: means (m, T, k) and the covariance
    of the stacked latents (kT, kT), latent by latent, shared by the m trials."""

    mean: np.ndarray
    cov: np.ndarray
    loglik: float


def kernel(times: np.ndarray, tau: float) -> np.ndarray:
    """The squared-exponential covariance of one latent at these times, with σ² added."""
    diff = times[:, None] - times[None, :]
    return (1.0 - GP_NOISE) * np.exp(-0.5 * (diff / tau) ** 2) + GP_NOISE * np.eye(len(times))


def posterior(Y: np.ndarray, times: np.ndarray, p: GPFAParams) -> Posterior:
    """The E-step for trials Y (m, T, channels) sampled at `times` (T,), and their summed
    log-likelihood log N(ȳ; d̄, C̄K̄C̄' + R̄), by the matrix determinant lemma."""
    m, T, n_ch = Y.shape
    k = p.k
    Rinv = 1.0 / p.R
    CtRinv = p.C.T * Rinv
    CRC = CtRinv @ p.C
    K_inv = np.zeros((k * T, k * T))
    logdet_k = 0.0
    for j in range(k):
        inv, logdet = inv_logdet(kernel(times, p.tau[j]))
        K_inv[j * T:(j + 1) * T, j * T:(j + 1) * T] = inv
        logdet_k += logdet
    Sigma, logdet_m = inv_logdet(K_inv + np.kron(CRC, np.eye(T)))
    E = Y - p.d
    b = (E @ CtRinv.T).transpose(0, 2, 1).reshape(m, k * T)  # stacked C'R⁻¹(y_t − d)
    mean = b @ Sigma
    quad = float(np.einsum("mtp,p->", E * E, Rinv)) - float(np.sum(mean * b))
    logdet = T * float(np.sum(np.log(p.R))) + logdet_k + logdet_m
    loglik = -0.5 * (m * (T * n_ch * math.log(2 * math.pi) + logdet) + quad)
    return Posterior(mean.reshape(m, k, T).transpose(0, 2, 1), Sigma, loglik)


def _time_blocks(cov: np.ndarray, k: int, T: int) -> np.ndarray:
    """(T, k, k): the covariance of x_t, time by time, from the stacked (kT, kT) one."""
    c = cov.reshape(k, T, k, T)
    idx = np.arange(T)
    return c[:, idx, :, idx]


def _latent_moments(post: Posterior, j: int) -> np.ndarray:
    """Σ over the trials of E[x_j x_j'] (T × T) for latent j."""
    m, T, _ = post.mean.shape
    block = post.cov[j * T:(j + 1) * T, j * T:(j + 1) * T]
    x = post.mean[:, :, j]
    return m * block + x.T @ x


def _tau_objective(log_tau: float, parts: list[tuple[np.ndarray, np.ndarray, int]]
                   ) -> tuple[float, float]:
    """The prior's part of the expected log-likelihood for one latent, and its derivative
    in log τ: −½ Σ (m log|K| + tr(K⁻¹ S)), over the groups (times, S, m)."""
    tau = math.exp(log_tau)
    value, grad = 0.0, 0.0
    for times, S, m in parts:
        K = kernel(times, tau)
        K_inv, logdet = inv_logdet(K)
        value -= 0.5 * (m * logdet + float(np.sum(K_inv * S)))
        diff2 = (times[:, None] - times[None, :]) ** 2
        dK = (K - GP_NOISE * np.eye(len(times))) * diff2 / tau**2  # ∂K/∂log τ
        inner = m * K_inv - K_inv @ S @ K_inv
        grad -= 0.5 * float(np.sum(inner * dK))
    return value, grad


def _climb_tau(log_tau: float, parts, bounds: tuple[float, float]) -> float:
    """A few steps up the gradient in log τ, each kept only when the objective rises; the
    step grows after a success and halves after a failure."""
    value, grad = _tau_objective(log_tau, parts)
    step = 0.1
    for _ in range(TAU_STEPS):
        if grad == 0.0:
            break
        trial = min(max(log_tau + math.copysign(step, grad), bounds[0]), bounds[1])
        if trial == log_tau:
            break
        new_value, new_grad = _tau_objective(trial, parts)
        if new_value > value:
            log_tau, value, grad = trial, new_value, new_grad
            step *= 1.5
        else:
            step *= 0.5
    return log_tau


def m_step(groups: list[tuple[np.ndarray, np.ndarray]], post: list[Posterior], p: GPFAParams,
           floor: np.ndarray, tau_bounds: tuple[float, float]) -> GPFAParams:
    """C, d and R exactly; each τ by `_climb_tau`. `groups`: (Y (m, T, p), times (T,))."""
    k, n_ch = p.k, p.C.shape[0]
    Sxx = np.zeros((k + 1, k + 1))
    Syx = np.zeros((n_ch, k + 1))
    Syy = np.zeros(n_ch)
    for (Y, _), s in zip(groups, post, strict=True):
        m, T, _ = Y.shape
        ones = np.ones((m, T, 1))
        x = np.concatenate([s.mean, ones], axis=2)
        Sxx += np.einsum("mti,mtj->ij", x, x)
        Sxx[:k, :k] += m * _time_blocks(s.cov, k, T).sum(axis=0)
        Syx += np.einsum("mtp,mti->pi", Y, x)
        Syy += np.einsum("mtp,mtp->p", Y, Y)
    n = Sxx[k, k]
    Cd = np.linalg.solve(Sxx.T, Syx.T).T
    R = np.maximum((Syy - np.sum(Cd * Syx, axis=1)) / n, floor)
    lo, hi = math.log(tau_bounds[0]), math.log(tau_bounds[1])
    tau = np.array([math.exp(_climb_tau(
        math.log(p.tau[j]),
        [(times, _latent_moments(s, j), len(Y)) for (Y, times), s in zip(groups, post,
                                                                          strict=True)],
        (lo, hi))) for j in range(k)])
    return GPFAParams(C=Cd[:, :k], d=Cd[:, k], R=R, tau=tau)
