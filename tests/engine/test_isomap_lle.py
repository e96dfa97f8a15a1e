"""Isomap and LLE against scikit-learn; the neighbour graph and its short circuits."""

import numpy as np
import pytest
from scipy.spatial import procrustes

from engine import big_inputs, datasets, registry
from engine.big_inputs import subsample
from engine.data import Dataset
from engine.datasets.generators import s_curve, swiss_roll
from engine.protocol import Embedding, TooManyPoints, run_to_end
from engine.reduction import neighbour_graph as graphs
from engine.reduction.lle import barycenter_weights, rebuild_errors


@pytest.fixture(scope="module")
def roll():
    return datasets.load("swiss_roll", n_samples=300, seed=1)


def test_isomap_is_scikit_learns_isomap_in_stages(roll):
    from sklearn.manifold import Isomap

    snaps = list(registry.get("isomap").start(roll, {"n_neighbors": 10}))
    assert [s.phase for s in snaps] == ["graph", "geodesics", "done"]
    assert all(isinstance(s, Embedding) for s in snaps)
    assert [s.quality is not None for s in snaps] == [False, False, True]
    reference = Isomap(n_neighbors=10, n_components=2).fit_transform(roll.X)
    assert procrustes(reference, snaps[-1].coords)[2] < 1e-8


@pytest.mark.parametrize("method", ["standard", "modified"])
def test_lle_is_scikit_learns_lle(roll, method):
    from sklearn.manifold import LocallyLinearEmbedding

    snap = run_to_end("lle", roll, {"n_neighbors": 12, "method": method, "seed": 3})
    reference = LocallyLinearEmbedding(n_neighbors=12, method=method,
                                       random_state=3).fit_transform(roll.X)
    assert procrustes(reference, snap.coords)[2] < 1e-6
    assert snap.phase == "done" and snap.quality.trustworthiness > 0.8


def test_barycenter_weights_sum_to_one_and_rebuild_points_in_their_neighbours_span():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    neighbours = np.array([np.argsort(np.linalg.norm(X - x, axis=1))[1:6] for x in X])
    W = barycenter_weights(X, neighbours, reg=1e-9)
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    # In the plane, 5 neighbours span it affinely: every point is rebuilt (almost) exactly.
    assert rebuild_errors(X, neighbours, W).max() < 1e-4


def test_the_graph_is_drawn_and_a_large_k_short_circuits_the_roll(roll):
    small = run_to_end("isomap", roll, {"n_neighbors": 6})
    large = run_to_end("isomap", roll, {"n_neighbors": 40})
    assert small.edges.shape[1] == 2 and len(large.edges) > len(small.edges)
    assert small.flagged.sum() <= 0.01 * len(small.edges)  # 300 points: a sparse roll
    assert large.flagged.sum() > 0.2 * len(large.edges)
    # A flagged edge's ends are far apart along the sheet, relative to its length.
    sheet = graphs.sheet_coordinates(roll)
    a, b = large.edges[large.flagged].T
    way = np.linalg.norm(sheet[a] - sheet[b], axis=1)
    assert np.all(way > graphs.RATIO * np.linalg.norm(roll.X[a] - roll.X[b], axis=1))


@pytest.mark.parametrize("make,name", [(swiss_roll, "swiss_roll"), (s_curve, "s_curve")])
def test_the_sheet_coordinates_unroll_the_generators(make, name):
    data = datasets.load(name, n_samples=200, seed=5)
    sheet = graphs.sheet_coordinates(data)
    # The generator draws t first, then the height: recompute both.
    rng = np.random.default_rng(5)
    low, high = (1.5 * np.pi, 4.5 * np.pi) if name == "swiss_roll" else (-1.5 * np.pi,
                                                                          1.5 * np.pi)
    t = rng.uniform(low, high, size=200)
    np.testing.assert_allclose(sheet[:, 1], make(200, 0.0, 6, 5)[0][:, 1])
    if name == "s_curve":
        np.testing.assert_allclose(sheet[:, 0], t, atol=1e-9)
    else:  # arc length grows with t
        assert np.all(np.diff(sheet[np.argsort(t), 0]) > 0)


def test_other_data_is_judged_by_detours_through_a_sparser_graph(roll):
    # A subsample loses the generator's options but keeps its name: the sheet is read from
    # the points. Other data is judged by the graph rule: it finds the same jumps, if fewer.
    X = roll.X
    g = graphs.knn_graph(X, 15)
    edges, lengths = graphs.edge_list(g)
    along = graphs.short_circuits(X, edges, lengths, 15, graphs.sheet_coordinates(roll))
    detour = graphs.short_circuits(X, edges, lengths, 15, None)
    assert along.sum() > 50
    assert (along & detour).sum() >= 0.5 * along.sum()  # the sparser graph jumps a little too
    assert (detour & ~along).sum() <= 0.05 * along.sum()
    assert not graphs.short_circuits(X, edges, lengths, 6, None).any()  # k ≤ 6: no verdict
    part = subsample(roll, 200, seed=0)
    assert graphs.sheet_coordinates(part) is not None
    assert graphs.sheet_coordinates(datasets.load("blobs", n_samples=30)) is None


def test_a_graph_in_pieces_is_a_plain_error():
    blobs = datasets.load("blobs", n_samples=60, seed=1)
    with pytest.raises(ValueError, match="pieces"):
        run_to_end("isomap", blobs, {"n_neighbors": 3})


@pytest.mark.parametrize("algorithm_id", ["mds", "isomap", "lle"])
def test_too_many_points_are_refused_with_a_subsample_offered(monkeypatch, algorithm_id):
    monkeypatch.setattr(big_inputs, "available_bytes", lambda: 2_000_000)
    algorithm = registry.get(algorithm_id)
    data = datasets.load("swiss_roll", n_samples=400)
    with pytest.raises(TooManyPoints) as caught:
        algorithm.resolve(data, {})
    assert caught.value.limit < 400
    assert "points" in algorithm.too_many_points(400, algorithm.defaults())


def test_hessian_lle_needs_enough_neighbours(roll):
    with pytest.raises(ValueError, match="neighbours"):
        registry.get("lle").resolve(roll, {"method": "hessian", "n_neighbors": 5})


@pytest.mark.parametrize("method", ["isomap", "lle"])
def test_few_points_lower_k_and_say_so(method):
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 3, 7))
    data = Dataset("arc", np.c_[np.cos(t), np.sin(t), 0.1 * t])
    snaps = list(registry.get(method).start(data, {"n_neighbors": 10}))
    assert "k lowered from 10 to 6, as there are only 7 points" in snaps[0].message
    assert snaps[-1].phase == "done" and np.isfinite(snaps[-1].coords).all()
    with pytest.raises(ValueError, match="at least 3 points"):
        registry.get(method).start(Dataset("two", np.eye(2)), {})
