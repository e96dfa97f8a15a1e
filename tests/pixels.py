"""Reading what a widget really drew: its rendering as 0xRRGGBB pixels."""

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget


def rgb(image: QImage) -> np.ndarray:
    """(h, w) array of 0xRRGGBB values of the image."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1)
    return rows[:, : image.width()] & 0xFFFFFF


def widget_rgb(widget: QWidget) -> np.ndarray:
    return rgb(widget.grab().toImage())


def colours_in(widget: QWidget) -> set[str]:
    """The '#rrggbb' colours a rendering of the widget holds."""
    return {f"#{v:06x}" for v in np.unique(widget_rgb(widget))}


def distinct_colours(widget: QWidget, step: int = 7) -> int:
    """How many distinct colours a rendering holds (a blank one has one or two)."""
    return len(np.unique(widget_rgb(widget).ravel()[::step]))


def pixels_like(widget: QWidget, hex_colour: str, tol: int = 40) -> int:
    """How many pixels are within `tol` (summed over R, G, B) of the colour."""
    values = widget_rgb(widget)
    channels = np.stack([(values >> shift) & 0xFF for shift in (16, 8, 0)], axis=-1)
    want = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int(np.sum(np.abs(channels - want).sum(axis=-1) < tol))
