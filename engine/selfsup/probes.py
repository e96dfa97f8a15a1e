"""How good a representation is, judged the way self-supervised learning is judged: a simple
classifier trained on a few labelled rows of it, tested on rows held out.

With every label, a nearest-neighbour classifier on the raw 8 × 8 digits is already right
about 98% of the time, which leaves a learnt representation nothing to show. With a few labels
per class, what the representation already knows about digits shows in the probe. The
split: a share of the rows held out for testing (never seen by any training, with or without
labels); from the rest, `per_class` labelled rows per class for the probe. The encoders train
on the rest without labels.

scikit-learn is imported inside the functions: they run on the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.projection import principal_axes

TEST_SHARE = 0.3
PROBES = ("linear", "nearest neighbour")
LINEAR_C = 1.0  # the linear probe's inverse L2 penalty (scikit-learn's default), fixed


@dataclass(frozen=True)
class Split:
    """Row indices: `train` (the encoders see them, unlabelled), `labelled` (a few of those,
    with labels, for the probe) and `test` (held out from everything)."""

    train: np.ndarray
    labelled: np.ndarray
    test: np.ndarray


def make_split(y: np.ndarray, per_class: int, seed: int, test_share: float = TEST_SHARE
               ) -> Split:
    """A seeded split: `test_share` of the rows held out, then up to `per_class` labelled rows
    of each class drawn from the rest."""
    y = np.asarray(y)
    rng = np.random.default_rng([int(seed), 8])  # a stream of its own: training's is untouched
    order = rng.permutation(len(y))
    n_test = round(test_share * len(y))
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    labelled = [rng.permutation(train[y[train] == c])[:per_class] for c in np.unique(y[train])]
    return Split(train, np.sort(np.concatenate(labelled)), test)


def probe_words(kind: str, split: Split) -> str:
    """The probe in a sentence, for the window."""
    what = "linear probe" if kind == "linear" else "1-NN probe (cosine)"
    return f"{what} on {len(split.labelled)} labels, {len(split.test)} held out"


def common_scale(features: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The features centred on the mean of `rows` and divided by one number, their standard
    deviation over every entry of those rows. One number for all, not one per feature: a
    per-feature scale would blow near-blank border pixels and the weakest principal
    components up to the size of the strongest, and would make a rotation of the features
    (PCA of every dimension, say) change what the probe sees."""
    centred = features - features[rows].mean(axis=0)
    spread = float(np.sqrt(np.mean(centred[rows] ** 2)))
    return centred / spread if spread > 1e-12 else centred


def probe_accuracy(features: np.ndarray, y: np.ndarray, split: Split, kind: str) -> float:
    """The share of held-out rows the probe, trained on the labelled rows, gets right."""
    features = np.asarray(features, dtype=np.float64)
    if kind == "linear":
        from sklearn.linear_model import LogisticRegression

        z = common_scale(features, split.train)
        model = LogisticRegression(C=LINEAR_C, max_iter=5000)
        model.fit(z[split.labelled], y[split.labelled])
        return float(model.score(z[split.test], y[split.test]))
    if kind == "nearest neighbour":
        from sklearn.neighbors import KNeighborsClassifier

        z = features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-12)
        model = KNeighborsClassifier(n_neighbors=1).fit(z[split.labelled], y[split.labelled])
        return float(model.score(z[split.test], y[split.test]))
    raise ValueError(f"unknown probe {kind!r} (known: {', '.join(PROBES)})")


def pca_features(X: np.ndarray, split: Split, dims: int) -> np.ndarray:
    """Every row on the first `dims` principal components of the training rows: the linear
    representation of the same size, as a reference."""
    Xt = X[split.train]
    axes = principal_axes(Xt, min(dims, X.shape[1]))
    return (X - Xt.mean(axis=0)) @ axes.T


def plane(features: np.ndarray, previous: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """The rows on their first two principal components, and the share of variance each
    keeps; each axis's sign chosen to agree with `previous` (last epoch's plane), so the
    picture does not flip from one epoch to the next."""
    centred = features - features.mean(axis=0)
    k = min(2, features.shape[1])
    xy = np.zeros((len(features), 2))
    xy[:, :k] = centred @ principal_axes(features, k).T
    if previous is not None and previous.shape == xy.shape:
        flip = np.sum(xy * previous, axis=0) < 0
        xy[:, flip] *= -1.0
    total = float(np.sum(centred ** 2))
    share = np.sum(xy ** 2, axis=0) / total if total > 0 else np.zeros(2)
    return xy, share
