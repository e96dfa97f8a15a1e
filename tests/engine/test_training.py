"""The shared training helpers' own checks."""

import numpy as np
import pytest

from engine.generative.training import overfitting_note, split_rows, standardised


def test_overfitting_is_named_once_the_held_out_score_leaves_its_best():
    rising = [-2.0, -1.0, -0.6, -0.7, -0.9]  # log-likelihood: higher is better
    note = overfitting_note(rising, [0, 100, 200, 300, 400], False, "log-likelihood")
    assert "best at step 200 (-0.600)" in note and note.startswith("; overfitting")
    assert overfitting_note(rising[:3], [0, 100, 200], False, "log-likelihood") == ""
    assert overfitting_note([2.0, 1.9, 1.91], [1, 2, 3], True, "bits", "epoch") == ""
    assert "epoch 2" in overfitting_note([2.0, 1.5, 1.9], [1, 2, 3], True, "bits", "epoch")


@pytest.mark.parametrize("n, share, least_held, least_train, held", [
    (100, 0.2, 1, 1, 20),   # the share
    (3, 0.2, 1, 1, 1),      # at least one held out
    (1, 0.2, 1, 1, 0),      # but never the only row
    (10, 0.5, 2, 8, 2),     # enough left to train on wins
    (10, 0.0, 0, 1, 0),     # share 0 holds none out
])
def test_split_rows_holds_out_the_share_within_its_bounds(n, share, least_held, least_train,
                                                         held):
    train, out = split_rows(n, share, 7, least_held, least_train)
    assert len(out) == held and len(train) == n - held
    assert np.array_equal(np.sort(np.concatenate([train, out])), np.arange(n))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(out) > 0)


def test_split_rows_follows_its_seed():
    assert np.array_equal(split_rows(50, 0.2, 3)[1], split_rows(50, 0.2, 3)[1])
    assert not np.array_equal(split_rows(50, 0.2, 3)[1], split_rows(50, 0.2, 4)[1])
    assert not np.array_equal(split_rows(50, 0.2, [3, 11])[1], split_rows(50, 0.2, 3)[1])


def test_standardised_gives_unit_variance_and_leaves_constant_features_at_zero():
    X = np.column_stack([np.arange(6.0) * 3 + 1, np.full(6, 16.0)])
    z, mean, scale = standardised(X)
    np.testing.assert_allclose(z[:, 0].mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(z[:, 0].std(), 1.0)
    np.testing.assert_array_equal(z[:, 1], 0.0)
    assert scale[1] == 1.0 and mean[1] == 16.0
    np.testing.assert_allclose(mean + scale * z, X)
