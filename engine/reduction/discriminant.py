"""Linear and quadratic discriminant analysis (scikit-learn's), drawn as pictures: the plane
that separates the classes, the classifier's boundaries in it, and each class's covariance.

Both need labels. LDA's plane is its first two discriminant axes (with two classes, the
single axis and the data's widest direction orthogonal to it). LDA's decision depends on
the discriminant coordinates alone, so its boundaries drawn there are exact when there are
at most two axes (three classes); with more, the plane is a slice where the other axes are
zero (the grand mean). QDA is drawn over the data's own two features when it has two, else
in LDA's plane with every other direction held at the grand mean: a slice, said so.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Choice, Float, Int
from engine.protocol import Algorithm, Discriminant, RunContext, frozen
from engine.reduction import boundaries
from engine.registry import register

PRIORS = ("empirical", "equal")


@dataclass(frozen=True, eq=False)
class Plane:
    """coords = (x − origin) P, P (d, 2); a plane point z maps back to origin + z B, B (2, d),
    with (z B) P = z."""

    origin: np.ndarray
    P: np.ndarray
    B: np.ndarray
    names: tuple[str, str]
    exact: bool
    what: str

    def coords(self, X: np.ndarray) -> np.ndarray:
        return (X - self.origin) @ self.P

    def back(self, Z: np.ndarray) -> np.ndarray:
        return self.origin + Z @ self.B


def lda_plane(model, X: np.ndarray) -> Plane:
    """The first two discriminant axes of a fitted svd LDA; with one axis, the data's widest
    direction orthogonal to it makes the second."""
    S = model.scalings_
    if S.shape[1] >= 2:
        exact = S.shape[1] == 2
        what = ("discriminant plane" if exact else
                "discriminant plane (LD3… held at 0)")
        return Plane(model.xbar_, S[:, :2], np.linalg.pinv(S)[:2], ("LD1", "LD2"), exact,
                     what)
    s = S[:, 0]
    Xc = X - model.xbar_
    unit = s / np.linalg.norm(s)
    rest = Xc - np.outer(Xc @ unit, unit)
    v = np.zeros_like(s)
    if X.shape[1] > 1 and np.any(rest):
        v = np.linalg.svd(rest, full_matrices=False)[2][0]
    names = ("LD1", "widest direction ⟂ LD1" if np.any(v) else "")
    return Plane(model.xbar_, np.column_stack([s, v]), np.vstack([s / (s @ s), v]), names,
                 True, "discriminant axis and the widest direction orthogonal to it")


def feature_plane(dataset: Dataset) -> Plane:
    """The data's own one or two features."""
    d = dataset.d
    P = np.eye(d, 2)
    names = dataset.feature_names
    return Plane(np.zeros(d), P, P.T.copy(), (names[0], names[1] if d > 1 else ""), True,
                 "data's own features")


