"""Self-supervised learning: the NT-Xent loss against its closed form, the augmentations,
SimCLR's probe against raw pixels on the default setting, and the pretext tasks' table."""

import math

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from engine import datasets
from engine.data import Dataset
from engine.protocol import RunContext
from engine.selfsup.augment import Augmentations, augment, quarter_turns
from engine.selfsup.pretext import TASKS, Pretext, blank_squares
from engine.selfsup.probes import make_split, pca_features, probe_accuracy
from engine.selfsup.simclr import SimCLR, kept_negatives, nt_xent


@pytest.fixture(scope="module")
def torch():
    from engine.generative.torch_setup import import_torch

    return import_torch()


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits")


def _views(torch):
    # Two pairs: digit 1's views are both e1; digit 2's are e2 and −e2. Every cross pair is
    # orthogonal (cosine 0), so each anchor's denominator is its positive plus 2 × exp(0).
    z1 = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    z2 = torch.tensor([[3.0, 0.0], [0.0, -1.0]])
    return z1, z2


@pytest.mark.parametrize("tau", [0.1, 0.5, 1.0])
def test_nt_xent_equals_its_closed_form_for_two_pairs(torch, tau):
    z1, z2 = _views(torch)
    close = -math.log(math.exp(1 / tau) / (math.exp(1 / tau) + 2))  # cosine +1 to its partner
    far = -math.log(math.exp(-1 / tau) / (math.exp(-1 / tau) + 2))  # cosine −1
    expected = (2 * close + 2 * far) / 4
    assert float(nt_xent(torch, z1, z2, tau)) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("negatives", [1, 3])
def test_nt_xent_with_a_few_negatives_matches_a_loop_over_the_kept_ones(torch, negatives):
    # Four random pairs: every cross cosine differs, so which negatives are kept matters.
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    tau, n = 0.4, 4
    kept = kept_negatives(torch, n, negatives, torch.Generator().manual_seed(7)).numpy()
    positive = (np.arange(2 * n) + n) % (2 * n)
    assert (kept.sum(axis=1) == negatives).all()
    assert not kept[np.arange(2 * n), np.arange(2 * n)].any()
    assert not kept[np.arange(2 * n), positive].any()
    z = np.concatenate([a, b])
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    total = 0.0
    for i in range(2 * n):
        mine = np.exp(z[i] @ z[positive[i]] / tau)
        others = sum(np.exp(z[i] @ z[k] / tau) for k in range(2 * n) if kept[i, k])
        total += -np.log(mine / (mine + others))
    got = float(nt_xent(torch, torch.tensor(a), torch.tensor(b), tau, negatives,
                        torch.Generator().manual_seed(7)))
    assert got == pytest.approx(total / (2 * n), rel=1e-9)
    other = float(nt_xent(torch, torch.tensor(a), torch.tensor(b), tau, negatives,
                          torch.Generator().manual_seed(8)))
    assert other != pytest.approx(got, rel=1e-6)  # another draw, other negatives
    # As many as there are (2B − 2 = 6) is the full loss.
    assert float(nt_xent(torch, torch.tensor(a), torch.tensor(b), tau, negatives=6)) == (
        pytest.approx(float(nt_xent(torch, torch.tensor(a), torch.tensor(b), tau)), rel=1e-12))


def test_nt_xent_matches_a_plain_loop(torch):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    z = np.concatenate([a, b])
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    total = 0.0
    for i in range(10):
        j = (i + 5) % 10
        terms = [np.exp(z[i] @ z[k] / 0.3) for k in range(10) if k != i]
        total += -np.log(np.exp(z[i] @ z[j] / 0.3) / sum(terms))
    got = float(nt_xent(torch, torch.tensor(a), torch.tensor(b), 0.3))
    assert got == pytest.approx(total / 10, rel=1e-9)


def test_augmentations_keep_shape_and_range_and_follow_the_seed(digits):
    images = digits.X[:50].reshape(-1, 8, 8) / 16.0
    aug = Augmentations()
    a = augment(images, np.random.default_rng(3), aug)
    b = augment(images, np.random.default_rng(3), aug)
    c = augment(images, np.random.default_rng(4), aug)
    assert a.shape == images.shape and a.min() >= 0.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    off = Augmentations(shift=False, rotate=False, noise=False, crop=False)
    np.testing.assert_allclose(augment(images, np.random.default_rng(3), off), images,
                               atol=1e-12)
    for name in ("shift", "rotate", "noise", "crop"):
        one = augment(images, np.random.default_rng(3),
                      Augmentations(**{k: k == name for k in ("shift", "rotate", "noise",
                                                               "crop")}))
        assert one.shape == images.shape and not np.allclose(one, images), name


def test_a_whole_pixel_shift_moves_the_image():
    image = np.zeros((1, 8, 8))
    image[0, 3, 4] = 1.0
    from engine.selfsup.augment import _warp

    moved = _warp(image, np.array([[1.0, -2.0]]), np.zeros(1), np.ones(1), np.zeros((1, 2)))
    expected = np.zeros((8, 8))
    expected[4, 2] = 1.0
    np.testing.assert_allclose(moved[0], expected, atol=1e-12)


def test_quarter_turns_are_exact():
    images = np.random.default_rng(0).random((8, 8, 8))
    turns = np.arange(8) % 4
    turned = quarter_turns(images, turns)
    for i in range(8):
        np.testing.assert_array_equal(turned[i], np.rot90(images[i], turns[i]))
    np.testing.assert_array_equal(quarter_turns(turned, (4 - turns) % 4), images)


