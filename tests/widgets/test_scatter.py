"""The scatter canvas: colours per label, recolouring, centres, trails, segments, a real picture."""

import numpy as np
import pytest
from PySide6 import QtCore

from engine.clustering.voronoi import voronoi_segments
from tests.pixels import colours_in, widget_rgb
from widgets.palette import cluster_colour
from widgets.points_item import PointsItem, auto_marker_size
from widgets.scatter import MAX_LEGEND_CLASSES, ScatterCanvas

# The offscreen platform warns on every show(); that warning says nothing about our code.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def shown_canvas(qtbot, width: int = 600, height: int = 400) -> ScatterCanvas:
    w = ScatterCanvas()
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def canvas(qtbot):
    return shown_canvas(qtbot)


def _blobs(n=600, k=3, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [2.0, 3.0], [5.0, 4.0]])[:k]
    return centres[labels] + rng.normal(scale=0.5, size=(n, 2)), labels, centres



def test_colour_counts_match_label_counts(canvas):
    xy, labels, _ = _blobs()
    labels[:7] = -1
    canvas.set_points(xy, labels)
    values, counts = np.unique(labels, return_counts=True)
    assert canvas.colour_counts() == dict(zip(values.tolist(), counts.tolist(), strict=True))
    assert canvas.point_count() == len(xy)


def test_no_labels_are_all_grey(canvas):
    canvas.set_points(np.random.default_rng(1).normal(size=(50, 2)), None)
    assert canvas.colour_counts() == {-1: 50}


def test_set_labels_recolours_without_moving_points(canvas):
    xy, labels, _ = _blobs()
    canvas.set_points(xy, labels)
    canvas.set_labels(np.zeros(len(xy), int))
    assert canvas.colour_counts() == {0: len(xy)}
    assert canvas.point_count() == len(xy)
    with pytest.raises(ValueError):
        canvas.set_labels(np.zeros(3, int))


def test_points_that_are_not_finite_are_not_drawn(canvas):
    xy, labels, _ = _blobs(n=20)
    xy[3] = np.nan
    canvas.set_points(xy, labels)
    assert canvas.point_count() == 19
    assert sum(canvas.colour_counts().values()) == 19


def test_data_bounds_pad_the_points_by_five_percent(canvas):
    canvas.set_points(np.array([[0.0, 10.0], [2.0, 30.0]]), None)
    np.testing.assert_allclose(canvas.data_bounds(), (-0.1, 2.1, 9.0, 31.0))
    canvas.set_points(np.array([[1.0, 1.0]]), None)
    xmin, xmax, ymin, ymax = canvas.data_bounds()
    assert xmin < 1.0 < xmax and ymin < 1.0 < ymax


def test_segments_item_holds_the_segments(canvas):
    xy, labels, centres = _blobs()
    canvas.set_points(xy, labels)
    segs = voronoi_segments(centres, canvas.data_bounds())
    canvas.set_segments(segs)
    np.testing.assert_allclose(canvas.segments(), segs)
    x, y = canvas.segments_item.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), segs.reshape(-1, 2))
    assert canvas.segments_item.isVisible()
    canvas.set_segments(None)
    assert len(canvas.segments()) == 0 and not canvas.segments_item.isVisible()


def test_centres_and_trails(canvas):
    _, _, centres = _blobs()
    trails = np.stack([centres * 0.5, centres * 0.8, centres])
    canvas.set_centres(centres, trails)
    assert len(canvas.centres_item.data) == 3
    brushes = [p.brush().color().name() for p in canvas.centres_item.points()]
    assert brushes == [cluster_colour(i).name() for i in range(3)]
    x, y = canvas.trails_item.getData()
    assert len(x) == 9
    # Each centre's own path, step by step.
    np.testing.assert_allclose(np.column_stack([x, y])[3:6], trails[:, 1])
    canvas.set_centres(None, None)
    assert len(canvas.centres_item.data) == 0 and not canvas.trails_item.isVisible()


def test_marker(canvas):
    canvas.set_marker(np.array([1.0, 2.0]))
    assert len(canvas.marker_item.data) == 1
    canvas.set_marker(None)
    assert len(canvas.marker_item.data) == 0


