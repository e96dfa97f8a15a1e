"""Two coordinates to draw a data set of any dimension: its first two principal
components, or a chosen pair of features. numpy only, so the window can draw at once.

A view mode is `PCA` ("pca") or a pair (i, j) of feature indices: feature i across, j up.
"""

from __future__ import annotations

import re

import numpy as np

Mode = str | tuple[int, int]
PCA = "pca"


def principal_axes(X: np.ndarray, k: int = 2) -> np.ndarray:
    """The top-k principal directions as rows (k, d), each signed so that its
    largest entry in absolute value is positive (as scikit-learn's svd_flip)."""
    Xc = X - X.mean(axis=0)
    n, d = Xc.shape
    if d <= n:
        _, vecs = np.linalg.eigh(Xc.T @ Xc)
        axes = vecs[:, ::-1][:, :k].T
    else:  # fewer points than features: the small Gram matrix has the same spectrum
        vals, vecs = np.linalg.eigh(Xc @ Xc.T)
        vals, vecs = vals[::-1][:k], vecs[:, ::-1][:, :k]
        axes = (Xc.T @ vecs).T / np.sqrt(np.maximum(vals, np.finfo(float).tiny))[:, None]
        if axes.shape[0] < k:
            axes = np.vstack([axes, np.zeros((k - axes.shape[0], d))])
    biggest = np.argmax(np.abs(axes), axis=1)
    signs = np.sign(axes[np.arange(len(axes)), biggest])
    return axes * np.where(signs == 0, 1.0, signs)[:, None]


def _check_pair(mode, d: int) -> tuple[int, int]:
    try:
        i, j = (int(v) for v in mode)
    except (TypeError, ValueError):
        raise ValueError(f"view must be 'pca' or a pair of feature indices, got {mode!r}") from None
    if not (0 <= i < d and 0 <= j < d):
        raise ValueError(f"view {mode!r}: feature indices must be between 0 and {d - 1}")
    return i, j


class Projection:
    """A view fitted to a data set: its 2-D coordinates, and the same linear map for other
    points in the data's space (k-means centres, decoded points)."""

    def __init__(self, X: np.ndarray, mode: Mode = PCA, feature_names=None):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(f"expected a 2-D table, got shape {X.shape}")
        d = X.shape[1]
        names = feature_labels(feature_names) if feature_names else [
            f"x{j + 1}" for j in range(d)]
        self.mode = mode
        if isinstance(mode, str) and mode == PCA and d > 1:
            self.offset = X.mean(axis=0)
            self.axes = principal_axes(X)
            self.axis_labels = ("PC1", "PC2")
        else:
            i, j = (0, 0) if isinstance(mode, str) and mode == PCA else _check_pair(mode, d)
            self.offset = np.zeros(d)
            self.axes = np.zeros((2, d))
            self.axes[0, i] = 1.0
            if d > 1:
                self.axes[1, j] = 1.0
            self.axis_labels = (names[i], names[j] if d > 1 else "")
        #: the view is the data's own two features, so distances in it are the data's
        self.exact = d == 2 and not isinstance(mode, str) and tuple(mode) == (0, 1)
        self.xy = self.transform(X)

    def transform(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, dtype=np.float64) - self.offset) @ self.axes.T


def project_2d(X: np.ndarray, mode: Mode = PCA) -> np.ndarray:
    """(n, 2) float coordinates of X under the view `mode`; one feature is paired with zeros."""
    return Projection(X, mode).xy


def _short(name: str) -> str:
    """'sepal length (cm)' -> 'sepal length': units make labels too long for a menu."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name) or name


def feature_labels(feature_names) -> list[str]:
    """The features' names as the view chooser lists them, units dropped."""
    return [_short(f) for f in feature_names]


def default_mode(d: int) -> Mode:
    """The view a data set of d features opens in: its own axes up to two features, else PCA."""
    if d > 2:
        return PCA
    return (0, min(1, d - 1))
