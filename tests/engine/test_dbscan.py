"""DBSCAN grown point by point: the same core points and labels as scikit-learn's DBSCAN."""

import numpy as np
import pytest
from sklearn.cluster import DBSCAN
from sklearn.datasets import make_blobs, make_moons

from engine import big_inputs, datasets
from engine.clustering import dbscan
from engine.clustering.neighbours import k_distances, neighbourhoods
from engine.data import Dataset
from engine.export import snapshot_tables
from engine.protocol import BORDER, CORE, NOISE, UNSEEN, TooManyPoints, run_to_end

ALG = dbscan.DBSCAN()


def _data(kind: str, seed: int) -> Dataset:
    if kind == "moons":
        X, y = make_moons(150, noise=0.08, random_state=seed)
    else:  # blobs close enough that some border points lie within eps of two clusters
        X, y = make_blobs(150, centers=4, cluster_std=1.3, random_state=seed)
    return Dataset(X=X, y=y, name=kind)


CASES = [("moons", 0, "euclidean", 0.12, 5), ("moons", 1, "manhattan", 0.15, 4),
         ("moons", 2, "chebyshev", 0.1, 6), ("blobs", 3, "euclidean", 0.9, 5),
         ("blobs", 4, "cosine", 0.002, 5), ("blobs", 5, "manhattan", 1.4, 8)]


@pytest.mark.parametrize(("kind", "seed", "metric", "eps", "k"), CASES)
def test_equals_scikit_learn_cores_labels_and_noise(kind, seed, metric, eps, k):
    data = _data(kind, seed)
    snap = run_to_end(ALG, data, {"eps": eps, "auto_eps": False, "min_samples": k,
                                  "metric": metric})
    ref = DBSCAN(eps=eps, min_samples=k, metric=metric).fit(data.X)
    core = np.zeros(data.n, bool)
    core[ref.core_sample_indices_] = True
    np.testing.assert_array_equal(snap.core, core)
    # Labels equal exactly, border points too (the scan order is scikit-learn's).
    np.testing.assert_array_equal(snap.labels, ref.labels_)
    assert snap.phase == "done" and snap.n_clusters == ref.labels_.max() + 1


def test_a_border_point_between_two_clusters_joins_the_first_started():
    # Two dense groups; point 10 is within eps of a core point of each but not core itself.
    left = np.column_stack([np.linspace(0.1, 0.5, 5), np.zeros(5)])
    right = np.column_stack([np.linspace(1.5, 1.9, 5), np.zeros(5)])
    X = np.vstack([right, left, [[1.0, 0.0]]])  # the right group is scanned first
    data = Dataset(X=X, name="bridge")
    snap = run_to_end(ALG, data, {"eps": 0.55, "auto_eps": False, "min_samples": 4})
    ref = DBSCAN(eps=0.55, min_samples=4).fit(X).labels_
    assert not snap.core[10] and snap.labels[10] == 0 == ref[10]
    np.testing.assert_array_equal(snap.labels, ref)


def test_growth_is_an_animation_of_many_frames_point_by_point():
    data = datasets.load("moons", n_samples=300)
    snaps = list(ALG.start(data, {}))
    assert 60 <= len(snaps) <= 200
    grow = [s for s in snaps if s.phase == "grow"]
    reached = [int(np.count_nonzero(s.labels >= 0)) for s in grow]
    assert reached == sorted(reached) and reached[0] == 1
    for s in grow:
        assert s.labels[s.current] >= 0 and (s.labels[s.frontier] < 0).all()
        assert s.core[s.new_cores].all() and 1 <= len(s.new_cores) <= dbscan.RECENT
    assert all(s.message for s in snaps)
    assert "core" in snaps[0].message and "Done" in snaps[-1].message


def test_k_distance_line_separates_core_points_and_auto_eps_keeps_ten_percent_out():
    data = datasets.load("blobs", n_samples=200)
    snap = run_to_end(ALG, data, {"min_samples": 5})
    np.testing.assert_allclose(snap.k_distances, k_distances(data.X, 5, "euclidean"))
    np.testing.assert_array_equal(snap.core, snap.k_distances <= snap.eps)
    assert np.count_nonzero(~snap.core) == 20


