"""The ultrametric check against brute force, and the cophenetic correlation against scipy."""

import itertools

import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import pdist, squareform

from engine.clustering import ultrametric
from engine.clustering.hierarchical import Agglomerative
from engine.data import Dataset


def brute_force(D: np.ndarray) -> tuple[float, float]:
    """Share of triples where some pair's distance exceeds the larger of the other two (with
    the same relative tolerance), and the mean relative excess, by loops over the triples."""
    n = len(D)
    broken, excess, total = 0, 0.0, 0
    for x, y, z in itertools.combinations(range(n), 3):
        total += 1
        pairs = [(D[x, y], D[x, z], D[y, z]), (D[x, z], D[x, y], D[y, z]),
                 (D[y, z], D[x, y], D[x, z])]
        if any(d - max(a, b) > ultrametric.RTOL * d for d, a, b in pairs):
            broken += 1
            top, second = sorted((D[x, y], D[x, z], D[y, z]))[:0:-1]
            excess += (top - second) / top
    return broken / total, excess / total


def grid_points(n=24, seed=0):
    """Integer points: many tied distances, so the share broken is neither 0 nor 1."""
    return np.random.default_rng(seed).integers(0, 3, size=(n, 2)).astype(np.float64)


@pytest.mark.parametrize(("method", "metric"), [("single", "cityblock"),
                                                ("average", "euclidean"),
                                                ("complete", "chebyshev")])
def test_shares_equal_brute_force_and_the_tree_breaks_none(method, metric):
    X = grid_points(seed=len(method))
    z = linkage(X, method=method, metric=metric)
    name = {"cityblock": "manhattan"}.get(metric, metric)
    found = ultrametric.report(z, X, name)
    data_share, data_excess = brute_force(squareform(pdist(X, metric)))
    tree_share, _ = brute_force(squareform(cophenet(z)))
    assert found.exact and found.triples == 24 * 23 * 22 // 6
    assert 0 < found.broken < 1
    assert found.broken == pytest.approx(data_share, abs=1e-12)
    assert found.excess == pytest.approx(data_excess, rel=1e-9)
    assert found.broken_tree == tree_share == 0.0
    assert found.cophenetic == pytest.approx(cophenet(z, pdist(X, metric))[0], rel=1e-10)


def test_clustered_data_break_fewer_triples_than_data_without_clusters():
    rng = np.random.default_rng(1)
    plain = rng.normal(size=(60, 3))
    clusters = np.repeat(rng.normal(scale=20, size=(6, 3)), 10, axis=0) + plain * 0.1
    spread = ultrametric.report(linkage(plain, "ward"), plain)
    grouped = ultrametric.report(linkage(clusters, "ward"), clusters)
    assert grouped.broken < spread.broken and grouped.excess < spread.excess
    assert spread.broken_tree == grouped.broken_tree == 0.0


def test_large_n_uses_a_seeded_sample_close_to_the_exact_share():
    X = grid_points(40, seed=4)
    z = linkage(X, "average")
    exact = ultrametric.report(z, X)
    a = ultrametric.report(z, X, seed=7, max_exact=100, sample=20_000)
    b = ultrametric.report(z, X, seed=7, max_exact=100, sample=20_000)
    assert exact.exact and not a.exact and a.triples == 20_000
    assert a == b
    assert a.broken == pytest.approx(exact.broken, abs=0.02)
    assert a.broken_tree == 0.0


def test_sampled_triples_are_distinct_sorted_points():
    t = ultrametric.sample_triples(6, 5000, seed=0)
    assert t.shape == (5000, 3)
    assert np.all((t[:, 0] < t[:, 1]) & (t[:, 1] < t[:, 2]))
    assert len({tuple(r) for r in t.tolist()}) == 20  # every triple of 6 points drawn


def test_tiny_and_constant_inputs():
    two = np.array([[0.0], [1.0]])
    found = ultrametric.report(linkage(two), two)
    assert found.triples == 0 and found.broken == 0.0
    same = np.zeros((5, 2))
    found = ultrametric.report(linkage(same), same)
    assert np.isnan(found.cophenetic) and found.broken == 0.0


def test_the_agglomerative_run_ends_with_the_check():
    X = grid_points(30, seed=2)
    final = list(Agglomerative().start(Dataset("g", X), {"linkage": "average",
                                                          "metric": "manhattan"}))[-1]
    found = ultrametric.report(final.linkage, X, "manhattan")
    assert final.broken_triples == found.broken and final.broken_triples_tree == 0.0
    assert final.triples_checked == 4060 and final.triples_exact
    assert final.cophenetic == pytest.approx(found.cophenetic)
    assert f"{found.broken:.1%} of all 4,060 triples" in final.message


def test_the_check_is_skipped_above_the_limit_and_stops_when_cancelled():
    X = grid_points(30)
    z = linkage(X, "single")
    assert ultrametric.tree_fields(z, X, "euclidean", max_points=10)[0] == {}
    assert ultrametric.tree_fields(z, X, "euclidean", 100, cancelled=lambda: True) is None
