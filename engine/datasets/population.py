"""Neural-population-like time series with a planted latent structure, for the methods of
time (LDS, GPFA, demixed PCA).

A few smooth latent signals drive many channels. Each row of X is one time bin of one trial;
`Dataset.series` says which trial, time and condition (engine.data.Series). The latents are
planted so that each method has something to find:

- z₁ depends on time alone (a bump every condition shares),
- z₂ on the condition alone (a level that switches on early in the trial, one per condition),
- z₃ on both (an oscillation whose phase is set by the condition),
- any further latent is trial-to-trial variability only: a slow random wander, different on
  every trial, that averaging over trials removes and single-trial methods can follow.

Each trial adds its own slow wander (a Gaussian process of timescale `WANDER_TIMESCALE`) to
every latent. A random loading matrix maps the latents to the channels; counts are Poisson of
exp(bias + loading · z), or the same mean plus Gaussian noise.
"""

from __future__ import annotations

import numpy as np

from engine.data import Series

NOISES = ("poisson", "gaussian")
WANDER_TIMESCALE = 0.15  # seconds, of the trial-to-trial variability
DURATION = 1.0  # seconds per trial
BASE_RATE = 5.0  # mean count per bin of a channel at z = 0 (Poisson), before the loading
WANDER_SCALE = 0.3  # standard deviation of the per-trial wander, against latents of order 1


def smooth_factor(t: np.ndarray, timescale: float) -> np.ndarray:
    """L with L Lᵀ the squared-exponential kernel of this timescale on the times t (unit
    variance): L times white noise is a draw of the Gaussian process. Made once per data set,
    not per trial (500 time bins: a 500 × 500 Cholesky)."""
    diff = t[:, None] - t[None, :]
    K = np.exp(-0.5 * (diff / timescale) ** 2) + 1e-6 * np.eye(len(t))
    return np.linalg.cholesky(K)


def smooth_noise(rng: np.random.Generator, L: np.ndarray, count: int) -> np.ndarray:
    """(count, len(t)) draws of the Gaussian process whose kernel's factor is L."""
    return rng.standard_normal((count, len(L))) @ L.T


def planted_latents(t: np.ndarray, n_conditions: int, n_latents: int) -> np.ndarray:
    """(n_conditions, len(t), n_latents): the trial-averaged latents of each condition."""
    z = np.zeros((n_conditions, len(t), n_latents))
    phases = 2 * np.pi * np.arange(n_conditions) / n_conditions
    levels = np.linspace(-1.0, 1.0, n_conditions) if n_conditions > 1 else np.zeros(1)
    onset = 1.0 / (1.0 + np.exp(-(t - 0.2 * t[-1]) / (0.03 * t[-1])))
    for c in range(n_conditions):
        columns = [1.5 * np.exp(-0.5 * ((t - 0.4 * t[-1]) / (0.12 * t[-1])) ** 2),
                   levels[c] * onset,
                   np.sin(2 * np.pi * 2 * t / t[-1] + phases[c]) * onset]
        for j in range(min(n_latents, 3)):
            z[c, :, j] = columns[j]
    return z


def population(n_channels: int = 30, n_latents: int = 3, n_conditions: int = 4,
               n_trials: int = 5, n_steps: int = 50, noise: str = "poisson", seed: int = 0):
    """(X, y, series): the counts or values of every time bin of every trial, the condition
    of each row as its label, and the Series that places each row in its trial."""
    if noise not in NOISES:
        raise ValueError(f"noise must be one of {', '.join(NOISES)}, not {noise!r}")
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, DURATION, n_steps)
    mean = planted_latents(t, n_conditions, n_latents)
    loading = rng.normal(0.0, 1.0 / np.sqrt(n_latents), (n_latents, n_channels))
    bias = np.log(BASE_RATE) + rng.normal(0.0, 0.3, n_channels)
    L = smooth_factor(t, WANDER_TIMESCALE)
    rows, latents, trial, time, condition = [], [], [], [], []
    for c in range(n_conditions):
        for _ in range(n_trials):
            wander = WANDER_SCALE * smooth_noise(rng, L, n_latents).T
            z = mean[c] + wander
            if noise == "poisson":
                counts = rng.poisson(np.exp(np.clip(bias + 0.5 * z @ loading, -10, 10)))
            else:
                counts = z @ loading + rng.normal(0.0, 0.5, (n_steps, n_channels))
            rows.append(counts.astype(float))
            latents.append(z)
            trial.append(np.full(n_steps, len(trial)))
            time.append(t)
            condition.append(np.full(n_steps, c))
    series = Series(trial=np.concatenate(trial), time=np.concatenate(time),
                    condition=np.concatenate(condition),
                    condition_names=tuple(f"condition {c + 1}" for c in range(n_conditions)),
                    latents=np.concatenate(latents))
    return np.concatenate(rows), series.condition.copy(), series
