"""pix2pix and CycleGAN on digits: the sources and domains are what they say, losses are
finite and the L1 and cycle losses fall, pix2pix's output on held-out digits is nearer the
target than its source is, CycleGAN's round trips come back (and without the cycle loss they
do not), the snapshot's images are the data's rows, the same seed gives the same run, and data
that cannot work gets a plain message."""

import threading

import numpy as np
import pytest
from scipy import ndimage
from sklearn.datasets import load_digits

from engine.data import Dataset
from engine.generative.translation import (
    SHOWN,
    CycleGAN,
    CycleTranslation,
    PairedTranslation,
    Pix2Pix,
    domain_b_images,
    held_out_rows,
    mean_abs,
    source_images,
)
from engine.protocol import RunContext

TINY = {"hidden": 32, "steps": 120, "every": 40, "batch_size": 64}


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    return Dataset("digits", bunch.data, bunch.target, image_shape=(8, 8))


def train(algorithm, dataset, **values):
    return list(algorithm.start(dataset, {**TINY, **values}, RunContext()))


def test_sources_are_computed_from_each_image():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(5, 8, 8))
    blurred = source_images(images, "blurred")
    np.testing.assert_allclose(blurred[2], ndimage.gaussian_filter(images[2], 1.0,
                                                                   mode="constant"))
    coarse = source_images(images, "coarse")
    np.testing.assert_allclose(coarse[:, ::2, ::2],
                               images.reshape(5, 4, 2, 4, 2).mean(axis=(2, 4)))
    np.testing.assert_array_equal(coarse[:, 1::2, 1::2], coarse[:, ::2, ::2])
    hidden = source_images(images, "lower half hidden")
    assert (hidden[:, 4:] == 0).all() and np.array_equal(hidden[:, :4], images[:, :4])
    edges = source_images(np.pad(np.ones((1, 4, 4)), ((0, 0), (2, 2), (2, 2))), "edges")
    assert edges.max() == 1.0 and edges.min() == 0.0
    assert edges[0, 3:5, 3:5].max() == 0.0  # flat inside the square: no edge
    with pytest.raises(ValueError, match="unknown source"):
        source_images(images, "sketch")


def test_domains_are_the_named_transforms():
    images = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3) / 17.0
    np.testing.assert_array_equal(domain_b_images(images, "transposed")[1], images[1].T)
    np.testing.assert_array_equal(domain_b_images(images, "mirrored")[0], images[0][:, ::-1])
    np.testing.assert_array_equal(domain_b_images(images, "upside down")[0], images[0][::-1])
    np.testing.assert_allclose(domain_b_images(images, "negative"), 1.0 - images)


def test_split_holds_out_a_fifth_disjointly():
    train_rows, held = held_out_rows(100, seed=4)
    assert len(held) == 20 and len(train_rows) == 80
    assert not set(train_rows) & set(held)
    assert not np.array_equal(held, held_out_rows(100, seed=5)[1])
    assert len(held_out_rows(5, seed=0)[1]) == 2  # one image per domain at least
    assert not np.all(np.diff(held) > 0)  # shuffled: the strips show no lowest rows only


def test_pix2pix_learns_to_deblur_held_out_digits(digits):
    snapshots = train(Pix2Pix(), digits, source="blurred", hidden=64, steps=200, every=80)
    assert all(isinstance(s, PairedTranslation) for s in snapshots)
    assert [s.done for s in snapshots] == [80, 160, 200]
    assert [s.step for s in snapshots] == [0, 1, 2]
    last = snapshots[-1]
    for name in ("l1", "adversarial", "d_loss"):
        values = getattr(last, name)
        assert values.shape == (200,) and np.isfinite(values).all(), name
    assert last.l1[-20:].mean() < 0.7 * last.l1[:5].mean()
    # Held-out digits: nearer the target than the blurred source they were given.
    assert last.output_error < last.source_error, (last.output_error, last.source_error)
    assert mean_abs(last.outputs, last.targets) < mean_abs(last.sources, last.targets)
    assert last.outputs.shape == (SHOWN, 64) and last.outputs.min() >= 0.0
    assert last.outputs.max() <= 16.0
    np.testing.assert_array_equal(last.targets, digits.X[last.rows])
    blurred = source_images(digits.X[last.rows].reshape(-1, 8, 8) / 16.0, "blurred")
    np.testing.assert_allclose(last.sources, 16.0 * blurred.reshape(SHOWN, 64))
    assert last.message.startswith("step 200 of 200: L1")


def test_pix2pix_without_the_l1_term_lands_further_from_the_target(digits):
    with_l1 = train(Pix2Pix(), digits, source="edges")[-1]
    without = train(Pix2Pix(), digits, source="edges", l1_weight=0.0)[-1]
    assert with_l1.output_error < without.output_error


