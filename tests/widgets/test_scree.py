"""ScreeCanvas: one bar per component (at most 100), choosing q by clicking or dragging."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.pixels import pixels_like
from widgets.scree import KEPT_HEX, ScreeCanvas


def _spectrum(m):
    r = 0.7 ** np.arange(m)
    return r / r.sum()




@pytest.fixture
def scree(qtbot):
    s = ScreeCanvas()
    qtbot.addWidget(s)
    s.resize(500, 350)
    return s


def _kept_bars(scree):
    kept = scree.highlighted()
    assert np.all(kept[: kept.sum()])  # always the first q
    return int(kept.sum())


@pytest.mark.parametrize(("m", "bars"), [(1, 1), (12, 12), (100, 100), (250, 100)])
def test_one_bar_per_component_up_to_a_hundred(scree, m, bars):
    scree.set_spectrum(_spectrum(m))
    assert scree.bar_count() == bars
    np.testing.assert_allclose(scree.bar_heights(), 100 * _spectrum(m)[:bars])
    np.testing.assert_allclose(scree._bars.opts["height"], scree.bar_heights())
    np.testing.assert_allclose(scree.cumulative(), 100 * np.cumsum(_spectrum(m))[:bars])


def test_set_selected_highlights_without_emitting(scree, qtbot):
    scree.set_spectrum(_spectrum(10))
    with qtbot.assertNotEmitted(scree.components_chosen):
        scree.set_selected(4)
    assert scree.selected() == 4
    assert _kept_bars(scree) == 4
    assert scree.marker().value() == 4
    scree.set_spectrum(_spectrum(3))  # fewer components than chosen: q shrinks
    assert scree.selected() == 3


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_clicking_a_bar_chooses_q(scree, qtbot):
    scree.set_spectrum(_spectrum(10))
    scree.show()
    qtbot.waitExposed(scree)
    plot = scree.plot_widget()
    box = plot.getPlotItem().getViewBox()
    where = plot.mapFromScene(box.mapViewToScene(QPointF(6.1, 5.0)))
    with qtbot.waitSignal(scree.components_chosen, timeout=1000) as blocker:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert blocker.args == [6]
    assert scree.selected() == 6
    assert _kept_bars(scree) == 6


def test_dragging_the_marker_chooses_q(scree, qtbot):
    scree.set_spectrum(_spectrum(10))
    scree.set_selected(2)
    with qtbot.waitSignal(scree.components_chosen, timeout=1000) as blocker:
        scree.marker().setValue(7.3)
    assert blocker.args == [7]
    assert _kept_bars(scree) == 7


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_grab_shows_bars_and_clear_removes_them(scree, qtbot):
    scree.set_spectrum(_spectrum(8))
    scree.set_selected(3)
    scree.show()
    qtbot.waitExposed(scree)
    drawn = pixels_like(scree, KEPT_HEX)
    assert drawn > 1000
    scree.clear()
    assert scree.bar_count() == 0 and scree.selected() == 0
    assert pixels_like(scree, KEPT_HEX) < drawn / 5  # the legend's swatch stays


def test_a_new_spectrum_does_not_count_as_a_choice(qtbot):
    scree = ScreeCanvas()
    qtbot.addWidget(scree)
    chosen = []
    scree.components_chosen.connect(chosen.append)
    scree.set_spectrum(np.array([0.5, 0.2, 0.1, 0.1, 0.1]))
    scree.set_selected(2)
    assert chosen == [] and scree.selected() == 2


def test_component_axis_ticks_only_whole_numbers(scree):
    scree.set_spectrum(_spectrum(3))
    axis = scree.plot_widget().getPlotItem().getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(0.4, 3.6, 400) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)
