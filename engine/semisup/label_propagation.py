"""Label spreading over the k-nearest-neighbour graph (Zhou et al. 2004), as scikit-learn's
LabelSpreading(kernel="knn") computes it, stepped one iteration at a time.

The graph S is scikit-learn's: the kNN connectivity matrix (each point joined to its
n_neighbors nearest, itself included), normalised as −(normalised Laplacian) with a zero
diagonal. From Y0 (one-hot rows for the labelled points, zeros elsewhere) the iteration is
F ← αSF + (1−α)Y0, until the summed change falls under scikit-learn's tol; a point's class is
its row's largest entry, and a point no label has reached yet has none (−1). A test checks
the final F against scikit-learn's. The baseline is the nearest labelled point's class (a
1-nearest-neighbour classifier on the labelled points alone): the graph without the
unlabelled points in it. The map on 2-D data is LabelSpreading's own `predict` for a new
point: the summed F of its n_neighbors nearest data points.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Float, Int
from engine.protocol import RunContext, frozen
from engine.registry import register
from engine.semisup.common import (
    SemiSupervised,
    SemiSupervisedMethod,
    Trace,
    accuracy_words,
    common_params,
    decision_map,
    grid_for,
    labelled_fields,
    labels_for,
)

TOL = 1e-3  # scikit-learn's default


def spreading_matrix(X: np.ndarray, n_neighbors: int):
    """scikit-learn's LabelSpreading graph for kernel="knn": a sparse (n, n) CSR matrix."""
    from scipy.sparse import csgraph
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=n_neighbors).fit(X)
    affinity = nn.kneighbors_graph(nn._fit_X, n_neighbors, mode="connectivity")
    laplacian = -csgraph.laplacian(affinity, normed=True).tocoo()
    laplacian.data[laplacian.row == laplacian.col] = 0.0
    return laplacian.tocsr()


def one_hot(targets: np.ndarray, n_classes: int) -> np.ndarray:
    """Y0: a one-hot row per labelled point (targets ≥ 0), zeros for the others."""
    Y = np.zeros((len(targets), n_classes))
    rows = np.flatnonzero(targets >= 0)
    Y[rows, targets[rows]] = 1.0
    return Y


def spread(S, Y0: np.ndarray, alpha: float, max_iter: int) -> Iterator[np.ndarray]:
    """F after each iteration F ← αSF + (1−α)Y0, starting from F = Y0, stopping as
    scikit-learn does (before an iteration, when Σ|F − F_previous| < TOL)."""
    F, previous = Y0.copy(), np.zeros_like(Y0)
    static = (1.0 - alpha) * Y0
    for _ in range(max_iter):
        if np.abs(F - previous).sum() < TOL:
            return
        previous = F
        F = alpha * (S @ F) + static
        yield F


def normalised(F: np.ndarray) -> np.ndarray:
    """Rows summed to 1 (rows of zeros left as they are), as scikit-learn's result."""
    total = F.sum(axis=1, keepdims=True)
    return F / np.where(total == 0, 1.0, total)


def classes_of(F: np.ndarray) -> np.ndarray:
    """Each row's class, −1 where no label has reached it yet (a row of zeros)."""
    return np.where(F.max(axis=1) > 0, np.argmax(F, axis=1), -1)


@register
class LabelPropagation(SemiSupervisedMethod):
    id = "label-propagation"
    name = "Label propagation"
    summary = ("Spread the few labels along the k-nearest-neighbour graph: each point takes "
               "on the labels of its neighbours, until every point has one.")
    objective = ("Label spreading: iterate F ← αSF + (1−α)Y₀ with S the normalised kNN graph "
                 "and Y₀ the given labels; the fixed point minimises "
                 "Σ_ij W_ij ‖F_i/√D_ii − F_j/√D_jj‖² + (1/α − 1) Σ_i ‖F_i − Y₀_i‖².")
    params = (
        Int(name="n_neighbors", label="neighbours k", default=10, low=1, high=100,
            help="Each point is joined to this many nearest points (itself included)."),
        Float(name="alpha", label="α (spreading)", default=0.99, low=0.01, high=0.999,
              decimals=3, help="How much a point takes from its neighbours against keeping "
                               "its own given label, each iteration."),
        Int(name="max_iter", label="iterations", default=400, low=1, high=5000,
            help="Iterations at most; the run stops earlier once F settles."),
        Int(name="every", label="picture every", default=1, low=1, high=500,
            help="Iterations between pictures."),
        *common_params(),
    )
    snapshot_type = SemiSupervised
    libraries = ("sklearn",)

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        super().check(dataset, params)
        if params["n_neighbors"] >= dataset.n:
            raise ValueError(f"neighbours k ({params['n_neighbors']}) must be less than the "
                             f"number of points ({dataset.n})")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[SemiSupervised]:
        ctx.progress(0.0, "building the neighbour graph…")
        from sklearn.neighbors import NearestNeighbors

        labels = labels_for(dataset, params)
        X, k = dataset.X, params["n_neighbors"]
        S = spreading_matrix(X, k)
        edges = frozen(np.column_stack(S.nonzero()))
        edges = frozen(edges[edges[:, 0] < edges[:, 1]])  # each pair once
        Y0 = one_hot(labels.targets(dataset.n), labels.n_classes)
        nearest = NearestNeighbors(n_neighbors=1).fit(X[labels.rows])
        baseline = labels.classes[nearest.kneighbors(X, return_distance=False)[:, 0]]
        baseline_acc = labels.accuracy(baseline)
        grid = grid_for(dataset)
        grid_rows = baseline_map = None
        if grid is not None:
            grid_rows = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(
                grid.points, return_distance=False)
            near = nearest.kneighbors(grid.points, return_distance=False)[:, 0]
            baseline_map = decision_map(one_hot(labels.classes[near], labels.n_classes))
        trace = Trace()
        max_iter, every = params["max_iter"], params["every"]
        steps = spread(S, Y0, params["alpha"], max_iter)
        F, it, upcoming = Y0, 0, next(steps, None)
        while True:
            if ctx.cancelled():
                return
            if upcoming is not None:
                F, it, upcoming = upcoming, it + 1, next(steps, None)
            done = upcoming is None
            if it % every and not done:
                continue
            predictions = classes_of(F)
            accuracy = labels.accuracy(predictions)
            trace.add(it, accuracy, baseline_acc)
            reached = int((predictions >= 0).sum())
            message = (f"iteration {it}: labels have reached {reached} of {dataset.n} "
                       f"points; {accuracy_words('accuracy on the unlabelled rest', accuracy)}"
                       f", {accuracy_words('nearest labelled point', baseline_acc)}")
            if done:
                message += (". Done: F has settled" if it < max_iter
                            else ". Done: the last iteration")
            ctx.progress(it / max_iter if not done else 1.0, message)
            F_map = None
            if grid_rows is not None:
                F_map = normalised(F)[grid_rows].sum(axis=1)
                F_map = normalised(F_map + (F_map.sum(axis=1, keepdims=True) == 0)
                                   / labels.n_classes)
            yield SemiSupervised(
                step=len(trace.x) - 1, message=message, method=self.id,
                model=f"label spreading on the {k}-nearest-neighbour graph",
                **labelled_fields(labels), predictions=frozen(predictions),
                baseline=frozen(baseline), accuracy=accuracy, baseline_accuracy=baseline_acc,
                **trace.fields(), step_name="iteration", map=decision_map(F_map),
                baseline_map=baseline_map, box=None if grid is None else grid.box,
                edges=edges)
            if done:
                return