def test_kinds_core_border_noise_in_the_last_snapshot():
    data = datasets.load("moons", n_samples=200, noise=0.12)
    snap = run_to_end(ALG, data, {"eps": 0.12, "auto_eps": False, "min_samples": 6})
    kinds = snap.kinds()
    assert not (kinds == UNSEEN).any()
    np.testing.assert_array_equal(kinds == NOISE, snap.labels < 0)
    np.testing.assert_array_equal(kinds == CORE, snap.core)
    assert (kinds == BORDER).any() and (kinds == NOISE).any()
    neigh = neighbourhoods(data.X, 0.12, "euclidean")
    for i in np.flatnonzero(kinds == NOISE):  # noise: within eps of no core point
        assert not snap.core[neigh[i]].any()


def test_csv_tables_name_each_part():
    data = datasets.load("moons", n_samples=80)
    snap = run_to_end(ALG, data, {})
    tables = snapshot_tables(snap, data)
    header, rows = tables["labels"]
    assert header[:4] == ["point", "cluster", "part", "k_distance"]
    assert {r[2] for r in rows} <= {"core", "border", "noise"}
    assert [r[1] for r in rows] == snap.labels.tolist() and "scores" in tables


def test_a_huge_eps_on_many_points_is_refused_before_it_starts(monkeypatch):
    monkeypatch.setattr(big_inputs, "available_bytes", lambda: 20_000_000)
    X = np.random.default_rng(0).normal(size=(8000, 2))
    with pytest.raises(TooManyPoints) as err:
        ALG.resolve(Dataset(X=X, name="x"), {"eps": 100.0, "auto_eps": False})
    assert err.value.limit < 8000 and "neighbours" in str(err.value)
    ALG.resolve(Dataset(X=X, name="x"), {"eps": 0.01, "auto_eps": False})


def test_an_automatic_eps_too_wide_for_memory_stops_with_what_to_do(monkeypatch):
    monkeypatch.setattr(big_inputs, "available_bytes", lambda: 2_000_000)
    X = np.r_[np.zeros((7000, 2)), np.random.default_rng(0).normal(size=(100, 2))]
    X[:7000] += np.random.default_rng(1).normal(scale=1e-3, size=(7000, 2))  # a dense core
    with pytest.raises(ValueError, match=r"Use at most .* or set eps yourself"):
        run_to_end(ALG, Dataset(X=X, name="x"), {"auto_eps": True})


def test_the_sampled_neighbourhood_size_is_close_to_the_exact_one(monkeypatch):
    from engine.clustering import neighbours

    X = np.random.default_rng(2).normal(size=(3000, 2))
    exact = neighbours.mean_neighbours(X, 0.3, "euclidean")
    monkeypatch.setattr(neighbours, "COLUMNS", 1000)
    assert neighbours.mean_neighbours(X, 0.3, "euclidean") == pytest.approx(exact, rel=0.15)


def test_min_samples_one_leaves_no_automatic_eps_and_says_so():
    data = Dataset(X=np.random.default_rng(0).normal(size=(40, 2)), name="x")
    with pytest.raises(ValueError, match="set eps yourself"):
        run_to_end(ALG, data, {"auto_eps": True, "min_samples": 1})
    snap = run_to_end(ALG, data, {"auto_eps": False, "eps": 0.05, "min_samples": 1})
    assert snap.n_clusters > dbscan.SIZES_SHOWN and "the largest of" in snap.message
    assert snap.message.count(",") < 20


def test_the_memory_estimate_survives_a_sample_that_meets_no_neighbour():
    X = np.random.default_rng(3).uniform(size=(25_000, 2))
    fit = dbscan.fitting_points(Dataset(X=X, name="x"), 1e-12, "euclidean")
    assert 2 <= fit <= dbscan.MAX_POINTS
