"""What every canvas shares: export to PNG, SVG and the clipboard; presentation style and
themes, read back from what each canvas draws."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage
from scipy.cluster.hierarchy import linkage

from tests.pixels import rgb
from widgets.canvas import Canvas
from widgets.curves import CurveCanvas
from widgets.dendrogram import HEIGHT_LABEL, DendrogramCanvas
from widgets.images import ImageStrip
from widgets.latent import LatentCanvas
from widgets.palette import OKABE_ITO_ON_LIGHT, palette_hex
from widgets.scatter import ScatterCanvas
from widgets.scree import ScreeCanvas
from widgets.style import DARK, LIGHT, Style

RNG = np.random.default_rng(0)
XY = RNG.normal(size=(60, 2))
LABELS = np.arange(60) % 3
DRAWING = {"path", "polyline", "polygon", "line", "rect", "circle", "ellipse", "image", "text"}


def _scatter():
    c = ScatterCanvas()
    c.set_points(XY, LABELS)
    c.set_centres(XY[:3], np.stack([XY[:3], XY[3:6]]))
    c.set_segments(np.array([[[-1.0, -1.0], [1.0, 1.0]]]))
    c.set_axis_labels("feature one", "feature two")
    return c


def _curves():
    c = CurveCanvas()
    c.set_curves({"J": np.linspace(5, 1, 8), "other": np.linspace(1, 2, 8)})
    c.set_labels("step", "objective")
    c.set_cursor(3)
    return c


def _dendrogram():
    c = DendrogramCanvas()
    z = linkage(XY[:20], "average")
    c.set_tree(z, len(z), 3)
    return c


def _scree():
    c = ScreeCanvas()
    c.set_spectrum(np.array([0.5, 0.3, 0.1, 0.06, 0.04]))
    c.set_selected(2)
    return c


def _images():
    c = ImageStrip()
    c.set_images(RNG.random((6, 4, 5)), titles=[f"c{i}" for i in range(6)], rows=2)
    return c


def _latent():
    c = LatentCanvas()
    basis = RNG.normal(size=(2, 20))
    c.set_model(XY, LABELS, lambda z: np.atleast_2d(z) @ basis, (4, 5))
    c.set_interpolation(0, 5)
    return c


CANVASES = {"scatter": _scatter, "curves": _curves, "dendrogram": _dendrogram,
            "scree": _scree, "images": _images, "latent": _latent}


@pytest.fixture(params=list(CANVASES))
def canvas(request, qtbot) -> Canvas:
    c = CANVASES[request.param]()
    qtbot.addWidget(c)
    c.resize(420, 300)
    c.show()
    qtbot.waitExposed(c)
    return c


def _distinct(image: QImage) -> int:
    return len(np.unique(rgb(image)))


def test_png_has_the_requested_size_and_is_drawn(canvas, tmp_path):
    canvas.export_png(tmp_path / "x2.png", scale=2)
    image = QImage(str(tmp_path / "x2.png"))
    assert (image.width(), image.height()) == (840, 600)
    assert _distinct(image) > 8
    canvas.export_png(tmp_path / "w.png", width=1000)
    image = QImage(str(tmp_path / "w.png"))
    assert (image.width(), image.height()) == (1000, round(300 * 1000 / 420))
    with pytest.raises(ValueError):
        canvas.export_png(tmp_path / "bad.png", scale=2, width=100)


def test_svg_parses_and_draws(canvas, tmp_path):
    canvas.export_svg(tmp_path / "c.svg")
    root = ET.parse(tmp_path / "c.svg").getroot()
    tags = [el.tag.rsplit("}", 1)[-1] for el in root.iter()]
    assert sum(t in DRAWING for t in tags) > 5
    assert root.get("viewBox") == "0 0 420 300"


def test_dendrogram_export_keeps_its_distance_axis(qtbot, tmp_path):
    canvas = _dendrogram()
    qtbot.addWidget(canvas)
    canvas.resize(500, 300)
    canvas.show()
    canvas.export_svg(tmp_path / "d.svg")
    texts = [el.text or "" for el in ET.parse(tmp_path / "d.svg").getroot().iter()
             if el.tag.endswith("text")]
    assert any(HEIGHT_LABEL in t for t in texts)
    assert sum(t.strip().replace(".", "").isdigit() for t in texts) >= 3  # tick values
    image = canvas.export_png(tmp_path / "d.png", scale=2)
    left = rgb(image)[:, :60]  # the axis band: label and tick values drawn in dark ink
    assert np.sum(left < 0x606060) > 200


def test_presentation_raises_fonts_line_widths_and_markers(canvas):
    font, widths = canvas.font_size(), canvas.line_widths()
    canvas.apply_style(Style.projector(LIGHT, scale=2.0))
    assert canvas.canvas_style().presentation
    assert canvas.font_size() >= 1.9 * font > 0
    after = canvas.line_widths()
    assert set(after) == set(widths)
    for kind, width in widths.items():
        assert after[kind] > width, kind
    if not isinstance(canvas, ImageStrip):
        assert widths, "a canvas with plots reads back its lines"
    canvas.apply_style(Style())
    assert canvas.font_size() == font and canvas.line_widths() == widths


def test_lines_are_as_thick_at_any_export_scale(qtbot):
    """Pens count device pixels: at 2x a line needs twice as many, or it looks half as thick
    (as on a 200 % screen, where the canvas restyles for the screen's ratio the same way)."""
    curve = CurveCanvas()
    qtbot.addWidget(curve)
    curve.resize(400, 300)
    curve.set_curves({"J": np.full(10, 5.0)})  # one flat line across the plot
    colour = curve.curve_colour("J")
    thickness = []
    for scale in (1, 2):
        image = rgb(curve.render_image(scale))
        column = image[:, image.shape[1] // 2].astype(np.int64)
        channels = np.stack([(column >> 16) & 255, (column >> 8) & 255, column & 255], axis=1)
        target = np.array([colour.red(), colour.green(), colour.blue()])
        thickness.append(int(np.sum(np.abs(channels - target).max(axis=1) < 60)))
    assert thickness[0] >= 1 and thickness[1] >= 2 * thickness[0] - 1
    assert curve.canvas_style().pixel_ratio == curve.devicePixelRatioF()  # back to the screen's


def test_markers_grow_and_points_take_the_palette(qtbot):
    canvas = _scatter()
    qtbot.addWidget(canvas)
    size = canvas.marker_size()
    canvas.apply_style(Style.projector(LIGHT, scale=2.0))
    assert canvas.marker_size() == 2 * size
    assert [p.size() for p in canvas.centres_item.points()] == [32.0] * 3
    brushes = [p.brush().color().name().upper() for p in canvas.centres_item.points()]
    assert brushes == list(OKABE_ITO_ON_LIGHT[:3])
    assert canvas.points.palette() == palette_hex("colour-blind")


@pytest.mark.parametrize("n", [300, 60_000])  # drawn as points, and as an image
def test_palette_change_recolours_cached_points(qtbot, n):
    canvas = ScatterCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(300, 200)
    canvas.show()
    qtbot.waitExposed(canvas)
    rng = np.random.default_rng(1)
    canvas.set_points(rng.normal(size=(n, 2)), rng.integers(0, 3, n))
    vermillion = int(OKABE_ITO_ON_LIGHT[1][1:], 16)
    assert not np.any(rgb(canvas.render_image()) == vermillion)
    canvas.apply_style(Style.projector(LIGHT))
    assert np.sum(rgb(canvas.render_image()) == vermillion) > 20


def test_theme_changes_the_background(canvas):
    def background() -> int:
        values, counts = np.unique(rgb(canvas.graphics_views()[0].grab().toImage()),
                                   return_counts=True)
        return int(values[np.argmax(counts)])

    assert background() == 0xFFFFFF
    canvas.apply_style(Style.desk(DARK))
    assert background() == int(DARK.background[1:], 16)
    assert canvas.render_image().pixelColor(0, 0).name().upper() != "#FFFFFF"


def test_copy_puts_the_picture_on_the_clipboard(qtbot):
    canvas = _curves()
    qtbot.addWidget(canvas)
    canvas.resize(300, 200)
    image = canvas.copy_to_clipboard(scale=2)
    copied = QGuiApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (image.width(), image.height()) == (600, 400)


def test_a_long_title_wraps_to_its_cell_and_unwraps_when_it_widens(qtbot):
    c = _scatter()
    qtbot.addWidget(c)
    c.resize(420, 400)
    c.show()
    qtbot.waitExposed(c)
    c.set_title("LDA, discriminant axis and the widest direction orthogonal to it: exact "
                "boundaries; shared covariance, 1σ and 2σ")
    qtbot.wait(10)
    item = c.plot_item
    text = item.titleLabel.item
    # none of it past the edges of its cell, above the view box (the axes beside are not its)
    assert 0 < text.boundingRect().width() <= item.titleLabel.width()
    assert item.titleLabel.width() < item.width()
    # and centred in it: a text wrapped after it was placed kept its one line's place
    label = item.titleLabel
    centre = text.mapToScene(text.boundingRect().center()).x()
    assert abs(centre - label.mapToScene(label.rect().center()).x()) < 2
    wrapped = text.boundingRect().height()
    c.resize(1600, 400)
    qtbot.waitUntil(lambda: text.textWidth() < 0)  # wide enough: one line again
    assert text.boundingRect().height() < wrapped
