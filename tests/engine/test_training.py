"""The shared training helpers' own checks."""

from engine.generative.training import overfitting_note


def test_overfitting_is_named_once_the_held_out_score_leaves_its_best():
    rising = [-2.0, -1.0, -0.6, -0.7, -0.9]  # log-likelihood: higher is better
    note = overfitting_note(rising, [0, 100, 200, 300, 400], False, "log-likelihood")
    assert "best at step 200 (-0.600)" in note and note.startswith("; overfitting")
    assert overfitting_note(rising[:3], [0, 100, 200], False, "log-likelihood") == ""
    assert overfitting_note([2.0, 1.9, 1.91], [1, 2, 3], True, "bits", "epoch") == ""
    assert "epoch 2" in overfitting_note([2.0, 1.5, 1.9], [1, 2, 3], True, "bits", "epoch")
