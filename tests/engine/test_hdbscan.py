"""HDBSCAN in stages: core distances, the spanning tree, the condensed tree and its chosen
clusters, each checked against scikit-learn's HDBSCAN."""

import numpy as np
import pytest
from sklearn.cluster import HDBSCAN
from sklearn.datasets import make_blobs, make_moons

from engine import datasets
from engine.clustering import hdbscan
from engine.data import Dataset
from engine.export import snapshot_tables
from engine.protocol import TooManyPoints, run_to_end

ALG = hdbscan.HDBSCANClustering()


def _data(kind: str, seed: int) -> Dataset:
    if kind == "moons":
        X, _ = make_moons(200, noise=0.08, random_state=seed)
    else:
        X, _ = make_blobs(200, centers=4, cluster_std=[0.5, 1.0, 1.5, 0.8], random_state=seed)
    return Dataset(X=X, name=kind)


CASES = [("moons", 0, "euclidean", "eom", 10, 5), ("moons", 1, "manhattan", "leaf", 8, 4),
         ("blobs", 2, "chebyshev", "eom", 12, 6), ("blobs", 3, "cosine", "eom", 10, 5),
         ("blobs", 4, "euclidean", "leaf", 6, 3)]


@pytest.mark.parametrize(("kind", "seed", "metric", "selection", "mcs", "k"), CASES)
def test_stages_agree_with_scikit_learn(kind, seed, metric, selection, mcs, k):
    data = _data(kind, seed)
    params = {"min_cluster_size": mcs, "min_samples": k, "metric": metric,
              "selection": selection}
    snaps = list(ALG.start(data, params))
    last = snaps[-1]
    ref = HDBSCAN(min_cluster_size=mcs, min_samples=k, metric=metric,
                  cluster_selection_method=selection, copy=True).fit(data.X)
    np.testing.assert_array_equal(last.labels, ref.labels_)
    np.testing.assert_allclose(last.probabilities, ref.probabilities_)
    # The clusters chosen from the condensed tree computed here give the same labels.
    mine = hdbscan.labels_from(last.tree_parent, last.tree_child, last.selected, data.n)
    np.testing.assert_array_equal(mine, ref.labels_)
    # Prim's tree of the mutual reachability distance weighs what scikit-learn's does.
    np.testing.assert_allclose(last.mst_weights, np.sort(ref._single_linkage_tree_["value"]),
                               rtol=1e-9, atol=1e-12)
    assert [s.phase for s in snaps][:1] == ["core"] and snaps[-2].phase == "condensed"
    assert all(s.message for s in snaps)


def test_spanning_tree_spans_and_uses_mutual_reachability():
    data = _data("moons", 5)
    snap = run_to_end(ALG, data, {"min_samples": 4})
    edges, w, core = snap.mst_edges, snap.mst_weights, snap.core_distances
    assert len(np.unique(edges)) == data.n and np.all(np.diff(w) >= 0)
    d = np.linalg.norm(data.X[edges[:, 0]] - data.X[edges[:, 1]], axis=1)
    np.testing.assert_allclose(w, np.maximum(d, np.maximum(core[edges[:, 0]],
                                                           core[edges[:, 1]])))
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial.distance import cdist

    full = cdist(data.X, data.X)
    mr = np.maximum(full, np.maximum(core[:, None], core[None, :]))
    np.fill_diagonal(mr, 0)
    assert minimum_spanning_tree(mr).sum() == pytest.approx(w.sum())


def test_stability_and_excess_of_mass_by_hand():
    # Root 4 (n = 4 points): splits at λ = 1 into clusters 5 and 6; 5 loses points 0, 1 at
    # λ = 3; 6 loses point 2 at λ = 2 and point 3 at λ = 4.
    parent = np.array([4, 4, 5, 5, 6, 6])
    child = np.array([5, 6, 0, 1, 2, 3])
    lam = np.array([1.0, 1.0, 3.0, 3.0, 2.0, 4.0])
    size = np.array([2, 2, 1, 1, 1, 1])
    stab = hdbscan.stabilities(parent, child, lam, size, 4)
    np.testing.assert_allclose(stab, [2 * 1 + 2 * 1, 2 * 2, 1 + 3])
    assert hdbscan.select(parent, child, stab, 4).tolist() == [5, 6]
    labels = hdbscan.labels_from(parent, child, np.array([5, 6]), 4)
    assert labels.tolist() == [0, 0, 1, 1]


def test_csv_tables():
    data = datasets.load("moons", n_samples=80)
    snap = run_to_end(ALG, data, {})
    tables = snapshot_tables(snap, data)
    assert {"labels", "spanning_tree", "condensed_tree", "stability", "scores"} <= set(tables)
    assert len(tables["spanning_tree"][1]) == data.n - 1
    chosen = [r[0] for r in tables["stability"][1] if r[2]]
    assert chosen == snap.selected.tolist()


def test_too_many_points_is_refused():
    X = np.zeros((hdbscan.MAX_POINTS + 1, 2))
    with pytest.raises(TooManyPoints):
        ALG.check_size(Dataset(X=X, name="big"), ALG.resolve(datasets.load("moons"), {}))


def test_no_cluster_and_duplicate_points_are_said_plainly():
    uniform = Dataset(X=np.random.default_rng(0).uniform(size=(60, 2)), name="u")
    snap = run_to_end(ALG, uniform, {"min_cluster_size": 20})
    assert np.all(snap.labels < 0)
    assert snap.message.startswith("Done: no cluster") and "all 60 points are noise" in snap.message
    twins = Dataset(X=np.r_[np.zeros((10, 2)), np.ones((10, 2)),
                            np.random.default_rng(1).normal(size=(5, 2)) * 5], name="d")
    snap = run_to_end(ALG, twins, {"min_cluster_size": 5})
    assert "∞ (duplicate points)" in snap.message and "inf" not in snap.message
