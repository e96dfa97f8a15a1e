"""The iterative dendrogram layout against scipy's recursive `dendrogram`."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import dendrogram, fcluster, linkage

from engine.clustering.dendrogram import labels_of_merges, layout, merge_labels
from engine.clustering.hierarchical import cut


def _points(n, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=6.0, size=(4, 2))
    return centres[rng.integers(0, 4, n)] + rng.normal(size=(n, 2))


def _u_shapes(layout_):
    """Each merge as scipy writes it: icoord (x at 5 + 10 i) then dcoord."""
    s = layout_.segments.reshape(-1, 3, 2, 2)
    xs = 5 + 10 * np.stack([s[:, 0, 0, 0], s[:, 0, 1, 0], s[:, 2, 1, 0], s[:, 2, 0, 0]], 1)
    ys = np.stack([s[:, 0, 0, 1], s[:, 0, 1, 1], s[:, 2, 1, 1], s[:, 2, 0, 1]], 1)
    return {tuple(np.round(np.r_[a, b], 9)) for a, b in zip(xs, ys, strict=True)}


def _scipy_u_shapes(d):
    return {tuple(np.round(np.r_[a, b], 9)) for a, b in zip(d["icoord"], d["dcoord"], strict=True)}


@pytest.mark.parametrize("method", ["single", "complete", "average", "ward"])
def test_full_layout_matches_scipy(method):
    z = linkage(_points(40, seed=1), method)
    ours = layout(z)
    ref = dendrogram(z, no_plot=True)
    assert ours.leaf_order.tolist() == ref["leaves"]
    assert ours.segments.shape == (3 * 39, 2, 2)
    assert _u_shapes(ours) == _scipy_u_shapes(ref)
    assert ours.leaf_x.tolist() == list(range(40))


def test_segments_follow_merge_rows():
    z = linkage(_points(25), "average")
    lay = layout(z)
    assert lay.segment_merge.tolist() == np.repeat(np.arange(24), 3).tolist()
    # the horizontal of each merge is at its linkage height
    np.testing.assert_allclose(lay.segments[1::3, :, 1], np.c_[z[:, 2], z[:, 2]])


@pytest.mark.parametrize("p", [2, 7, 30])
def test_truncated_layout_matches_scipy_lastp(p):
    n = 90
    z = linkage(_points(n, seed=2), "ward")
    lay = layout(z, truncate=p)
    ref = dendrogram(z, no_plot=True, truncate_mode="lastp", p=p)
    assert lay.truncated
    assert lay.n_leaves == p
    assert lay.leaf_size.sum() == n
    assert list(lay.leaf_text) == ref["ivl"]
    assert lay.segment_merge.tolist() == np.repeat(np.arange(n - p, n - 1), 3).tolist()
    assert _u_shapes(lay) == _scipy_u_shapes(ref)


def test_truncated_hidden_rows_belong_to_their_leaf():
    n, p = 60, 6
    z = linkage(_points(n, seed=3), "complete")
    lay = layout(z, truncate=p)
    labels = fcluster(z, p, "maxclust")  # distinct heights: the p clusters left after n-p merges
    assert np.all(lay.merge_leaf[n - p:] == -1)
    for r in range(n - p):
        # every point under hidden row r is in the same shown leaf
        under = _points_under(z, n + r)
        assert len(set(labels[under])) == 1
        leaf = lay.leaf_order[lay.merge_leaf[r]]
        assert set(under) <= set(_points_under(z, leaf))


def _points_under(z, node):
    n = z.shape[0] + 1
    stack, out = [node], []
    while stack:
        v = stack.pop()
        if v < n:
            out.append(v)
        else:
            stack += [int(z[v - n, 0]), int(z[v - n, 1])]
    return out


def test_truncate_at_or_above_leaf_count_is_full():
    z = linkage(_points(20), "single")
    assert not layout(z, truncate=20).truncated
    assert not layout(z, truncate=None).truncated
    assert layout(z, truncate=19).n_leaves == 19


@pytest.mark.parametrize("k", [1, 2, 4, 9])
def test_merge_labels_against_fcluster(k):
    z = linkage(_points(70, seed=4), "average")
    labels = fcluster(z, k, "maxclust") - 1
    got = merge_labels(z, k, labels=labels)
    assert got.shape == (69,)
    for r in range(69):
        under = labels[_points_under(z, 70 + r)]
        want = under[0] if np.all(under == under[0]) else -1
        assert got[r] == want
    # a cut into k clusters leaves exactly k - 1 merges above it
    assert np.sum(got == -1) == k - 1


def test_merge_labels_default_uses_cut():
    z = linkage(_points(50, seed=5), "ward")
    np.testing.assert_array_equal(merge_labels(z, 3), labels_of_merges(z, cut(z, 3)))


def test_bad_shape_is_refused():
    with pytest.raises(ValueError, match="shape"):
        layout(np.zeros((5, 3)))
