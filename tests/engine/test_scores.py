"""Clustering scores against scikit-learn's, on random labelings and the edge cases."""

import numpy as np
import pytest
from sklearn import metrics

from engine.clustering import scores
from engine.clustering.scores import compute_scores


def random_case(seed, n=120, k_true=4, k_pred=5, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(k_true, size=n), rng.integers(k_pred, size=n)


def sk_purity(y, labels):
    table = metrics.cluster.contingency_matrix(y, labels)
    return table.max(axis=0).sum() / table.sum()


@pytest.mark.parametrize("seed", range(6))
def test_class_scores_equal_sklearn_on_random_labelings(seed):
    _, y, labels = random_case(seed, k_pred=2 + seed)
    assert scores.adjusted_rand(y, labels) == pytest.approx(
        metrics.adjusted_rand_score(y, labels), abs=1e-12)
    assert scores.normalized_mutual_info(y, labels) == pytest.approx(
        metrics.normalized_mutual_info_score(y, labels), abs=1e-12)
    assert scores.purity(y, labels) == pytest.approx(sk_purity(y, labels))


@pytest.mark.parametrize("seed", range(4))
def test_silhouette_equals_sklearn(seed):
    X, _, labels = random_case(seed, k_pred=2 + seed)
    values = scores.silhouette_values(X, labels)
    np.testing.assert_allclose(values, metrics.silhouette_samples(X, labels), atol=1e-10)
    s = compute_scores(X, labels)
    assert s.silhouette == pytest.approx(metrics.silhouette_score(X, labels), abs=1e-12)
    assert s.n_used == len(X) and s.sample_text() == "silhouette on all 120 points"


def test_silhouette_in_small_chunks_is_the_same(monkeypatch):
    X, _, labels = random_case(7, n=97)
    whole = scores.silhouette_values(X, labels)
    monkeypatch.setattr(scores, "CHUNK_CELLS", 97 * 5)  # 5 rows per chunk
    np.testing.assert_allclose(scores.silhouette_values(X, labels), whole, atol=1e-13)


@pytest.mark.parametrize("labels, defined", [
    (np.zeros(10, int), False),                       # one cluster
    (np.arange(10), False),                           # every point alone
    (np.array([0, 0, 0, 1, 1, 1, 2, 3, 3, 3]), True),  # a singleton among others
])
def test_edge_cases_as_sklearn(labels, defined):
    X = np.random.default_rng(1).normal(size=(10, 2))
    y = np.array([0, 0, 1, 1, 1, 2, 2, 2, 0, 1])
    s = compute_scores(X, labels, y)
    assert s.ari == pytest.approx(metrics.adjusted_rand_score(y, labels), abs=1e-12)
    assert s.nmi == pytest.approx(metrics.normalized_mutual_info_score(y, labels), abs=1e-12)
    if defined:
        assert s.silhouette == pytest.approx(metrics.silhouette_score(X, labels), abs=1e-12)
        assert s.values[6] == 0.0  # the singleton, as scikit-learn
    else:
        with pytest.raises(ValueError):
            metrics.silhouette_score(X, labels)
        assert np.isnan(s.silhouette) and s.silhouette_note
        assert "undefined" in s.summary()


def test_identical_and_trivial_labelings():
    y = np.array([0, 0, 1, 1, 2, 2])
    assert scores.adjusted_rand(y, [5, 5, 3, 3, 9, 9]) == 1.0
    assert scores.normalized_mutual_info(y, [5, 5, 3, 3, 9, 9]) == pytest.approx(1.0)
    assert scores.purity(y, [5, 5, 3, 3, 9, 9]) == 1.0
    assert scores.adjusted_rand([0] * 6, [1] * 6) == metrics.adjusted_rand_score([0] * 6, [1] * 6)
    assert scores.normalized_mutual_info([0] * 6, [1] * 6) == 1.0
    assert scores.normalized_mutual_info(y, [0] * 6) == metrics.normalized_mutual_info_score(
        y, [0] * 6)


def test_noise_is_a_group_for_class_scores_and_left_out_of_the_silhouette():
    X, y, labels = random_case(3)
    labels = labels.copy()
    labels[::7] = -1
    s = compute_scores(X, labels, y)
    assert s.n_noise == np.count_nonzero(labels == -1)
    assert s.ari == pytest.approx(metrics.adjusted_rand_score(y, labels), abs=1e-12)
    assert s.nmi == pytest.approx(metrics.normalized_mutual_info_score(y, labels), abs=1e-12)
    keep = labels >= 0
    assert s.silhouette == pytest.approx(metrics.silhouette_score(X[keep], labels[keep]))
    assert -1 not in s.row_labels and s.n_used == keep.sum()
    assert "noise" in s.summary()


def test_big_data_uses_a_seeded_subsample_of_stated_size():
    X, y, labels = random_case(4, n=900)
    s = compute_scores(X, labels, y, max_points=200, seed=5)
    assert s.n_used == 200 and s.sample_text() == "silhouette on 200 of 900 points"
    again = compute_scores(X, labels, y, max_points=200, seed=5)
    np.testing.assert_array_equal(s.rows, again.rows)
    assert s.silhouette == again.silhouette
    assert s.silhouette == pytest.approx(
        metrics.silhouette_score(X[s.rows], labels[s.rows]), abs=1e-12)
    assert s.ari == pytest.approx(metrics.adjusted_rand_score(y, labels))  # all points
    assert compute_scores(X, labels, cancelled=lambda: True) is None


def test_without_classes_only_the_silhouette():
    X, _, labels = random_case(5)
    s = compute_scores(X, labels)
    assert not s.has_classes and np.isnan(s.purity)
    header, rows = s.table()
    assert header == ["score", "value", "note"]
    assert [r[0] for r in rows] == ["clusters", "noise points", "silhouette"]


def test_csv_export_has_the_scores_of_partitions_and_trees():
    from engine import datasets
    from engine.clustering import hierarchical
    from engine.export import snapshot_tables
    from engine.protocol import run_to_end

    data = datasets.load("blobs", n_samples=50, seed=2)
    final = run_to_end("kmeans", data, {"n_clusters": 3, "elbow": 4})
    _, rows = snapshot_tables(final, data)["scores"]
    values = {r[0]: r[1] for r in rows}
    assert values["adjusted Rand index"] == pytest.approx(
        metrics.adjusted_rand_score(data.y, final.labels))
    assert values["silhouette"] == pytest.approx(metrics.silhouette_score(data.X, final.labels))
    tree = run_to_end("agglomerative", data, {"n_clusters": 3})
    rows = snapshot_tables(tree, data, k=2)["scores"][1]
    cut = hierarchical.cut(tree.linkage, 2)
    assert dict((r[0], r[1]) for r in rows)["normalised mutual information"] == pytest.approx(
        metrics.normalized_mutual_info_score(data.y, cut))
