"""Divisive clustering (bisecting k-means) against scikit-learn's BisectingKMeans."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import is_monotonic, is_valid_linkage
from sklearn.cluster import BisectingKMeans
from sklearn.metrics import adjusted_rand_score

from engine import datasets
from engine.clustering import hierarchical
from engine.clustering.divisive import STRATEGIES, DivisiveClustering
from engine.data import Dataset
from engine.export import snapshot_tables
from engine.protocol import Divisive

ALG = DivisiveClustering()


def sse(X, labels):
    return sum(float(((X[labels == c] - X[labels == c].mean(axis=0)) ** 2).sum())
               for c in np.unique(labels))


def run(dataset, **params):
    return list(ALG.start(dataset, {"seed": 0, **params}))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_same_partition_as_scikit_learn_on_separated_blobs(strategy):
    data = datasets.load("blobs", n_samples=200, n_centers=5, cluster_std=0.5, seed=3)
    final = run(data, n_clusters=5, strategy=strategy)[-1]
    ref = BisectingKMeans(5, random_state=0, bisecting_strategy=strategy).fit(data.X)
    assert adjusted_rand_score(ref.labels_, final.labels) == 1.0
    assert final.objective == pytest.approx(ref.inertia_, rel=1e-9)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_one_snapshot_per_split_and_the_sse_never_rises(strategy):
    data = datasets.load("blobs", n_samples=150, n_centers=3, seed=5)
    snaps = run(data, n_clusters=7, strategy=strategy)
    assert [s.n_clusters for s in snaps] == list(range(1, 8))
    assert all(isinstance(s, Divisive) for s in snaps)
    trace = snaps[-1].trace
    assert np.all(np.diff(trace) <= 0)
    for s in snaps:
        assert s.objective == pytest.approx(sse(data.X, s.labels), rel=1e-9)
        assert s.trace[-1] == s.objective and len(s.trace) == s.n_clusters
    assert "total SSE fell from" in snaps[3].message


def test_the_tree_is_a_monotone_scipy_linkage_whose_cuts_are_the_steps():
    data = datasets.load("blobs", n_samples=120, n_centers=4, seed=2)
    snaps = run(data, n_clusters=6)
    for s in snaps:
        z = s.linkage
        assert is_valid_linkage(z) and is_monotonic(z)
        assert z.shape == (119, 4) and s.complete
        # Below the leaves nothing is computed (height 0); each split is at an SSE > 0.
        assert np.count_nonzero(z[:, 2] > 0) == s.n_clusters - 1
        np.testing.assert_array_equal(hierarchical.cut(z, s.n_clusters), s.labels)
    # Largest SSE first: cutting the final tree higher gives the earlier steps' clusters.
    final = snaps[-1]
    for s in snaps[1:]:
        earlier = hierarchical.cut(final.linkage, s.n_clusters)
        assert adjusted_rand_score(earlier, s.labels) == 1.0


def test_split_heights_are_the_sse_of_the_cluster_split():
    data = datasets.load("blobs", n_samples=90, n_centers=3, seed=1)
    snaps = run(data, n_clusters=4)
    heights = np.sort(snaps[-1].linkage[:, 2])[::-1][:3]
    # The split at step s took a cluster of the previous step: its SSE is the height.
    for s, h in zip(snaps[1:], heights, strict=True):
        before = snaps[s.n_clusters - 2]
        split = [c for c in range(before.n_clusters)
                 if len(np.unique(s.labels[before.labels == c])) == 2]
        assert len(split) == 1
        rows = before.labels == split[0]
        assert h == pytest.approx(sse(data.X[rows], np.zeros(rows.sum(), int)), rel=1e-9)


def test_same_seed_same_tree_and_centres_are_the_means():
    data = datasets.load("blobs", n_samples=100, n_centers=4, seed=6)
    a, b = run(data, n_clusters=5, n_init=3)[-1], run(data, n_clusters=5, n_init=3)[-1]
    np.testing.assert_array_equal(a.linkage, b.linkage)
    for c in range(a.n_clusters):
        np.testing.assert_allclose(a.centres[c], data.X[a.labels == c].mean(axis=0))


def test_stops_when_no_cluster_can_be_split():
    X = np.array([[0.0, 0.0]] * 3 + [[5.0, 5.0]] * 3)
    snaps = run(Dataset("two", X), n_clusters=4)
    assert snaps[-1].n_clusters == 2
    assert "no cluster has two distinct points" in snaps[-1].message
    assert ALG.resolve(Dataset("two", X), {"n_clusters": 6})
    with pytest.raises(ValueError, match="at most 6"):
        ALG.resolve(Dataset("two", X), {"n_clusters": 7})


def test_the_last_snapshot_has_the_ultrametric_check_and_exports():
    data = datasets.load("blobs", n_samples=60, seed=0)
    final = run(data, n_clusters=3)[-1]
    assert final.triples_checked == 60 * 59 * 58 // 6 and final.broken_triples_tree == 0.0
    assert "cophenetic correlation" in final.message
    tables = snapshot_tables(final, data)
    assert [r[1] for r in tables["labels"][1]] == final.labels.tolist()
    np.testing.assert_allclose([r[1:] for r in tables["centres"][1]], final.centres)
    assert [r[1] for r in tables["sse"][1]] == final.trace.tolist()
    assert tables["ultrametric"][1][0][3] == final.triples_checked
    cut = snapshot_tables(final, data, k=2)["labels"][1]
    assert len({r[1] for r in cut}) == 2
