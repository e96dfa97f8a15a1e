"""Sparse coding: thresholding against scikit-learn's "threshold" coder, OMP's first steps
against a closed form, and the learnt dictionary's three error curves."""

import numpy as np
import pytest

from engine import datasets
from engine.export import snapshot_tables
from engine.protocol import SparseCoding, run_to_end
from engine.reduction.dictionary import REFIT, refit_codes, threshold_codes


def test_soft_threshold_is_sklearns_threshold_coder():
    from sklearn.decomposition import sparse_encode

    rng = np.random.default_rng(0)
    D = rng.standard_normal((6, 4))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    x = rng.standard_normal((1, 4))
    C = x @ D.T
    for s in (1, 2, 3):
        cut = np.sort(np.abs(C[0]))[::-1][s]  # the (s+1)-th largest |dᵢᵀx|
        ours = threshold_codes(C, s, "soft")
        theirs = sparse_encode(x, D, algorithm="threshold", alpha=cut)
        np.testing.assert_allclose(ours, theirs, atol=1e-12)
        assert np.count_nonzero(ours) == s
        hard = threshold_codes(C, s, "hard")
        np.testing.assert_array_equal(hard != 0, ours != 0)  # the same support
        np.testing.assert_allclose(hard[hard != 0], C[hard != 0])


def test_refit_is_least_squares_on_the_support():
    D = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    x = np.array([[2.0, 1.0]])
    codes = refit_codes(x, D, np.array([[1.0, 0.0, 1.0]]))
    np.testing.assert_allclose(codes, [[2.0, 0.0, 1.0]])


def test_omp_first_steps_by_hand():
    """OMP picks the atom most correlated with x, a = ⟨d, x⟩; then the atom most correlated
    with the residual, and both weights are refit by least squares."""
    from sklearn.decomposition import sparse_encode

    D = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8]])
    x = np.array([[3.0, 1.0, 0.5]])
    # Step 1: correlations 3, 2.6, 1.0 → atom 0, weight 3; residual (0, 1, 0.5).
    one = sparse_encode(x, D, algorithm="omp", n_nonzero_coefs=1)
    np.testing.assert_allclose(one, [[3.0, 0.0, 0.0]])
    # Step 2: residual correlations 0, 0.8, 1.0 → atom 2; least squares on atoms 0 and 2.
    A = D[[0, 2]].T
    weights = np.linalg.solve(A.T @ A, A.T @ x[0])
    two = sparse_encode(x, D, algorithm="omp", n_nonzero_coefs=2)
    np.testing.assert_allclose(two, [[weights[0], 0.0, weights[1]]], atol=1e-12)


@pytest.fixture(scope="module")
def learnt():
    data = datasets.load("digits")
    return data, run_to_end("dictionary", data, {"n_components": 16, "epochs": 1,
                                                 "batch_size": 128, "max_nonzeros": 6,
                                                 "thresholding": REFIT})


def test_the_curves_fall_and_omp_beats_thresholding(learnt):
    _data, snap = learnt
    assert isinstance(snap, SparseCoding) and snap.phase == "done"
    assert snap.levels.tolist() == [1, 2, 3, 4, 5, 6]
    assert np.all(np.diff(snap.omp_error) <= 1e-12)
    assert np.all(np.diff(snap.threshold_error) <= 1e-12)  # refit: more atoms never hurt
    assert np.all(snap.omp_error <= snap.threshold_error + 1e-12)
    assert snap.omp_error[0] == pytest.approx(snap.threshold_error[0])  # one atom: the same
    assert snap.lasso_nonzeros[0] == 0 and snap.lasso_error[0] == pytest.approx(1.0)
    assert snap.lasso_error[-1] < 0.2
    np.testing.assert_allclose(np.linalg.norm(snap.atoms, axis=1), 1.0)
    assert [np.count_nonzero(c) for c in snap.example_codes] == [1, 2, 3, 4, 5, 6]
    assert snap.trace[-1] < snap.trace[0]


def test_the_test_rows_are_held_out_and_exported(learnt):
    data, snap = learnt
    assert len(snap.test_rows) == 200 and snap.example_row == snap.test_rows[0]
    tables = snapshot_tables(snap, data)
    assert set(tables) == {"atoms", "objective", "errors", "example"}
    coders = {row[0] for row in tables["errors"][1]}
    assert coders == {"thresholding_" + REFIT, "omp", "lasso"}
