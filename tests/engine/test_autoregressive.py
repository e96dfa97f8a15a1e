"""MADE and PixelCNN: their masks are autoregressive (the Jacobian of each logit with respect
to the pixels is zero on and after its own pixel), their probabilities sum to 1 over every
image, sampling follows the order, the NLL falls, and the samples are binary images."""

import itertools
import threading

import numpy as np
import pytest
from sklearn.datasets import load_digits

from engine.data import Dataset
from engine.generative import autoregressive as ar
from engine.generative.torch_setup import import_torch
from engine.protocol import RunContext

MADE_FAST = {"hidden": 32, "epochs": 3, "batch_size": 128}
PIXELCNN_FAST = {"channels": 8, "layers": 1, "epochs": 3, "batch_size": 128}


@pytest.fixture(scope="module")
def torch():
    return import_torch()


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    return Dataset("digits", bunch.data, bunch.target, image_shape=(8, 8))


def jacobian_pattern(torch, net, d: int, seed: int = 0) -> np.ndarray:
    """(outputs, inputs): True where, for some of a batch of random inputs, ∂ logit_i / ∂ x_j
    is not zero (torch.autograd, one output at a time). Gaussian inputs of both signs keep
    nearly every ReLU alive for some row."""
    x = torch.as_tensor(np.random.default_rng(seed).normal(size=(256, d)) * 2.0,
                        dtype=torch.float32).requires_grad_(True)
    logits = net(x)
    pattern = np.zeros((d, d), bool)
    for i in range(d):  # rows are independent: the gradient of the sum is each row's own
        (grad,) = torch.autograd.grad(logits[:, i].sum(), x, retain_graph=True)
        pattern[i] = (grad != 0).any(dim=0).numpy()
    return pattern


def assert_dependencies(pattern: np.ndarray, paths: np.ndarray, before: np.ndarray) -> None:
    """The Jacobian is zero wherever no path of kept connections exists, the paths only go
    from earlier pixels to later ones, and nearly every path shows in the Jacobian (a path
    through ReLUs dead for every input would not)."""
    assert not (pattern & ~paths).any(), "a logit depends on a pixel its masks cut it from"
    assert not (paths & ~before).any(), "a logit can see its own pixel or a later one"
    assert pattern.sum() >= 0.95 * paths.sum()
    assert paths.sum() > 0.5 * before.sum()  # the masks do not cut nearly everything


@pytest.mark.parametrize("order_kind", ["raster", "random"])
def test_made_jacobian_is_zero_on_and_after_each_pixel(torch, order_kind):
    d = 16
    order = np.arange(d) if order_kind == "raster" else np.random.default_rng(5).permutation(d)
    degrees = ar.made_degrees(d, 24, 2, order, np.random.default_rng(1))
    masks = ar.made_masks(degrees)
    with ar.seeded(torch, 0):
        net = ar.made_network(torch, masks)
    place = np.empty(d, np.int64)
    place[order] = np.arange(d)
    before = place[None, :] < place[:, None]  # input j comes before output i in the order
    assert_dependencies(jacobian_pattern(torch, net, d), ar.reach(masks), before)
    assert [m.shape for m in masks] == [(24, d), (24, 24), (d, 24)]
    assert all(h.min() >= 1 and h.max() <= d - 1 for h in degrees[1:])


def test_trained_made_keeps_its_zero_pattern(torch, digits):
    params = ar.MADE().resolve(digits, {**MADE_FAST, "epochs": 1, "order": "random"})
    X = ar.binarise(digits, 0.5, "MADE")
    alg = ar.MADE()
    order = alg.order(64, params)
    with ar.seeded(torch, 0):
        net, (_, _, paths) = alg.build(torch, digits, order, params)
    trainer = ar._Trainer(torch, torch.device("cpu"), net, X, params)
    assert trainer.epoch(RunContext()) is not None
    place = np.empty(64, np.int64)
    place[order] = np.arange(64)
    assert_dependencies(jacobian_pattern(torch, trainer.net, 64), paths,
                        place[None, :] < place[:, None])


def test_pixelcnn_jacobian_is_zero_on_and_after_each_pixel_in_raster_order(torch):
    shape = (6, 7)
    d = shape[0] * shape[1]
    with ar.seeded(torch, 0):
        net = ar.pixelcnn_network(torch, shape, channels=6, layers=2)
    pattern = jacobian_pattern(torch, net, d)
    i, j = np.indices((d, d))
    assert not (pattern & (j >= i)).any(), "a logit depends on its own pixel or a later one"
    # Each pixel sees its left neighbour and the pixel above it.
    rows, cols = np.divmod(np.arange(d), shape[1])
    left = np.flatnonzero(cols > 0)
    assert pattern[left, left - 1].all()
    below_top = np.flatnonzero(rows > 0)
    assert pattern[below_top, below_top - shape[1]].all()