def test_cyclegan_round_trip_returns_and_needs_the_cycle_loss(digits):
    values = {"steps": 300, "every": 150, "hidden": 64, "batch_size": 32}
    snapshots = train(CycleGAN(), digits, **values)
    assert all(isinstance(s, CycleTranslation) for s in snapshots)
    last = snapshots[-1]
    for name in ("g_ab", "g_ba", "d_a", "d_b", "cycle"):
        series = getattr(last, name)
        assert series.shape == (300,) and np.isfinite(series).all(), name
    assert last.cycle[-20:].mean() < 0.6 * last.cycle[:5].mean()
    # A round trip comes back nearer A than the B-side images are, and than a round trip
    # trained without the cycle loss.
    assert mean_abs(last.a_round, last.a) < mean_abs(last.b, last.a)
    free = train(CycleGAN(), digits, cycle_weight=0.0, **values)[-1]
    assert last.round_error < 0.85 * free.round_error, (last.round_error, free.round_error)


def test_cyclegan_snapshot_images_are_the_data_rows(digits):
    last = train(CycleGAN(), digits, steps=10, every=10, domain_b="mirrored")[-1]
    assert not set(last.rows_a) & set(last.rows_b)
    np.testing.assert_array_equal(last.a, digits.X[last.rows_a])
    mirrored = digits.X[last.rows_b].reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64)
    np.testing.assert_array_equal(last.b, mirrored)
    np.testing.assert_array_equal(last.a_truth.reshape(-1, 8, 8),
                                  last.a.reshape(-1, 8, 8)[:, :, ::-1])
    for name in ("a_to_b", "a_round", "b_to_a", "b_round"):
        images = getattr(last, name)
        assert images.shape == (SHOWN, 64) and 0.0 <= images.min() <= images.max() <= 16.0
    assert last.message.startswith("step 10 of 10: cycle loss")


@pytest.mark.parametrize("algorithm", [Pix2Pix(), CycleGAN()], ids=["pix2pix", "cyclegan"])
def test_same_seed_same_run(digits, algorithm):
    a = train(algorithm, digits, seed=3, steps=15, every=15)[-1]
    b = train(algorithm, digits, seed=3, steps=15, every=15)[-1]
    c = train(algorithm, digits, seed=4, steps=15, every=15)[-1]
    names = ("outputs", "l1") if isinstance(a, PairedTranslation) else ("a_to_b", "cycle")
    for name in names:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not np.allclose(getattr(a, name), getattr(c, name)[:len(getattr(a, name))])


def test_data_that_cannot_work_gets_a_plain_message(digits):
    table = Dataset("iris-like", np.random.default_rng(0).normal(size=(30, 4)))
    for algorithm in (Pix2Pix(), CycleGAN()):
        with pytest.raises(ValueError, match="learns images"):
            algorithm.resolve(table, {})
    few = Dataset("few", digits.X[:8], image_shape=(8, 8))
    with pytest.raises(ValueError, match="at least 20 images"):
        Pix2Pix().resolve(few, {})
    wide = Dataset("wide", np.random.default_rng(0).uniform(size=(40, 12)), image_shape=(3, 4))
    with pytest.raises(ValueError, match="must be square"):
        CycleGAN().resolve(wide, {"domain_b": "transposed"})
    CycleGAN().resolve(wide, {"domain_b": "mirrored"})
    with pytest.raises(ValueError, match="both weights 0"):
        Pix2Pix().resolve(digits, {"l1_weight": 0.0, "adv_weight": 0.0})


def test_odd_sized_images_work_in_their_own_units():
    images = Dataset("blocks", np.random.default_rng(0).uniform(0, 255, size=(40, 15)),
                     image_shape=(3, 5))
    last = train(Pix2Pix(), images, source="coarse", steps=5, every=5, batch_size=8)[-1]
    assert last.levels == (0.0, float(images.X.max())) and last.outputs.shape == (8, 15)
    last = train(CycleGAN(), images, domain_b="upside down", steps=5, every=5,
                 batch_size=8)[-1]
    assert last.a.shape == (4, 15) and np.isfinite(last.cycle).all()


class TripWire(threading.Event):
    """A cancel event that reads as set from its `trip`-th look on."""

    def __init__(self, trip: int):
        super().__init__()
        self.trip, self.looks = trip, 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.trip


@pytest.mark.parametrize("algorithm", [Pix2Pix(), CycleGAN()], ids=["pix2pix", "cyclegan"])
def test_cancel_stops_before_the_next_step(digits, algorithm):
    wire = TripWire(trip=15)
    snapshots = list(algorithm.start(digits, {**TINY, "every": 10},
                                     RunContext(cancel_event=wire)))
    assert len(snapshots) == 1 and wire.looks == wire.trip
