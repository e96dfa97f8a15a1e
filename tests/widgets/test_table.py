"""The table canvas: a title over rows of measures."""

import pytest

from widgets.judgement import JudgementCanvas
from widgets.table import TableCanvas

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def table(qtbot):
    w = TableCanvas()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_cells_are_shown_with_three_decimals(table):
    assert table.set_table("Quality", ["measure", "value"], [["trustworthiness", 0.98765]])
    assert table.title() == "Quality" and table.shape() == (1, 2)
    assert table.cell(0, 1) == "0.988"


def test_the_same_table_again_is_left_alone(table):
    """Views set their tables at every step; the same one again must not repaint."""
    rows = [["trustworthiness", 0.9], ["continuity", 0.8]]
    assert table.set_table("Quality", ["measure", "value"], rows)
    item = table._table.item(0, 0)
    assert not table.set_table("Quality", ("measure", "value"), [list(r) for r in rows])
    assert table._table.item(0, 0) is item  # not rebuilt
    assert table.set_table("Quality", ["measure", "value"], [["trustworthiness", 0.95]])
    assert table.shape() == (1, 2) and table.cell(0, 1) == "0.950"
    table.clear("waiting")
    assert table.title() == "waiting" and table.shape() == (0, 0)


def test_a_judgement_shown_again_keeps_its_spanning_notes(qtbot):
    from engine.generative.judging import Judgement

    canvas = JudgementCanvas()
    qtbot.addWidget(canvas)
    judgement = Judgement(fid=30.0, inception=7.5, parzen=-120.0, real_fid=2.0,
                          real_inception=9.5, classifier_accuracy=0.97, n_samples=500)
    for _ in range(2):  # set at every step of a run
        canvas.set_judgement(judgement)
        assert canvas.shape() == (6, 3)
        assert canvas._table.columnSpan(1, 0) == 3  # "misses: …" across the row
        assert canvas._table.columnSpan(0, 0) == 1
    canvas.set_judgement(None)
    assert canvas.shape() == (0, 0) and canvas._table.columnSpan(1, 0) == 1
