"""The autoencoders: they learn, repeat themselves given a seed, a 1-D code of moons draws a
curve through the data (nearer than the best straight line, PCA's), the denoiser's output on
held-out digits is nearer the clean digit than its noisy input, and a cancel stops them."""

import threading

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset
from engine.generative.autoencoder import (
    MAX_SHOWN,
    Autoencoder,
    Autoencoding,
    DenoisingAutoencoder,
    bottleneck,
    corrupt_numpy,
    epochs_for,
    line_of_codes,
)
from engine.protocol import RunContext

FAST = {"hidden": 32, "epochs": 3, "batch_size": 128}


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits")


@pytest.fixture(scope="module")
def moons():
    return datasets.load("moons", n_samples=200, seed=0)


def train(algorithm, dataset, **values):
    return list(algorithm.start(dataset, {**FAST, **values}, RunContext()))


def distance_to_polyline(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Each point's distance to the nearest segment of the polyline."""
    a, b = line[:-1], line[1:]
    ab = b - a
    t = ((points[:, None] - a[None]) * ab[None]).sum(-1) / (ab ** 2).sum(-1)[None]
    nearest = a[None] + np.clip(t, 0.0, 1.0)[..., None] * ab[None]
    return np.sqrt(((points[:, None] - nearest) ** 2).sum(-1)).min(axis=1)


def pca_line_distance(X: np.ndarray) -> float:
    """Mean distance of the points to their first principal axis: the best straight line."""
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return float(np.abs(centred @ vt[1]).mean())


@pytest.fixture(scope="module")
def moons_run(moons):
    return train(Autoencoder(), moons, epochs=100, batch_size=32, learning_rate=5e-3)


def test_loss_falls_on_digits_and_images_are_in_data_units(digits):
    snapshots = train(Autoencoder(), digits, latent_dim=8)
    last = snapshots[-1]
    assert isinstance(last, Autoencoding) and len(snapshots) == 3
    assert [s.step for s in snapshots] == [0, 1, 2]
    assert (last.epoch, last.n_epochs, last.latent_dim) == (3, 3, 8)
    assert last.loss.shape == (3,) and last.loss[-1] < 0.8 * last.loss[0]
    assert (last.loss_name, last.loss_unit) == ("cross-entropy", "per image (nats)")
    assert last.decoder.output == "sigmoid"
    np.testing.assert_array_equal(last.scale, 16.0)
    assert last.codes.shape == (digits.n, 8)
    assert last.inputs.shape == last.outputs.shape == (10, 64)
    np.testing.assert_array_equal(last.inputs, digits.X[last.rows])
    assert last.outputs.min() >= 0.0 and last.outputs.max() <= 16.0
    np.testing.assert_allclose(last.outputs, last.reconstruct(digits.X[last.rows]))
    assert last.curve is None and not last.denoising
    assert last.message.startswith("epoch 3 of 3: 15 gradient steps over the 1,797 points; "
                                   "loss fell from ")


def test_same_seed_same_result(moons):
    a, b = (train(Autoencoder(), moons, seed=5)[-1] for _ in range(2))
    c = train(Autoencoder(), moons, seed=6)[-1]
    for name in ("codes", "loss", "outputs", "curve"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert not np.allclose(a.codes, c.codes)


def test_a_1d_code_draws_moons_onto_a_curve_near_the_data(moons, moons_run):
    last = moons_run[-1]
    assert last.latent_dim == 1 and last.loss[-1] < 0.2 * last.loss[0]
    assert last.loss_name == "squared error"
    np.testing.assert_allclose(last.mean, moons.X.mean(axis=0))
    np.testing.assert_allclose(last.scale, moons.X.std(axis=0))
    # The curve is the decoder's image of a line of codes across the data's codes.
    np.testing.assert_allclose(last.curve, last.decode(line_of_codes(last.codes)))
    spread = float(np.sqrt(moons.X.var(axis=0).sum()))
    mean_distance = distance_to_polyline(moons.X, last.curve).mean()
    assert mean_distance < 0.15 * spread
    assert mean_distance < 0.4 * pca_line_distance(moons.X)
    # Every reconstruction lies on that curve (up to the spacing of its samples).
    assert distance_to_polyline(last.outputs, last.curve).max() < 0.02 * spread


def test_the_denoiser_output_is_nearer_the_clean_held_out_digit(digits):
    rng = np.random.default_rng(0)
    order = rng.permutation(digits.n)
    train_rows, test_rows = order[:1500], order[1500:]
    train_set = Dataset("digits", digits.X[train_rows], digits.y[train_rows],
                        image_shape=(8, 8))
    for noise in ("gaussian", "masking"):
        last = train(DenoisingAutoencoder(), train_set, epochs=8, hidden=64, batch_size=32,
                     learning_rate=5e-3, latent_dim=16, noise=noise, noise_level=0.4)[-1]
        assert last.denoising and last.loss[-1] < last.loss[0]
        clean = digits.X[test_rows] / 16.0
        noisy = corrupt_numpy(clean, noise, 0.4, True, rng)
        output = last.reconstruct(16.0 * noisy) / 16.0
        input_error = ((noisy - clean) ** 2).sum(axis=1).mean()
        output_error = ((output - clean) ** 2).sum(axis=1).mean()
        assert output_error < 0.7 * input_error, noise  # about half, here
        # The shown rows tell the same story.
        assert last.output_error < last.input_error


def test_noise_is_what_was_asked(digits):
    masked = train(DenoisingAutoencoder(), digits, epochs=1, noise="masking",
                   noise_level=0.5)[-1]
    clean = digits.X[masked.rows]
    dropped = (masked.inputs == 0) & (clean > 0)
    assert 0.35 < dropped.sum() / (clean > 0).sum() < 0.65
    assert np.all((masked.inputs == 0) | (masked.inputs == clean))
    gauss = train(DenoisingAutoencoder(), digits, epochs=1, noise_level=0.3)[-1]
    assert gauss.inputs.min() >= 0.0 and gauss.inputs.max() <= 16.0  # clipped to the pixels
    assert not np.allclose(gauss.inputs, clean)
    assert (gauss.noise, gauss.noise_level) == ("gaussian", 0.3)


def test_auto_bottleneck_and_epochs(digits, moons):
    assert bottleneck(moons, 0) == 1 and bottleneck(digits, 0) == 8
    assert bottleneck(datasets.load("iris"), 0) == 2 and bottleneck(moons, 3) == 3
    assert bottleneck(moons, 0, denoising=True) == 2
    assert bottleneck(digits, 0, denoising=True) == 16
    assert epochs_for(300, 32, 0) == 300 and epochs_for(1797, 32, 0) == 53
    assert epochs_for(10**6, 32, 0) == 10 and epochs_for(300, 32, 7) == 7


def test_tables_of_many_points_show_a_sample(moons):
    big = datasets.load("moons", n_samples=MAX_SHOWN + 500, seed=1)
    last = train(Autoencoder(), big, epochs=1, batch_size=1024)[-1]
    assert last.rows.shape == (MAX_SHOWN,) and np.all(np.diff(last.rows) > 0)
    assert last.outputs.shape == (MAX_SHOWN, 2)


def test_long_runs_yield_a_snapshot_every_few_epochs(moons):
    snapshots = train(Autoencoder(), moons, epochs=301, batch_size=1024)
    # 301 epochs: one snapshot every 3 (at most 150), and the last epoch's.
    assert len(snapshots) == 101 and snapshots[-1].epoch == 301
    assert [s.step for s in snapshots] == list(range(101))


class TripWire(threading.Event):
    """A cancel event that reads as set from its `trip`-th look on."""

    def __init__(self, trip: int):
        super().__init__()
        self.trip, self.looks = trip, 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.trip


def test_cancel_stops_within_the_epoch(digits):
    wire = TripWire(trip=5)
    snapshots = list(Autoencoder().start(digits, FAST, RunContext(cancel_event=wire)))
    # One look per batch, and one more that tells a cancelled pass from a finished one.
    assert snapshots == [] and wire.looks == wire.trip + 1
