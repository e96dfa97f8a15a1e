"""The GAN on 2-D data: its losses, a single Gaussian learnt, the generator's pushes equal to
the loss's gradient, the modes counted on constructed samples, the ring generator, same seed
same result, and data that is not 2-D refused by name."""

import copy

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset
from engine.datasets.generators import RING_RADIUS, ring
from engine.generative import modes
from engine.generative.gan2d import GAN2D, GRID, SHOWN, _Trainer, generator_loss, grid_points
from engine.protocol import RunContext

TINY = {"hidden": 32, "every": 25}


def train(dataset, **values):
    return list(GAN2D().start(dataset, {**TINY, **values}, RunContext()))


@pytest.fixture(scope="module")
def ring_data():
    return datasets.load("ring", n_samples=400)


def test_losses_finite_and_d_tells_real_from_fake_early(ring_data):
    snaps = train(ring_data, steps=100)
    last = snaps[-1]
    assert [s.iteration for s in snaps] == [25, 50, 75, 100]
    assert [s.step for s in snaps] == [0, 1, 2, 3]
    for name in ("d_loss", "g_loss", "d_real", "d_fake"):
        values = getattr(last, name)
        assert values.shape == (100,) and np.isfinite(values).all(), name
    assert last.d_real[10:].mean() > last.d_fake[10:].mean() + 0.05
    assert last.generated.shape == last.pushes.shape == (SHOWN, 2)
    assert last.d_grid.shape == (GRID, GRID)
    assert last.d_grid.min() >= 0.0 and last.d_grid.max() <= 1.0
    assert "training step 100 of 100" in last.message and "of 8 modes covered" in last.message


def test_generated_mean_and_covariance_approach_a_single_gaussian():
    """A GAN circles its equilibrium rather than settling on it, so the samples of the last
    five pictures (steps 600 to 1000) are pooled: their mean and covariance are the data's."""
    rng = np.random.default_rng(0)
    cov = np.array([[4.0, 1.5], [1.5, 1.0]])
    X = rng.multivariate_normal([10.0, -3.0], cov, size=600)
    snaps = train(Dataset("gaussian", X), steps=1000, every=100, lr_g=5e-4, lr_d=5e-4, seed=1)
    scale = X.std(axis=0)

    def errors(g):
        mean = np.abs(g.mean(axis=0) - X.mean(axis=0)) / scale
        cov = np.abs(np.cov(g, rowvar=False) - np.cov(X, rowvar=False)) / np.outer(scale, scale)
        return mean.max(), cov.max()

    mean_error, cov_error = errors(np.concatenate([s.generated for s in snaps[-5:]]))
    assert mean_error < 0.2 and cov_error < 0.25, (mean_error, cov_error)
    assert errors(snaps[0].generated)[1] > 0.5


def _loss_at(torch, trainer, points, loss):
    """G's per-sample loss at points in data units, in float64 on a copy of D."""
    x = torch.as_tensor((points - trainer.mean) / trainer.scale, dtype=torch.float64)
    with torch.no_grad():
        logits = copy.deepcopy(trainer.D).double()(x)
    return generator_loss(torch, logits, loss).numpy().ravel()


@pytest.mark.parametrize("loss", ["minimax", "non-saturating"])
def test_pushes_are_minus_the_gradient_of_the_generator_loss(loss):
    from engine.generative.torch_setup import import_torch

    torch = import_torch()
    data = datasets.load("ring", n_samples=200)
    scaled = Dataset("scaled", data.X * [3.0, 0.5] + [7.0, 1.0], data.y)
    params = GAN2D().resolve(scaled, {"loss": loss, "hidden": 16, "seed": 2})
    trainer = _Trainer(torch, torch.device("cpu"), scaled, params)
    for _ in range(20):
        trainer.step()
    generated, pushes, d_grid = trainer.picture()
    h = 1e-5
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = h
        numeric = (_loss_at(torch, trainer, generated + step, loss)
                   - _loss_at(torch, trainer, generated - step, loss)) / (2 * h)
        # pushes are −∂L/∂x per standardised unit, times the scale: −scale² ∂L/∂x_data
        np.testing.assert_allclose(pushes[:, axis], -trainer.scale[axis] ** 2 * numeric,
                                   rtol=1e-3, atol=1e-5)
    with torch.no_grad():
        grid = (grid_points(trainer.box) - trainer.mean) / trainer.scale
        expected = torch.sigmoid(trainer.D(torch.as_tensor(grid, dtype=torch.float32)))
    np.testing.assert_allclose(d_grid.ravel(), expected.numpy().ravel(), atol=1e-6)


