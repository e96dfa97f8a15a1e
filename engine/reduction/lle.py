"""Locally linear embedding (Roweis and Saul 2000), in three stages, one snapshot each.

1. The k-nearest-neighbour graph, with its short circuits flagged.
2. The reconstruction weights: each point written as the weighted sum of its k neighbours
   that best rebuilds it, weights summing to 1 (a regularised k × k system per point,
   computed here as scikit-learn's `barycenter_weights` does, to show how well the patches
   are flat).
3. The embedding: the points placed so that the same weights rebuild them best, the bottom
   eigenvectors of (I − W)ᵀ(I − W), by scikit-learn's `LocallyLinearEmbedding` (standard,
   or its modified, Hessian and LTSA variants).
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs
from engine.cancellable import call_cancellable
from engine.params import Choice, Float, seed_param
from engine.protocol import Algorithm, Embedding
from engine.reduction.isomap import NeighbourGraphMixin, components_param, neighbours_param
from engine.registry import register

METHODS = ("standard", "modified", "hessian", "ltsa")
# Weights and the sparse (I − W)ᵀ(I − W) grow as n·k²; the eigensolver's factorisation and
# the quality measures as n²: a few n×n float64 matrices at most.
BYTES_PER_PAIR = 16.0
CAP = 10_000


def barycenter_weights(X: np.ndarray, neighbours: np.ndarray, reg: float = 1e-3
                       ) -> np.ndarray:
    """(n, k) weights: row i rebuilds X[i] from X[neighbours[i]], summing to 1. The local
    Gram matrix C is regularised by reg · trace(C) on its diagonal (scikit-learn's rule)."""
    n, k = neighbours.shape
    W = np.empty((n, k))
    ones = np.ones(k)
    for i in range(n):
        Z = X[neighbours[i]] - X[i]
        C = Z @ Z.T
        trace = np.trace(C)
        C.flat[:: k + 1] += reg * trace if trace > 0 else reg
        w = np.linalg.solve(C, ones)
        W[i] = w / w.sum()
    return W


def rebuild_errors(X: np.ndarray, neighbours: np.ndarray, W: np.ndarray) -> np.ndarray:
    """‖xᵢ − Σⱼ wᵢⱼ xⱼ‖ for every point."""
    return np.linalg.norm(X - np.einsum("ik,ikd->id", W, X[neighbours]), axis=1)


def sklearn_lle(X: np.ndarray, params: dict):
    """scikit-learn's LocallyLinearEmbedding with these parameters, fitted: (Y, error)."""
    from sklearn.manifold import LocallyLinearEmbedding

    model = LocallyLinearEmbedding(n_neighbors=params["n_neighbors"],
                                   n_components=params["n_components"],
                                   method=params["method"], reg=params["reg"],
                                   eigen_solver="auto", random_state=params["seed"])
    Y = model.fit_transform(X)
    return Y, float(model.reconstruction_error_)


@register
class LLE(NeighbourGraphMixin, Algorithm):
    id = "lle"
    name = "Locally linear embedding (LLE)"
    family = "Dimensionality reduction"
    summary = ("Write each point as a weighted mix of its nearest neighbours, then place the "
               "points in few dimensions so the same weights still rebuild them.")
    objective = "Σᵢ‖yᵢ − Σⱼ wᵢⱼ yⱼ‖², with the weights that best rebuild each xᵢ"
    params = (
        neighbours_param(12), components_param(),
        Choice(name="method", default="standard", options=METHODS,
               help="Standard LLE; modified (several weight vectors per point, steadier), "
                    "Hessian (local curvature) or LTSA (local tangent spaces)."),
        Float(name="reg", label="regularisation", default=1e-3, low=1e-6, high=1.0, log=True,
              decimals=6,
              help="Added to each local Gram matrix (times its trace), so k > d stays solvable."),
        seed_param(),
    )
    snapshot_type = Embedding
    libraries = ("sklearn",)

    def check(self, dataset, params):
        dataset.require_spread("LLE")
        self._check_size("LLE", dataset, params)
        (k, _), m = self._k(dataset, params), params["n_components"]
        if params["method"] == "hessian" and k <= m * (m + 3) // 2:
            raise ValueError(f"Hessian LLE in {m} dimensions needs more than {m * (m + 3) // 2} "
                             "neighbours: raise k")
        if params["method"] == "modified" and k < m:
            raise ValueError(f"modified LLE needs at least {m} neighbours: raise k")

    def max_points(self, dataset, params):
        return big_inputs.points_that_fit(BYTES_PER_PAIR, CAP)

    def too_many_points(self, n, params):
        return (f"LLE on {n:,} points would take many minutes to find the bottom eigenvectors "
                "of an n×n matrix.")

    def run(self, dataset, params, ctx):
        k, note = self._k(dataset, params)
        ctx.progress(0.0, "the nearest-neighbour graph")
        stage = self._graph_stage(dataset, k, ctx)
        if stage is None:
            return
        graph, edges, flagged, message = stage
        xy, axes = self._data_plane(dataset)
        base = dict(edges=edges, flagged=flagged)
        yield Embedding(step=1, message=f"LLE, stage 1: {note}{message}", coords=xy,
                        axis_names=axes, phase="graph", **base)
        ctx.progress(0.2, "reconstruction weights")
        X = dataset.X
        neighbours = graph.indices.reshape(dataset.n, k)
        done, W = call_cancellable(lambda: barycenter_weights(X, neighbours, params["reg"]),
                                   ctx.cancelled)
        if not done:
            return
        err = rebuild_errors(X, neighbours, W)
        typical = float(np.median(graph.data))
        yield Embedding(step=2, message=(
            f"LLE, stage 2: each point rebuilt from its {k} neighbours by weights summing to 1; "
            f"median rebuild error {np.median(err):.3g} (the median neighbour is "
            f"{typical:.3g} away), {int(np.sum(W < 0)):,} weights negative"),
            coords=xy, axis_names=axes, phase="weights", **base)
        ctx.progress(0.4, f"{params['method']} LLE: bottom eigenvectors")
        done, got = call_cancellable(lambda: sklearn_lle(X, {**params, "n_neighbors": k}),
                                     ctx.cancelled)
        if not done:
            return
        Y, error = got
        error = max(float(error), 0.0)  # a sum of squares; the eigensolver's rounding can dip below
        quality = self._quality(dataset, Y, ctx)
        if quality is None:
            return
        ctx.progress(1.0, "done")
        Y = np.ascontiguousarray(Y)
        Y.flags.writeable = False
        yield Embedding(step=3, message=(
            f"LLE, stage 3 ({params['method']}): the points placed so the weights rebuild "
            f"them best; reconstruction error {error:.3g}. {quality.summary()}"),
            coords=Y, axis_names=("LLE 1", "LLE 2"), phase="done", quality=quality, **base)
