"""The linear dynamical system: its Kalman smoother against the posterior computed as one
Gaussian, EM's likelihood, and the planted latents of the population generator recovered."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from engine import datasets
from engine.data import Dataset
from engine.protocol import run_to_end
from engine.timeseries import kalman
from engine.timeseries.common import trials_by_length
from engine.timeseries.lds import LDS


def _tiny_system(seed=0, k=2, p=4):
    rng = np.random.default_rng(seed)
    return kalman.LDSParams(
        A=np.array([[0.9, 0.2], [-0.1, 0.8]]), Q=np.array([[0.3, 0.05], [0.05, 0.2]]),
        C=rng.normal(size=(p, k)), d=rng.normal(size=p), R=rng.uniform(0.2, 1.0, p),
        mu0=np.array([0.5, -0.3]), V0=np.array([[1.0, 0.2], [0.2, 0.7]]))


def _joint_posterior(y: np.ndarray, s: kalman.LDSParams):
    """The posterior of x_1..x_T as one Gaussian: the joint precision (the chain's prior plus
    each observation's C'R⁻¹C) and its information vector, solved directly."""
    T, k = len(y), s.k
    Qi, V0i = np.linalg.inv(s.Q), np.linalg.inv(s.V0)
    lam = np.zeros((k * T, k * T))
    h = np.zeros(k * T)
    lam[:k, :k] += V0i
    h[:k] += V0i @ s.mu0
    for t in range(1, T):
        a, b = slice(k * (t - 1), k * t), slice(k * t, k * (t + 1))
        lam[b, b] += Qi
        lam[a, a] += s.A.T @ Qi @ s.A
        lam[a, b] -= s.A.T @ Qi
        lam[b, a] -= Qi @ s.A
    prior = lam.copy()
    crc = s.C.T @ np.diag(1 / s.R) @ s.C
    for t in range(T):
        b = slice(k * t, k * (t + 1))
        lam[b, b] += crc
        h[b] += s.C.T @ ((y[t] - s.d) / s.R)
    cov = np.linalg.inv(lam)
    prior_cov = np.linalg.inv(prior)
    prior_mean = prior_cov @ np.concatenate([V0i @ s.mu0, np.zeros(k * (T - 1))])
    return cov @ h, cov, prior_mean, prior_cov


def test_smoother_matches_the_posterior_solved_as_one_gaussian():
    s = _tiny_system()
    T, k = 7, s.k
    y = np.random.default_rng(1).normal(size=(T, 4))
    post = kalman.smooth(y[None], s)
    mean, cov, prior_mean, prior_cov = _joint_posterior(y, s)
    np.testing.assert_allclose(post.mean[0], mean.reshape(T, k), atol=1e-10)
    for t in range(T):
        np.testing.assert_allclose(post.cov[t], cov[k * t:k * t + k, k * t:k * t + k],
                                   atol=1e-10)
    for t in range(T - 1):  # Cov(x_{t+1}, x_t)
        np.testing.assert_allclose(post.cross[t], cov[k * t + k:k * t + 2 * k, k * t:k * t + k],
                                   atol=1e-10)
    big_c = np.kron(np.eye(T), s.C)
    marginal = multivariate_normal(big_c @ prior_mean + np.tile(s.d, T),
                                   big_c @ prior_cov @ big_c.T + np.kron(np.eye(T), np.diag(s.R)))
    assert post.loglik == pytest.approx(marginal.logpdf(y.ravel()), rel=1e-10)


def test_trials_of_one_length_are_smoothed_together_as_alone():
    s = _tiny_system()
    Y = np.random.default_rng(2).normal(size=(3, 5, 4))
    together = kalman.smooth(Y, s)
    alone = [kalman.smooth(Y[i:i + 1], s) for i in range(3)]
    np.testing.assert_allclose(together.mean, np.concatenate([a.mean for a in alone]),
                               atol=1e-12)
    assert together.loglik == pytest.approx(sum(a.loglik for a in alone), rel=1e-12)


@pytest.fixture(scope="module")
def gaussian_population():
    return datasets.load("population", n_channels=20, n_conditions=3, n_trials=3, n_steps=40,
                         noise="gaussian", seed=1)


def test_em_never_lowers_the_likelihood(gaussian_population):
    ds = datasets.load("population", n_channels=12, n_conditions=2, n_trials=3, n_steps=25)
    rows = trials_by_length(ds.series)
    groups = [np.sqrt(ds.X)[r] for r in rows]
    trace = np.array([ll for _, _, ll in kalman.fit(groups, 3, 40)])
    assert len(trace) == 40
    assert np.all(np.diff(trace) >= -1e-8 * np.abs(trace[1:]))
    assert trace[-1] > trace[0] + 1.0  # and it does climb


def test_recovers_the_planted_latents_up_to_a_linear_map(gaussian_population):
    snap = run_to_end(LDS(), gaussian_population, {"max_iter": 60})
    assert snap.transform == "none" and snap.phase == "done"
    assert snap.coords.shape == (gaussian_population.n, 3)
    assert snap.recovery_r2.min() > 0.85  # 0.91 to 0.99 over seeds 1 to 4
    assert snap.recovery_r2.mean() > snap.beside_r2.mean()  # smoothing beats PCA's bins
    assert "recovered with R²" in snap.message
    assert np.all(np.diff(snap.trace) >= -1e-8 * np.abs(snap.trace[1:]))


def test_counts_are_square_rooted_and_the_run_repeats_exactly():
    ds = datasets.load("population", n_channels=10, n_conditions=2, n_trials=2, n_steps=20)
    a = run_to_end(LDS(), ds, {"max_iter": 8, "n_latents": 2})
    b = run_to_end(LDS(), ds, {"max_iter": 8, "n_latents": 2})
    assert a.transform == "square root" and "square-rooted" in a.message
    np.testing.assert_array_equal(a.coords, b.coords)
    np.testing.assert_array_equal(a.trace, b.trace)


def test_data_without_time_is_refused_plainly():
    lds = LDS()
    with pytest.raises(ValueError, match="needs time series"):
        lds.resolve(datasets.load("blobs", n_samples=30))
    ds = datasets.load("population", n_channels=4, n_conditions=1, n_trials=2, n_steps=10)
    with pytest.raises(ValueError, match="n_latents"):
        lds.resolve(ds, {"n_latents": 5})
    negative = Dataset(name="x", X=ds.X - 10, series=ds.series)
    with pytest.raises(ValueError, match="square root"):
        lds.resolve(negative, {"transform": "square root"})
