"""The GAN and the conditional GAN on digits: finite losses and a discriminator that tells
real from fake early on, a numpy generator equal to torch's, conditioning that a classifier
trained on real digits can read back, the same run from the same seed, and plain messages
for data that cannot work."""

import threading

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from engine.data import Dataset
from engine.generative import judging
from engine.generative.gan import (
    GAN,
    GRID,
    ConditionalGAN,
    GANModel,
    _Trainer,
    judging_samples,
    slerp,
    with_class,
)
from engine.generative.training import numpy_mlp
from engine.protocol import RunContext

TINY = {"hidden": 32, "epochs": 2, "batch_size": 128}


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    return Dataset("digits", bunch.data, bunch.target, image_shape=(8, 8))


def train(algorithm, dataset, **values):
    return list(algorithm.start(dataset, {**TINY, **values}, RunContext()))


def test_losses_finite_and_discriminator_separates_early(digits):
    snapshots = train(GAN(), digits)
    assert len(snapshots) == 2 and all(isinstance(s, GANModel) for s in snapshots)
    last = snapshots[-1]
    steps = 2 * -(-digits.n // TINY["batch_size"])
    for name in ("loss_g", "loss_d", "d_real", "d_fake"):
        values = getattr(last, name)
        assert values.shape == (steps,) and np.isfinite(values).all(), name
    assert ((last.d_real > 0) & (last.d_real < 1)).all()
    # Within thirty steps D calls real digits clearly more real than G's attempts.
    gap = last.d_real - last.d_fake
    assert gap[-5:].mean() > 0.1 and gap[-5:].mean() > gap[:5].mean() + 0.05
    assert last.loss_d[-1] < last.loss_d[0]
    assert last.samples.shape == (GRID, 64) and last.noise.shape == (GRID, 16)
    assert last.samples.min() >= 0.0 and last.samples.max() <= 16.0
    assert last.message.startswith("epoch 2 of 2: discriminator loss")


def test_numpy_generator_equals_torch(digits):
    from engine.generative.torch_setup import import_torch

    torch = import_torch()
    params = ConditionalGAN().resolve(digits, {**TINY, "latent_dim": 5})
    trainer = _Trainer(torch, torch.device("cpu"), digits, params, conditional=True)
    trainer.epoch(RunContext())
    copy = numpy_mlp(trainer.G, "sigmoid")
    z = np.random.default_rng(1).normal(size=(30, 5)) * 1.5
    x = with_class(z, 7, 10)
    assert x.shape == (30, 15) and (x[:, 5:].argmax(axis=1) == 7).all()
    with torch.no_grad():
        expected = torch.sigmoid(trainer.G(torch.as_tensor(x, dtype=torch.float32))).numpy()
    np.testing.assert_allclose(copy(x), expected, rtol=1e-4, atol=1e-5)


def test_snapshot_samples_are_the_generator_of_the_fixed_noise(digits):
    last = train(ConditionalGAN(), digits, epochs=1)[-1]
    assert last.samples.shape == (10, GRID, 64)
    for c in (0, 4, 9):
        np.testing.assert_allclose(last.generate(last.noise, c), last.samples[c],
                                   rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="class from 0 to 9"):
        last.generate(last.noise[:1])
    plain = train(GAN(), digits, epochs=1)[-1]
    np.testing.assert_allclose(plain.generate(plain.noise), plain.samples, rtol=1e-4,
                               atol=1e-4)


def test_conditioning_is_read_back_by_a_classifier(digits):
    classifier = LogisticRegression(max_iter=2000).fit(digits.X / 16.0, digits.y)
    last = train(ConditionalGAN(), digits, epochs=8, hidden=64, batch_size=64,
                 learning_rate=2e-3)[-1]
    z = np.random.default_rng(5).normal(size=(40, last.latent_dim))
    labels = np.repeat(np.arange(10), len(z))
    images = np.vstack([last.generate(z, c) for c in range(10)]) / 16.0
    accuracy = float((classifier.predict(images) == labels).mean())
    assert accuracy > 0.4, accuracy  # chance is 0.1; a generator that ignores c gets ~0.1


def test_same_seed_same_run(digits):
    a = train(GAN(), digits, seed=3, epochs=1)[-1]
    b = train(GAN(), digits, seed=3, epochs=1)[-1]
    c = train(GAN(), digits, seed=4, epochs=1)[-1]
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.loss_g, b.loss_g)
    np.testing.assert_array_equal(a.noise, b.noise)
    assert not np.allclose(a.noise, c.noise)
    assert not np.allclose(a.samples, c.samples)


def test_the_grid_noise_stays_fixed_through_a_run(digits):
    snapshots = train(GAN(), digits, epochs=3)
    assert all(s.noise is snapshots[0].noise for s in snapshots)
    assert not np.allclose(snapshots[0].samples, snapshots[-1].samples)


def test_slerp_keeps_the_ends_and_the_norm():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=16), rng.normal(size=16)
    path = slerp(a, b, np.linspace(0, 1, 5))
    np.testing.assert_allclose(path[0], a)
    np.testing.assert_allclose(path[-1], b)
    b_scaled = b * np.linalg.norm(a) / np.linalg.norm(b)
    norms = np.linalg.norm(slerp(a, b_scaled, np.linspace(0, 1, 7)), axis=1)
    np.testing.assert_allclose(norms, np.linalg.norm(a))
    np.testing.assert_allclose(slerp(a, a, 0.5)[0], a)


def test_data_that_is_not_images_gets_a_plain_message(digits):
    table = Dataset("iris-like", np.random.default_rng(0).normal(size=(30, 4)))
    with pytest.raises(ValueError, match="learns images"):
        GAN().resolve(table, {})
    unlabelled = Dataset("unlabelled", digits.X, image_shape=(8, 8))
    GAN().resolve(unlabelled, {})
    with pytest.raises(ValueError, match="needs class labels"):
        ConditionalGAN().resolve(unlabelled, {})


def test_any_image_set_works_in_its_own_units():
    rng = np.random.default_rng(0)
    images = Dataset("blocks", rng.uniform(0, 255, size=(60, 12)), image_shape=(3, 4))
    last = train(GAN(), images, epochs=1, batch_size=32)[-1]
    assert last.scale == images.X.max() and last.image_shape == (3, 4)
    assert last.samples.shape == (GRID, 12) and last.samples.max() <= last.scale


class TripWire(threading.Event):
    """A cancel event that reads as set from its `trip`-th look on."""

    def __init__(self, trip: int):
        super().__init__()
        self.trip, self.looks = trip, 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.trip


def test_cancel_stops_before_the_next_batch(digits):
    # 15 batches of 128 an epoch: look 20 falls in the second epoch.
    wire = TripWire(trip=20)
    snapshots = list(GAN().start(digits, TINY, RunContext(cancel_event=wire)))
    assert len(snapshots) == 1 and wire.looks == wire.trip


def test_the_last_epoch_judges_samples_spread_over_the_classes(digits):
    snapshots = train(ConditionalGAN(), digits, epochs=2)
    assert [s.judgement is None for s in snapshots] == [True, False]
    final = snapshots[-1]
    samples = judging_samples(final, digits, seed=0)
    assert samples.shape == (judging.sample_count(digits), 64)
    assert samples.min() >= 0.0 and samples.max() <= 16.0
    assert final.judgement.n_samples == len(samples)
    assert np.isfinite([final.judgement.fid, final.judgement.inception]).all()