def _fit(kind: str, X: np.ndarray, y: np.ndarray, params: Mapping[str, Any]):
    from sklearn.discriminant_analysis import (
        LinearDiscriminantAnalysis,
        QuadraticDiscriminantAnalysis,
    )

    classes = np.unique(y)
    priors = None if params["priors"] == "empirical" else np.full(len(classes),
                                                                  1.0 / len(classes))
    if kind == "lda":
        model = LinearDiscriminantAnalysis(solver="svd", store_covariance=True, priors=priors)
    else:
        model = QuadraticDiscriminantAnalysis(store_covariance=True, priors=priors,
                                              reg_param=params["reg_param"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # collinear variables: the fit still stands
        try:
            return model.fit(X, y)
        except np.linalg.LinAlgError:  # a class's covariance cannot be inverted
            raise ValueError(
                "a class's covariance matrix is singular: some feature is constant within a "
                "class, or a class has fewer points than features. Raise 'regularisation' "
                "(0.1 is often enough)") from None


def _padded(model, n_classes: int, plane: Plane, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(means (C, 2), covariances (C, 2, 2)) in the plane, one row per class label; a class
    with no points sits at the origin with no spread."""
    means = np.zeros((n_classes, 2))
    covs = np.zeros((n_classes, 2, 2))
    for j, c in enumerate(model.classes_):
        cov = model.covariance_ if kind == "lda" else model.covariance_[j]
        means[c] = (model.means_[j] - plane.origin) @ plane.P
        covs[c] = plane.P.T @ cov @ plane.P
    return means, covs


def _segments(model, plane: Plane, xy: np.ndarray, size: int) -> np.ndarray:
    gx, gy = boundaries.grid_over(xy, size)
    return boundaries.boundary_segments(gx, gy,
                                        lambda Z: model.predict_log_proba(plane.back(Z)))


class _Discriminant(Algorithm):
    family = "Dimensionality reduction"
    snapshot_type = Discriminant
    libraries = ("sklearn",)
    kind = "lda"

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        short = self.kind.upper()
        if dataset.y is None:
            raise ValueError(f"{short} is supervised: it needs class labels, and "
                             f"{dataset.name} has none. Choose a labelled data set (iris, "
                             "blobs, …) or a file with a label column.")
        counts = np.bincount(dataset.y)
        present = counts[counts > 0]
        if len(present) < 2:
            raise ValueError(f"{short} needs at least two classes; {dataset.name} has one")
        if self.kind == "qda" and present.min() < 2:
            lone = int(np.flatnonzero(counts == 1)[0])
            name = (dataset.target_names[lone] if dataset.target_names is not None
                    and lone < len(dataset.target_names) else str(lone))
            raise ValueError(f"QDA needs at least two points in every class; class {name!r} "
                             f"of {dataset.name} has one")
        if self.kind == "lda" and dataset.n <= len(present):
            raise ValueError(f"LDA needs more points than classes ({dataset.name}: "
                             f"{dataset.n} points, {len(present)} classes)")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Discriminant]:
        X, y = dataset.X, dataset.y
        ctx.progress(0.0, f"fitting {self.kind.upper()} to {dataset.n} points…")
        model = _fit(self.kind, X, y, params)
        lda = model if self.kind == "lda" else None
        if lda is None and dataset.d > 2:
            lda = _fit("lda", X, y, {"priors": params["priors"]})
        ctx.check()
        plane = feature_plane(dataset) if lda is None else lda_plane(lda, X)
        if self.kind == "qda" and lda is not None:  # QDA looks at every direction
            plane = replace(plane, exact=False,
                            what="LDA's plane (a slice at the grand mean)")
        coords = plane.coords(X)
        ctx.progress(0.4, "drawing the boundaries on a grid…")
        segments = _segments(model, plane, coords, params["grid"])
        ctx.check()
        data_segments = None
        if dataset.d == 2:
            data_segments = _segments(model, feature_plane(dataset), X, params["grid"])
        means, covs = _padded(model, dataset.n_classes, plane, self.kind)
        predictions = model.predict(X)
        right = predictions == y
        per_class = np.array([right[y == c].mean() if np.any(y == c) else np.nan
                              for c in range(dataset.n_classes)])
        quality = None
        if self.kind == "lda" and dataset.n >= 3:
            from engine.reduction.quality import measure

            ctx.progress(0.8, "measuring the projection…")
            quality = measure(X, coords, seed=ctx.seed)
        explained = getattr(model, "explained_variance_ratio_", np.empty(0))
        message = self._message(dataset, right, plane, explained)
        ctx.progress(1.0, message)
        yield Discriminant(
            step=0, message=message, coords=frozen(coords), axis_names=plane.names,
            phase="done", kind=self.kind, plane=plane.what, plane_exact=plane.exact,
            boundaries=frozen(segments), means=frozen(means), covariances=frozen(covs),
            data_boundaries=None if data_segments is None else frozen(data_segments),
            predictions=frozen(predictions.astype(np.int64)), accuracy=float(right.mean()),
            class_accuracy=frozen(per_class), explained_ratio=frozen(np.asarray(explained)),
            quality=quality)

    def _message(self, dataset, right, plane: Plane, explained) -> str:
        parts = [f"{self.kind.upper()}: training accuracy {right.mean():.1%} "
                 f"({int(right.sum())} of {dataset.n})"]
        if explained.size:
            shares = ", ".join(f"{v:.0%}" for v in explained[:3])
            parts.append(f"between-class variance on LD1… {shares}")
        parts.append(f"boundaries drawn in the {plane.what}"
                     + ("" if plane.exact else " (approximate)"))
        return "; ".join(parts)


_PRIORS = Choice(name="priors", default="empirical", options=PRIORS,
                 help="Class priors: each class's share of the points, or all equal. "
                      "Equal priors move the boundaries towards the larger classes.")
_GRID = Int(name="grid", label="grid", default=150, low=20, high=400,
            help="Points per side of the grid the boundaries are traced on.")


@register
class LDA(_Discriminant):
    id = "lda"
    kind = "lda"
    name = "Linear discriminant analysis"
    summary = ("Supervised: the axes along which the class means are furthest apart for "
               "their shared spread; straight boundaries between classes.")
    objective = ("Maximise the between-class over the within-class variance, wᵀS_B w / "
                 "wᵀS_W w; classify by Gaussian classes with one shared covariance.")
    params = (_PRIORS, _GRID)


@register
class QDA(_Discriminant):
    id = "qda"
    kind = "qda"
    name = "Quadratic discriminant analysis"
    summary = ("Supervised: a Gaussian with its own covariance per class; the boundaries "
               "between classes are curves (quadrics).")
    objective = ("Classify by the largest log p(x | class) + log prior, each class "
                 "N(μ_c, Σ_c) with its own covariance Σ_c.")
    params = (
        _PRIORS,
        Float(name="reg_param", label="regularisation", default=0.0, low=0.0, high=1.0,
              decimals=3, help="Shrinks each class's covariance towards the identity: "
                               "(1 − r) Σ_c + r I. Needed when a class has few points."),
        _GRID,
    )
