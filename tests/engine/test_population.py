"""The neural-population generator and the Series that places rows in their trials."""

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset, Series


def test_population_rows_are_time_bins_of_trials_coloured_by_condition():
    ds = datasets.load("population", n_channels=12, n_conditions=3, n_trials=4, n_steps=20)
    s = ds.series
    assert ds.X.shape == (3 * 4 * 20, 12) and s.n_trials == 12 and s.n_conditions == 3
    assert [len(rows) for rows in s.trials()] == [20] * 12
    np.testing.assert_array_equal(ds.y, s.condition)
    np.testing.assert_array_equal(s.trial_conditions(), np.repeat([0, 1, 2], 4))
    assert ds.target_names == s.condition_names
    assert (ds.X >= 0).all() and np.array_equal(ds.X, np.round(ds.X))  # Poisson counts
    assert s.latents.shape == (len(ds.X), 3)


def test_planted_latents_split_into_time_condition_and_interaction():
    ds = datasets.load("population", n_trials=30, n_latents=4)
    s = ds.series
    z = s.latents.reshape(4, 30, 50, 4).mean(axis=1)  # condition, time, latent
    spread_over_conditions = z.std(axis=0).mean(axis=0)
    spread_over_time = z.mean(axis=0).std(axis=0)
    assert spread_over_conditions[0] < 0.1 < spread_over_time[0]  # z1: time alone
    assert spread_over_conditions[1] > 0.5  # z2, z3: the condition matters
    assert spread_over_conditions[2] > 0.5
    assert np.abs(z[..., 3]).max() < 0.3  # z4: wander only, averaged away


def test_same_seed_same_data_and_gaussian_noise():
    a = datasets.load("population", seed=3, noise="gaussian")
    b = datasets.load("population", seed=3, noise="gaussian")
    np.testing.assert_array_equal(a.X, b.X)
    assert (a.X < 0).any()


def test_series_rejects_bins_out_of_order_or_mixed():
    with pytest.raises(ValueError, match="contiguous"):
        Series(trial=[0, 1, 0], time=[0, 0, 1], condition=[0, 0, 0], condition_names=("a",))
    with pytest.raises(ValueError, match="do not increase"):
        Series(trial=[0, 0], time=[1, 0], condition=[0, 0], condition_names=("a",))
    with pytest.raises(ValueError, match="changes condition"):
        Series(trial=[0, 0], time=[0, 1], condition=[0, 1], condition_names=("a", "b"))
    series = Series(trial=[0, 0], time=[0, 1], condition=[0, 0], condition_names=("a",))
    with pytest.raises(ValueError, match="2 time bins for 3 rows"):
        Dataset(name="x", X=np.zeros((3, 2)), series=series)
