"""Agglomerative clustering against scipy: linkage, cuts, cut heights and the growing tree."""

import itertools

import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, fcluster, leaves_list, linkage
from scipy.spatial.distance import pdist

from engine.clustering.hierarchical import (
    LINKAGES,
    MAX_FRAMES,
    MAX_MATRIX_POINTS,
    METRICS,
    Agglomerative,
    compute_linkage,
    cut,
    frame_merges,
    height_for_k,
    k_for_height,
    partial_labels,
)
from engine.data import Dataset
from engine.protocol import RunContext

ALG = Agglomerative()
SCIPY_NAME = {"euclidean": "euclidean", "manhattan": "cityblock", "chebyshev": "chebyshev",
              "cosine": "cosine"}
COMBINATIONS = [(m, d) for m, d in itertools.product(LINKAGES, METRICS)
                if m != "ward" or d == "euclidean"]


def points(n=40, d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d))


def clusters_formed(z):
    """Each merge as (the set of points it joins, its height), whatever the row order."""
    n = z.shape[0] + 1
    members = [frozenset([i]) for i in range(n)]
    out = {}
    for a, b, height, size in z:
        joined = members[int(a)] | members[int(b)]
        assert len(joined) == size
        members.append(joined)
        out[joined] = height
    return out


@pytest.mark.parametrize(("method", "metric"), COMBINATIONS)
def test_linkage_equals_scipy(method, metric):
    X = points(seed=len(method) + len(metric))
    ours = compute_linkage(X, method, metric)
    ref = linkage(X, method=method, metric=SCIPY_NAME[metric])
    np.testing.assert_allclose(np.sort(ours[:, 2]), np.sort(ref[:, 2]), rtol=1e-10)
    a, b = clusters_formed(ours), clusters_formed(ref)
    assert a.keys() == b.keys()
    np.testing.assert_allclose([a[c] for c in b], list(b.values()), rtol=1e-10)


@pytest.mark.parametrize(("method", "metric"), [("average", "cosine"), ("ward", "euclidean"),
                                                ("single", "chebyshev")])
def test_the_run_ends_with_scipy_s_tree_and_its_cophenetic_correlation(method, metric):
    X = points(150, 2, seed=3)
    snaps = list(ALG.start(Dataset("x", X), {"linkage": method, "metric": metric}))
    final = snaps[-1]
    assert final.complete and final.n_merges == 149
    ref = linkage(X, method=method, metric=SCIPY_NAME[metric])
    np.testing.assert_allclose(final.linkage[:, 2], ref[:, 2], rtol=1e-10)
    expected = cophenet(ref, pdist(X, SCIPY_NAME[metric]))[0]
    assert final.cophenetic == pytest.approx(expected, rel=1e-10)
    assert "cophenetic correlation" in final.message


def test_the_tree_grows_in_at_most_sixty_frames():
    snaps = list(ALG.start(Dataset("x", points(500, 2, seed=4)), {}))
    merges = [s.n_merges for s in snaps]
    assert len(snaps) <= MAX_FRAMES
    assert merges[-1] == 499 and all(np.diff(merges) > 0)
    assert [s.step for s in snaps] == list(range(1, len(snaps) + 1))
    assert all(s.linkage is snaps[0].linkage for s in snaps)  # one matrix, never copied
    assert np.isnan(snaps[0].cophenetic) and np.isfinite(snaps[-1].cophenetic)
    assert snaps[1].message.startswith("merges ") and " of 499" in snaps[1].message


def test_a_small_tree_shows_every_merge():
    X = points(12, 2, seed=5)
    snaps = list(ALG.start(Dataset("x", X), {"linkage": "complete"}))
    assert [s.n_merges for s in snaps] == list(range(1, 12))
    z = snaps[0].linkage
    a, b, h = int(z[0, 0]), int(z[0, 1]), z[0, 2]
    expected = f"merge 1 of 11: clusters {a} and {b} (1 + 1 points) at height {h:.3g}"
    assert snaps[0].message == expected
    assert frame_merges(0).tolist() == [0]
    assert frame_merges(1000).size == MAX_FRAMES and frame_merges(1000)[-1] == 1000


