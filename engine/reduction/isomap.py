"""Isomap (Tenenbaum, de Silva and Langford 2000), in its three stages, one snapshot each.

1. The k-nearest-neighbour graph, weighted by distance (scikit-learn's `kneighbors_graph`),
   with its short circuits flagged (engine/reduction/neighbour_graph.py).
2. Geodesic distances: shortest paths through the graph (scipy's Dijkstra), which follow the
   manifold where straight lines cut across it.
3. Classical MDS of the geodesic distances: the top eigenvectors of K = −½ H G² H, scaled by
   √λ, as scikit-learn's `Isomap` (its KernelPCA) computes them.

The stages are the same as scikit-learn's; the tests compare the embedding with `Isomap`.
Unlike scikit-learn, a graph in several pieces is an error here (their geodesic distances
are infinite): the message asks for a larger k instead of joining the pieces silently.
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs
from engine.cancellable import call_cancellable
from engine.params import Int
from engine.protocol import Algorithm, Embedding
from engine.reduction import neighbour_graph as graphs
from engine.registry import register

# The geodesic matrix, K and eigh's copy: three n×n float64 matrices.
BYTES_PER_PAIR = 24.0
CAP = 5_000  # past this the all-pairs shortest paths (n² log n) take minutes


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def geodesics(graph) -> np.ndarray:
    """Shortest-path distances through the graph, both ways (n × n)."""
    from scipy.sparse.csgraph import shortest_path

    return shortest_path(graph, method="D", directed=False)


def eigen_embedding(g: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(coordinates (n, k), their eigenvalues): the top eigenvectors of −½ H G² H scaled by
    √λ, each signed so its largest entry is positive."""
    from scipy.linalg import eigh

    from engine.reduction.mds import double_centre

    n = len(g)
    values, vectors = eigh(double_centre(g), subset_by_index=[n - k, n - 1])
    values, vectors = values[::-1], vectors[:, ::-1]
    rows = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[rows, np.arange(k)])
    vectors = vectors * np.where(signs == 0, 1.0, signs)
    return vectors * np.sqrt(np.maximum(values, 0.0)), values


def residual_variance(g: np.ndarray, Y: np.ndarray) -> float:
    """1 − r² between the geodesic and the embedded distances (Tenenbaum's measure)."""
    from scipy.spatial.distance import pdist

    upper = np.triu_indices(len(g), 1)
    r = np.corrcoef(g[upper], pdist(Y))[0, 1]
    return float(1.0 - r * r)


class NeighbourGraphMixin:
    """The first stage Isomap and LLE share: the graph, its edges and short circuits."""

    @staticmethod
    def _k(dataset, params) -> tuple[int, str]:
        """The k a run uses, and a note when it differs from the k asked for: on fewer points
        than k + 1 it is n − 1, as t-SNE and UMAP adapt (Compare lost Isomap on 8 points)."""
        k = params["n_neighbors"]
        if k < dataset.n:
            return k, ""
        n = dataset.n
        return n - 1, f"k lowered from {k} to {n - 1}, as there are only {n} points; "

    @staticmethod
    def _check_size(method: str, dataset, params) -> None:
        if dataset.n < 3:
            raise ValueError(f"{method} needs at least 3 points, not {dataset.n}")
        if params["n_components"] >= dataset.n:
            raise ValueError(f"{params['n_components']} dimensions for {dataset.n} points: "
                             f"choose fewer than {dataset.n}")

    def _graph_stage(self, dataset, k, ctx):
        """(graph, edges, flagged, message), or None if cancelled."""
        def build():
            graph = graphs.knn_graph(dataset.X, k)
            edges, lengths = graphs.edge_list(graph)
            sheet = graphs.sheet_coordinates(dataset)
            flagged = graphs.short_circuits(dataset.X, edges, lengths, k, sheet, ctx.cancelled)
            return graph, edges, flagged, graphs.describe(edges, flagged, k, sheet is not None)

        done, out = call_cancellable(build, ctx.cancelled)
        if not done or out[2] is None:
            return None
        graph, edges, flagged, message = out
        return graph, _frozen(edges), _frozen(flagged), message

    @staticmethod
    def _data_plane(dataset) -> tuple[np.ndarray, tuple[str, str]]:
        """The data's first two features: what the embedding canvas shows before the
        embedding exists."""
        X = dataset.X
        xy = X[:, :2] if X.shape[1] >= 2 else np.c_[X[:, 0], np.zeros(len(X))]
        names = tuple(dataset.feature_names[:2]) + ("",) * (2 - min(2, dataset.d))
        return _frozen(np.array(xy)), (f"{names[0]} (data, not yet embedded)", names[1])

    def _quality(self, dataset, Y, ctx):
        from engine.reduction.quality import measure

        done, quality = call_cancellable(lambda: measure(dataset.X, Y, seed=ctx.seed),
                                         ctx.cancelled)
        return quality if done else None


