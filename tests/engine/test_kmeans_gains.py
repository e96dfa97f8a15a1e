"""k-means++ seeding step by step, restarts and the elbow, against scikit-learn."""

import numpy as np
import pytest

from engine.clustering.kmeans import KMeans, initial_centres, plusplus
from engine.data import Dataset
from tests.engine.test_kmeans import blobs

ALG = KMeans()


def run_all(X, **params):
    return list(ALG.start(Dataset("test", X), params))


@pytest.mark.parametrize("seed", [0, 3])
def test_seeding_snapshots_show_each_centre_with_D2_probabilities(seed):
    X = blobs(150, k=4, seed=seed, spread=2.0)
    snaps = run_all(X, n_clusters=4, seed=seed, elbow=0)
    seeding = [s for s in snaps if s.phase == "seed"]
    centres, rows = plusplus(X, 4, seed)
    assert len(seeding) == 4 and snaps[:4] == seeding and snaps[4].phase == "init"
    np.testing.assert_array_equal(seeding[-1].centres, centres)  # the existing seeding
    np.testing.assert_allclose(snaps[4].centres, initial_centres(X, 4, "k-means++", seed),
                               atol=1e-12)
    for c, s in enumerate(seeding, start=1):
        assert s.centres.shape == (c, 2) and (s.labels == -1).all()
        p = s.seed_weights.astype(np.float64)
        assert p.sum() == pytest.approx(1.0, abs=1e-5) and (p >= 0).all()
        if c == 1:
            np.testing.assert_allclose(p, 1 / len(X))
            continue
        d2 = ((X[:, None] - centres[None, : c - 1]) ** 2).sum(axis=2).min(axis=1)
        np.testing.assert_allclose(p, d2 / d2.sum(), rtol=1e-5, atol=1e-9)
        assert p[rows[c - 1]] > 0  # the chosen point could be drawn
        assert f"centre {c} of 4: chosen with probability {p[rows[c - 1]]:.3g}" in s.message
        J = ((X[:, None] - centres[None, :c]) ** 2).sum(axis=2).min(axis=1).sum()
        assert s.objective == pytest.approx(J)


def test_random_init_has_no_seeding_steps():
    snaps = run_all(blobs(80), n_clusters=3, init="random", elbow=0)
    assert snaps[0].phase == "init" and all(s.seed_weights is None for s in snaps)


def test_restarts_keep_the_best_and_list_every_run():
    from sklearn.cluster import KMeans as SkKMeans

    X = blobs(300, k=8, seed=5, spread=2.5)  # many local minima
    snaps = run_all(X, n_clusters=8, n_init=5, seed=1, elbow=0)
    final = snaps[-1]
    Js = []
    for r in range(5):
        sk = SkKMeans(8, init=initial_centres(X, 8, "k-means++", 1 + r), n_init=1,
                      algorithm="lloyd", tol=0, max_iter=100).fit(X)
        Js.append(sk.inertia_)
    np.testing.assert_allclose(final.restarts, Js, rtol=1e-10)
    assert final.best_run == int(np.argmin(Js)) and final.objective <= min(Js) * (1 + 1e-12)
    assert final.objective == pytest.approx(direct := ((X - final.centres[final.labels]) ** 2
                                                       ).sum())
    assert direct <= min(Js) * (1 + 1e-10)
    restarts = [s for s in snaps if s.phase == "restart"]
    assert [len(s.restarts) for s in restarts] == [2, 3, 4, 5]
    assert "best of 5 runs kept" in final.message
    assert [s.step for s in snaps] == list(range(1, len(snaps) + 1))
    assert len(set(np.round(Js, 6))) > 1  # local minima made visible on this data


def test_one_run_lists_its_own_J():
    final = run_all(blobs(100), n_clusters=3, seed=2, elbow=0)[-1]
    assert final.converged and final.restarts.tolist() == [final.objective]


def test_elbow_equals_sklearn_inertia_for_each_k():
    from sklearn.cluster import KMeans as SkKMeans

    rng = np.random.default_rng(6)
    corners = np.array([[-8, -8], [-8, 8], [8, -8], [8, 8]])
    X = corners[rng.integers(4, size=200)] + rng.normal(size=(200, 2))
    final = run_all(X, n_clusters=4, seed=3, elbow=7, n_init=2)[-1]
    assert final.elbow.shape == (7,)
    for k in range(1, 8):
        J = min(SkKMeans(k, init=initial_centres(X, k, "k-means++", 3 + r), n_init=1,
                         algorithm="lloyd", tol=0, max_iter=100).fit(X).inertia_
                for r in range(2))
        assert final.elbow[k - 1] == pytest.approx(J, rel=1e-9)
    assert final.elbow[3] == pytest.approx(final.objective)  # the run's k, marked
    assert np.all(np.diff(final.elbow) <= 0.05 * final.elbow[:-1])  # non-increasing-ish
    assert final.elbow[3] < 0.2 * final.elbow[2]  # the elbow of four blobs is at 4
    assert "elbow: J over k = 1..7" in final.message


def test_elbow_is_capped_by_the_number_of_points():
    final = run_all(blobs(6), n_clusters=2, elbow=10)[-1]
    assert final.elbow.shape == (6,) and final.elbow[-1] == pytest.approx(0.0, abs=1e-9)