def test_generator_losses_in_closed_form():
    from engine.generative.torch_setup import import_torch

    torch = import_torch()
    a = np.array([-2.0, 0.0, 1.5])
    d = 1.0 / (1.0 + np.exp(-a))
    minimax = generator_loss(torch, torch.as_tensor(a), "minimax").numpy()
    saturating = generator_loss(torch, torch.as_tensor(a), "non-saturating").numpy()
    np.testing.assert_allclose(minimax, np.log(1.0 - d), rtol=1e-12)
    np.testing.assert_allclose(saturating, -np.log(d), rtol=1e-12)
    # where D is sure, log(1 − D) = −log(1 + eᵃ) and −log D = log(1 + e⁻ᵃ), still finite
    sure = np.array([-60.0, 60.0])
    np.testing.assert_allclose(generator_loss(torch, torch.as_tensor(sure), "minimax").numpy(),
                               -np.logaddexp(0.0, sure), rtol=1e-12)
    np.testing.assert_allclose(
        generator_loss(torch, torch.as_tensor(sure), "non-saturating").numpy(),
        np.logaddexp(0.0, -sure), rtol=1e-12)


def test_modes_covered_on_constructed_samples(ring_data):
    found = modes.class_modes(ring_data.X, ring_data.y)
    assert found is not None and found.k == 8
    angles = 2 * np.pi * np.arange(8) / 8
    centres = RING_RADIUS * np.column_stack([np.cos(angles), np.sin(angles)])
    np.testing.assert_allclose(found.means, centres, atol=0.05)
    rng = np.random.default_rng(5)
    spread = rng.normal(0.0, 0.1, size=(8 * 50, 2)) + np.repeat(centres, 50, axis=0)
    held = modes.counts(spread, found)
    assert held.sum() >= 0.95 * 8 * 50  # 3σ holds 1 − e^(−4.5) ≈ 98.9% of a 2-D Gaussian
    assert modes.covered(held, len(spread), found).all()
    collapsed = rng.normal(0.0, 0.05, size=(400, 2)) + centres[3]
    held = modes.counts(collapsed, found)
    covered = modes.covered(held, len(collapsed), found)
    assert covered.sum() == 1 and covered[3] and held[3] == 400
    # a mode with fewer than a quarter of its fair share (400 / 8 / 4 = 12.5) is not covered
    few = np.concatenate([collapsed[:388], spread[:12]])
    assert modes.covered(modes.counts(few, found), 400, found).sum() == 1
    far = np.full((10, 2), 50.0)
    assert (modes.assign(far, found) == -1).all()


def test_modes_only_for_compact_classes():
    blobs = datasets.load("blobs", n_samples=300, cluster_std=0.5, seed=2)
    assert modes.class_modes(blobs.X, blobs.y).k == 3
    for name in ("moons", "circles"):
        data = datasets.load(name)
        assert modes.class_modes(data.X, data.y) is None, name
    assert modes.class_modes(blobs.X, None) is None
    moons = datasets.load("moons", n_samples=100)
    last = train(moons, steps=25)[-1]
    assert last.n_modes == 0 and last.mode_counts is None and last.modes_trace.tolist() == [0]


def test_ring_generator():
    X, y = ring(n_samples=803, spread=0.2, seed=4)
    assert X.shape == (803, 2) and np.bincount(y).tolist() == [101, 101, 101] + [100] * 5
    for mode in range(8):
        angle = 2 * np.pi * mode / 8
        points = X[y == mode]
        np.testing.assert_allclose(points.mean(axis=0),
                                   [2 * np.cos(angle), 2 * np.sin(angle)], atol=0.06)
        np.testing.assert_allclose(points.std(axis=0), 0.2, rtol=0.2)
    data = datasets.load("ring")
    assert data.target_names[0] == "mode 1" and data.n_classes == 8


def test_same_seed_same_run(ring_data):
    a, b, c = (train(ring_data, steps=50, seed=s)[-1] for s in (3, 3, 4))
    for name in ("generated", "pushes", "d_grid", "d_loss", "g_loss"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert not np.allclose(a.generated, c.generated)


@pytest.mark.parametrize(("name", "d"), [("iris", 4), ("swiss_roll", 3)])
def test_data_that_is_not_2d_is_refused_naming_d(name, d):
    with pytest.raises(ValueError, match=rf"d = {d} features"):
        GAN2D().resolve(datasets.load(name), {})