def neighbours_param(default: int) -> Int:
    return Int(name="n_neighbors", label="neighbours k", default=default, low=2, high=200,
               help="Each point is joined to its k nearest others. Too small: the graph falls "
                    "apart; too large: edges short-circuit across the folds (drawn in red).")


def components_param() -> Int:
    return Int(name="n_components", label="dimensions", default=2, low=1, high=5,
               help="How many coordinates each point gets (the views draw the first two).")


@register
class Isomap(NeighbourGraphMixin, Algorithm):
    id = "isomap"
    name = "Isomap"
    family = "Dimensionality reduction"
    summary = ("Measure distances along the data's surface (shortest paths through a "
               "nearest-neighbour graph), then place the points by classical MDS of them.")
    objective = "classical MDS of geodesic distances: top eigenvectors of −½ H G² H"
    params = (neighbours_param(10), components_param())
    snapshot_type = Embedding
    libraries = ("sklearn",)

    def check(self, dataset, params):
        dataset.require_spread("Isomap")
        self._check_size("Isomap", dataset, params)

    def max_points(self, dataset, params):
        return big_inputs.points_that_fit(BYTES_PER_PAIR, CAP)

    def too_many_points(self, n, params):
        return (f"Isomap on {n:,} points needs every geodesic distance, an n×n matrix of "
                f"{big_inputs.size_text(8.0 * float(n) ** 2)} (three such), and all shortest "
                "paths, which would take many minutes.")

    def run(self, dataset, params, ctx):
        (k, note), m = self._k(dataset, params), params["n_components"]
        ctx.progress(0.0, "the nearest-neighbour graph")
        stage = self._graph_stage(dataset, k, ctx)
        if stage is None:
            return
        graph, edges, flagged, message = stage
        parts = graphs.pieces(graph)
        if parts > 1:
            raise ValueError(f"the {k}-nearest-neighbour graph falls into {parts} pieces, so "
                             "some geodesic distances are infinite: choose a larger k")
        xy, axes = self._data_plane(dataset)
        base = dict(edges=edges, flagged=flagged)
        yield Embedding(step=1, message=f"Isomap, stage 1: {note}{message}", coords=xy,
                        axis_names=axes, phase="graph", **base)
        ctx.progress(0.3, "geodesic distances: shortest paths through the graph")
        done, g = call_cancellable(lambda: geodesics(graph), ctx.cancelled)
        if not done:
            return
        from scipy.spatial.distance import squareform

        from engine.distances import pdist

        straight = squareform(pdist(dataset.X, "euclidean"))
        upper = np.triu_indices(dataset.n, 1)
        stretch = g[upper] / np.maximum(straight[upper], 1e-300)
        yield Embedding(step=2, message=(
            f"Isomap, stage 2: geodesic distances, the shortest paths through the graph: "
            f"longest {g[upper].max():.3g} (straight {straight[upper].max():.3g}); on "
            f"average {stretch.mean():.2f}× the straight distance, at most "
            f"{stretch.max():.2f}×"), coords=xy, axis_names=axes, phase="geodesics", **base)
        ctx.progress(0.6, "eigenvectors of −½ H G² H")
        done, got = call_cancellable(lambda: eigen_embedding(g, m), ctx.cancelled)
        if not done:
            return
        Y, values = got
        quality = self._quality(dataset, Y, ctx)
        if quality is None:
            return
        rv = residual_variance(g, Y)
        ctx.progress(1.0, "done")
        shown = ", ".join(f"{v:.3g}" for v in values)
        yield Embedding(step=3, message=(
            f"Isomap, stage 3: classical MDS of the geodesic distances, eigenvalues {shown}; "
            f"residual variance 1 − r² = {rv:.3f}. {quality.summary()}"),
            coords=_frozen(Y), axis_names=("Isomap 1", "Isomap 2"), phase="done",
            quality=quality, **base)
