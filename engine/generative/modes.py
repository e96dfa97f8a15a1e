"""Counting the modes a generator covers, as the GAN literature does on a ring of Gaussians.

A mode is one class of a labelled data set whose classes are compact clusters. A generated
sample belongs to the mode it is nearest to in Mahalanobis distance (under that class's own
mean and covariance), if it lies within `RADIUS` (3σ) of it. A mode is covered when it holds
at least `FAIR_SHARE` of the samples it would hold if the generator matched the data (its
class's share of the data): a quarter, not all, of that share, so that a generator that
matches the data is not denied modes by the chance of which samples it drew.

Classes are compact clusters when each class's 3σ ellipse holds almost none (under
`OVERLAP`) of the other classes' points: blobs and the ring are, two moons and two circles
are not (a moon's ellipse covers the other moon), and there counting modes would mean
nothing, so none are counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RADIUS = 3.0  # Mahalanobis distance: 3σ along every axis of the class's ellipse
FAIR_SHARE = 0.25
OVERLAP = 0.02  # most of the other classes' points a class's ellipse may hold
MIN_CLASS = 3  # points a class needs for a covariance
MAX_MODES = 32  # more classes than this are not clusters one could count by eye
RIDGE = 1e-6  # added to each covariance (times its scale) so a flat class still inverts


@dataclass(frozen=True, eq=False)
class Modes:
    """The modes of a data set: each class's mean (k, d), covariance (k, d, d) and share of
    the points (k,)."""

    means: np.ndarray
    covariances: np.ndarray
    shares: np.ndarray

    @property
    def k(self) -> int:
        return len(self.means)


def class_modes(X: np.ndarray, y: np.ndarray | None) -> Modes | None:
    """The classes as modes, or None when there are no labels, fewer than two classes or
    more than MAX_MODES, a class of fewer than three points, or classes that are not compact
    clusters."""
    if y is None:
        return None
    classes = np.unique(y)
    if not 2 <= len(classes) <= MAX_MODES:
        return None
    members = [X[y == c] for c in classes]
    if min(len(m) for m in members) < MIN_CLASS:
        return None
    means = np.stack([m.mean(axis=0) for m in members])
    covs = np.stack([_covariance(m) for m in members])
    shares = np.array([len(m) for m in members], dtype=np.float64) / len(X)
    modes = Modes(means, covs, shares)
    nearest = assign(X, modes)
    labels = np.searchsorted(classes, y)
    strays = (nearest >= 0) & (nearest != labels)
    return modes if strays.mean() <= OVERLAP else None


def _covariance(points: np.ndarray) -> np.ndarray:
    cov = np.atleast_2d(np.cov(points, rowvar=False))
    scale = max(float(np.trace(cov)) / len(cov), 1e-300)
    return cov + RIDGE * scale * np.eye(len(cov))


def mahalanobis(points: np.ndarray, modes: Modes) -> np.ndarray:
    """(m, k) Mahalanobis distance of each point to each mode."""
    diff = np.asarray(points, dtype=np.float64)[:, None, :] - modes.means[None]
    solved = np.linalg.solve(modes.covariances[None], diff[..., None])[..., 0]
    return np.sqrt(np.clip(np.einsum("mkd,mkd->mk", diff, solved), 0.0, None))


def assign(points: np.ndarray, modes: Modes) -> np.ndarray:
    """Each point's mode: the nearest within RADIUS, else −1."""
    if len(points) == 0:
        return np.empty(0, np.int64)
    dist = mahalanobis(points, modes)
    nearest = np.argmin(dist, axis=1)
    return np.where(dist[np.arange(len(points)), nearest] <= RADIUS, nearest, -1)


def counts(points: np.ndarray, modes: Modes) -> np.ndarray:
    """(k,) how many points each mode holds."""
    which = assign(points, modes)
    return np.bincount(which[which >= 0], minlength=modes.k)


def covered(held: np.ndarray, n_points: int, modes: Modes) -> np.ndarray:
    """(k,) bool: each mode holds at least FAIR_SHARE of its share of n_points."""
    return np.asarray(held) >= FAIR_SHARE * modes.shares * n_points
