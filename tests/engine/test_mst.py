"""The minimum spanning tree: Kruskal's total equals scipy's, and its cut is single linkage."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import minimum_spanning_tree
from sklearn.metrics import adjusted_rand_score

from engine import datasets, distances
from engine.clustering import mst
from engine.protocol import RunContext, SpanningTree, TooManyPoints, run_to_end


def _data(seed, n=40, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X[: n // 3] += 5.0
    X[n // 3: 2 * n // 3, 0] -= 4.0
    return X


def _scipy_weight(X, metric):
    return float(minimum_spanning_tree(distances.square(X, metric)).sum())


@pytest.mark.parametrize("metric", distances.COMMON_METRICS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kruskal_and_scipy_path_weigh_what_scipy_weighs(metric, seed):
    X = _data(seed)
    edges, weights = mst.kruskal(X, metric)
    assert edges.shape == (len(X) - 1, 2) and np.all(np.diff(weights) >= 0)
    np.testing.assert_allclose(weights.sum(), _scipy_weight(X, metric), rtol=1e-12)
    # The weights are the distances of the edges, and the edges span every point.
    D = distances.square(X, metric)
    np.testing.assert_allclose(weights, D[edges[:, 0], edges[:, 1]])
    assert np.all(mst.components(len(X), edges) == 0)
    big_edges, big_weights = mst.scipy_tree(X, metric)
    np.testing.assert_allclose(big_weights, weights, rtol=1e-12)
    assert np.all(mst.components(len(X), big_edges) == 0)


@pytest.mark.parametrize("metric", distances.COMMON_METRICS)
@pytest.mark.parametrize("seed", [0, 3, 7])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_cutting_the_k_minus_1_longest_edges_is_single_linkage(metric, seed, k):
    X = _data(seed)
    edges, _ = mst.kruskal(X, metric)
    ours = mst.cut_labels(len(X), edges, k)
    theirs = fcluster(linkage(distances.pdist(X, metric), "single"), k, criterion="maxclust")
    assert np.unique(ours).size == k
    assert adjusted_rand_score(theirs, ours) == 1.0


def test_the_run_cuts_as_single_linkage_does_and_grows_in_kruskal_order():
    data = datasets.load("blobs", n_samples=80, seed=4)
    snaps = list(mst.MinimumSpanningTree().start(data, {"n_clusters": 4,
                                                        "metric": "manhattan"}))
    assert all(isinstance(s, SpanningTree) for s in snaps) and len(snaps) <= 60
    grown = [s.n_edges for s in snaps if s.phase == "grow"]
    assert grown == sorted(grown) and grown[-1] == data.n - 1
    last = snaps[-1]
    assert last.phase == "done" and last.n_cut == 3 and len(last.cut) == 3
    np.testing.assert_array_equal(last.cut, last.edges[-3:])
    theirs = fcluster(linkage(distances.pdist(data.X, "manhattan"), "single"), 4,
                      criterion="maxclust")
    assert adjusted_rand_score(theirs, last.labels) == 1.0
    np.testing.assert_allclose(last.total_weight, _scipy_weight(data.X, "manhattan"))
    # While growing, a point not yet joined is -1, and joined points sit in trees.
    first = snaps[0]
    assert first.n_edges >= 1 and (first.labels == -1).sum() == data.n - first.n_edges - 1


def test_repeated_points_still_give_a_spanning_tree_on_the_scipy_path():
    X = np.array([[0.0, 0], [0, 0], [1, 0], [1, 0], [5, 5]])
    edges, weights = mst.scipy_tree(X, "euclidean")
    assert len(edges) == 4 and np.all(mst.components(5, edges) == 0)
    np.testing.assert_allclose(weights, [0, 0, 1, np.hypot(4, 5)])


def test_above_kruskal_max_the_scipy_tree_is_used(monkeypatch):
    monkeypatch.setattr(mst, "KRUSKAL_MAX", 10)
    X = _data(5, n=30)
    called = []
    monkeypatch.setattr(mst, "kruskal", lambda *a: called.append(1))
    edges, weights = mst.spanning_tree(X)
    assert not called and len(edges) == 29
    np.testing.assert_allclose(weights.sum(), _scipy_weight(X, "euclidean"))


def test_big_inputs_are_refused_with_the_memory_named(monkeypatch):
    from engine import big_inputs

    monkeypatch.setattr(big_inputs, "available_bytes", lambda: 2_000_000)
    data = datasets.load("blobs", n_samples=400)
    with pytest.raises(TooManyPoints, match="pairwise distances") as info:
        mst.MinimumSpanningTree().resolve(data, {})
    assert info.value.limit == 223  # sqrt(0.5 * 2e6 / 20)


def test_k_one_cuts_nothing_and_a_cancel_stops_the_search():
    data = datasets.load("blobs", n_samples=30)
    last = run_to_end("mst", data, {"n_clusters": 1})
    assert last.n_cut == 0 and np.all(last.labels == 0) and last.phase == "done"
    ctx = RunContext()
    ctx.cancel()
    assert list(mst.MinimumSpanningTree().run(data, {"n_clusters": 2,
                                                     "metric": "euclidean"}, ctx)) == []


def test_csv_tables_list_the_edges_with_lengths_and_the_cut():
    from engine.export import snapshot_tables

    data = datasets.load("blobs", n_samples=30, seed=2)
    last = run_to_end("mst", data, {"n_clusters": 3})
    tables = snapshot_tables(last, data)
    header, rows = tables["edges"]
    assert header == ["edge", "point_a", "point_b", "length", "cut"] and len(rows) == 29
    assert [r[4] for r in rows] == [0] * 27 + [1, 1]
    np.testing.assert_allclose([r[3] for r in rows], last.weights)
    assert [r[1] for r in tables["labels"][1]] == last.labels.tolist()
    assert "scores" in tables