def test_blank_squares_blank_one_square_each():
    images = np.ones((20, 8, 8))
    holed = blank_squares(images, np.random.default_rng(0))
    assert ((holed == 0).sum(axis=(1, 2)) == 16).all()


def test_the_split_holds_out_rows_and_labels_a_few_per_class(digits):
    split = make_split(digits.y, 10, seed=0)
    assert len(np.intersect1d(split.train, split.test)) == 0
    assert len(split.train) + len(split.test) == digits.n
    assert np.isin(split.labelled, split.train).all()
    assert (np.bincount(digits.y[split.labelled]) == 10).all()


def test_the_linear_probe_does_not_care_how_the_features_are_turned(digits):
    # One common scale, not one per feature: a rotation of the pixels, and PCA keeping every
    # dimension, score as the pixels themselves (up to the solver's tolerance).
    X, split = digits.X / 16.0, make_split(digits.y, 10, seed=0)
    turn, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(64, 64)))
    raw = probe_accuracy(X, digits.y, split, "linear")
    one = 1.0 / len(split.test)
    assert probe_accuracy(X @ turn, digits.y, split, "linear") == pytest.approx(raw, abs=one)
    full = pca_features(X, split, 64)
    assert probe_accuracy(full, digits.y, split, "linear") == pytest.approx(raw, abs=one)
    reduced = pca_features(X, split, 8)
    assert reduced.shape == (digits.n, 8)
    assert probe_accuracy(reduced, digits.y, split, "linear") < raw - 0.03


def test_simclr_probe_beats_raw_pixels_on_the_default_setting(digits):
    # The default setting itself (100 epochs, seed 0), BLAS on one thread as in the window's
    # worker. Measured: SimCLR 91.7% against raw pixels' 90.2% at seed 0 (seed 1: 93.9 against
    # 88.3, seed 2: 92.6 against 92.0); one seed is what fits the test's time.
    with threadpool_limits(1):
        last = list(SimCLR().start(digits, {}, RunContext()))[-1]
    assert last.epoch == last.n_epochs == 100
    assert last.probe == "linear" and len(last.labelled) == 100
    assert last.accuracy[-1] > last.raw_accuracy + 0.01, last.message
    assert last.accuracy[-1] > last.pca_accuracy
    assert last.loss[-last.steps_per_epoch:].mean() < last.loss[:last.steps_per_epoch].mean()


QUICK = {"epochs": 2, "simclr_epochs": 2, "hidden": 32, "dims": 8}


def test_pretext_produces_the_table(digits):
    snaps = list(Pretext().start(digits, QUICK, RunContext()))
    assert len(snaps) == 6 and [s.step for s in snaps] == list(range(6))
    last = snaps[-1]
    assert last.phase == "done"
    assert last.table_names == ("raw pixels", "PCA (8)", *TASKS)
    assert last.linear.shape == last.nearest.shape == (5,)
    assert ((last.linear > 0.1) & (last.linear <= 1.0)).all()
    assert [len(loss) for loss in last.losses] == [2, 2, 2]
    assert snaps[1].table_names == ("raw pixels", "PCA (8)", "in-painting")
    assert last.holed.shape == last.rebuilt.shape == last.targets.shape == (8, 64)
    np.testing.assert_array_equal(last.said.shape, last.turns.shape)


def test_same_seed_same_result(digits):
    tiny = {"epochs": 1, "simclr_epochs": 1, "hidden": 16, "dims": 8, "seed": 2}
    a = list(Pretext().start(digits, tiny, RunContext()))[-1]
    b = list(Pretext().start(digits, tiny, RunContext()))[-1]
    c = list(SimCLR().start(digits, {"epochs": 1, "hidden": 32, "seed": 2}, RunContext()))[-1]
    d = list(SimCLR().start(digits, {"epochs": 1, "hidden": 32, "seed": 2}, RunContext()))[-1]
    np.testing.assert_array_equal(a.linear, b.linear)
    np.testing.assert_array_equal(a.rebuilt, b.rebuilt)
    np.testing.assert_array_equal(c.embedding, d.embedding)
    np.testing.assert_array_equal(c.view_a, d.view_a)


def test_pretext_refuses_images_that_are_not_square(digits):
    wide = Dataset(name="wide", X=digits.X[:40], y=digits.y[:40], image_shape=(4, 16))
    with pytest.raises(ValueError, match="square"):
        Pretext().start(wide, QUICK)


def test_pretext_strip_is_held_out_and_waits_for_the_rotation_task(digits):
    snaps = list(Pretext().start(digits, {**QUICK, "seed": 1}, RunContext()))
    split = make_split(digits.y, 10, seed=1)
    assert np.isin(snaps[0].strip, split.test).all()
    assert snaps[0].phase == "in-painting" and np.isnan(snaps[0].rotation_accuracy)
    assert (snaps[0].said == -1).all()
    rotation = [s for s in snaps if s.phase == "rotation"]
    assert rotation and all(0 <= s.rotation_accuracy <= 1 for s in rotation)
    assert ((rotation[0].said >= 0) & (rotation[0].said < 4)).all()


def test_needs_labelled_images():
    with pytest.raises(ValueError, match="images"):
        SimCLR().start(datasets.load("moons", n_samples=50), {})
