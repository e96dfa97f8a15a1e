"""Exact Voronoi cell boundaries of a few centres, clipped to a box, for drawing k-means regions.

scipy.spatial.Voronoi needs at least four centres in general position and leaves unbounded
ridges open; k-means shows one, two or collinear centres too. So each bisector is clipped
here directly: the piece of the bisector of (i, j) inside the box where i and j are no farther
than any other centre is exactly their shared boundary. Every constraint is linear in the
line parameter, so the whole computation is a few vectorised numpy operations.
"""

from __future__ import annotations

import numpy as np

# Relative tolerance (of the box size) below which a segment has no length or a constraint
# is treated as parallel to the line.
_REL_TOL = 1e-9


def voronoi_segments(centres: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    """(m, 2, 2) boundary segments between the Voronoi cells of `centres`, clipped to `bounds`.

    bounds is (xmin, xmax, ymin, ymax). Duplicate centres count once; k < 2 gives no segments.
    """
    segments, _ = voronoi_ridges(centres, bounds)
    return segments


def voronoi_ridges(
    centres: np.ndarray, bounds: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Segments as in voronoi_segments, and the (m, 2) indices of the two centres each separates.

    Indices refer to the first occurrence of each distinct centre in `centres`.
    """
    empty = (np.empty((0, 2, 2)), np.empty((0, 2), dtype=np.intp))
    pts = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    if not np.all(np.isfinite(pts)):
        raise ValueError("centres must be finite")
    xmin, xmax, ymin, ymax = (float(b) for b in bounds)
    if not (xmax > xmin and ymax > ymin):
        return empty
    _, first = np.unique(pts, axis=0, return_index=True)
    first = np.sort(first)
    c = pts[first]
    k = len(c)
    if k < 2:
        return empty
    scale = max(xmax - xmin, ymax - ymin, float(np.ptp(c)) if k else 0.0)
    tol = _REL_TOL * scale

    i, j = np.triu_indices(k, 1)
    ci, cj = c[i], c[j]
    mid = 0.5 * (ci + cj)
    diff = cj - ci
    d = np.stack([-diff[:, 1], diff[:, 0]], axis=1) / np.linalg.norm(diff, axis=1)[:, None]
    lo, hi = _box_interval(mid, d, (xmin, xmax, ymin, ymax), tol)
    own = (np.arange(k)[None, :] == i[:, None]) | (np.arange(k)[None, :] == j[:, None])
    lo, hi = _clip_by_other_centres(mid, d, ci, c, own, (lo, hi), tol, scale)
    keep = hi - lo > tol
    starts = mid[keep] + lo[keep, None] * d[keep]
    ends = mid[keep] + hi[keep, None] * d[keep]
    pairs = np.stack([first[i[keep]], first[j[keep]]], axis=1)
    return np.stack([starts, ends], axis=1), pairs


def _box_interval(mid, d, bounds, tol):
    """Parameter interval [lo, hi] of each line mid + t*d lying inside the box."""
    xmin, xmax, ymin, ymax = bounds
    lo = np.full(len(mid), -np.inf)
    hi = np.full(len(mid), np.inf)
    for axis, (a, b) in enumerate(((xmin, xmax), (ymin, ymax))):
        m, v = mid[:, axis], d[:, axis]
        moving = np.abs(v) > 1e-12
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = (a - m) / v
            t2 = (b - m) / v
        lo = np.where(moving, np.maximum(lo, np.minimum(t1, t2)), lo)
        hi = np.where(moving, np.minimum(hi, np.maximum(t1, t2)), hi)
        outside = ~moving & ((m < a - tol) | (m > b + tol))
        hi = np.where(outside, -np.inf, hi)
    return lo, hi


def _clip_by_other_centres(mid, d, ci, c, own, interval, tol, scale):
    """Shrink [lo, hi] to where centre i (hence j) is no farther than every other centre.

    With x = mid + t d, |x - ci|^2 <= |x - ck|^2 reads a t <= b for a = 2 d.(ck - ci) and
    b = |mid - ck|^2 - |mid - ci|^2 (differences from mid, to avoid cancellation). `own`
    masks the pair's own two centres (there a = b = 0 exactly, but rounding could make it
    look like a constraint).
    """
    lo, hi = interval
    delta = c[None, :, :] - ci[:, None, :]  # (pairs, k, 2): ck - ci
    a = 2.0 * np.einsum("pd,pkd->pk", d, delta)
    to_k = c[None, :, :] - mid[:, None, :]
    b = np.sum(to_k * to_k, axis=2) - np.sum((ci - mid) ** 2, axis=1)[:, None]
    # a is a length (twice a unit direction dotted with a difference), b a squared length.
    parallel = np.abs(a) <= tol
    a = np.where(own, 0.0, a)
    b = np.where(own, 0.0, b)
    parallel |= own
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = b / a
    upper = np.where(~parallel & (a > 0), bound, np.inf).min(axis=1)
    lower = np.where(~parallel & (a < 0), bound, -np.inf).max(axis=1)
    # A parallel constraint either always holds or never does (b < 0: another centre is closer).
    blocked = np.any(parallel & (b < -tol * scale), axis=1)
    lo = np.maximum(lo, lower)
    hi = np.where(blocked, -np.inf, np.minimum(hi, upper))
    return lo, hi
