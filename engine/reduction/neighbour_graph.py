"""The k-nearest-neighbour graph that Isomap and LLE build, and its short circuits.

A **short circuit** is an edge that jumps across a fold of the manifold: its two ends are
near in space but far apart along the manifold, so geodesic distances (Isomap) or local
patches (LLE) go through it and the unrolling fails. An edge is flagged when the way round
along the manifold is more than `RATIO` times its straight length:

- on the generated swiss roll and S-curve, the way round is the distance in the sheet's own
  coordinates (arc length along the roll, and the height), read from the generator: its
  noiseless points when the data set is the generated one, else the points themselves;
- on any other data, the way round is the shortest path between the ends in a sparser
  graph, the k₀ = max(6, k // 3) nearest neighbours, more than `GRAPH_RATIO` times the
  edge: an edge of the k graph that the k₀ graph can only go a long way round is a jump
  (ends that the k₀ graph does not join at all are not flagged: it cannot tell; and for
  k ≤ 6 nothing is).
"""

from __future__ import annotations

import numpy as np

RATIO = 2.0  # along the sheet
GRAPH_RATIO = 3.0  # round the sparser graph (which itself detours a little)
MIN_K0 = 6  # sparser graphs than this have holes that look like detours
CHUNK = 256  # shortest paths from this many sources at a time (memory: CHUNK × n)


def knn_graph(X: np.ndarray, k: int):
    """Each point joined to its k nearest others, weighted by distance (a sparse matrix,
    directed as scikit-learn's `kneighbors_graph` makes it: Isomap's graph)."""
    from sklearn.neighbors import kneighbors_graph

    return kneighbors_graph(np.asarray(X, dtype=np.float64), k, mode="distance")


def edge_list(graph) -> tuple[np.ndarray, np.ndarray]:
    """The undirected edges (e, 2), i < j, and their lengths."""
    from scipy import sparse

    g = sparse.triu(graph.maximum(graph.T), k=1).tocoo()
    order = np.lexsort((g.col, g.row))
    edges = np.column_stack([g.row[order], g.col[order]]).astype(np.int64)
    return edges, np.asarray(g.data[order], dtype=np.float64)


def pieces(graph) -> int:
    """How many connected pieces the graph has (edges taken both ways)."""
    from scipy.sparse.csgraph import connected_components

    return int(connected_components(graph, directed=False)[0])


# ---------------------------------------------------------------- the sheet's coordinates


def _unroll_swiss(X: np.ndarray) -> np.ndarray:
    """(arc length along the spiral, height): x = t cos t, z = t sin t, so t = √(x² + z²),
    and the spiral's arc length from 0 is ½(t√(1 + t²) + asinh t)."""
    t = np.hypot(X[:, 0], X[:, 2])
    return np.column_stack([0.5 * (t * np.sqrt(1.0 + t * t) + np.arcsinh(t)), X[:, 1]])


def _unroll_s(X: np.ndarray) -> np.ndarray:
    """(t, height): x = sin t, z = sign(t)(cos t − 1) is a unit-speed curve, so t itself is
    the arc length; t > 0 where z < 0."""
    sign = np.where(X[:, 2] > 0, -1.0, 1.0)
    a = np.arctan2(sign * X[:, 0], 1.0 - np.abs(X[:, 2]))
    a = np.where(a < -np.pi / 2, a + 2 * np.pi, a)
    return np.column_stack([sign * a, X[:, 1]])


_SHEETS = {"swiss_roll": ("Swiss roll", _unroll_swiss), "s_curve": ("S-curve", _unroll_s)}


def sheet_coordinates(dataset) -> np.ndarray | None:
    """The points in the generated sheet's own flat coordinates (None for other data)."""
    from engine.datasets.generators import GENERATORS

    for key, (title, unroll) in _SHEETS.items():
        if dataset.name.startswith(title) and dataset.d == 3:
            X = dataset.X
            options = dict(dataset.options)
            if dataset.source == "generated" and "seed" in options:
                options["noise"] = 0.0
                X = GENERATORS[key].make(**options)[0]
            return unroll(X)
    return None


# ---------------------------------------------------------------- short circuits


def short_circuits(X: np.ndarray, edges: np.ndarray, lengths: np.ndarray, k: int,
                   sheet: np.ndarray | None = None, cancelled=None) -> np.ndarray | None:
    """Which edges are short circuits (bool per edge; None if `cancelled()` turned true)."""
    if len(edges) == 0:
        return np.zeros(0, bool)
    if sheet is not None:
        way = np.linalg.norm(sheet[edges[:, 0]] - sheet[edges[:, 1]], axis=1)
        return way > RATIO * lengths
    k0 = max(MIN_K0, k // 3)
    if k0 >= k:
        return np.zeros(len(edges), bool)
    return _graph_detours(knn_graph(X, k0), edges, lengths, GRAPH_RATIO, cancelled)


def _graph_detours(reference, edges, lengths, ratio, cancelled):
    """Edges whose ends are more than ratio × length apart in the reference graph."""
    from scipy.sparse.csgraph import connected_components, dijkstra

    piece = connected_components(reference, directed=False)[1]
    joined = piece[edges[:, 0]] == piece[edges[:, 1]]  # past `limit`, a joined way is inf
    flagged = np.zeros(len(edges), bool)
    limit = 1.01 * ratio * float(lengths.max())
    sources = np.unique(edges[:, 0])
    for start in range(0, len(sources), CHUNK):
        if cancelled is not None and cancelled():
            return None
        chunk = sources[start:start + CHUNK]
        ways = dijkstra(reference, directed=False, indices=chunk, limit=limit)
        rows = np.searchsorted(chunk, edges[:, 0])
        mine = (rows < len(chunk)) & (chunk[np.minimum(rows, len(chunk) - 1)] == edges[:, 0])
        way = ways[rows[mine], edges[mine, 1]]
        flagged[mine] = way > ratio * lengths[mine]
    return flagged & joined


def describe(edges: np.ndarray, flagged: np.ndarray, k: int, sheet: bool) -> str:
    """The graph in words, for the snapshot's message."""
    n_flag = int(np.count_nonzero(flagged))
    how, ratio = ("along the sheet", RATIO) if sheet else ("round a sparser graph", GRAPH_RATIO)
    text = f"{k}-nearest-neighbour graph: {len(edges):,} edges"
    if n_flag:
        return (f"{text}, {n_flag:,} short circuit{'s' * (n_flag != 1)} (highlighted: ends "
                f"more than {ratio:g}× their length apart {how}); a smaller k avoids them")
    return f"{text}, no short circuit (no edge's ends are {ratio:g}× farther apart {how})"
