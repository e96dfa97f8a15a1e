"""Each step's message says what the step did, in words and numbers: the explanation strip
shows it as it is."""

import re

import numpy as np

from engine.clustering.kmeans import KMeans
from engine.data import Dataset
from engine.generative.vae import epoch_message


def _blobs(n=200, k=4, seed=3):
    rng = np.random.default_rng(seed)
    means = rng.uniform(-6, 6, size=(k, 2))
    return means[rng.integers(k, size=n)] + 2.0 * rng.normal(size=(n, 2))


def test_kmeans_assignments_say_how_many_points_changed_and_how_j_moved():
    snaps = list(KMeans().start(Dataset("x", _blobs()),
                                {"n_clusters": 4, "init": "random", "seed": 5}))
    assigns = [s for s in snaps if s.phase == "assign"]
    assert len(assigns) >= 3  # the first, at least one that moves points, the converged one
    assert "each of the 200 points" in assigns[0].message
    for s in assigns[1:-1]:
        before = snaps[s.step - 2]  # the update just before this assignment
        moved = int(np.count_nonzero(s.labels != before.labels))
        assert s.changed == moved > 0
        noun = "1 point" if moved == 1 else f"{moved} points"
        assert f": {noun} changed cluster; " in s.message, s.message
        assert re.search(rf"J (fell|rose) from {before.objective:.4g} to {s.objective:.4g}$|"
                         rf"J stays at {s.objective:.4g}$", s.message), s.message
    assert assigns[-1].converged and "no point changed cluster" in assigns[-1].message


def test_kmeans_updates_say_how_far_the_centres_moved():
    snaps = list(KMeans().start(Dataset("x", _blobs()), {"n_clusters": 3, "seed": 1}))
    for s in (s for s in snaps if s.phase == "update"):
        before = snaps[s.step - 2]
        move = float(np.sqrt(((s.centres - before.centres) ** 2).sum(axis=1)).max())
        assert f"(largest move {move:.3g})" in s.message, s.message


def test_vae_epoch_message_says_how_the_elbo_moved():
    first = epoch_message(1, 60, -150.23, 130.0, 20.23, n_points=1797, batch_size=128)
    assert first == ("epoch 1 of 60: 15 gradient steps over the 1,797 points; ELBO -150.2 "
                     "(reconstruction 130.0, KL 20.2)")
    later = epoch_message(2, 60, -120.0, 100.0, 20.0, previous=-150.23, n_points=100,
                          batch_size=128)
    assert later.startswith("epoch 2 of 60: 1 gradient step over the 100 points; "
                            "ELBO rose from -150.2 to -120.0")
    worse = epoch_message(3, 60, -121.0, 101.0, 20.0, previous=-120.0)
    assert worse == "epoch 3 of 60: ELBO fell from -120.0 to -121.0 (reconstruction 101.0, KL 20.0)"
    same = epoch_message(4, 60, -121.01, 101.0, 20.0, previous=-121.0)
    assert "ELBO stayed at -121.0" in same
