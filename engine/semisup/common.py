"""What the four semi-supervised methods share: choosing the labelled points, scoring on the
unlabelled rest, the decision map on a grid, the snapshot they all yield.

The true labels of the points not chosen are hidden from the methods: `Labels` hands a
method only the chosen rows and their classes, and keeps the truth for `accuracy` alone.
A user may pick the labelled points by clicking (the `labelled` parameter): they then
replace the random choice. On a data set with labels a clicked point's class is its true
one; on a data set without labels (a drawing) it is the class the user gave it, and there is
no accuracy to score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from engine.data import Dataset
from engine.generative.training import standardised
from engine.params import Float, Int, Picked, seed_param
from engine.protocol import Algorithm, Snapshot, frozen

FAMILY = "Semi-supervised"
GRID = 64  # cells per side of the decision map (2-D data only)
MAX_CLASSES = 20


def common_params(per_class: int = 3) -> tuple:
    """The labelled points (random per class, or clicked) and the seed."""
    return (
        Int(name="labels_per_class", label="labels per class", default=per_class, low=1,
            high=100, help="How many points of each class keep their label, chosen at random "
                           "with the seed; the rest are unlabelled. Clicked points (click a "
                           "point in the picture to label it) replace this choice."),
        Picked(name="labelled", label="clicked labels",
               help="Points labelled by clicking them in the picture."),
        seed_param(),
    )


def training_params(steps: int, every: int) -> tuple:
    """Full-batch gradient steps, Adam's step size and the steps between pictures, as the
    two torch methods (entropy minimisation, mean teacher) take them."""
    return (
        Int(name="steps", label="training steps", default=steps, low=10, high=20000,
            help="Gradient steps, each on every point (full batch)."),
        Float(name="learning_rate", label="learning rate", default=0.1, low=1e-4,
              high=1.0, log=True, decimals=4, help="Step size of the Adam optimiser."),
        Int(name="every", label="picture every", default=every, low=1, high=1000,
            help="Steps between pictures."),
    )


@dataclass(frozen=True)
class Labels:
    """The labelled rows and their classes, and (for scoring only) the truth of the rest."""

    rows: np.ndarray
    classes: np.ndarray
    n_classes: int
    truth: np.ndarray | None  # every point's true class; None: the data set has none
    clicked: bool

    def mask(self, n: int) -> np.ndarray:
        m = np.zeros(n, bool)
        m[self.rows] = True
        return m

    def targets(self, n: int) -> np.ndarray:
        """(n,) class per point, −1 where unlabelled (scikit-learn's convention)."""
        y = np.full(n, -1, np.int64)
        y[self.rows] = self.classes
        return y

    def accuracy(self, predictions: np.ndarray) -> float:
        """The share of the unlabelled rest predicted right; nan without true labels."""
        if self.truth is None:
            return float("nan")
        rest = ~self.mask(len(self.truth))
        if not rest.any():
            return float("nan")
        return float(np.mean(np.asarray(predictions)[rest] == self.truth[rest]))


def choose(y: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """`per_class` rows of each class (all of a smaller class), drawn with the seed, sorted."""
    rng = np.random.default_rng(int(seed))
    rows = [rng.permutation(np.flatnonzero(y == c))[:per_class] for c in np.unique(y)]
    return np.sort(np.concatenate(rows))


def labels_for(dataset: Dataset, params: Mapping[str, Any]) -> Labels:
    """The clicked points if any, else `labels_per_class` per class chosen with the seed."""
    picked = params.get("labelled", ())
    truth = dataset.y
    if picked:
        rows = np.array([r for r, _ in picked], np.int64)
        classes = (truth[rows] if truth is not None
                   else np.array([c for _, c in picked], np.int64))
        n_classes = dataset.n_classes if truth is not None else int(classes.max()) + 1
        return Labels(rows, classes, n_classes, truth, True)
    rows = choose(truth, params["labels_per_class"], params["seed"])
    return Labels(rows, truth[rows], dataset.n_classes, truth, False)


def check_labels(dataset: Dataset, params: Mapping[str, Any], method: str) -> None:
    """A plain ValueError when these labels cannot train anything."""
    picked = params.get("labelled", ())
    if not picked and dataset.y is None:
        raise ValueError(f"{method} needs a few labelled points, and {dataset.name} has no "
                         "labels: click points in the picture to label them (each click "
                         "gives a point the next class), or choose a data set with labels")
    if picked:
        top = max(r for r, _ in picked)
        if top >= dataset.n:
            raise ValueError(f"a clicked point (row {top + 1}) is not in {dataset.name}, "
                             f"which has {dataset.n} points: click the points again")
    labels = labels_for(dataset, params)
    found = np.unique(labels.classes)
    if len(found) < 2:
        raise ValueError(f"{method} needs labelled points of at least two classes; the "
                         f"labelled ones are all of one class")
    if labels.n_classes > MAX_CLASSES:
        raise ValueError(f"{method} takes at most {MAX_CLASSES} classes, not "
                         f"{labels.n_classes}")
    if len(labels.rows) >= dataset.n:
        raise ValueError(f"every point is labelled: {method} needs unlabelled points too "
                         "(fewer labels per class)")


class SemiSupervisedMethod(Algorithm):
    """Base of the four: the family, the snapshot and the checks on the labels."""

    family: ClassVar[str] = FAMILY

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        check_labels(dataset, params, self.name)

    def input_note(self, dataset: Dataset) -> str:
        note = super().input_note(dataset)
        clicks = ("Click a point in the picture to label it (its true class) or to take "
                  "its label away; clicked points replace the random choice."
                  if dataset.y is not None else
                  "This data set has no labels: click points in the picture to label them "
                  "(each click gives a point the next class, then none).")
        return f"{note} {clicks}".strip()


# ---------------------------------------------------------------- data and grid


@dataclass(frozen=True)
class Grid:
    """Points on a GRID × GRID lattice over the data's box (padded 10 %), for 2-D data."""

    points: np.ndarray  # (GRID², 2), rows over y from ymin, columns over x from xmin
    box: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax

    @property
    def shape(self) -> tuple[int, int]:
        return (GRID, GRID)


def grid_for(dataset: Dataset) -> Grid | None:
    """The grid of the decision map: only on data of two features, whose plane is the
    classifier's whole input; None for more (no honest map in a 2-D view of 64-D data)."""
    if dataset.d != 2:
        return None
    X = dataset.X
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(high - low, 1e-9)
    low, high = low - pad, high + pad
    xs = np.linspace(low[0], high[0], GRID)
    ys = np.linspace(low[1], high[1], GRID)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    return Grid(points, (float(low[0]), float(high[0]), float(low[1]), float(high[1])))


@dataclass(frozen=True)
class Map:
    """A classifier's decision map: the class and its probability in each grid cell."""

    classes: np.ndarray  # (GRID, GRID) int8
    confidence: np.ndarray  # (GRID, GRID) float32, the winning class's probability


def decision_map(probabilities: np.ndarray | None) -> Map | None:
    """The map of (GRID², C) class probabilities on the grid; None without a grid."""
    if probabilities is None:
        return None
    p = np.asarray(probabilities)
    classes = np.argmax(p, axis=1).astype(np.int8).reshape(GRID, GRID)
    confidence = p.max(axis=1).astype(np.float32).reshape(GRID, GRID)
    return Map(frozen(classes), frozen(confidence))


# ---------------------------------------------------------------- the snapshot


@dataclass(frozen=True, kw_only=True, eq=False)
class SemiSupervised(Snapshot):
    """One step of a semi-supervised method beside its labelled-only baseline.

    `labelled` (m,) are the rows given labels and `labelled_classes` their classes;
    `predictions` (n,) the method's class for every point now (−1: none yet, as label
    propagation before a label reaches a point) and `baseline` (n,) the same model's trained
    on the labelled points alone. `accuracy` and `baseline_accuracy` are on the unlabelled
    rest (nan when the data has no labels), and per recorded step in `trace` and
    `baseline_trace` at `trace_x` (counted in `step_name`s). On 2-D data `map` and
    `baseline_map` are the decision maps over `box` (engine.semisup.common.Map); None on
    more dimensions. Method-specific: `pseudo` the rows pseudo-labelled so far and `added`
    those added this round (pseudo-labelling); `edges` (e, 2) the kNN graph's pairs of rows
    (label propagation); `student_trace` the student's accuracy (mean teacher, whose
    `trace` is the teacher's)."""

    method: str
    model: str  # the model, in words
    labelled: np.ndarray
    labelled_classes: np.ndarray
    clicked: bool = False
    n_classes: int
    predictions: np.ndarray
    baseline: np.ndarray
    accuracy: float = float("nan")
    baseline_accuracy: float = float("nan")
    trace_x: np.ndarray
    trace: np.ndarray
    baseline_trace: np.ndarray
    step_name: str = "step"
    map: Map | None = None
    baseline_map: Map | None = None
    box: tuple[float, float, float, float] | None = None
    pseudo: np.ndarray | None = None
    added: np.ndarray | None = None
    edges: np.ndarray | None = None
    student_trace: np.ndarray | None = None


class Trace:
    """Accuracy per recorded step of the method, the baseline and (optionally) a student."""

    def __init__(self):
        self.x: list[float] = []
        self.method: list[float] = []
        self.baseline: list[float] = []
        self.student: list[float] = []

    def add(self, x: float, method: float, baseline: float, student: float | None = None):
        self.x.append(x)
        self.method.append(method)
        self.baseline.append(baseline)
        if student is not None:
            self.student.append(student)

    def fields(self) -> dict:
        """The snapshot's trace fields, frozen copies."""
        return {"trace_x": frozen(np.array(self.x, float)),
                "trace": frozen(np.array(self.method, float)),
                "baseline_trace": frozen(np.array(self.baseline, float)),
                "student_trace": frozen(np.array(self.student, float)) if self.student
                else None}


def labelled_fields(labels: Labels) -> dict:
    """The snapshot's fields that say which points were labelled."""
    return {"labelled": frozen(labels.rows, copy=True),
            "labelled_classes": frozen(labels.classes, copy=True),
            "clicked": labels.clicked, "n_classes": labels.n_classes}


def accuracy_words(name: str, value: float) -> str:
    return f"{name} {value:.1%}" if np.isfinite(value) else f"{name}: no true labels"


# ---------------------------------------------------------------- small torch classifiers


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class NetPicture:
    """What the window sees of a torch classifier at one step: a numpy copy of it, its
    class for every point and its decision map on the grid (computed here, on the worker)."""

    def __init__(self, net, Xs: np.ndarray, grid_std: np.ndarray | None):
        from engine.generative.training import numpy_mlp

        copy = numpy_mlp(net)
        self.probabilities = softmax(copy(Xs))
        self.predictions = frozen(np.argmax(self.probabilities, axis=1))
        self.map = None if grid_std is None else decision_map(softmax(copy(grid_std)))


class TorchData:
    """The standardised data on the device, the labelled rows and their classes as tensors,
    and the grid in the same standardised units (None without one)."""

    def __init__(self, torch, device, dataset: Dataset, labels: Labels):
        Xs, mean, scale = standardised(dataset.X)
        self.Xs = Xs
        self.mean, self.scale = mean, scale
        self.X = torch.as_tensor(Xs, dtype=torch.float32).to(device)
        self.rows = torch.as_tensor(labels.rows, dtype=torch.int64).to(device)
        self.targets = torch.as_tensor(labels.classes, dtype=torch.int64).to(device)
        unlabelled = ~labels.mask(dataset.n)
        self.unlabelled = torch.as_tensor(np.flatnonzero(unlabelled), dtype=torch.int64
                                          ).to(device)
        self.grid = grid_for(dataset)
        self.grid_std = None if self.grid is None else (self.grid.points - mean) / scale


def ramp(step: int, steps: int, share: float = 0.25) -> float:
    """A weight's factor rising from 0 to 1 over the first `share` of training, as is usual
    for unlabelled terms: at the start the network knows nothing worth enforcing."""
    return min(1.0, (step + 1) / max(1.0, share * steps))


# ---------------------------------------------------------------- a kernel classifier

MAX_CENTRES = 500  # Gaussian bumps at most, so digits' 1,797 points stay quick


def centres_for(Xs: np.ndarray, seed: int) -> np.ndarray:
    """The rows that carry a Gaussian bump: all of them, or MAX_CENTRES drawn with the seed."""
    n = len(Xs)
    if n <= MAX_CENTRES:
        return np.arange(n)
    return np.sort(np.random.default_rng(int(seed)).choice(n, MAX_CENTRES, replace=False))


def neighbour_scale(Xs: np.ndarray, k: int = 5) -> float:
    """The median distance from a point to its k-th nearest neighbour: the data's own local
    scale, from which the bumps take their width."""
    from scipy.spatial import cKDTree

    k = min(k, len(Xs) - 1)
    distances, _ = cKDTree(Xs).query(Xs, k=k + 1)
    return float(max(np.median(distances[:, k]), 1e-9))


def rbf_features(X: np.ndarray, centres: np.ndarray, width: float) -> np.ndarray:
    """exp(−‖x − c‖² / 2·width²) of every row against every centre."""
    sq = ((X ** 2).sum(1)[:, None] + (centres ** 2).sum(1)[None, :] - 2.0 * X @ centres.T)
    return np.exp(-np.maximum(sq, 0.0) / (2.0 * width ** 2))


class KernelPicture:
    """What the window sees of a logistic regression on Gaussian features at one step: its
    class for every point and its decision map on the grid (features computed once)."""

    def __init__(self, weights, bias, features: np.ndarray, grid_features: np.ndarray | None):
        from engine.generative.training import as_numpy

        W, b = as_numpy(weights), as_numpy(bias)
        self.probabilities = softmax(features @ W + b)
        self.predictions = frozen(np.argmax(self.probabilities, axis=1))
        self.map = (None if grid_features is None
                    else decision_map(softmax(grid_features @ W + b)))
