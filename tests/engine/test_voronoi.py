"""Voronoi boundaries against scipy's ridges, against brute-force nearest centres, edge cases."""

import numpy as np
import pytest
from scipy.spatial import Voronoi, cKDTree

from engine.clustering.voronoi import voronoi_ridges, voronoi_segments

BOX = (-1.0, 2.0, -0.5, 1.5)


def _inside(p, box, eps=1e-9):
    return box[0] - eps <= p[0] <= box[1] + eps and box[2] - eps <= p[1] <= box[3] + eps


def _matches(seg, ours, tol=1e-7):
    """True when segment seg equals one of ours, in either direction."""
    fwd = np.abs(ours - seg[None]).max(axis=(1, 2))
    rev = np.abs(ours - seg[None, ::-1]).max(axis=(1, 2))
    return bool(np.min(np.minimum(fwd, rev)) < tol)


def _distance_to_segments(p, segs):
    """Distance from points p (n, 2) to the nearest of segments segs (m, 2, 2)."""
    a, b = segs[:, 0], segs[:, 1]
    ab = b - a
    t = np.einsum("nmd,md->nm", p[:, None, :] - a[None], ab) / np.sum(ab * ab, axis=1)
    t = np.clip(t, 0.0, 1.0)
    closest = a[None] + t[..., None] * ab[None]
    return np.linalg.norm(p[:, None, :] - closest, axis=2).min(axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("k", [4, 9, 30])
def test_every_finite_scipy_ridge_inside_the_box_is_ours(seed, k):
    centres = np.random.default_rng(seed).uniform((0, 0), (1, 1), size=(k, 2))
    ours, pairs = voronoi_ridges(centres, BOX)
    vor = Voronoi(centres)
    checked = 0
    for pts, verts in zip(vor.ridge_points, vor.ridge_vertices, strict=True):
        if min(verts) < 0:
            continue
        seg = vor.vertices[verts]
        if not (_inside(seg[0], BOX) and _inside(seg[1], BOX)):
            continue
        if np.linalg.norm(seg[1] - seg[0]) < 1e-9:
            continue
        assert _matches(seg, ours), f"scipy ridge {pts} not found"
        row = np.flatnonzero((np.sort(pairs, axis=1) == np.sort(pts)).all(axis=1))
        assert len(row) == 1
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("seed", [0, 5])
def test_points_on_segments_are_equidistant_from_their_two_nearest_centres(seed):
    centres = np.random.default_rng(seed).normal(size=(12, 2))
    box = (-3.0, 3.0, -3.0, 3.0)
    segs = voronoi_segments(centres, box)
    assert segs.ndim == 3 and segs.shape[1:] == (2, 2) and len(segs) > 0
    t = np.linspace(0.0, 1.0, 11)
    a, b = segs[:, None, 0], segs[:, None, 1]
    pts = (a + t[None, :, None] * (b - a)).reshape(-1, 2)
    assert all(_inside(p, box) for p in pts)
    d, _ = cKDTree(centres).query(pts, k=2)
    np.testing.assert_allclose(d[:, 0], d[:, 1], atol=1e-9)


def test_boundary_pixels_of_a_nearest_centre_map_lie_near_segments():
    """Completeness: wherever the nearest centre changes on a grid, a segment passes close by."""
    centres = np.random.default_rng(7).uniform(size=(15, 2))
    box = (0.0, 1.0, 0.0, 1.0)
    segs = voronoi_segments(centres, box)
    n = 200
    g = (np.arange(n) + 0.5) / n
    xx, yy = np.meshgrid(g, g)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    label = cKDTree(centres).query(grid)[1].reshape(n, n)
    change = np.zeros((n, n), bool)
    change[:, :-1] |= label[:, :-1] != label[:, 1:]
    change[:-1, :] |= label[:-1, :] != label[1:, :]
    near = _distance_to_segments(grid[change.ravel()], segs)
    assert near.max() <= 1.5 / n


def test_one_centre_has_no_boundary():
    out = voronoi_segments(np.array([[0.3, 0.4]]), (0, 1, 0, 1))
    assert out.shape == (0, 2, 2)
    assert voronoi_segments(np.empty((0, 2)), (0, 1, 0, 1)).shape == (0, 2, 2)


def test_two_centres_give_their_bisector_across_the_box():
    out = voronoi_segments(np.array([[0.0, 0.0], [2.0, 2.0]]), (-1, 3, -1, 3))
    assert out.shape == (1, 2, 2)
    ends = sorted(map(tuple, out[0]))
    np.testing.assert_allclose(ends, [(-1.0, 3.0), (3.0, -1.0)], atol=1e-12)


def test_collinear_centres_give_parallel_bisectors():
    centres = np.array([[0.0, 0.5], [1.0, 0.5], [3.0, 0.5], [0.0, 0.5]])  # with a duplicate
    out = voronoi_segments(centres, (-1, 4, 0, 1))
    assert out.shape == (2, 2, 2)
    xs = sorted(out[:, :, 0].mean(axis=1))
    np.testing.assert_allclose(xs, [0.5, 2.0])
    np.testing.assert_allclose(out[:, 0, 0], out[:, 1, 0])  # vertical
    np.testing.assert_allclose(np.sort(out[:, :, 1], axis=1), [[0, 1], [0, 1]])


def test_duplicates_count_once():
    rng = np.random.default_rng(3)
    centres = rng.uniform(size=(6, 2))
    box = (0.0, 1.0, 0.0, 1.0)
    single = voronoi_segments(centres, box)
    doubled = voronoi_segments(np.vstack([centres, centres[::-1]]), box)
    assert len(single) == len(doubled)
    for seg in single:
        assert _matches(seg, doubled)


def test_four_cocircular_centres_meet_in_a_point_without_zero_length_ridges():
    centres = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    out = voronoi_segments(centres, (-1, 2, -1, 2))
    assert len(out) == 4
    lengths = np.linalg.norm(out[:, 1] - out[:, 0], axis=1)
    np.testing.assert_allclose(lengths, 1.5)


def test_centres_outside_the_box_still_cut_it():
    centres = np.array([[-5.0, 0.5], [5.0, 0.5]])
    out = voronoi_segments(centres, (-1, 1, 0, 1))
    np.testing.assert_allclose(sorted(map(tuple, out[0])), [(0.0, 0.0), (0.0, 1.0)], atol=1e-12)
    far = np.array([[10.0, 0.5], [12.0, 0.5]])  # bisector x = 11 misses the box
    assert voronoi_segments(far, (-1, 1, 0, 1)).shape == (0, 2, 2)


def test_fifty_centres_shape_and_pairs():
    centres = np.random.default_rng(11).uniform(size=(50, 2))
    segs, pairs = voronoi_ridges(centres, (0.0, 1.0, 0.0, 1.0))
    assert len(segs) == len(pairs)
    # Planar Voronoi diagram: at most 3k - 6 edges.
    assert 50 <= len(segs) <= 3 * 50 - 6
    mids = segs.mean(axis=1)
    d = np.linalg.norm(mids[:, None, :] - centres[None], axis=2)
    nearest_two = np.sort(np.argsort(d, axis=1)[:, :2], axis=1)
    np.testing.assert_array_equal(nearest_two, np.sort(pairs, axis=1))
