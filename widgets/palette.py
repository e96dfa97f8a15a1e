"""Cluster colours shared by every canvas, so cluster 3 is the same colour everywhere.

A canvas takes its palette from its Style (widgets/style.py): the normal one, or for a
projector a colour-blind-safe one ordered by contrast with the background.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

# Readable on white and on dark grey; the first eight follow Okabe and Ito (colour-blind safe).
CLUSTER_HEX = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#FF9896", "#98DF8A", "#C5B0D5",
)
NO_LABEL_HEX = "#7A7A7A"

# Okabe and Ito's eight colours, ordered so that the first clusters (the ones a lesson uses)
# get the colours that stand out most from the background; neighbours differ in hue.
OKABE_ITO_ON_LIGHT = (
    "#0072B2", "#D55E00", "#009E73", "#000000", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
)
OKABE_ITO_ON_DARK = (
    "#56B4E9", "#E69F00", "#F0E442", "#CC79A7", "#FFFFFF", "#D55E00", "#009E73", "#0072B2",
)
PALETTES = ("normal", "colour-blind")


def palette_hex(name: str = "normal", dark: bool = False) -> tuple[str, ...]:
    """The cluster colours of a named palette, for a light or a dark background.

    Past the eighth cluster no palette stays colour-blind safe; both go on with the same
    eight further colours. On dark both are Okabe and Ito's, the brightest first, and black
    (invisible there) becomes near-white.
    """
    if name == "normal" and not dark:
        base = CLUSTER_HEX
    elif name == "colour-blind" and not dark:
        base = OKABE_ITO_ON_LIGHT + CLUSTER_HEX[8:]
    elif name in PALETTES:  # on dark, the normal palette's dark blue first would be dim
        base = OKABE_ITO_ON_DARK + CLUSTER_HEX[8:]
    else:
        raise ValueError(f"no palette {name!r}; there are {', '.join(PALETTES)}")
    if dark:
        base = tuple("#E8E8E8" if h == "#000000" else h for h in base)
    return base


def cluster_colour(i: int, palette: tuple[str, ...] = CLUSTER_HEX) -> QColor:
    """Colour of cluster i; -1 (no label, noise) is grey. Colours repeat after the palette."""
    if i < 0:
        return QColor(NO_LABEL_HEX)
    return QColor(palette[i % len(palette)])


def colour_table(k: int, palette: tuple[str, ...] = CLUSTER_HEX) -> list[QColor]:
    return [cluster_colour(i, palette) for i in range(k)]


def rgba_table(k: int, palette: tuple[str, ...] = CLUSTER_HEX) -> np.ndarray:
    """(k, 4) uint8 colours, for image items and per-point arrays."""
    out = np.empty((max(k, 1), 4), np.uint8)
    for i in range(max(k, 1)):
        c = cluster_colour(i, palette)
        out[i] = (c.red(), c.green(), c.blue(), 255)
    return out
