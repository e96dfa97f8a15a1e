"""GPFA: its E-step against conditioning the joint Gaussian directly, EM's likelihood, and
planted latents and a planted timescale recovered."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from engine import datasets
from engine.data import Dataset, Series
from engine.protocol import run_to_end
from engine.timeseries import gpfa_core
from engine.timeseries.gpfa import GPFA


def _tiny(k=2, p=3, T=4, seed=0):
    rng = np.random.default_rng(seed)
    return gpfa_core.GPFAParams(C=rng.normal(size=(p, k)), d=rng.normal(size=p),
                                R=rng.uniform(0.3, 1.0, p), tau=np.array([0.2, 0.5])[:k])


def test_e_step_matches_conditioning_the_joint_gaussian():
    s = _tiny()
    times = np.array([0.0, 0.1, 0.25, 0.4])
    T, k = len(times), s.k
    Y = np.random.default_rng(3).normal(size=(2, T, 3))
    post = gpfa_core.posterior(Y, times, s)
    # x stacked latent by latent; y stacked time by time.
    K = np.zeros((k * T, k * T))
    for j in range(k):
        K[j * T:(j + 1) * T, j * T:(j + 1) * T] = gpfa_core.kernel(times, s.tau[j])
    H = np.zeros((T * 3, k * T))  # y_t = C x_t + d
    for t in range(T):
        for j in range(k):
            H[t * 3:(t + 1) * 3, j * T + t] = s.C[:, j]
    S_y = H @ K @ H.T + np.kron(np.eye(T), np.diag(s.R))
    gain = K @ H.T @ np.linalg.inv(S_y)
    cov = K - gain @ H @ K
    np.testing.assert_allclose(post.cov, cov, atol=1e-10)
    loglik = 0.0
    for i in range(2):
        y = Y[i].ravel()
        mean = gain @ (y - np.tile(s.d, T))
        np.testing.assert_allclose(post.mean[i], mean.reshape(k, T).T, atol=1e-10)
        loglik += multivariate_normal(np.tile(s.d, T), S_y).logpdf(y)
    assert post.loglik == pytest.approx(loglik, rel=1e-10)


def test_the_likelihood_rises_and_the_run_repeats():
    ds = datasets.load("population", n_channels=12, n_conditions=2, n_trials=3, n_steps=20,
                       noise="gaussian")
    a = run_to_end(GPFA(), ds, {"max_iter": 25})
    b = run_to_end(GPFA(), ds, {"max_iter": 25})
    assert np.all(np.diff(a.trace) >= -1e-8 * np.abs(a.trace[1:]))
    assert a.trace[-1] > a.trace[0] + 1.0
    for name in ("coords", "trace", "timescales", "beside"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.beside_name == "LDS" and a.beside.shape == a.coords.shape


def test_recovers_the_population_latents():
    ds = datasets.load("population", n_channels=20, n_conditions=3, n_trials=3, n_steps=30,
                       noise="gaussian", seed=2)
    snap = run_to_end(GPFA(), ds, {"max_iter": 40})
    assert snap.recovery_r2.min() > 0.9


def _one_timescale_data(tau: float, seed=0):
    """Trials of one latent GP of timescale tau read by 15 noisy channels."""
    rng = np.random.default_rng(seed)
    times = np.linspace(0.0, 1.0, 30)
    K = gpfa_core.kernel(times, tau)
    L = np.linalg.cholesky(K)
    n_trials, p = 12, 15
    x = (rng.standard_normal((n_trials, 30)) @ L.T)[..., None]  # (m, T, 1)
    C = rng.normal(size=(p, 1))
    Y = x @ C.T + 2.0 + 0.3 * rng.standard_normal((n_trials, 30, p))
    series = Series(trial=np.repeat(np.arange(n_trials), 30), time=np.tile(times, n_trials),
                    condition=np.zeros(n_trials * 30), condition_names=("all",),
                    latents=x.reshape(-1, 1))
    return Dataset(name="gp", X=Y.reshape(-1, p), series=series)


def test_recovers_a_planted_timescale():
    ds = _one_timescale_data(0.1)
    snap = run_to_end(GPFA(), ds, {"n_latents": 1, "max_iter": 40, "start_timescale": 0.4})
    assert snap.timescales[0] == pytest.approx(0.1, rel=0.2)
    assert snap.recovery_r2[0] > 0.95


def test_too_wide_a_trial_is_refused():
    ds = datasets.load("population", n_channels=10, n_conditions=1, n_trials=1, n_steps=500)
    with pytest.raises(ValueError, match="n_latents"):
        GPFA().resolve(ds, {"n_latents": 5})
