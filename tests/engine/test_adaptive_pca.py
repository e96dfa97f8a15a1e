"""Adaptive PCA against numpy's eigh and scikit-learn's PCA: power iteration with deflation
finds every component, Oja's rule learns the first."""

import numpy as np
import pytest
from sklearn.decomposition import PCA as SkPCA

from engine import datasets
from engine.data import Dataset
from engine.export import snapshot_tables
from engine.protocol import AdaptivePCA, RunContext
from engine.reduction.adaptive_pca import OJA, POWER, SequentialPCA, angle


def run(dataset, seed=0, **values):
    values.setdefault("seed", seed)
    return list(SequentialPCA().start(dataset, values, RunContext(seed=seed)))


@pytest.fixture(scope="module")
def gapped():
    """Variances 9, 3, 1, 0.25 along a random rotation: clear gaps between the axes."""
    rng = np.random.default_rng(5)
    rotation, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    X = rng.normal(size=(400, 4)) * np.array([3.0, 1.7, 1.0, 0.5]) @ rotation.T + 2.0
    return Dataset("gapped", X)


def test_power_iteration_finds_the_eigenvectors(gapped):
    snaps = run(gapped, method=POWER, n_components=4, max_iter=500)
    last = snaps[-1]
    assert isinstance(last, AdaptivePCA) and last.phase == "done"
    reference = SkPCA().fit(gapped.X)
    np.testing.assert_allclose(last.found, reference.components_, atol=1e-5)  # same signs
    np.testing.assert_allclose(last.found_values, reference.explained_variance_, rtol=1e-8)
    Z = gapped.X - gapped.X.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(Z.T))
    for w, u in zip(last.found, vectors[:, ::-1].T, strict=True):
        assert angle(w, u) < 1e-3
    np.testing.assert_allclose(last.scores, Z @ last.found.T, atol=1e-9)


def test_power_iteration_on_digits_matches_sklearn_up_to_sign():
    digits = datasets.load("digits")
    last = run(digits, method=POWER, n_components=3, max_iter=1000)[-1]
    reference = SkPCA(n_components=3).fit(digits.X).components_
    signs = np.sign(np.sum(last.found * reference, axis=1))[:, None]
    np.testing.assert_allclose(last.found, signs * reference, atol=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ojas_vector_converges_to_sklearns_first_component(gapped, seed):
    last = run(gapped, seed, method=OJA, n_components=1, epochs=5)[-1]
    first = SkPCA(n_components=1).fit(gapped.X).components_[0]
    assert angle(last.found[0], first) < 2.0
    assert last.angles[0] > 10 * last.angles[-1]  # it turned towards the axis
    assert last.found_values[0] == pytest.approx(last.true_values[0], rel=1e-3)


def test_the_angle_falls_and_frames_are_batched(gapped):
    snaps = run(gapped, method=POWER, n_components=2, max_iter=500)
    last = snaps[-1]
    assert len(snaps) <= 110
    first = last.trace_component == 0
    assert last.angles[first][-1] < 1e-3 < last.angles[first][0]
    np.testing.assert_allclose(last.rayleigh[first][-1], last.true_values[0], rtol=1e-9)
    assert np.all(np.diff(last.trace_at) >= 0)
    assert len(run(gapped, method=OJA, n_components=2, epochs=20)) <= 110


@pytest.mark.parametrize("method", [POWER, OJA])
def test_same_seed_same_run_other_seed_other_start(gapped, method):
    a, b = run(gapped, 3, method=method), run(gapped, 3, method=method)
    c = run(gapped, 4, method=method)
    np.testing.assert_array_equal(a[-1].angles, b[-1].angles)
    np.testing.assert_array_equal(a[-1].found, b[-1].found)
    assert a[0].angles[0] != c[0].angles[0]


def test_export_lists_components_and_steps(gapped):
    last = run(gapped, method=POWER, n_components=2)[-1]
    tables = snapshot_tables(last, gapped)
    header, rows = tables["components"]
    assert header[-2:] == ["variance", "eigh_eigenvalue"] and len(rows) == 2
    assert len(tables["steps"][1]) == len(last.angles)
    assert tables["scores"][0][:3] == ["point", "PC1", "PC2"]


def test_a_run_that_has_not_converged_says_what_to_raise():
    from engine import datasets
    from engine.protocol import run_to_end

    digits = datasets.load("digits")
    short = run_to_end("pca-sequential", digits, {"n_components": 20, "max_iter": 50})
    assert "not converged: raise the iterations" in short.message
    long = run_to_end("pca-sequential", digits, {"n_components": 3, "max_iter": 1000})
    assert "not converged" not in long.message
