"""Cluster colours shared by every canvas, so cluster 3 is the same colour everywhere."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

# Readable on white and on dark grey; the first eight follow Okabe and Ito (colour-blind safe).
CLUSTER_HEX = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#FF9896", "#98DF8A", "#C5B0D5",
)
NO_LABEL_HEX = "#7A7A7A"


def cluster_colour(i: int) -> QColor:
    """Colour of cluster i; -1 (no label, noise) is grey. Colours repeat after sixteen."""
    if i < 0:
        return QColor(NO_LABEL_HEX)
    return QColor(CLUSTER_HEX[i % len(CLUSTER_HEX)])


def colour_table(k: int) -> list[QColor]:
    return [cluster_colour(i) for i in range(k)]


def rgba_table(k: int) -> np.ndarray:
    """(k, 4) uint8 colours, for image items and per-point arrays."""
    out = np.empty((max(k, 1), 4), np.uint8)
    for i in range(max(k, 1)):
        c = cluster_colour(i)
        out[i] = (c.red(), c.green(), c.blue(), 255)
    return out
