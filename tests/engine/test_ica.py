"""ICA: the cocktail party's sources recovered (Amari index under 0.1) by FastICA and by
Infomax; FastICA equal to scikit-learn's; the Amari index's closed forms; PCA beside it."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import FastICA

from engine import datasets
from engine.datasets.sources import truth
from engine.protocol import RunContext, run_to_end
from engine.reduction import ica_core as core
from engine.registry import get


@pytest.fixture(scope="module")
def party():
    return datasets.load("cocktail_party", n_samples=1000, n_sources=4, seed=3)


@pytest.mark.parametrize("params", [
    {"method": "fastica", "contrast": "logcosh"}, {"method": "fastica", "contrast": "exp"},
    {"method": "fastica", "contrast": "cube"}, {"method": "infomax", "epochs": 40}])
def test_recovers_the_cocktail_party(party, params):
    snap = run_to_end("ica", party, params)
    assert snap.amari < 0.1
    assert np.all(snap.correlations > 0.95)
    assert snap.pca_amari > 0.2  # orthogonal is not independent
    # matched in order and sign: each recovered source follows its true one
    r = np.sum(snap.coords * snap.true_sources, axis=0) / len(snap.coords)
    assert np.all(r > 0.95)


def test_fastica_steps_reach_sklearns_answer(party):
    X, k = party.X, 4
    w_init = np.random.default_rng(0).normal(size=(k, k))
    _, K, Z = core.whitening(X, k)
    W = list(core.fastica_steps(Z, "logcosh", w_init, 200, 1e-4))[-1][0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = FastICA(k, w_init=w_init, whiten="unit-variance", whiten_solver="svd",
                      tol=1e-4, max_iter=200).fit(X)
    ours = np.sqrt(len(X)) * W @ K
    ours /= ((X - X.mean(axis=0)) @ ours.T).std(axis=0)[:, None]
    np.testing.assert_allclose(ours, ref.components_, atol=1e-9)
    snap = run_to_end("ica", party, {"method": "fastica", "seed": 0})
    t = truth(party)
    assert snap.amari == pytest.approx(core.amari_index(ref.components_ @ t.mixing))


def test_amari_index_closed_forms():
    P = np.array([[0.0, 3.0, 0.0], [0.0, 0.0, -0.5], [2.0, 0.0, 0.0]])
    assert core.amari_index(P) == 0.0
    assert core.amari_index(np.ones((3, 3))) == pytest.approx(1.0)
    # one off-diagonal entry ε in a 2×2 identity: (ε + ε) / (2 · 2 · 1)
    assert core.amari_index(np.array([[1.0, 0.2], [0.0, 1.0]])) == pytest.approx(0.1)


def test_match_undoes_order_and_sign():
    rng = np.random.default_rng(0)
    S = rng.standard_normal((200, 3))
    order, signs, r = core.match(S, -S[:, [2, 0, 1]])
    np.testing.assert_allclose((-S[:, [2, 0, 1]])[:, order] * signs, S)
    np.testing.assert_allclose(r, 1.0)


def test_reproducible_from_the_seed(party):
    a = run_to_end("ica", party, {"method": "infomax", "epochs": 5, "seed": 4})
    b = run_to_end("ica", party, {"method": "infomax", "epochs": 5, "seed": 4})
    c = run_to_end("ica", party, {"method": "infomax", "epochs": 5, "seed": 5})
    np.testing.assert_array_equal(a.unmixing, b.unmixing)
    assert not np.array_equal(a.unmixing, c.unmixing)


def test_infomax_is_animated_in_batches(party):
    params = {"method": "infomax", "epochs": 10, "batch_size": 50}
    snaps = list(get("ica").start(party, params | {"seed": 0}, RunContext()))
    assert 20 <= len(snaps) <= 101
    assert snaps[-1].phase == "done" and snaps[0].phase == "iterate"
    assert snaps[-1].iteration == 10 * 20
    assert snaps[-1].trace[-1] < snaps[0].trace[0]  # the Amari index falls


def test_two_d_mixtures_and_unknown_truth():
    for dist in ("uniform", "laplace"):
        data = datasets.load("ica_mixture", n_samples=600, distribution=dist)
        snap = run_to_end("ica", data)
        assert snap.amari < 0.1 and snap.mixing.shape == (2, 2)
    iris = run_to_end("ica", datasets.load("iris"))
    assert iris.true_sources is None and np.isnan(iris.amari)
    assert "unknown" in iris.message


def test_generator_truth_mixes_to_the_data():
    data = datasets.load("cocktail_party", n_samples=300, n_sources=2, seed=1)
    t = truth(data)
    np.testing.assert_allclose(t.sources @ t.mixing.T, data.X)
    assert t.names == ("sine", "square")
    assert truth(data.rows(np.arange(10), "part", "selection", "")) is None


def test_csv_tables(party):
    from engine.export import snapshot_tables

    snap = run_to_end("ica", party)
    tables = snapshot_tables(snap, party)
    header, rows = tables["sources"]
    assert header[:3] == ["point", "ica1", "ica2"] and len(rows) == party.n
    assert rows[5][1] == snap.coords[5, 0] and rows[5][5] == snap.pca_sources[5, 0]
    assert tables["scores"][1][0] == ("amari_index", snap.amari, snap.pca_amari)
    assert len(tables["unmixing"][1]) == 4
