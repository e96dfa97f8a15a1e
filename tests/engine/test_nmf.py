"""NMF against scikit-learn's: same init, same solver, the same error at every iteration."""

import numpy as np
import pytest

from engine import datasets
from engine.export import snapshot_tables
from engine.protocol import Factorisation, run_to_end
from engine.reduction import nmf, quality


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits")


@pytest.mark.parametrize("solver", ["mu", "cd"])
@pytest.mark.parametrize("init", ["nndsvda", "random"])
def test_every_iteration_matches_sklearn(digits, solver, init):
    """‖X − WH‖ after each of the first 4 iterations equals scikit-learn's NMF stopped there
    (max_iter = t, tol = 0), to 1e-9 relative: the same init and the same updates."""
    from sklearn.decomposition import NMF

    X = digits.X[:300]
    W, H = nmf.initial_factors(X, 5, init, seed=2)
    step = nmf.multiplicative_step if solver == "mu" else nmf.coordinate_step
    for t in range(1, 5):
        step(X, W, H)
        ref = NMF(5, init=init, solver=solver, tol=0.0, max_iter=t, random_state=2,
                  shuffle=False).fit(X)
        np.testing.assert_allclose(np.sqrt(nmf.frobenius(X, W, H)), ref.reconstruction_err_,
                                   rtol=1e-9)
    np.testing.assert_allclose(H, ref.components_, rtol=1e-7, atol=1e-9)


def test_multiplicative_updates_never_raise_the_error(digits):
    small = digits.rows(np.arange(300), "digits", "test", "")
    snap = run_to_end("nmf", small, {"n_components": 6, "n_iter": 40, "init": "random"})
    assert isinstance(snap, Factorisation)
    assert snap.trace.size == 41
    assert np.all(np.diff(snap.trace) <= 1e-10 * snap.trace[0])
    assert snap.trace[-1] < 0.5 * snap.trace[0]


def test_the_run_ends_beside_sklearns_error(digits):
    snap = run_to_end("nmf", digits, {"n_components": 4, "n_iter": 15,
                                      "solver": "coordinate descent"})
    assert (snap.coords >= 0).all() and (snap.components >= 0).all()
    np.testing.assert_allclose(np.sqrt(snap.objective), snap.reference_error, rtol=1e-9)
    np.testing.assert_allclose(snap.reconstruct([0, 1]), snap.coords[:2] @ snap.components)
    assert "scikit-learn" in snap.message
    assert snap.quality == quality.measure(digits.X, snap.coords[:, :2])  # as every map
    assert snap.message.endswith(snap.quality.summary())
    tables = snapshot_tables(snap, digits)
    assert tables["parts"][0][:3] == ["part", *digits.feature_names[:2]]
    assert len(tables["codes"][1]) == digits.n and len(tables["objective"][1]) == 16
    assert tables["check"][1][0] == pytest.approx((np.sqrt(snap.objective),
                                                  snap.reference_error))


def test_snapshots_are_batched_and_live(digits):
    snaps = list(nmf.NMF().start(digits, {"n_components": 3, "n_iter": 250}))
    # the start, one per 3 iterations (at most 100 snapshots) and the last.
    assert 80 <= len(snaps) <= nmf.MAX_SNAPSHOTS + 2
    assert snaps[1].iteration == 3 and snaps[-1].iteration == 250


def test_negative_data_is_refused_naming_the_first_cell():
    data = datasets.load("iris")
    X = data.X.copy()
    X[4, 2] = -0.5
    X[7, 0] = -1.0
    bad = type(data)(name="shifted", X=X, feature_names=data.feature_names)
    with pytest.raises(ValueError, match=r"row 5, column 3 \(petal length \(cm\)\) is -0.5"):
        nmf.NMF().resolve(bad, {})


def test_nndsvd_needs_at_most_min_n_d_components():
    data = datasets.load("iris")
    with pytest.raises(ValueError, match="at most min"):
        nmf.NMF().resolve(data, {"n_components": 5})
    nmf.NMF().resolve(data, {"n_components": 5, "init": "random"})
