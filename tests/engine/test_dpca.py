"""Demixed PCA: the marginalisations, the reduced-rank ridge regression, and the planted
time, condition and interaction signals of the population generator found apart."""

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset, Series
from engine.protocol import run_to_end
from engine.timeseries import dpca


def _population(**options):
    return datasets.load("population", n_channels=20, n_trials=10, n_steps=30, **options)


def test_marginalisations_add_up_and_are_orthogonal():
    X = np.random.default_rng(0).normal(size=(5, 3, 7))
    parts = dpca.marginalise(X)
    centred = X - X.mean(axis=(1, 2), keepdims=True)  # each channel about its own mean
    np.testing.assert_allclose(sum(parts.values()), centred, atol=1e-12)
    for i, a in enumerate(dpca.MARGINS):
        for b in dpca.MARGINS[i + 1:]:
            assert abs(np.sum(parts[a] * parts[b])) < 1e-10
    # closed forms: the condition average over time, each condition's mean level
    np.testing.assert_allclose(parts["time"][:, 0], centred.mean(axis=1), atol=1e-12)
    np.testing.assert_allclose(parts["condition"][:, :, 0], centred.mean(axis=2), atol=1e-12)


def test_reduced_rank_ridge_is_the_best_rank_q_fit():
    rng = np.random.default_rng(1)
    X, target = rng.normal(size=(6, 40)), rng.normal(size=(6, 40))
    D, F = dpca.reduced_rank_ridge(X, target, 6, 0.0)  # full rank, no ridge: least squares
    B = target @ np.linalg.pinv(X)
    np.testing.assert_allclose(F @ D, B, atol=1e-8)
    mu = 3.0
    D, F = dpca.reduced_rank_ridge(X, target, 2, mu)

    def loss(FD):
        return np.sum((target - FD @ X) ** 2) + mu * np.sum(FD ** 2)

    best = loss(F @ D)
    for _ in range(20):  # no nearby rank-2 map does better
        nudged = (F + 0.01 * rng.normal(size=F.shape)) @ (D + 0.01 * rng.normal(size=D.shape))
        assert loss(nudged) >= best - 1e-9


def test_components_demix_what_pca_mixes():
    snap = run_to_end(dpca.DemixedPCA(), _population(seed=2), {"n_components": 2})
    assert snap.fitted == 3 and snap.k == 6
    np.testing.assert_allclose(snap.shares.sum(axis=1), 1.0)
    first = [int(np.flatnonzero(snap.component_margin == i)[0]) for i in range(3)]
    purity = np.array([snap.shares[j, i] for i, j in enumerate(first)])
    assert purity[0] > 0.85 and purity[1] > 0.65 and purity[2] > 0.85
    pca_best = snap.pca_shares[:3].max(axis=0)  # PCA's purest of its first three, per part
    assert purity.mean() > pca_best.mean() + 0.08
    assert snap.cumulative[-1] <= snap.pca_cumulative[5] + 1e-9  # PCA explains the most
    assert snap.cumulative[-1] > 0.8 * snap.pca_cumulative[5]
    assert snap.courses.shape == (6, 4, 30)


def test_fewer_channels_than_components_still_runs():
    """Three parts of q components each may outnumber the channels; PCA has only N."""
    data = datasets.load("population", n_channels=5, n_trials=3, n_steps=20)
    last = run_to_end(dpca.DemixedPCA(), data, {"n_components": 3})
    assert last.k == 9 and len(last.pca_explained) == 5
    assert "5 components keep" in last.message


def test_plain_messages_for_data_it_cannot_demix():
    algorithm = dpca.DemixedPCA()
    with pytest.raises(ValueError, match="no time series"):
        algorithm.resolve(datasets.load("blobs", n_samples=30))
    with pytest.raises(ValueError, match="at least two conditions"):
        algorithm.resolve(datasets.load("population", n_conditions=1))
    series = Series(trial=[0, 0, 0, 1, 1], time=[0, 1, 2, 0, 1], condition=[0, 0, 0, 1, 1],
                    condition_names=("a", "b"))
    uneven = Dataset(name="uneven", X=np.ones((5, 2)), series=series)
    with pytest.raises(ValueError, match="same time bins"):
        algorithm.resolve(uneven)


def test_two_conditions_give_one_condition_component():
    """The condition part of two conditions' averages has rank one: a second and third
    condition component would be flat noise."""
    data = datasets.load("population", n_conditions=2, n_trials=3, n_steps=20)
    last = run_to_end(dpca.DemixedPCA(), data, {"n_components": 3})
    assert last.component_margin.tolist() == [0, 0, 0, 1, 2, 2, 2]
