import numpy as np

from engine.generative.coverage import precision_recall


def _ring(n, radius, rng):
    angle = rng.uniform(0, 2 * np.pi, n)
    return radius * np.c_[np.cos(angle), np.sin(angle)] + 0.02 * rng.standard_normal((n, 2))


def test_a_sample_of_the_data_itself_is_on_it_and_covers_it():
    rng = np.random.default_rng(0)
    data, samples = _ring(400, 1.0, rng), _ring(400, 1.0, rng)
    precision, recall = precision_recall(samples, data)
    assert precision > 0.9 and recall > 0.9


def test_noise_filling_the_disc_is_mostly_off_a_ring():
    rng = np.random.default_rng(1)
    data = _ring(400, 1.0, rng)
    precision, _ = precision_recall(rng.standard_normal((400, 2)) * 0.7, data)
    assert precision < 0.4


def test_a_dropped_mode_lowers_recall_not_precision():
    rng = np.random.default_rng(2)
    data = np.r_[_ring(200, 1.0, rng), _ring(200, 3.0, rng)]
    precision, recall = precision_recall(_ring(400, 1.0, rng), data)
    assert precision > 0.9 and 0.4 < recall < 0.6


def test_balls_by_hand():
    data = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])  # k = 1 radii: 1, 1, 2
    samples = np.array([[0.5, 0.0], [4.5, 0.0], [10.0, 0.0]])  # in, in (within 2 of 3), out
    precision, _ = precision_recall(samples, data, k=1)
    assert precision == 2 / 3
