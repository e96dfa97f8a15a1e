"""Methods quadratic in n refuse too many points with a clear error; the subsample offered."""

import numpy as np
import pytest

from engine import big_inputs, datasets, registry
from engine.data import Dataset
from engine.protocol import TooManyPoints


@pytest.fixture
def tiny_memory(monkeypatch):
    """A machine with 1 MB free: 24 bytes per pair fit about 144 points."""
    monkeypatch.setattr(big_inputs, "available_bytes", lambda: 1_000_000)


def test_spectral_rbf_refuses_what_would_not_fit(tiny_memory):
    spectral = registry.get("spectral")
    data = datasets.load("moons", n_samples=400)
    with pytest.raises(TooManyPoints, match=r"n×n affinity matrix of 1\.3 MB") as caught:
        spectral.resolve(data, {"affinity": "rbf"})
    assert isinstance(caught.value, ValueError)
    assert caught.value.n == 400 and caught.value.limit == 144
    assert "at most 144 points" in str(caught.value)
    spectral.resolve(data, {"affinity": "nearest neighbours"})  # O(n·k): no matrix
    spectral.resolve(big_inputs.subsample(data, 144), {"affinity": "rbf"})


def test_agglomerative_refuses_a_distance_matrix_that_would_not_fit(tiny_memory):
    agglomerative = registry.get("agglomerative")
    data = Dataset("x", np.random.default_rng(0).normal(size=(600, 2)))
    with pytest.raises(TooManyPoints, match="pairwise distances") as caught:
        agglomerative.resolve(data, {"linkage": "average"})
    assert caught.value.limit == 353  # sqrt(0.5 MB / 4 bytes)
    agglomerative.resolve(data, {"linkage": "ward"})  # fastcluster's linkage_vector


def test_a_real_machine_allows_a_few_thousand_points():
    assert registry.get("spectral").max_points(
        datasets.load("moons"), {"affinity": "rbf"}) >= 2000
    assert big_inputs.available_bytes() > 0


def test_subsample_is_seeded_ordered_and_keeps_labels():
    data = datasets.load("moons", n_samples=150)
    a = big_inputs.subsample(data, 50, seed=3)
    b = big_inputs.subsample(data, 50, seed=3)
    assert a.n == 50 and a.name == f"{data.name} (random subsample of 50)"
    np.testing.assert_array_equal(a.X, b.X)
    rows = [int(np.flatnonzero((x == data.X).all(axis=1))[0]) for x in a.X]
    assert rows == sorted(rows)
    np.testing.assert_array_equal(a.y, data.y[rows])
    again = big_inputs.subsample(a, 10)
    assert again.name == f"{data.name} (random subsample of 10)"
    with pytest.raises(ValueError, match="not possible"):
        big_inputs.subsample(data, 151)


def test_sizes_read_as_people_say_them():
    assert big_inputs.size_text(20e9) == "20 GB"
    assert big_inputs.size_text(1.25e9) == "1.2 GB"
    assert big_inputs.size_text(800e6) == "800 MB"
