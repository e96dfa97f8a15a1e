"""The distance explorer: one metric's distance matrix, then the same matrix seriated.

Every metric comes from engine/distances.py: Minkowski's family ‖x − y‖_r for r from 1
(Manhattan) through 2 (Euclidean) to ∞ (Chebyshev), whose unit ball {x : ‖x‖_r = 1} is drawn;
cosine and correlation distances; Hamming for binary data; and the edit (Levenshtein)
distance between the strings of a data set of texts (the word list, a text file).

Seriation orders the rows and columns so that near points sit next to each other and the
matrix shows its blocks: scipy's hierarchical `linkage` of the matrix, its leaves left to
right (`leaves_list`), flipped by `optimal_leaf_ordering` (Bar-Joseph et al.) so that
neighbouring leaves are as close as the tree allows. That step costs about n⁴, so above
`OPTIMAL_MAX` points the tree's own leaf order is kept.
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs, distances
from engine.cancellable import call_cancellable
from engine.params import Bool, Choice, Float
from engine.protocol import Algorithm, Distances, frozen
from engine.registry import register

AUTO = "auto"
METRICS = (AUTO, "minkowski", "manhattan", "euclidean", "chebyshev", "cosine", "correlation",
           "hamming", distances.EDIT)
LINKAGES = ("average", "complete", "single", "ward")
OPTIMAL_MAX = 600  # optimal leaf ordering: 0.2 s at 500 points, 3 s at 1,000, 30 s at 2,000
# The n×n matrix, scipy's condensed copy, the linkage's working copy and the heatmap's image.
BYTES_PER_PAIR = 32.0
MATRIX_CAP = 5_000  # past this the heatmap is block means and the tree takes seconds
EDIT_CAP = 3_000  # edit distances: about 4 s at 3,000 short words


def chosen_metric(dataset, params) -> tuple[str, float]:
    """(the metric, its Minkowski exponent): "auto" is the edit distance for a data set of
    strings, Minkowski's with the chosen r otherwise."""
    metric = params["metric"]
    if metric == AUTO:
        metric = distances.EDIT if dataset.texts is not None else "minkowski"
    if metric in ("minkowski", "manhattan", "euclidean", "chebyshev"):
        return metric, distances.minkowski_r(metric, params["r"])
    return metric, float("nan")


def metric_title(metric: str, r: float) -> str:
    """The metric as the window and the messages name it."""
    if metric == "minkowski":
        return f"Minkowski, r = {_r_text(r)}"
    if metric in ("manhattan", "euclidean", "chebyshev"):
        return f"{metric.capitalize()} (r = {_r_text(r)})"
    return {"cosine": "cosine", "correlation": "correlation", "hamming": "Hamming"}.get(
        metric, metric)


def _r_text(r: float) -> str:
    return "∞" if np.isinf(r) else f"{r:g}"


def distance_matrix(dataset, metric: str, r: float, cancelled=None) -> np.ndarray | None:
    """The n × n distances of this metric (None if cancelled on the way)."""
    if metric == distances.EDIT:
        return distances.edit_matrix(dataset.texts, cancelled)
    if metric in ("manhattan", "euclidean", "chebyshev"):
        return distances.square(dataset.X, "minkowski", r)
    return distances.square(dataset.X, metric, r)


def seriation(matrix: np.ndarray, method: str, optimal: bool) -> tuple[np.ndarray, np.ndarray]:
    """(linkage, leaf order) of the matrix: scipy's tree, its leaves optimally ordered."""
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    condensed = squareform(matrix, checks=False)
    z = linkage(condensed, method=method)
    if optimal:
        z = optimal_leaf_ordering(z, condensed)
    return z, leaves_list(z)


def adjacent_mean(matrix: np.ndarray, order: np.ndarray) -> float:
    """The mean distance between rows that sit next to each other in this order."""
    if order.size < 2:
        return 0.0
    return float(matrix[order[:-1], order[1:]].mean())



