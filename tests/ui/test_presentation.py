"""The window at the projector and the desk: presentation mode (F5), themes, export, and the
window rendered at 200 % display scaling."""

import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QApplication

from main import parse_args
from tests.pixels import rgb
from tests.ui.conftest import run_and_wait
from ui.views import PartitionView, TreeView
from widgets.canvas import Canvas
from widgets.style import DARK

ROOT = Path(__file__).resolve().parents[2]


def _canvases(window) -> list[Canvas]:
    views = (window.data_view, *window.views.values())
    return [c for v in views for c in v.canvases() if isinstance(c, Canvas)]


def test_f5_toggles_presentation_and_folds_the_panels(qtbot, window):
    controls = window.presentation
    assert controls.present_action.shortcut() == QKeySequence("F5")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    font = window.data_view.scatter.font_size()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.appearance.presentation() and controls.present_action.isChecked()
    assert window.left_panel.isHidden()
    assert window.data_view.scatter.font_size() == pytest.approx(1.5 * font)
    assert window.run_bar.font().pointSizeF() > font
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert not window.appearance.presentation() and window.left_panel.isVisible()
    assert window.data_view.scatter.font_size() == font


def test_presentation_reaches_views_made_later_and_follows_the_scale(qtbot, window):
    window.presentation.set_presentation(True)
    window.method_panel.select("agglomerative")
    window.method_panel.set_values({"n_clusters": 3})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, TreeView)
    style = view.dendrogram.canvas_style()
    assert style.presentation and style.palette == "colour-blind"
    widths = view.dendrogram.line_widths()
    window.presentation.set_scale(2.5)
    assert window.presentation.scale_box.currentText() == "2.5×"
    assert all(view.dendrogram.line_widths()[k] > w for k, w in widths.items())
    assert all(c.canvas_style().font_pt == view.dendrogram.canvas_style().font_pt
               for c in _canvases(window))


def test_themes_restyle_canvases_and_widgets(qtbot, window):
    window.presentation.set_theme_mode("dark")
    assert window.appearance.theme() is DARK
    for canvas in _canvases(window):
        assert canvas.canvas_style().theme is DARK
    scatter = window.data_view.scatter
    values, counts = np.unique(rgb(scatter.render_image()), return_counts=True)
    assert f"#{values[np.argmax(counts)]:06X}" == DARK.background
    assert QApplication.palette().window().color().lightness() < 100
    window.presentation.set_theme_mode("light")
    assert QApplication.palette().window().color().lightness() > 150
    assert scatter.canvas_style().theme.name == "light"


def test_export_canvas_window_and_results(qtbot, window, tmp_path):
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 3})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, PartitionView)
    names = [name for name, _ in view.named_canvases()]
    assert names == ["Clusters", "Objective per step", "Silhouette and scores", "Elbow"]
    assert window.export.target() is view.scatter  # nothing focused: the main canvas
    view.curve.plot_widget.setFocus()
    assert window.export.target() is view.curve

    image = window.export.canvas_png(tmp_path / "c.png", view.scatter, scale=2)
    assert QImage(str(tmp_path / "c.png")).size() == view.scatter.size() * 2 == image.size()
    window.export.canvas_svg(tmp_path / "c.svg", view.curve)
    ET.parse(tmp_path / "c.svg")
    window.export.window_png(tmp_path / "w.png")
    assert QImage(str(tmp_path / "w.png")).width() >= window.width()

    paths = window.export.results_csv(tmp_path / "run.csv")
    assert [p.name for p in paths] == ["run_labels.csv", "run_centres.csv", "run_objective.csv",
                                       "run_restarts.csv", "run_elbow.csv", "run_scores.csv"]
    with paths[0].open(newline="") as f:
        rows = list(csv.reader(f))
    final = window.controller.history[len(window.controller.history) - 1]
    assert len(rows) == window.dataset.n + 1
    assert [int(r[1]) for r in rows[1:]] == final.labels.tolist()


def test_tree_results_use_the_current_cut(qtbot, window, tmp_path):
    window.method_panel.select("agglomerative")
    window.method_panel.set_values({"n_clusters": 3})
    assert run_and_wait(qtbot, window) == "done"
    window.current_view().dendrogram.cut_changed.emit(5)
    labels, linkage, *_ = window.export.results_csv(tmp_path / "tree.csv")
    with labels.open(newline="") as f:
        clusters = {r[1] for r in list(csv.reader(f))[1:]}
    assert len(clusters) == 5
    with linkage.open(newline="") as f:
        assert len(list(csv.reader(f))) == window.dataset.n  # header + n - 1 merges


def test_no_results_before_a_run(window, tmp_path):
    with pytest.raises(ValueError, match="no results"):
        window.export.results_csv(tmp_path / "none.csv")


def test_command_line_flags():
    args = parse_args(["--presentation", "--theme", "dark", "--screenshot", "x.png"])
    assert args.presentation and args.theme == "dark" and args.screenshot == "x.png"
    # no --theme: None, so that the window takes the remembered theme (else the system's)
    assert parse_args([]).theme is None and not parse_args([]).presentation


def test_window_at_200_percent_scaling(tmp_path):
    """`QT_SCALE_FACTOR=2`: the window renders at twice its logical size, without errors."""
    out = tmp_path / "scaled.png"
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "main.py", "--screenshot", str(out), "--size", "1024x640",
         "--presentation"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    noise = [line for line in done.stderr.splitlines()
             if line.strip() and "propagateSizeHints" not in line]
    assert noise == []
    image = QImage(str(out))
    assert (image.width(), image.height()) == (2048, 1280)
    assert len(np.unique(rgb(image))) > 50
