"""pyqtgraph's global look, set once before any canvas is built (canvases read it then)."""

import pyqtgraph as pg

LIGHT = {"background": "w", "foreground": "#202020", "antialias": True}


def apply_light() -> None:
    pg.setConfigOptions(**LIGHT)
