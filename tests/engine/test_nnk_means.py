"""NNK-means: the NNK solve against scipy's NNLS on the same kernel system and a closed
form; the run's error falls overall and beats k-means's for as many atoms; same seed, same
atoms."""

import numpy as np
import pytest
from scipy.optimize import nnls

from engine import datasets, registry
from engine.clustering.nnk_means import code, gaussian_kernel, nnk_weights, update_atoms
from engine.protocol import run_to_end


def _reference(K: np.ndarray, k: np.ndarray) -> np.ndarray:
    """min θ≥0 θᵀKθ − 2kᵀθ as least squares: K = LLᵀ, so it is ‖Lᵀθ − L⁻¹k‖² + const."""
    L = np.linalg.cholesky(K)
    return nnls(L.T, np.linalg.solve(L, k))[0]


def test_nnk_solve_matches_scipy_nnls():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    atoms = rng.normal(size=(8, 2))
    near, theta, error = code(X, atoms, 5, sigma=0.8)
    kd = gaussian_kernel(atoms, atoms, 0.8)
    kx = gaussian_kernel(X, atoms, 0.8)
    for i in range(len(X)):
        S = near[i]
        ref = _reference(kd[np.ix_(S, S)], kx[i, S])
        np.testing.assert_allclose(theta[i], ref, atol=1e-7)
        expected = 1 - 2 * ref @ kx[i, S] + ref @ kd[np.ix_(S, S)] @ ref
        assert error[i] == pytest.approx(expected, abs=1e-9)
    assert (theta == 0).any()  # some neighbours are pruned, as NNK does


def test_closed_forms():
    # One atom: θ = k / K = κ(x, d). Two orthogonal (far apart) atoms: each alone.
    K = np.array([[[1.0]]])
    np.testing.assert_allclose(nnk_weights(K, np.array([[0.3]])), [[0.3]])
    K2 = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    np.testing.assert_allclose(nnk_weights(K2, np.array([[0.4, 0.2]])), [[0.4, 0.2]])
    # A second atom behind the first (k₂ < K₁₂ k₁): its weight is zero.
    K3 = np.array([[[1.0, 0.9], [0.9, 1.0]]])
    np.testing.assert_allclose(nnk_weights(K3, np.array([[0.8, 0.5]])), [[0.8, 0.0]])


def test_atom_update_is_the_weighted_mean():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0]])
    atoms = np.array([[1.0, 1.0], [9.0, 9.0], [50.0, 50.0]])
    near = np.array([[0, 1], [0, 1], [1, 0]])
    theta = np.array([[1.0, 0.0], [3.0, 0.0], [2.0, 0.0]])
    new = update_atoms(X, atoms, near, theta)
    np.testing.assert_allclose(new, [[1.5, 0.0], [10.0, 10.0], [50.0, 50.0]])


@pytest.fixture(scope="module")
def blobs_run():
    data = datasets.load("blobs", n_samples=200, n_centers=4, seed=2)
    return run_to_end("nnk-means", data, {"n_atoms": 8, "n_neighbors": 4, "n_iter": 10})


def test_error_falls_and_beats_kmeans(blobs_run):
    s = blobs_run
    assert s.nnk_kernel_error[-1] < s.nnk_kernel_error[0]
    # not guaranteed at every step (the atom update is not the exact minimiser): rises, if
    # any, are small
    assert np.diff(s.nnk_kernel_error).max() < 0.05 * s.nnk_kernel_error[0]
    # the same start, as many atoms: several non-negative atoms per point rebuild better
    assert s.nnk_kernel_error[0] <= s.kmeans_kernel_error[0]
    assert s.nnk_kernel_error[-1] < s.kmeans_kernel_error[-1]
    assert s.nnk_squared_error[-1] < s.kmeans_squared_error[-1]


def test_one_neighbour_codes_as_kmeans_does():
    data = datasets.load("blobs", n_samples=200, n_centers=4, seed=2)
    algorithm = registry.get("nnk-means")
    s = next(iter(algorithm.start(data, {"n_atoms": 8, "n_neighbors": 1, "n_iter": 1})))
    # one atom each, the nearest, at weight κ(x, d): k-means's coding, at the same start
    np.testing.assert_allclose(s.nnk_kernel_error, s.kmeans_kernel_error, rtol=1e-9)
    np.testing.assert_array_equal(s.neighbours[:, 0], s.labels)


def test_same_seed_same_atoms():
    data = datasets.load("moons", n_samples=80)
    params = {"n_atoms": 6, "n_neighbors": 3, "n_iter": 3}
    a = run_to_end("nnk-means", data, params, seed=4)
    b = run_to_end("nnk-means", data, params, seed=4)
    np.testing.assert_array_equal(a.atoms, b.atoms)
    np.testing.assert_array_equal(a.weights, b.weights)
