"""The drawing model: strokes, erasing, clearing, undo and redo, spraying, CSV round trips."""

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset
from engine.datasets.files import load_file
from engine.drawing import Drawing, spray


def _state(drawing):
    return drawing.points.copy(), drawing.labels.copy()


def _same(a, b):
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_add_stroke_appends_points_with_one_label_or_one_each():
    d = Drawing()
    assert d.add_stroke([[0, 0], [1, 1]], 3) == 2
    assert d.add_stroke([[2, 2]], [5]) == 1
    np.testing.assert_array_equal(d.points, [[0, 0], [1, 1], [2, 2]])
    np.testing.assert_array_equal(d.labels, [3, 3, 5])


def test_add_stroke_refuses_bad_labels_and_points():
    d = Drawing()
    with pytest.raises(ValueError, match=r"classes 0\.\.9"):
        d.add_stroke([[0, 0]], 10)
    with pytest.raises(ValueError, match="finite"):
        d.add_stroke([[np.nan, 0]], 0)
    assert d.n == 0 and not d.can_undo()


def test_erase_removes_only_points_within_the_radius():
    d = Drawing()
    d.add_stroke([[0, 0], [0.5, 0], [1.0, 0], [3, 3]], [0, 1, 2, 3])
    assert d.erase((0, 0), 1.0) == 3  # the boundary counts as inside
    np.testing.assert_array_equal(d.points, [[3, 3]])
    np.testing.assert_array_equal(d.labels, [3])
    assert d.erase((10, 10), 1.0) == 0
    assert d.can_undo()


def test_undo_of_an_erase_puts_rows_back_in_their_places():
    d = Drawing()
    rng = np.random.default_rng(0)
    d.add_stroke(rng.normal(size=(50, 2)), rng.integers(0, 10, 50))
    before = _state(d)
    assert d.erase((0, 0), 0.8) > 0
    d.undo()
    _same(_state(d), before)


def test_undo_redo_sequence_and_a_new_edit_drops_the_redo_branch():
    d = Drawing()
    states = [_state(d)]
    d.add_stroke([[0, 0], [1, 0]], 1)
    states.append(_state(d))
    d.add_stroke([[5, 5]], 2)
    states.append(_state(d))
    d.erase((0, 0), 0.1)
    states.append(_state(d))
    d.clear()
    states.append(_state(d))
    assert d.n == 0
    for expected in reversed(states[:-1]):
        assert d.undo()
        _same(_state(d), expected)
    assert not d.undo() and not d.can_undo()
    for expected in states[1:]:
        assert d.redo()
        _same(_state(d), expected)
    assert not d.redo()
    d.undo()
    d.undo()  # back to [[0, 0], [1, 0], [5, 5]]
    assert d.can_redo()
    d.add_stroke([[9, 9]], 4)
    assert not d.can_redo() and not d.redo()
    np.testing.assert_array_equal(d.labels, [1, 1, 2, 4])


def test_a_stroke_is_one_undo_step():
    d = Drawing()
    d.add_stroke([[0, 0]], 0)
    d.begin_stroke()
    for x in range(5):
        d.add_stroke([[x, 1.0]], 2)
    d.erase((0, 1.0), 0.5)
    d.end_stroke()
    assert d.n == 5
    d.undo()
    np.testing.assert_array_equal(d.points, [[0, 0]])
    d.redo()
    assert d.n == 5 and d.labels.tolist() == [0, 2, 2, 2, 2]


def test_an_empty_stroke_leaves_no_step():
    d = Drawing()
    d.begin_stroke()
    d.erase((0, 0), 1.0)
    d.end_stroke()
    assert not d.can_undo()


def test_undo_during_a_stroke_closes_it_first():
    d = Drawing()
    d.begin_stroke()
    d.add_stroke([[0, 0]], 0)
    assert d.undo() and d.n == 0 and not d.in_stroke


def test_clear_of_an_empty_drawing_is_no_step():
    d = Drawing()
    assert d.clear() == 0 and not d.can_undo()


def test_spray_is_reproducible_from_the_seed_and_has_the_spread():
    a = spray((2.0, -1.0), 0.5, 4000, np.random.default_rng(7))
    b = spray((2.0, -1.0), 0.5, 4000, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (4000, 2)
    np.testing.assert_allclose(a.mean(axis=0), [2.0, -1.0], atol=0.05)
    np.testing.assert_allclose(a.std(axis=0), [0.5, 0.5], rtol=0.08)
    assert not np.array_equal(a, spray((2.0, -1.0), 0.5, 4000, np.random.default_rng(8)))
    np.testing.assert_array_equal(spray((1, 1), 0.0, 3, np.random.default_rng(0)), [[1, 1]] * 3)


def test_to_dataset_keeps_class_numbers_and_says_it_was_drawn():
    d = Drawing()
    d.add_stroke([[0, 0], [1, 1]], 0)
    d.add_stroke([[2, 2]], 3)
    ds = d.to_dataset("mine")
    assert isinstance(ds, Dataset)
    assert (ds.name, ds.source, ds.feature_names) == ("mine", "drawn", ("x", "y"))
    np.testing.assert_array_equal(ds.y, [0, 0, 3])
    assert ds.target_names == ("0", "1", "2", "3")
    d.add_stroke([[4, 4]], 1)
    assert ds.n == 3  # the data set is a copy, not a view of the drawing


def test_an_empty_drawing_is_no_data_set():
    with pytest.raises(ValueError, match="no points"):
        Drawing().to_dataset()


def test_from_dataset_starts_from_a_2d_set_with_its_labels():
    moons = datasets.load("moons", n_samples=40, seed=0)
    d = Drawing.from_dataset(moons)
    np.testing.assert_array_equal(d.points, moons.X)
    np.testing.assert_array_equal(d.labels, moons.y)
    assert not d.can_undo() and not d.modified
    d.add_stroke([[0, 0]], 7)
    assert d.to_dataset().target_names[:2] == moons.target_names


def test_loading_a_set_is_undoable_and_unlabelled_points_become_class_0():
    d = Drawing()
    d.add_stroke([[1, 2]], 4)
    d.load_dataset(Dataset("plain", np.arange(6.0).reshape(3, 2)))
    np.testing.assert_array_equal(d.labels, [0, 0, 0])
    d.undo()
    np.testing.assert_array_equal(d.points, [[1, 2]])


def test_from_dataset_refuses_more_than_two_features():
    with pytest.raises(ValueError, match="2-D"):
        Drawing.from_dataset(datasets.load("iris"))


def test_csv_round_trip_through_the_file_loader(tmp_path):
    d = Drawing()
    rng = np.random.default_rng(3)
    d.add_stroke(spray((0, 0), 1.0, 20, rng), 0)
    d.add_stroke(spray((5, 5), 0.3, 15, rng), 2)
    d.add_stroke([[-1 / 3, 1e-12]], 9)
    assert d.modified
    path = tmp_path / "drawn.csv"
    d.save_csv(path)
    assert not d.modified
    assert path.read_text().splitlines()[0] == "x,y,label"
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, d.points)  # exact: floats written in full
    assert ds.feature_names == ("x", "y")
    assert [ds.target_names[i] for i in ds.y] == [str(c) for c in d.labels]


def test_csv_round_trip_keeps_text_class_names(tmp_path):
    named = Dataset("named", [[0.0, 0.0], [1.0, 1.0]], y=[0, 1], target_names=("a, b", "c"))
    d = Drawing.from_dataset(named)
    d.save_csv(tmp_path / "named.csv")
    ds = load_file(tmp_path / "named.csv")
    assert [ds.target_names[i] for i in ds.y] == ["a, b", "c"]