@pytest.mark.parametrize("method", LINKAGES)
def test_cut_equals_fcluster_up_to_relabelling(method):
    X = points(60, 2, seed=6)
    z = compute_linkage(X, method, "euclidean")
    for k in range(1, 15):
        ours = cut(z, k)
        ref = fcluster(z, k, criterion="maxclust")
        assert set(ours.tolist()) == set(range(k))
        pairs = set(zip(ours.tolist(), ref.tolist(), strict=True))
        assert len(pairs) == k == len(set(ref.tolist()))  # a one-to-one relabelling


def test_cut_numbers_clusters_left_to_right():
    z = compute_linkage(points(80, 2, seed=7), "average", "euclidean")
    in_leaf_order = cut(z, 6)[leaves_list(z)]
    first_seen = list(dict.fromkeys(in_leaf_order.tolist()))
    assert first_seen == list(range(6))


def test_height_for_k_and_k_for_height_round_trip():
    z = compute_linkage(points(50, 2, seed=8), "ward", "euclidean")
    heights = z[:, 2]
    for k in range(1, 51):
        h = height_for_k(z, k)
        assert k_for_height(z, h) == k
        assert len(set(fcluster(z, h, criterion="distance").tolist())) == k
        if 1 < k < 50:
            assert heights[50 - k - 1] < h < heights[50 - k]
    assert k_for_height(z, -1.0) == 50 and k_for_height(z, heights[-1] + 1) == 1


def test_partial_labels_follow_the_merges_done():
    z = compute_linkage(points(40, 2, seed=9), "single", "euclidean")
    assert (partial_labels(z, 0) == -1).all()
    assert (partial_labels(z, 39) == 0).all()
    for k in (2, 5, 12, 30):
        part, full = partial_labels(z, 40 - k), cut(z, k)
        grouped = part >= 0
        sizes = np.bincount(full)
        np.testing.assert_array_equal(grouped, sizes[full] > 1)  # alone = a one-point cluster
        pairs = set(zip(part[grouped].tolist(), full[grouped].tolist(), strict=True))
        assert len(pairs) == len(set(part[grouped].tolist())) == int((sizes > 1).sum())
        in_leaf_order = part[leaves_list(z)]
        first_seen = list(dict.fromkeys(in_leaf_order[in_leaf_order >= 0].tolist()))
        assert first_seen == list(range(len(pairs)))


@pytest.mark.parametrize("metric", ["manhattan", "chebyshev", "cosine"])
def test_ward_with_another_metric_is_a_clear_error(metric):
    with pytest.raises(ValueError, match="Ward linkage works with Euclidean distances only"):
        ALG.resolve(Dataset("x", points(10)), {"linkage": "ward", "metric": metric})


def test_other_bad_cases_are_clear_errors():
    with pytest.raises(ValueError, match="at most 10"):
        ALG.resolve(Dataset("x", points(10)), {"n_clusters": 11})
    with pytest.raises(ValueError, match="at least 2 points"):
        ALG.resolve(Dataset("x", points(1)), {"n_clusters": 1})
    X = points(10)
    X[3] = 0
    with pytest.raises(ValueError, match="row 4"):
        ALG.resolve(Dataset("x", X), {"linkage": "average", "metric": "cosine"})
    big = Dataset("big", np.zeros((MAX_MATRIX_POINTS + 1, 2)))
    with pytest.raises(ValueError, match="pairwise distances"):
        ALG.resolve(big, {"linkage": "complete"})
    ALG.resolve(big, {"linkage": "single"})  # no matrix needed: allowed


def test_cancel_stops_the_run():
    dataset = Dataset("x", points(300, 2, seed=10))
    params = ALG.resolve(dataset, {})
    ctx = RunContext()
    run = ALG.run(dataset, params, ctx)
    next(run)
    ctx.cancel()
    assert list(run) == []
    assert list(ALG.run(dataset, params, ctx)) == []
