"""Data sets that are tables of distances: a CSV of distances between cities, and the built-in
European cities.

A file is read as a distance table when it is square with a header row of names (n names
over n rows of n numbers), symmetric, zero on the diagonal and nowhere negative: the names
are the points, the numbers their distances. MDS scales the matrix itself
(`Dataset.distances`); every other method gets X, the matrix's classical MDS map in two
coordinates, as a data set of strings does (engine/datasets/texts.py).
"""

from __future__ import annotations

import numpy as np

from engine.data import Dataset
from engine.datasets.texts import classical_mds

TOLERANCE = 1e-6  # of the largest distance: how far from symmetric a table may be

# Latitude and longitude (degrees) of European capitals, and a region for the colours.
CITIES = (
    ("London", 51.507, -0.128, 0), ("Paris", 48.857, 2.352, 0), ("Dublin", 53.350, -6.260, 0),
    ("Amsterdam", 52.370, 4.895, 0), ("Brussels", 50.850, 4.352, 0),
    ("Oslo", 59.914, 10.752, 1), ("Stockholm", 59.329, 18.069, 1),
    ("Copenhagen", 55.676, 12.568, 1), ("Helsinki", 60.170, 24.938, 1),
    ("Berlin", 52.520, 13.405, 2), ("Prague", 50.076, 14.438, 2), ("Vienna", 48.208, 16.373, 2),
    ("Warsaw", 52.230, 21.012, 2), ("Budapest", 47.498, 19.040, 2),
    ("Madrid", 40.417, -3.704, 3), ("Lisbon", 38.722, -9.139, 3), ("Rome", 41.903, 12.496, 3),
    ("Athens", 37.984, 23.728, 3),
)
REGIONS = ("west", "north", "centre and east", "south")
EARTH_RADIUS_KM = 6371.0


def square_and_named(X: np.ndarray, names: tuple[str, ...]) -> bool:
    """Shaped like a distance table: n named columns over n rows, n ≥ 3."""
    n = X.shape[0]
    return n >= 3 and X.shape == (n, n) and len(names) == n


def not_distances(X: np.ndarray) -> str:
    """Why a square table is not a distance matrix, naming the first cell at fault ("" if
    it is one: symmetric, zero on the diagonal, nowhere negative)."""
    X = np.asarray(X, dtype=np.float64)
    negative = np.argwhere(X < 0)
    if negative.size:
        i, j = negative[0]
        return f"row {i + 1}, column {j + 1} is negative ({X[i, j]:g})"
    diagonal = np.flatnonzero(np.diag(X) != 0)
    if diagonal.size:
        i = diagonal[0]
        return f"the diagonal is not zero (row {i + 1}: {X[i, i]:g})"
    scale = max(float(np.abs(X).max()), 1e-300)
    uneven = np.argwhere(np.abs(X - X.T) > TOLERANCE * scale)
    if uneven.size:
        i, j = uneven[0]
        return (f"it is not symmetric (row {i + 1}, column {j + 1}: {X[i, j]:g}, but row "
                f"{j + 1}, column {i + 1}: {X[j, i]:g})")
    return ""


def distance_dataset(d: np.ndarray, names, name: str, source: str, description: str,
                     y=None, target_names=None, options: dict | None = None) -> Dataset:
    """A data set of a distance matrix: `distances` the matrix (made exactly symmetric), X
    its classical MDS map."""
    d = np.asarray(d, dtype=np.float64)
    d = 0.5 * (d + d.T)
    X = classical_mds(d, 2)[0]
    return Dataset(name=name, X=X, y=y, feature_names=("MDS 1", "MDS 2"),
                   target_names=target_names, source=source,
                   description=f"{description} Points: {', '.join(names)}.",
                   options=dict(options or {}), distances=d, point_names=tuple(names))


def great_circle(lat: np.ndarray, lon: np.ndarray, radius: float = EARTH_RADIUS_KM
                 ) -> np.ndarray:
    """The great-circle (haversine) distance between every pair of places, in km."""
    phi, lam = np.radians(lat), np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    return 2.0 * radius * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def load_cities() -> Dataset:
    """18 European capitals by their great-circle distances, rounded to the km."""
    names = [c[0] for c in CITIES]
    lat = np.array([c[1] for c in CITIES])
    lon = np.array([c[2] for c in CITIES])
    d = np.round(great_circle(lat, lon))
    return distance_dataset(d, names, "European cities", "built-in",
                            "Great-circle distances in km between 18 European capitals: a "
                            "table of distances with no coordinates, for MDS to draw the map "
                            "(north may come out anywhere; MDS knows only distances).",
                            y=np.array([c[3] for c in CITIES]), target_names=REGIONS)
