"""Semi-supervised methods: the labels they see, label spreading against scikit-learn, and
each method against its labelled-only baseline on two moons."""

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset
from engine.params import ParamError, Picked
from engine.protocol import run_to_end
from engine.registry import get
from engine.semisup.common import choose, labels_for
from engine.semisup.label_propagation import classes_of, one_hot, spread, spreading_matrix
from engine.semisup.pseudo_label import select

MOONS = datasets.load("moons", n_samples=200, noise=0.05, seed=0)


def test_choose_is_stratified_and_seeded():
    y = np.repeat([0, 1, 2], [10, 20, 2])
    rows = choose(y, 3, seed=4)
    assert np.bincount(y[rows]).tolist() == [3, 3, 2]  # all of a smaller class
    np.testing.assert_array_equal(rows, choose(y, 3, seed=4))
    assert not np.array_equal(rows, choose(y, 3, seed=5))


def test_clicked_points_replace_the_random_choice_with_their_true_classes():
    params = {"labels_per_class": 3, "seed": 0, "labelled": ((5, 1), (9, 0), (20, 0))}
    labels = labels_for(MOONS, params)
    np.testing.assert_array_equal(labels.rows, [5, 9, 20])
    np.testing.assert_array_equal(labels.classes, MOONS.y[[5, 9, 20]])  # the truth, not 1, 0, 0
    predictions = MOONS.y.copy()
    predictions[5] = 1 - predictions[5]  # a labelled point is not scored
    assert labels.accuracy(predictions) == 1.0


def test_data_without_labels_needs_clicks_and_takes_their_classes():
    X = MOONS.X
    bare = Dataset(name="drawing", X=X)
    algorithm = get("label-propagation")
    with pytest.raises(ValueError, match="no labels: click points"):
        algorithm.resolve(bare, {})
    picked = ((0, 0), (1, 1), (2, 1))
    params = algorithm.resolve(bare, {"labelled": picked, "max_iter": 5})
    last = run_to_end(algorithm, bare, params)
    np.testing.assert_array_equal(last.labelled_classes, [0, 1, 1])
    assert np.isnan(last.accuracy)
    with pytest.raises(ValueError, match="at least two classes"):
        algorithm.resolve(bare, {"labelled": ((0, 0), (1, 0))})
    with pytest.raises(ValueError, match="not in drawing"):
        algorithm.resolve(bare, {"labelled": ((0, 0), (len(X), 1))})


def test_picked_parameter_takes_pairs_in_row_order():
    spec = Picked(name="labelled")
    assert spec.coerce([[7, 1], [2, 0]]) == ((2, 0), (7, 1))
    assert spec.coerce(()) == ()
    with pytest.raises(ParamError, match="labelled"):
        spec.coerce([[1, -1]])


def test_pseudo_labels_the_surest_of_each_class_above_the_threshold():
    p = np.array([[0.95, 0.05], [0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.99, 0.01]])
    known = np.array([-1, -1, -1, -1, 0])
    np.testing.assert_array_equal(select(p, known, threshold=0.75, per_round=1), [0, 3])
    np.testing.assert_array_equal(select(p, known, threshold=0.75, per_round=5), [0, 1, 3])


def test_label_spreading_matches_scikit_learn():
    from sklearn.semi_supervised import LabelSpreading

    X, y = MOONS.X, MOONS.y
    targets = np.full(len(y), -1)
    rows = choose(y, 3, seed=1)
    targets[rows] = y[rows]
    ref = LabelSpreading(kernel="knn", n_neighbors=10, alpha=0.9, max_iter=1000).fit(X, targets)
    F = list(spread(spreading_matrix(X, 10), one_hot(targets, 2), 0.9, 1000))
    assert len(F) == ref.n_iter_
    ours = F[-1] / F[-1].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ours, ref.label_distributions_, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(classes_of(F[-1]), ref.transduction_)


def test_labels_spread_a_step_at_a_time():
    snapshots = list(get("label-propagation").start(MOONS, {"every": 1}))
    reached = [int((s.predictions >= 0).sum()) for s in snapshots]
    assert reached[0] < MOONS.n // 2 and reached[-1] == MOONS.n
    assert reached == sorted(reached)
    assert snapshots[-1].edges.shape[1] == 2 and snapshots[-1].map is not None


# Default settings on moons (200 points, 3 labels per class; the mean teacher at 700 of its
# 1,500 steps, to spare the suite 20 s: its gains were 0.09–0.13 there), over seeds: each
# method's accuracy on the unlabelled rest against the same model's on the labels alone.
BEATS = {"pseudo-label": ({}, 0.1), "label-propagation": ({}, 0.1),
         "entmin": ({}, 0.08), "mean-teacher": ({"steps": 700}, 0.08)}


@pytest.mark.parametrize("algorithm_id", list(BEATS))
def test_beats_its_labelled_only_baseline_on_moons(algorithm_id):
    params, margin = BEATS[algorithm_id]
    gains = []
    for seed in (0, 1, 2):
        last = run_to_end(algorithm_id, MOONS, {**params, "seed": seed})
        assert last.trace_x[-1] == last.trace_x.max()
        gains.append(last.accuracy - last.baseline_accuracy)
    assert np.mean(gains) > margin, gains
    assert min(gains) >= 0.0, gains


@pytest.mark.parametrize("algorithm_id", list(BEATS))
def test_digits_are_drawn_without_a_map(algorithm_id):
    digits = datasets.load("digits")
    small = digits.rows(np.arange(300), "digits", "test", "")
    quick = {"pseudo-label": {"rounds": 1}, "label-propagation": {"max_iter": 3},
             "entmin": {"steps": 10, "every": 5}, "mean-teacher": {"steps": 10, "every": 5}}
    last = run_to_end(algorithm_id, small, quick[algorithm_id])
    assert last.map is None and last.baseline_map is None and last.n_classes == 10
    assert last.predictions.shape == (300,)
