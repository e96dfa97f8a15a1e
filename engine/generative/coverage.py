"""Do a model's samples lie on the data, and do they cover it? Precision and recall by
nearest-neighbour balls (Kynkäänniemi et al., 2019).

Each real point's ball reaches its k-th nearest real neighbour; a sample lies *on the data*
when it falls in some real point's ball. Recall swaps the roles: a real point is *covered*
when it falls in some sample's ball. Unlike a single distance between the two clouds, the
pair tells a model that fills the gaps (low precision) from one that drops a mode (low
recall): on two concentric rings, Gaussian noise scored an energy distance as small as a
good model's, but only a third of it lies on the rings.
"""

from __future__ import annotations

import numpy as np

NEIGHBOURS = 3


def _radii(points: np.ndarray, k: int) -> np.ndarray:
    """Each point's distance to its k-th nearest other point."""
    from scipy.spatial import cKDTree

    k = min(k, len(points) - 1)
    if k < 1:
        return np.zeros(len(points))
    distances, _ = cKDTree(points).query(points, k=k + 1)
    return distances[:, k]


def _inside(points: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Whether each point lies in at least one ball (centre, radius)."""
    from scipy.spatial import cKDTree

    tree = cKDTree(centres)
    reach = float(radii.max()) if len(radii) else 0.0
    found = tree.query_ball_point(points, r=reach)
    return np.array([any(np.linalg.norm(centres[j] - p) <= radii[j] for j in near)
                     for p, near in zip(points, found, strict=True)], dtype=bool)


def precision_recall(samples: np.ndarray, data: np.ndarray,
                     k: int = NEIGHBOURS) -> tuple[float, float]:
    """(share of samples on the data, share of the data covered by the samples)."""
    samples = np.asarray(samples, np.float64)
    data = np.asarray(data, np.float64)
    if len(samples) < 2 or len(data) < 2:
        return float("nan"), float("nan")
    precision = _inside(samples, data, _radii(data, k)).mean()
    recall = _inside(data, samples, _radii(samples, k)).mean()
    return float(precision), float(recall)
