"""The embedding view: the points where the snapshot puts them, the graph on the data with its
short circuits apart, the objective with its marks, and the quality table; and their CSV."""

import numpy as np
import pytest

from engine import datasets
from engine.export import snapshot_tables
from engine.protocol import Embedding
from engine.reduction.quality import measure
from ui.view_types import VIEWS
from ui.views import DataFrame2D
from ui.views_embedding import QUALITY_WAIT, EmbeddingView

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def case(qtbot):
    data = datasets.load("blobs", n_samples=40, seed=1)
    view = VIEWS[Embedding]()
    qtbot.addWidget(view)
    view.set_frame(DataFrame2D(data, data.X[:, :2], ("x1", "x2"), lambda a: a[:, :2], True))
    return data, view


def _snap(data, last=False, **kw):
    coords = np.c_[data.X[:, 1], -data.X[:, 0]]
    return Embedding(step=3, message="", coords=coords, objective_name="stress",
                     trace=np.array([5.0, 2.0, 1.5]), trace_at=np.array([0, 10, 20]),
                     marks=((10.0, "early exaggeration ends"),),
                     quality=measure(data.X, coords) if last else None, **kw)


def test_the_points_curve_and_marks_are_the_snapshots(case):
    data, view = case
    assert isinstance(view, EmbeddingView)
    snap = _snap(data)
    view.show_snapshot(snap)
    view.flush()
    xy, labels = view.scatter.points.points_data()
    np.testing.assert_allclose(xy, snap.coords)
    np.testing.assert_array_equal(labels, data.y)
    assert view.curve.marks() == [(10.0, "early exaggeration ends")]
    assert view.curve.cursor_position() == 20.0
    assert view.measures.title() == QUALITY_WAIT and view.measures.shape() == (0, 0)


def test_the_graph_is_drawn_on_the_data_with_short_circuits_apart(case):
    data, view = case
    edges = np.array([[0, 1], [1, 2], [2, 30]])
    view.show_snapshot(_snap(data, edges=edges, flagged=np.array([False, False, True])))
    view.flush()
    assert len(view.data.segments()) == 3
    np.testing.assert_allclose(view.data.flagged_segments(), [[data.X[2, :2], data.X[30, :2]]])
    assert view.data.title() == "the graph: 3 edges, 1 short circuit"
    tables = snapshot_tables(_snap(data, edges=edges), data)
    assert tables["edges"][1] == [(0, 1, 0), (1, 2, 0), (2, 30, 0)]


def test_the_last_snapshot_fills_the_quality_table_and_its_csv(case):
    data, view = case
    snap = _snap(data, last=True)
    view.show_snapshot(snap)
    view.flush()
    q = snap.quality
    assert view.measures.shape() == (4, 3)
    assert view.measures.cell(0, 0) == "trustworthiness"
    assert view.measures.cell(0, 1) == f"{q.trustworthiness:.3f}"
    assert view.measures.cell(3, 1) == f"{q.stress:.3f}"
    tables = snapshot_tables(snap, data)
    assert set(tables) == {"coords", "objective", "quality"}
    assert tables["objective"][1] == [(0, 5.0), (10, 2.0), (20, 1.5)]
    assert tables["coords"][0] == ["point", "dim1", "dim2", "class"]
    assert tables["quality"][1][0] == ("trustworthiness", q.trustworthiness,
                                       q.rows()[0][2])


def test_the_objective_stays_through_a_start_without_values_but_not_without_iterations(case):
    """t-SNE's start has no KL yet: its curve stays, or the plots beside it would jump as it
    went and came back; Isomap's layout never iterates: no empty plot."""
    data, view = case
    view.show()
    empty = {"trace": np.empty(0), "trace_at": np.empty(0), "marks": ()}
    start = Embedding(step=1, message="", coords=data.X[:, :2], n_iter=750, **empty)
    view.show_snapshot(start)
    view.flush()
    assert view.curve.isVisibleTo(view)
    view.show_snapshot(Embedding(step=1, message="", coords=data.X[:, :2], **empty))
    view.flush()
    assert not view.curve.isVisibleTo(view)
