"""Decision boundaries as line segments: a classifier evaluated on a grid over a plane, and
the zero level of each class's margin traced by marching squares (numpy only)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

GRID = 150  # grid points per side
PAD = 0.05  # the grid covers the points' box widened by this share (as the scatter pads)


def grid_over(xy: np.ndarray, size: int = GRID) -> tuple[np.ndarray, np.ndarray]:
    """(gx, gy): `size` evenly spaced values across each axis of the points' padded box."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - PAD * span, hi + PAD * span
    return np.linspace(lo[0], hi[0], size), np.linspace(lo[1], hi[1], size)


def margins(scores: np.ndarray) -> np.ndarray:
    """(C, ...) each class's score minus the best other class's: > 0 where it wins."""
    out = np.empty_like(scores)
    for c in range(len(scores)):
        others = np.delete(scores, c, axis=0)
        out[c] = scores[c] - others.max(axis=0)
    return out


def zero_level(gx: np.ndarray, gy: np.ndarray, field: np.ndarray) -> np.ndarray:
    """(m, 2, 2) segments where `field` (len gy, len gx) crosses zero, linear within each
    cell; a cell crossed on all four edges (a saddle) is joined across its two sides."""
    f = np.asarray(field, dtype=np.float64)
    corners = [f[:-1, :-1], f[:-1, 1:], f[1:, 1:], f[1:, :-1]]  # clockwise from bottom-left
    x0, x1 = gx[:-1][None, :], gx[1:][None, :]
    y0, y1 = gy[:-1][:, None], gy[1:][:, None]
    ends = [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)),
            ((x0, y1), (x0, y0))]
    points, crossed = [], []
    for e in range(4):
        a, b = corners[e], corners[(e + 1) % 4]
        cross = (a > 0) != (b > 0)
        t = np.where(cross, a / np.where(cross, a - b, 1.0), 0.0)
        (ax, ay), (bx, by) = ends[e]
        points.append(np.stack([ax + t * (bx - ax), ay + t * (by - ay)], axis=-1))
        crossed.append(cross)
    crossed = np.stack(crossed)  # (4, rows, cols)
    pts = np.stack(points)  # (4, rows, cols, 2)
    segments = []
    count = crossed.sum(axis=0)
    two = count == 2
    if two.any():
        which = np.argsort(~crossed[:, two], axis=0, kind="stable")[:2]  # the two crossed
        p = pts[:, two]
        cols = np.arange(p.shape[1])
        segments.append(np.stack([p[which[0], cols], p[which[1], cols]], axis=1))
    four = count == 4
    if four.any():
        p = pts[:, four]
        segments.append(np.stack([p[0], p[1]], axis=1))
        segments.append(np.stack([p[2], p[3]], axis=1))
    return np.concatenate(segments) if segments else np.empty((0, 2, 2))


def boundary_segments(gx: np.ndarray, gy: np.ndarray,
                      scores: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The boundaries between classes over the grid: `scores` maps (g, 2) plane points to
    (g, C) class scores (log-posteriors); each class's region is outlined once."""
    mx, my = np.meshgrid(gx, gy)
    values = scores(np.column_stack([mx.ravel(), my.ravel()]))
    fields = margins(values.T.reshape(-1, len(gy), len(gx)))
    if len(fields) == 2:  # one boundary, the same from either side
        fields = fields[:1]
    parts = [zero_level(gx, gy, f) for f in fields]
    return np.concatenate(parts) if parts else np.empty((0, 2, 2))