def test_pixelcnn_cut_at_a_row_gives_the_whole_image_logits_of_the_rows_above(torch):
    shape = (6, 7)
    with ar.seeded(torch, 1):
        net = ar.pixelcnn_network(torch, shape, channels=6, layers=2)
    x = (torch.rand(5, 42, generator=torch.Generator().manual_seed(2)) < 0.5).float()
    with torch.no_grad():
        whole = net(x).numpy()
        for rows in (1, 3, 6):
            np.testing.assert_allclose(net.top_rows(x, rows).numpy(), whole[:, :rows * 7],
                                       rtol=1e-5, atol=1e-6)

def test_kernel_masks_in_closed_form():
    np.testing.assert_array_equal(ar.kernel_mask(3, "A"), [[1, 1, 1], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(ar.kernel_mask(3, "B"), [[1, 1, 1], [1, 1, 0], [0, 0, 0]])
    a5 = ar.kernel_mask(5, "A")
    assert a5.sum() == 12 and a5[2, 2] == 0 and a5[:2].all()
    with pytest.raises(ValueError, match="type A or B"):
        ar.kernel_mask(3, "C")


def all_binary_images(d: int) -> np.ndarray:
    return np.array(list(itertools.product([0.0, 1.0], repeat=d)), dtype=np.float32)


@pytest.mark.parametrize("model", ["made", "pixelcnn"])
def test_probabilities_of_every_image_sum_to_one(torch, model):
    """A 2 × 3 image has 64 possibilities: an autoregressive model's p sums to 1 over them."""
    d = 6
    with ar.seeded(torch, 2):
        if model == "made":
            degrees = ar.made_degrees(d, 16, 2, np.arange(d), np.random.default_rng(0))
            net = ar.made_network(torch, ar.made_masks(degrees))
        else:
            net = ar.pixelcnn_network(torch, (2, 3), channels=4, layers=1)
    with torch.no_grad():
        bits = ar.nll_bits(torch, net, torch.as_tensor(all_binary_images(d))).double().numpy()
    assert np.sum(2.0 ** -bits) == pytest.approx(1.0, abs=1e-5)
    assert bits.std() > 0.01  # not the uniform distribution by accident


@pytest.mark.parametrize("name", ["made", "pixelcnn"])
def test_sampling_draws_each_pixel_from_its_conditional(torch, digits, name):
    """Each step's p is the model's conditional at that pixel given the finished sample
    (which it can only depend on through the pixels before it), and the pixel is 1 when
    the uniform fell below p."""
    alg = ar.MADE() if name == "made" else ar.PixelCNN()
    fast = MADE_FAST if name == "made" else PIXELCNN_FAST
    params = alg.resolve(digits, {**fast, **({"order": "random"} if name == "made" else {})})
    order = alg.order(64, params)
    with ar.seeded(torch, 0):
        net, _ = alg.build(torch, digits, order, params)
    trainer = ar._Trainer(torch, torch.device("cpu"), net, ar.binarise(digits, 0.5, "x"),
                          params)
    uniforms = np.random.default_rng(0).random((5, 64))
    frames, probabilities = trainer.sample(order, uniforms, RunContext())
    final = frames[-1]
    assert set(np.unique(final)) <= {0, 1}
    with torch.no_grad():
        p = torch.sigmoid(net(torch.as_tensor(final, dtype=torch.float32))).numpy()
    np.testing.assert_allclose(probabilities, p[:, order].T, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(final[:, order], (uniforms < probabilities.T).astype(np.int8))


def train(alg, dataset, values):
    return list(alg.start(dataset, values, RunContext()))


def test_made_learns_and_shows_its_masks(digits):
    snapshots = train(ar.MADE(), digits, MADE_FAST)
    last = snapshots[-1]
    assert isinstance(last, ar.MadeModel) and len(snapshots) == 3
    assert [s.step for s in snapshots] == [0, 1, 2]
    assert last.train_nll.shape == last.held_out_nll.shape == (3,)
    assert last.held_out_nll[-1] < last.held_out_nll[0] - 2.0
    assert last.train_nll[-1] < last.train_nll[0] - 2.0
    assert last.held_out_nll[-1] < 64.0  # better than a bit per pixel
    assert last.samples.shape == (ar.MADE_SAMPLES, 8, 8) and last.samples.dtype == np.uint8
    assert set(np.unique(last.samples)) <= {0, 1}
    assert [m.shape for m in last.masks] == [(32, 64), (32, 32), (64, 32)]
    assert last.reach.shape == (64, 64)
    np.testing.assert_array_equal(last.reach, np.tril(last.reach, -1))  # raster order
    assert (last.n_train, last.n_held_out) == (1438, 359)
    assert "bits per image" in last.message and "held out" in last.message
    np.testing.assert_array_equal(ar.display_order(last.degrees[0]), np.arange(64))


def test_pixelcnn_learns_and_carries_its_sampling_animation(digits):
    snapshots = train(ar.PixelCNN(), digits, PIXELCNN_FAST)
    last = snapshots[-1]
    assert isinstance(last, ar.PixelCNNModel)
    assert last.held_out_nll[-1] < last.held_out_nll[0] - 2.0
    m = ar.PIXELCNN_SAMPLES
    assert last.frames.shape == (65, m, 8, 8) and last.probabilities.shape == (64, m)
    assert (last.frames[0] == ar.UNKNOWN).all()
    np.testing.assert_array_equal(last.frames[-1], last.samples)
    flat = last.frames.reshape(65, m, 64)
    for t in range(65):  # before step t, the first t pixels in raster order are drawn
        assert (flat[t, :, :t] >= 0).all() and (flat[t, :, t:] == ar.UNKNOWN).all()
        np.testing.assert_array_equal(flat[t, :, :t], flat[-1, :, :t])
    assert ((last.probabilities >= 0) & (last.probabilities <= 1)).all()
    np.testing.assert_array_equal(last.kernel_masks[0], ar.kernel_mask(5, "A"))
    np.testing.assert_array_equal(last.kernel_masks[1], ar.kernel_mask(3, "B"))


def test_another_seed_gives_other_samples(digits):
    a = train(ar.MADE(), digits, {**MADE_FAST, "epochs": 1, "seed": 1})[-1]
    b = train(ar.MADE(), digits, {**MADE_FAST, "epochs": 1, "seed": 1})[-1]
    c = train(ar.MADE(), digits, {**MADE_FAST, "epochs": 1, "seed": 2})[-1]
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.masks[0], b.masks[0])
    assert not np.array_equal(a.masks[0], c.masks[0])
    assert not np.array_equal(a.samples, c.samples)


def test_binarise_at_half_is_above_eight_of_sixteen(digits):
    X = ar.binarise(digits, 0.5, "MADE")
    np.testing.assert_array_equal(X, digits.X > 8)
    assert ar.binarise(digits, 0.25, "MADE").sum() > X.sum()


def test_data_that_are_not_images_get_a_clear_message():
    table = Dataset("moons", np.random.default_rng(0).normal(size=(50, 2)))
    for alg in (ar.MADE(), ar.PixelCNN()):
        with pytest.raises(ValueError, match=r"learns images: choose digits"):
            alg.resolve(table, {})
    one = Dataset("one", np.ones((1, 4)), image_shape=(2, 2))
    with pytest.raises(ValueError, match="at least two images"):
        ar.MADE().resolve(one, {})


class TripWire(threading.Event):
    """A cancel event that reads as set from its `trip`-th look on, counting every look."""

    def __init__(self, trip: int):
        super().__init__()
        self.trip = trip
        self.looks = 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.trip


@pytest.mark.parametrize("look", [2, 30])
def test_cancel_stops_at_the_next_batch_or_pixel(digits, look):
    # Batches of 512: three looks in training, then one before each of the 64 pixels.
    wire = TripWire(trip=look)
    values = {**MADE_FAST, "batch_size": 512}
    assert list(ar.MADE().start(digits, values, RunContext(cancel_event=wire))) == []
    assert wire.looks <= wire.trip + 1  # the pass that saw it stops, and says so once more


def test_the_last_epoch_judges_fresh_samples_against_the_binarised_digits():
    from engine import datasets
    from engine.generative import judging

    digits = datasets.load("digits")
    run = list(ar.MADE().start(digits, {"epochs": 2, "hidden": 16, "batch_size": 256}))
    assert run[0].judgement is None
    judgement = run[-1].judgement
    assert judgement.n_samples == judging.sample_count(digits)
    assert np.isfinite([judgement.fid, judgement.real_fid, judgement.parzen]).all()


def test_samples_are_drawn_after_the_first_every_few_and_the_last_epoch(digits):
    """Drawing pixel by pixel costs a third of an epoch: in between, a snapshot carries the
    samples last drawn, and says after which epoch."""
    some = Dataset("digits", digits.X[:200], None, image_shape=(8, 8))  # unlabelled: not judged
    n = ar.SAMPLE_EVERY + 2
    run = train(ar.MADE(), some, {"hidden": 16, "epochs": n, "batch_size": 200})
    drawn = [s.sampled_epoch for s in run]
    every = ar.SAMPLE_EVERY
    assert drawn == [1] * (every - 1) + [every, every, n]
    for snap in run[1:every - 1]:
        np.testing.assert_array_equal(snap.samples, run[0].samples)
        assert "samples as drawn after epoch 1" in snap.message
    assert "samples as drawn" not in run[-1].message
    assert [ar.draws_samples(e, 7, 3) for e in range(1, 8)] == [True, False, True, False,
                                                               False, True, True]
