"""seqNMF: the convolution and its adjoint, a cost that never rises without the penalty, and
the planted sequences of the generated raster found."""

import numpy as np

from engine import datasets
from engine.datasets import motifs
from engine.protocol import run_to_end
from engine.timeseries import seqnmf


def _raster(seed=0):
    return datasets.load("sequences", n_neurons=30, n_steps=500, n_motifs=2, motif_neurons=8,
                         motif_length=10, occurrences=12, seed=seed)


def test_convolution_adjoint_and_smoothing_match_their_definitions():
    rng = np.random.default_rng(0)
    W, H, Y = rng.random((5, 2, 3)), rng.random((2, 20)), rng.random((5, 20))
    direct = np.zeros((5, 20))
    for t in range(20):
        for lag in range(3):
            if t - lag >= 0:
                direct[:, t] += W[:, :, lag] @ H[:, t - lag]
    np.testing.assert_allclose(seqnmf.reconstruct(W, H), direct)
    assert np.isclose(np.sum(seqnmf.reconstruct(W, H) * Y), np.sum(H * seqnmf.transposed(W, Y)))
    window = np.array([[H[i, max(0, t - 2):t + 3].sum() for t in range(20)] for i in range(2)])
    np.testing.assert_allclose(seqnmf.smooth(H, 3), window)


def test_cost_never_rises_without_the_penalty():
    snap = run_to_end(seqnmf.SeqNMF(), _raster(), {"lam": 0.0, "n_iter": 40, "lags": 10,
                                            "n_factors": 3})
    steps = np.diff(snap.cost)
    assert (steps <= 1e-9 * snap.cost[:-1]).all()
    assert snap.cost[-1] < 0.1 * snap.cost[0]
    assert (snap.penalty == 0).all()


def test_finds_the_planted_motifs():
    data = _raster(seed=1)
    params = {"n_factors": 3, "lags": 10, "n_iter": 60, "lam": 0.001}
    snap = run_to_end(seqnmf.SeqNMF(), data, params)
    planted = motifs.truth_for(data)
    assert planted is not None and planted.patterns.shape == (2, 30, 10)
    assert len(set(snap.matched.tolist())) == 2
    assert (snap.match_correlation > 0.75).all(), snap.match_correlation
    # a factor of noise matches far worse: the test can fail
    noise = np.random.default_rng(0).random((1, 30, 10))
    _, r, _ = seqnmf.match_motifs(planted.patterns[:1], noise)
    assert r[0] < 0.4


def test_same_seed_same_result_and_other_seed_other_start():
    data = _raster()
    params = {"n_iter": 5, "lags": 10}
    a = run_to_end(seqnmf.SeqNMF(), data, params, seed=4)
    b = run_to_end(seqnmf.SeqNMF(), data, params, seed=4)
    c = run_to_end(seqnmf.SeqNMF(), data, params, seed=5)
    np.testing.assert_array_equal(a.factors, b.factors)
    np.testing.assert_array_equal(a.loadings, b.loadings)
    assert not np.array_equal(a.factors, c.factors)


def test_generator_plants_sequences_in_order():
    X, y, series, planted = motifs.sequences(n_neurons=20, n_steps=200, n_motifs=2,
                                             motif_neurons=5, motif_length=8, occurrences=4,
                                             noise=0.0, seed=0, with_truth=True)
    assert X.shape == (200, 20) and series.n_trials == 1 and (y == 0).all()
    assert planted.onsets.sum() == 8
    members = np.flatnonzero(planted.patterns[0].sum(axis=1))
    assert len(members) == 5 and not set(members) & set(
        np.flatnonzero(planted.patterns[1].sum(axis=1)))
    t = int(np.flatnonzero(planted.onsets[0])[0])
    lags = np.argmax(planted.patterns[0][members], axis=1)
    assert (X[t + lags, members] == 1).all()
    assert X.sum() == motifs.play(planted, 200).sum()  # no noise: the motifs alone