@register
class DistanceExplorer(Algorithm):
    id = "distances"
    name = "Distance explorer"
    family = "Clustering"
    summary = ("Compare the points by one metric, Minkowski's r from 1 to ∞, cosine, "
               "correlation, Hamming or the edit distance between words, and order the "
               "distance matrix by a dendrogram so its blocks show.")
    objective = ("d(x, y) = (Σ|xᵢ − yᵢ|^r)^(1/r) and others; seriation: the leaf order of a "
                 "hierarchy that makes neighbouring rows close")
    params = (
        Choice(name="metric", default=AUTO, options=METRICS,
               help="auto: the edit distance for a data set of words or lines of text, "
                    "Minkowski's with r below otherwise. Manhattan is r = 1, Euclidean r = 2, "
                    "Chebyshev r = ∞; Hamming needs data of 0s and 1s."),
        Float(name="r", label="Minkowski r", default=2.0, low=1.0, high=20.0, log=True,
              help="Minkowski's exponent: 1 adds the coordinates' differences, 2 is the "
                   "straight line, large r nears the largest difference (Chebyshev, r = ∞)."),
        Choice(name="linkage", default="average", options=LINKAGES,
               help="The hierarchy whose leaf order seriates the matrix."),
        Bool(name="optimal", label="optimal leaf ordering", default=True,
             help=f"Flip the tree's branches so neighbouring leaves are as close as possible "
                  f"(up to {OPTIMAL_MAX} points; slower)."),
    )
    snapshot_type = Distances
    libraries = ("scipy.cluster",)
    reads = ("texts",)

    def check(self, dataset, params):
        if dataset.n < 2:
            raise ValueError("the distance explorer needs at least 2 points")
        metric, r = chosen_metric(dataset, params)
        if metric == distances.EDIT:
            distances.check_texts(dataset.texts)
        else:
            distances.check(dataset.X, metric)
        euclidean = metric == "euclidean" or (metric == "minkowski" and r == 2.0)
        if params["linkage"] == "ward" and not euclidean:
            raise ValueError(f"Ward linkage needs Euclidean distances (it merges by the "
                             f"growth of squared error), not {metric_title(metric, r)}: "
                             f"choose average, complete or single linkage")

    def max_points(self, dataset, params):
        cap = EDIT_CAP if chosen_metric(dataset, params)[0] == distances.EDIT else MATRIX_CAP
        return big_inputs.points_that_fit(BYTES_PER_PAIR, cap)

    def too_many_points(self, n, params):
        need = 8.0 * float(n) ** 2
        room = big_inputs.MEMORY_SHARE * big_inputs.available_bytes()
        return (f"{self.name} on {n:,} points needs an n×n distance matrix of "
                f"{big_inputs.size_text(need)} (and three more as large to order and draw "
                f"it), and its heatmap could not show each point; this machine has "
                f"{big_inputs.size_text(room)} to spare.")

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        metric, r = chosen_metric(dataset, params)
        title = metric_title(metric, r)
        ctx.progress(0.0, f"{title} distances")
        if metric == distances.EDIT:
            matrix = distance_matrix(dataset, metric, r, ctx.cancelled)
            done = matrix is not None
        else:
            done, matrix = call_cancellable(lambda: distance_matrix(dataset, metric, r),
                                            ctx.cancelled)
        if not done or ctx.cancelled():
            return
        frozen(matrix)
        ball = None if np.isnan(r) else frozen(distances.unit_ball(r))
        base = dict(matrix=matrix, metric=title, r=r, ball=ball)
        yield Distances(step=1, phase="matrix", message=self._matrix_message(
            dataset, matrix, metric, r, title), **base)

        n = dataset.n
        optimal = params["optimal"] and n <= OPTIMAL_MAX
        ctx.progress(0.5, f"{params['linkage']} linkage and its leaf order")
        done, tree = call_cancellable(lambda: seriation(matrix, params["linkage"], optimal),
                                      ctx.cancelled)
        if not done:
            return
        z, order = tree
        before = adjacent_mean(matrix, np.arange(n))
        after = adjacent_mean(matrix, order)
        how = ("optimal leaf ordering" if optimal else
               f"the tree's leaf order (optimal ordering only up to {OPTIMAL_MAX} points)"
               if params["optimal"] else "the tree's leaf order")
        ctx.progress(1.0, "done")
        yield Distances(step=2, phase="seriation", linkage=frozen(z),
                        linkage_name=params["linkage"], order=frozen(order.astype(np.int64)),
                        optimal=optimal, adjacent=(before, after), message=(
                            f"seriation: rows and columns in the leaf order of the "
                            f"{params['linkage']} linkage tree ({how}); neighbouring rows are "
                            f"now {after:.3g} apart on average, against {before:.3g} in data "
                            f"order"), **base)

    @staticmethod
    def _matrix_message(dataset, matrix, metric, r, title) -> str:
        n = dataset.n
        upper = matrix[np.triu_indices(n, 1)]
        text = (f"{title} distances between {n:,} points: from {upper.min():.3g} to "
                f"{upper.max():.3g}, median {np.median(upper):.3g}")
        if metric == distances.EDIT:
            text = (f"edit (Levenshtein) distances between {n:,} strings: from "
                    f"{upper.min():.0f} to {upper.max():.0f} edits, median "
                    f"{np.median(upper):g}")
        elif not np.isnan(r):
            text += f"; the unit ball ‖x‖_{_r_text(r)} = 1 drawn"
        if dataset.texts is not None and metric != distances.EDIT:
            text += ("; measured on the strings' 2-D map, not the strings: choose edit "
                     "(Levenshtein) to compare the strings")
        return text
