"""Selections of data points: which points a lasso or a box holds, and a data set of them.

Pure numpy, so a lasso over a million points stays fast and a test can check it without a
window. The polygon test is the even-odd (crossing number) rule, done edge by edge on the
points sorted by y: each edge only looks at the points level with it, so the work grows with
the number of crossings, not with points × edges.
"""

from __future__ import annotations

import re

import numpy as np

from engine.data import Dataset

_SUFFIX = re.compile(r" \(selection of \d+\)$")


def points_in_polygon(xy: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Boolean mask of the (n, 2) points inside the closed (m, 2) polygon (even-odd rule).

    A point exactly on an edge may fall either side; fewer than three vertices hold nothing.
    """
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    poly = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    inside = np.zeros(len(xy), dtype=bool)
    if len(poly) < 3 or not len(xy):
        return inside
    order = np.argsort(xy[:, 1], kind="stable")
    xs, ys = xy[order, 0], xy[order, 1]
    hit = np.zeros(len(xy), dtype=bool)  # parity, in y order
    x0, y0 = poly[:, 0], poly[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    lo_y, hi_y = np.minimum(y0, y1), np.maximum(y0, y1)
    # Half-open spans [lo, hi): a vertex shared by two edges is counted once.
    starts = np.searchsorted(ys, lo_y, side="left")
    stops = np.searchsorted(ys, hi_y, side="left")
    for e in np.flatnonzero(stops > starts):
        a, b = starts[e], stops[e]
        t = (ys[a:b] - y0[e]) / (y1[e] - y0[e])
        crossing = x0[e] + t * (x1[e] - x0[e])
        hit[a:b] ^= xs[a:b] < crossing
    inside[order] = hit
    return inside


def points_in_box(xy: np.ndarray, corner_a, corner_b) -> np.ndarray:
    """Boolean mask of the (n, 2) points in the axis-aligned box between two corners."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    (ax, ay), (bx, by) = corner_a, corner_b
    x0, x1 = sorted((float(ax), float(bx)))
    y0, y1 = sorted((float(ay), float(by)))
    x, y = xy[:, 0], xy[:, 1]
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def as_rows(rows, n: int | None = None) -> np.ndarray:
    """Sorted unique int64 row indices, those outside [0, n) dropped when n is given."""
    out = np.unique(np.asarray(rows, dtype=np.int64).reshape(-1))
    if n is not None:
        out = out[(out >= 0) & (out < n)]
    return out


def combine(current: np.ndarray, new: np.ndarray, add: bool) -> np.ndarray:
    """The selection after a gesture: `new` alone, or added to `current` (Ctrl held)."""
    return as_rows(np.concatenate([current, new])) if add else as_rows(new)


def subset(dataset: Dataset, rows) -> Dataset:
    """A data set of the chosen rows, in their original order, keeping feature names, labels,
    label names and image shape; named after the set it came from and its size."""
    rows = as_rows(rows, dataset.n)
    if not len(rows):
        raise ValueError("no points selected")
    base = _SUFFIX.sub("", dataset.name)
    return dataset.rows(rows, f"{base} (selection of {len(rows)})", "selection",
                        f"{len(rows)} of the {dataset.n} points of {dataset.name}")