def test_marker_size_is_automatic_and_settable(canvas):
    assert auto_marker_size(100) > auto_marker_size(100_000) >= 2
    canvas.set_points(np.zeros((10, 2)), None)
    assert canvas.marker_size() == auto_marker_size(10)
    canvas.set_marker_size(12)
    assert canvas.marker_size() == 12
    canvas.set_marker_size(None)
    assert canvas.marker_size() == auto_marker_size(10)


def test_clear_empties_everything(canvas):
    xy, labels, centres = _blobs()
    canvas.set_points(xy, labels)
    canvas.set_centres(centres)
    canvas.set_segments(voronoi_segments(centres, canvas.data_bounds()))
    canvas.clear()
    assert canvas.point_count() == 0 and canvas.colour_counts() == {}
    assert len(canvas.centres_item.data) == 0 and len(canvas.segments()) == 0
    canvas.grab()  # painting nothing must not fail


def test_picture_shows_the_cluster_colours(canvas, qtbot):
    xy, labels, centres = _blobs(n=900, k=4)
    canvas.set_points(xy, labels)
    canvas.set_centres(centres)
    canvas.set_segments(voronoi_segments(centres, canvas.data_bounds()))
    canvas.set_axis_labels("x1", "x2")
    qtbot.wait(10)
    colours = colours_in(canvas)
    for i in range(4):
        assert cluster_colour(i).name() in colours
    canvas.set_centres(None)  # centres keep their own colours; look at the points alone
    canvas.set_labels(np.zeros(len(xy), int))
    colours = colours_in(canvas)
    assert cluster_colour(0).name() in colours
    assert cluster_colour(1).name() not in colours


@pytest.mark.parametrize("size", [1, 2, 5])
def test_image_path_for_large_sets_draws_every_colour(canvas, monkeypatch, size):
    monkeypatch.setattr(PointsItem, "raster_above", 100)
    xy, labels, _ = _blobs(n=3000, k=4, seed=2)
    canvas.set_points(xy, labels)
    canvas.set_marker_size(size)
    assert canvas.points._raster is not None
    colours = colours_in(canvas)
    for i in range(4):
        assert cluster_colour(i).name() in colours
    assert canvas.colour_counts() == {i: int((labels == i).sum()) for i in range(4)}



def test_recolouring_fixed_points_draws_what_drawing_them_afresh_does(qtbot, monkeypatch):
    """The image path keeps each pixel's point while the points stay put (k-means recolours
    them every step): a recoloured picture must equal one drawn from scratch."""
    monkeypatch.setattr(PointsItem, "raster_above", 100)
    xy, first, _ = _blobs(n=3000, k=4, seed=4)
    second = (first + 1) % 4

    def picture(steps):
        w = shown_canvas(qtbot, 400, 300)
        w.set_points(xy, steps[0])
        w.set_marker_size(4)
        w.plot_item.getViewBox().setRange(xRange=(-2, 6), yRange=(-2, 5), padding=0)
        for labels in steps:
            widget_rgb(w.plot_widget)  # paint each colouring, as an animation would
            w.set_labels(labels)
        return widget_rgb(w.plot_widget)

    recoloured, fresh = picture([first, second]), picture([second])
    assert np.array_equal(recoloured, fresh)
    assert not np.array_equal(recoloured, picture([first]))

def test_image_path_and_vector_path_cover_the_same_pixels(qtbot, monkeypatch):
    """The numpy-splatted image puts points where Qt's own drawing does."""
    xy, labels, _ = _blobs(n=400, k=1, seed=3)

    def coverage(raster_above):
        monkeypatch.setattr(PointsItem, "raster_above", raster_above)
        w = shown_canvas(qtbot, 400, 300)
        w.set_points(xy, labels)
        w.set_marker_size(1)
        w.plot_item.getViewBox().setRange(xRange=(-2, 2), yRange=(-2, 2), padding=0)
        rgb = widget_rgb(w.plot_widget)
        ys, xs = np.nonzero(rgb == cluster_colour(0).rgb() & 0xFFFFFF)
        return set(zip(xs.tolist(), ys.tolist(), strict=True))

    vector, raster = coverage(10**9), coverage(10)
    assert len(vector) > 50
    # Pixel rounding may differ by one at most; compare with a one-pixel tolerance.
    near = sum(any((x + dx, y + dy) in vector for dx in (-1, 0, 1) for dy in (-1, 0, 1))
               for x, y in raster)
    assert near >= 0.98 * len(raster)
    assert abs(len(raster) - len(vector)) <= 0.1 * len(vector)


