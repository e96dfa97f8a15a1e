"""Scatter redraw speed: ScatterCanvas against pyqtgraph's ScatterPlotItem with a brush per point.

Run: QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_scatter [--quick]

Each timing is one full update and repaint of a 1280x800 canvas rendered into an image with
grab(): new coordinates and labels (8 clusters), then the picture. Median over a few repeats.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from widgets.palette import cluster_colour
from widgets.points_item import auto_marker_size
from widgets.scatter import ScatterCanvas

SIZE = (1280, 800)
K = 8


def _data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, K, n)
    centres = rng.uniform(-8, 8, size=(K, 2))
    return centres[labels] + rng.normal(size=(n, 2)), labels


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm up: first paint builds caches, fonts and axes
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - t0))
    return statistics.median(times)


def _show(widget: QtWidgets.QWidget, app: QtWidgets.QApplication) -> None:
    widget.resize(*SIZE)
    widget.show()
    app.processEvents()


def bench_ours(app, xy, labels, repeats):
    canvas = ScatterCanvas()
    _show(canvas, app)
    variants = [labels, (labels + 1) % K]

    def full():
        canvas.set_points(xy, labels)
        canvas.grab()

    def recolour():
        variants.reverse()  # a different colouring each time
        canvas.set_labels(variants[0])
        canvas.grab()

    def repaint():
        canvas.grab()

    result = {
        "set_points + paint": _median_ms(full, repeats),
        "paint only": _median_ms(repaint, repeats),
        "set_labels + paint": _median_ms(recolour, repeats),
    }
    canvas.close()
    return result


def bench_pyqtgraph(app, xy, labels, repeats):
    """What a user would write: ScatterPlotItem with one brush per point from a small table."""
    widget = pg.PlotWidget(background="w")
    _show(widget, app)
    item = pg.ScatterPlotItem(pxMode=True, pen=None)
    widget.addItem(item)
    table = np.empty(K, dtype=object)
    table[:] = [pg.mkBrush(cluster_colour(i)) for i in range(K)]
    size = auto_marker_size(len(xy))

    def full():
        item.setData(x=xy[:, 0], y=xy[:, 1], brush=table[labels], size=size)
        widget.grab()

    def repaint():
        widget.grab()

    result = {
        "set_points + paint": _median_ms(full, repeats),
        "paint only": _median_ms(repaint, repeats),
    }
    widget.close()
    return result


def main(argv: list[str]) -> None:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    quick = "--quick" in argv
    print(f"canvas {SIZE[0]}x{SIZE[1]}, {K} colours, median ms (pyqtgraph {pg.__version__})")
    for n in (100_000, 1_000_000):
        xy, labels = _data(n)
        ours = bench_ours(app, xy, labels, repeats=3 if quick else 7)
        theirs = bench_pyqtgraph(app, xy, labels, repeats=1 if (quick or n > 200_000) else 3)
        print(f"\nn = {n:,}  (marker {auto_marker_size(n):.1f} px)")
        for key, ms in ours.items():
            line = f"  {key:<20} ScatterCanvas {ms:8.1f} ms"
            if key in theirs:
                ratio = theirs[key] / ms
                line += f"   ScatterPlotItem {theirs[key]:8.1f} ms   ({ratio:5.1f}x faster)"
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
