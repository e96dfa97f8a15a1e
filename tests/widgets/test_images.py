"""ImageStrip: what is drawn is what was given, in a grid, with items reused."""

import numpy as np
import pytest
from PySide6.QtGui import QImage

from widgets.images import ImageStrip


@pytest.fixture
def strip(qtbot):
    s = ImageStrip()
    qtbot.addWidget(s)
    s.resize(500, 200)
    return s


def _stack(m, h=6, w=5, seed=0):
    return np.random.default_rng(seed).random((m, h, w))


def test_images_drawn_equal_the_input(strip):
    images = _stack(7)
    strip.set_images(images, titles=[f"c{i}" for i in range(7)], rows=2)
    assert strip.image_count() == 7
    for i in range(7):
        np.testing.assert_array_equal(strip.image(i), images[i])
    assert strip.title(3) == "c3"
    with pytest.raises(IndexError):
        strip.image(7)


def test_grid_places_rows_top_down(strip):
    strip.set_images(_stack(6), rows=2)
    rects = [strip._items[i].mapRectToParent(strip._items[i].boundingRect()) for i in range(6)]
    assert rects[0].top() == rects[2].top() < rects[3].top()  # 3 columns, second row lower
    assert rects[0].left() < rects[1].left() < rects[2].left()
    assert rects[3].left() == rects[0].left()
    assert rects[0].width() == pytest.approx(5) and rects[0].height() == pytest.approx(6)


def test_items_are_reused_and_extras_hidden(strip):
    strip.set_images(_stack(8))
    first = list(strip._items)
    strip.set_images(_stack(3, seed=1), levels=(0.0, 1.0))
    assert strip._items[:3] == first[:3]
    assert strip.image_count() == 3
    assert not any(item.isVisible() for item in strip._items[3:])
    assert strip._items[0].levels.tolist() == [0.0, 1.0]


def test_bad_input_is_refused(strip):
    with pytest.raises(ValueError, match="shape"):
        strip.set_images(np.zeros((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="titles"):
        strip.set_images(np.zeros((2, 3, 4)), titles=["one"])


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_grab_is_not_blank(strip, qtbot):
    gradient = np.tile(np.linspace(0, 1, 16), (16, 1))
    strip.set_images(np.stack([gradient, gradient.T]), titles=["x", "y"])
    strip.show()
    qtbot.waitExposed(strip)
    image = strip.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    grey = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    assert len(np.unique(grey[:, : image.width()])) > 10  # a ramp of greys, not one colour
    strip.clear()
    assert strip.image_count() == 0


def test_row_titles_clear_the_images_of_a_wide_shallow_strip(qtbot):
    strip = ImageStrip()
    qtbot.addWidget(strip)
    strip.resize(500, 130)
    strip.show()
    qtbot.waitExposed(strip)
    images = np.random.default_rng(0).random((20, 8, 8))
    titles = ["data"] + [""] * 9 + ["W H"] + [""] * 9
    strip.set_images(images, titles, rows=2)
    box = strip._box
    title = strip._titles[10]
    text = title.mapRectToItem(box.childGroup, title.boundingRect())
    above = strip._items[0].mapRectToItem(box.childGroup, strip._items[0].boundingRect())
    assert text.top() >= above.bottom() - 1e-6  # invertY: the row above ends where it starts
