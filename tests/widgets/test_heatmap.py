"""The heatmap: block means for big matrices, orders, the colour bar, ticks of selected rows."""

import numpy as np
import pytest
from scipy import sparse

from tests.pixels import pixels_like
from widgets.heatmap import HeatmapCanvas, block_means
from widgets.style import DARK, Style


@pytest.fixture
def heatmap(qtbot):
    canvas = HeatmapCanvas(max_pixels=50)
    qtbot.addWidget(canvas)
    canvas.resize(400, 320)
    canvas.show()
    return canvas


def test_block_means_average_each_block_in_the_order_given():
    rng = np.random.default_rng(0)
    a = rng.random((10, 10))
    order = rng.permutation(10)
    out = block_means(a, order, order, 3, 3)  # blocks of 3, 3, 3 and 1 points
    ordered = a[np.ix_(order, order)]
    assert out.shape == (4, 4)
    assert out[0, 0] == pytest.approx(ordered[:3, :3].mean())
    assert out[3, 1] == pytest.approx(ordered[9:, 3:6].mean())
    np.testing.assert_allclose(block_means(sparse.csr_matrix(a), order, order, 3, 3), out)
    np.testing.assert_array_equal(block_means(a, order, order, 1, 1), ordered)


def test_a_big_matrix_is_drawn_as_block_means_in_point_units(heatmap):
    a = np.kron(np.eye(2), np.ones((60, 60)))  # two blocks of 60 points
    heatmap.set_matrix(a)
    assert heatmap.blocks() == (3, 3)
    image = heatmap.image()
    assert image.shape == (40, 40) and image[0, 0] == 1.0 and image[0, 39] == 0.0
    assert heatmap.levels() == (0.0, 1.0)
    assert heatmap.rows_at(5.5).tolist() == [3, 4, 5]


def test_order_offset_and_group_lines(heatmap):
    labels = np.array([1, 0, 1, 0, 1, 0])
    a = (labels[:, None] == labels[None, :]).astype(float)
    order = np.argsort(labels, kind="stable")
    heatmap.set_matrix(a, order, offset=0.5, groups=labels)
    image = heatmap.image()
    np.testing.assert_array_equal(image[:3, :3], 1.5)
    np.testing.assert_array_equal(image[:3, 3:], 0.5)
    assert heatmap.row_order().tolist() == [1, 3, 5, 0, 2, 4]
    assert heatmap.boundaries().tolist() == [3.0]


def test_selected_rows_get_ticks_at_their_positions_and_a_click_selects(heatmap, qtbot):
    a = np.eye(6)
    heatmap.set_matrix(a, np.array([5, 4, 3, 2, 1, 0]))
    heatmap.set_highlight([0, 2])
    assert heatmap.highlighted().tolist() == [0, 2]
    assert heatmap.tick_positions().tolist() == [3, 5]
    accent = heatmap.canvas_style().theme.accent
    assert pixels_like(heatmap, accent, tol=60) > 0
    heatmap.set_highlight([])
    assert pixels_like(heatmap, accent, tol=60) == 0
    assert heatmap.rows_at(0.2).tolist() == [5]


def test_colours_follow_the_theme_and_export(heatmap, tmp_path):
    heatmap.set_matrix(np.arange(16.0).reshape(4, 4))
    light_low = heatmap.colour_at(0.0).name()
    heatmap.apply_style(Style(theme=DARK))
    assert light_low == "#ffffff" and heatmap.colour_at(0.0).name() == DARK.background.lower()
    assert heatmap.colour_at(15.0).name() != heatmap.colour_at(0.0).name()
    image = heatmap.export_png(str(tmp_path / "h.png"))
    assert image.width() > 100 and (tmp_path / "h.png").stat().st_size > 1000
    heatmap.export_svg(str(tmp_path / "h.svg"))
    assert "<svg" in (tmp_path / "h.svg").read_text()
