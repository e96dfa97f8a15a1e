"""Selection geometry (point in polygon, in box) against a plain reference, and data sets of
selected rows."""

import numpy as np
import pytest

from engine import datasets
from engine.selection import as_rows, combine, points_in_box, points_in_polygon, subset


def _pnpoly(xy, poly):
    """W. R. Franklin's crossing test, one point and one edge at a time: the reference."""
    out = []
    for px, py in xy:
        inside = False
        j = len(poly) - 1
        for i in range(len(poly)):
            (xi, yi), (xj, yj) = poly[i], poly[j]
            if (yi > py) != (yj > py) and px < (xj - xi) * (py - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
        out.append(inside)
    return np.array(out)


def test_a_square_holds_exactly_the_points_inside_it():
    xy = np.array([[0.5, 0.5], [1.5, 0.5], [-0.1, 0.2], [0.9, 0.99], [0.5, 1.2]])
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
    np.testing.assert_array_equal(points_in_polygon(xy, square), [True, False, False, True, False])


def test_a_concave_lasso_leaves_out_its_notch():
    # An L: the unit square's top-right quarter is cut away.
    ell = np.array([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]])
    xy = np.array([[0.5, 0.5], [1.5, 0.5], [0.5, 1.5], [1.5, 1.5], [2.5, 0.5]])
    np.testing.assert_array_equal(points_in_polygon(xy, ell), [True, True, True, False, False])


def test_random_self_crossing_lassos_agree_with_the_reference():
    rng = np.random.default_rng(3)
    xy = rng.uniform(-1.2, 1.2, size=(2000, 2))
    for m in (3, 7, 40):
        poly = rng.uniform(-1, 1, size=(m, 2))  # crossing itself: even-odd rule
        np.testing.assert_array_equal(points_in_polygon(xy, poly), _pnpoly(xy, poly))


def test_degenerate_lassos_hold_nothing():
    xy = np.zeros((3, 2))
    assert not points_in_polygon(xy, np.array([[0, 0], [1, 1]])).any()
    assert points_in_polygon(np.empty((0, 2)), np.eye(3)[:, :2]).shape == (0,)


def test_a_box_between_any_two_corners():
    xy = np.array([[0, 0], [1, 1], [2, 2], [1, 3]])
    np.testing.assert_array_equal(points_in_box(xy, (2.5, 0.5), (0.5, 2.5)),
                                  [False, True, True, False])


def test_rows_are_sorted_unique_and_in_range_and_ctrl_adds():
    np.testing.assert_array_equal(as_rows([5, 1, 1, -2, 9], n=6), [1, 5])
    np.testing.assert_array_equal(combine(np.array([1, 4]), np.array([2, 4]), add=True), [1, 2, 4])
    np.testing.assert_array_equal(combine(np.array([1, 4]), np.array([2]), add=False), [2])


def test_a_data_set_of_the_selected_rows_keeps_names_labels_and_image_shape():
    digits = datasets.load("digits")
    rows = np.array([40, 3, 17, 3])
    part = subset(digits, rows)
    np.testing.assert_array_equal(part.X, digits.X[[3, 17, 40]])
    np.testing.assert_array_equal(part.y, digits.y[[3, 17, 40]])
    assert part.feature_names == digits.feature_names
    assert part.target_names == digits.target_names
    assert part.image_shape == digits.image_shape
    assert part.name == f"{digits.name} (selection of 3)"
    assert subset(part, [0, 1]).name == f"{digits.name} (selection of 2)"
    with pytest.raises(ValueError, match="no points"):
        subset(digits, [])