def test_centres_are_drawn_over_points(canvas):
    canvas.set_points(np.zeros((5, 2)), np.zeros(5, int))
    assert canvas.centres_item.zValue() > canvas.points.zValue()
    assert canvas.segments_item.zValue() > canvas.points.zValue()
    assert isinstance(canvas.sizeHint(), QtCore.QSize)


def test_a_legend_names_the_classes_while_the_points_wear_them(canvas):
    xy, labels, _ = _blobs(k=3)
    canvas.set_classes(labels, ("setosa", "versicolor", "virginica"))
    canvas.set_points(xy, labels)
    assert canvas.legend_entries() == ["setosa", "versicolor", "virginica"]
    canvas.set_labels(labels.copy())  # clusters, even ones equal to the classes, are not them
    assert canvas.legend_entries() == []
    canvas.set_labels(labels)
    assert canvas.legend_entries() == ["setosa", "versicolor", "virginica"]
    canvas.set_classes(labels, None)
    assert canvas.legend_entries() == ["class 0", "class 1", "class 2"]


def test_no_legend_for_more_classes_than_it_can_name(canvas):
    xy = np.random.default_rng(0).normal(size=(400, 2))
    many = np.arange(400) % (MAX_LEGEND_CLASSES + 1)
    canvas.set_classes(many, None)
    canvas.set_points(xy, many)
    assert canvas.legend_entries() == []


def test_clearing_the_points_clears_their_legend(canvas):
    xy, labels, _ = _blobs(k=2)
    canvas.set_classes(labels, ("a", "b"))
    canvas.set_points(xy, labels)
    canvas.clear()
    assert canvas.legend_entries() == []


def test_a_legend_of_classes_too_big_for_its_plot_hides_until_there_is_room(qtbot, canvas):
    xy = np.random.default_rng(1).normal(size=(500, 2))
    ten = np.arange(500) % 10
    canvas.set_classes(ten, tuple(f"digit {i}" for i in range(10)))
    canvas.set_points(xy, ten)
    canvas.resize(900, 700)
    qtbot.waitUntil(lambda: len(canvas.legend_entries()) == 10, timeout=3000)
    canvas.resize(220, 120)
    qtbot.waitUntil(lambda: canvas.legend_entries() == [], timeout=3000)
    canvas.resize(900, 700)
    qtbot.waitUntil(lambda: len(canvas.legend_entries()) == 10, timeout=3000)


def test_the_legend_of_classes_keeps_off_a_boundary(qtbot, canvas):
    xy, labels, _ = _blobs(k=2)
    low = xy[:, 1] < 1.5  # the points low in the plot: the top corners are free of them
    xy, labels = xy[low], labels[low]
    canvas.set_classes(labels, ("a", "b"))
    canvas.set_points(xy, labels)
    canvas.plot_item.getViewBox().setRange(xRange=(-2, 6), yRange=(-2, 6), padding=0)
    qtbot.waitUntil(lambda: canvas._legend.corner[1] == 0.0, timeout=3000)  # a top corner
    top_band = np.array([[[-2.0, y], [6.0, y]] for y in np.linspace(3.0, 6.0, 12)])
    canvas.set_segments(top_band)
    qtbot.waitUntil(lambda: canvas._legend.corner[1] == 1.0, timeout=3000)  # now a bottom one


def test_the_same_axis_labels_again_redraw_nothing(canvas):
    """The embedding view sets them at every step; pyqtgraph redraws an axis whose label is
    set, even to the same text, which cost every step both axes' tick labels."""
    xy, labels, _ = _blobs()
    canvas.set_points(xy, labels)
    canvas.set_axis_labels("t-SNE 1", "t-SNE 2")
    canvas.grab()  # paints: the axes draw their pictures
    axes = [canvas.plot_item.getAxis(side) for side in ("bottom", "left")]
    pictures = [axis.picture for axis in axes]
    assert all(picture is not None for picture in pictures)
    canvas.set_axis_labels("t-SNE 1", "t-SNE 2")
    assert [axis.picture for axis in axes] == pictures
    canvas.set_axis_labels("UMAP 1", "t-SNE 2")
    assert axes[0].labelText == "UMAP 1" and axes[0].picture is None
    assert axes[1].picture is pictures[1]
