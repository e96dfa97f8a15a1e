"""The image grid: one mosaic, cells read back as given, gaps a middle grey."""

import numpy as np
import pytest

from widgets.image_grid import ImageGridCanvas

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_cells_come_back_and_the_gaps_are_middle_grey(qtbot):
    grid = ImageGridCanvas()
    qtbot.addWidget(grid)
    cells = np.random.default_rng(0).integers(0, 2, (2, 3, 8, 8)).astype(float)
    grid.set_images(cells, levels=(0.0, 1.0))
    np.testing.assert_array_equal(grid.images(), cells)
    mosaic = np.asarray(grid.item.image)
    gap = mosaic[8, :]  # the row between the two rows of cells
    np.testing.assert_array_equal(gap, 0.5)  # neither white ink nor black ground runs on
