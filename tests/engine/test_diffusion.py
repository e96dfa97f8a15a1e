"""DDPM on 2-D data: the forward process against its closed form q(x_t | x_0), the sampler
against a Gaussian whose best noise predictor is known, the numpy copy of ε_θ against torch,
the loss falling and samples nearer the data than the noise they start from, same seed same
run, 2-D data only, and a cancel that stops it."""

import math
import threading

import numpy as np
import pytest
from scipy import stats

from engine import datasets
from engine.data import Dataset
from engine.generative.coverage import precision_recall
from engine.generative.diffusion import (
    ARROW_CELLS,
    Diffusion,
    DiffusionModel,
    EpsilonNet,
    _Trainer,
    alpha_bars,
    beta_schedule,
    energy_distance,
    field_arrows,
    field_box,
    noised,
    time_features,
)
from engine.generative.torch_setup import import_torch
from engine.generative.training import numpy_mlp
from engine.protocol import RunContext

TINY = {"T": 20, "hidden": 16, "train_steps": 12, "batch_size": 64, "samples": 40}
# Enough to learn moons roughly in about a second and a half of CPU.
LEARN = {"T": 50, "hidden": 64, "batch_size": 128, "samples": 300}


@pytest.fixture(scope="module")
def moons():
    return datasets.load("moons", n_samples=300)


@pytest.fixture(scope="module")
def tiny_run(moons):
    return list(DiffusionModel().start(moons, TINY, RunContext()))


def _trainer(dataset, values):
    torch = import_torch()
    params = DiffusionModel().resolve(dataset, values)
    return torch, _Trainer(torch, torch.device("cpu"), dataset.X, params)


# ---------------------------------------------------------------- schedule and forward process


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("T", [10, 100, 200])
def test_schedules_start_at_the_data_and_end_in_noise(kind, T):
    betas = beta_schedule(kind, T)
    ab = alpha_bars(betas)
    assert betas.shape == ab.shape == (T + 1,)
    assert betas[0] == 0.0 and ab[0] == 1.0
    assert np.all((betas[1:] > 0) & (betas[1:] < 1))
    assert np.all(np.diff(ab) < 0)
    assert ab[-1] < 4e-3  # √ᾱ_T < 0.07: x_T is all but pure noise


def test_linear_is_ho_et_al_rescaled_and_cosine_follows_its_formula():
    np.testing.assert_allclose(beta_schedule("linear", 1000)[1:], np.linspace(1e-4, 0.02, 1000))
    np.testing.assert_allclose(beta_schedule("linear", 100)[1:],
                               10 * np.linspace(1e-4, 0.02, 100))
    T, s = 100, 0.008
    f = np.cos(0.5 * np.pi * (np.arange(T + 1) / T + s) / (1 + s)) ** 2
    ab = alpha_bars(beta_schedule("cosine", T))
    unclipped = slice(0, T)  # the last β is clipped at 0.999
    np.testing.assert_allclose(ab[unclipped], (f / f[0])[unclipped], rtol=1e-10)


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_composed_single_steps_have_the_closed_form_moments(kind):
    """q(x_t | x_{t−1}) = N(√(1−β_t) x_{t−1}, β_t): mean and variance carried step by step
    equal √ᾱ_t x_0 and 1 − ᾱ_t."""
    T = 100
    betas = beta_schedule(kind, T)
    ab = alpha_bars(betas)
    x0 = np.array([1.5, -0.7])
    mean, var = x0.copy(), 0.0
    for t in range(1, T + 1):
        mean = math.sqrt(1 - betas[t]) * mean
        var = (1 - betas[t]) * var + betas[t]
        np.testing.assert_allclose(mean, math.sqrt(ab[t]) * x0, rtol=1e-9, atol=1e-12)
        assert var == pytest.approx(1 - ab[t], rel=1e-9, abs=1e-12)


def test_sampled_chains_of_single_steps_match_the_closed_form():
    """Many chains noised one step at a time, against direct draws from q(x_t | x_0):
    moments within a few standard errors and a two-sample KS test per coordinate."""
    rng = np.random.default_rng(0)
    T, n = 60, 20_000
    betas = beta_schedule("linear", T)
    ab = alpha_bars(betas)
    x0 = np.array([2.0, -1.0])
    x = np.tile(x0, (n, 1))
    for t in range(1, T + 1):
        x = math.sqrt(1 - betas[t]) * x + math.sqrt(betas[t]) * rng.standard_normal(x.shape)
        if t in (5, 20, T):
            mean, sd = math.sqrt(ab[t]) * x0, math.sqrt(1 - ab[t])
            assert np.all(np.abs(x.mean(axis=0) - mean) < 4 * sd / math.sqrt(n))
            np.testing.assert_allclose(x.var(axis=0), sd**2, rtol=4 * math.sqrt(2 / n))
            direct = noised(x0, rng.standard_normal((n, 2)), ab[t])
            for j in range(2):
                assert stats.ks_2samp(x[:, j], direct[:, j]).pvalue > 1e-3


def test_training_noises_with_the_closed_form(moons):
    _, trainer = _trainer(moons, TINY)
    np.testing.assert_allclose(trainer.sqrt_ab.numpy() ** 2, trainer.alpha_bar, rtol=1e-6)
    np.testing.assert_allclose(trainer.sqrt_1mab.numpy() ** 2, 1 - trainer.alpha_bar,
                               rtol=1e-6, atol=1e-7)


def test_snapshot_forward_is_the_closed_form_on_its_fixed_noise(tiny_run, moons):
    snap = tiny_run[-1]
    z0 = (moons.X - moons.X.mean(axis=0)) / moons.X.std(axis=0)
    np.testing.assert_allclose(snap.forward(0), moons.X)
    for t in (1, 7, snap.T):
        z = np.sqrt(snap.alpha_bar[t]) * z0 + np.sqrt(1 - snap.alpha_bar[t]) * snap.noise
        np.testing.assert_allclose(snap.forward(t), moons.X.mean(axis=0)
                                   + moons.X.std(axis=0) * z)
    assert all(s.noise is snap.noise for s in tiny_run)  # the same ε all run long


# ---------------------------------------------------------------- the sampler


def test_sampler_draws_a_gaussian_given_its_exact_noise_predictor(moons):
    """Data z ~ N(0, σ²I): then E[ε | x_t] = √(1−ᾱ_t) x_t / (ᾱ_t σ² + 1 − ᾱ_t), and
    ancestral sampling with it must give back N(0, σ²I) (up to the discretisation: with
    T = 1000 its variance is 1.6 % short, with T = 100 about 12 %)."""
    torch, trainer = _trainer(moons, {"T": 1000, "samples": 4000, "hidden": 8})
    sigma2 = 0.25
    ab = torch.as_tensor(np.array(trainer.alpha_bar), dtype=torch.float32)

    def exact(x, t):
        a = ab[t][:, None]
        return torch.sqrt(1 - a) * x / (a * sigma2 + 1 - a)

    trainer.epsilon = exact
    samples = trainer.sample(RunContext())[0]
    assert np.all(np.abs(samples.mean(axis=0)) < 4 * math.sqrt(sigma2 / 4000))
    np.testing.assert_allclose(samples.var(axis=0), sigma2, rtol=0.06)


def test_paths_run_from_the_same_noise_to_the_samples(tiny_run):
    first, last = tiny_run[0], tiny_run[-1]
    T, m = last.T, TINY["samples"]
    assert last.paths.shape == (T + 1, m, 2)
    np.testing.assert_array_equal(first.paths[T], last.paths[T])  # x_T fixed across snapshots
    start = last.standardise(last.paths[T])
    assert abs(start.mean()) < 0.5 and 0.5 < start.std() < 1.5
    assert not np.allclose(first.paths[0], last.paths[0])


# ---------------------------------------------------------------- the network and its field


def test_numpy_network_equals_torch(moons):
    torch, trainer = _trainer(moons, {**TINY, "hidden": 32})
    trainer.train(5, RunContext(), [])
    net = EpsilonNet(numpy_mlp(trainer.net), time_features(TINY["T"]))
    x = np.random.default_rng(1).normal(size=(30, 2)) * 2
    for t in (1, 9, TINY["T"]):
        with torch.no_grad():
            expected = trainer.epsilon(torch.as_tensor(x, dtype=torch.float32),
                                       torch.full((30,), t, dtype=torch.long)).numpy()
        np.testing.assert_allclose(net(x, t), expected, rtol=1e-4, atol=1e-5)


def test_score_and_field_follow_the_network(tiny_run):
    snap: Diffusion = tiny_run[-1]
    t = 7
    x = snap.data[:10]
    eps = snap.net(snap.standardise(x), t)
    np.testing.assert_allclose(snap.score(x, t), -eps / np.sqrt(1 - snap.alpha_bar[t]))
    with pytest.raises(ValueError, match="t = 1"):
        snap.score(x, 0)
    starts, ends = field_arrows(snap, t, grid=9)
    low, high = field_box(snap)
    assert starts.shape == ends.shape == (81, 2)
    assert np.all((starts >= low - 1e-12) & (starts <= high + 1e-12))
    for t_any in range(snap.T + 1):  # the box holds the points at every t
        assert np.all((snap.forward(t_any) >= low) & (snap.forward(t_any) <= high))
    move = (ends - starts)
    expected = snap.score(starts, t) * snap.scale
    cos = (move * expected).sum(1) / (np.linalg.norm(move, axis=1)
                                      * np.linalg.norm(expected, axis=1))
    np.testing.assert_allclose(cos, 1.0, atol=1e-9)  # the score's direction, in data units
    cells = np.hypot(*(move / ((high - low) / 8)).T)
    assert cells.max() <= ARROW_CELLS + 1e-9


# ---------------------------------------------------------------- learning


def test_loss_falls_and_samples_come_nearer_the_data(moons):
    _, trainer = _trainer(moons, LEARN)
    losses = []
    trainer.train(500, RunContext(), losses)
    paths = trainer.sample(RunContext())
    assert np.mean(losses[-100:]) < 0.6 * np.mean(losses[:30])

    def nearest(points):
        return np.sqrt(((points[:, None] - trainer.Z[None]) ** 2).sum(-1)).min(1).mean()

    samples, noise = paths[0], paths[-1]
    assert nearest(samples) < 0.7 * nearest(noise)
    assert energy_distance(samples, trainer.Z) < 0.5 * energy_distance(noise, trainer.Z)


def test_snapshots_carry_the_loss_per_step_and_say_so(tiny_run):
    last = tiny_run[-1]
    assert [s.step for s in tiny_run] == list(range(len(tiny_run)))
    assert last.loss.shape == (TINY["train_steps"],) and last.train_step == TINY["train_steps"]
    assert len(last.distance) == len(last.precision) == len(last.recall) == len(tiny_run)
    assert last.message.startswith(f"gradient step {TINY['train_steps']} of ")
    assert f"{last.precision[-1]:.0%} of the samples lie on the data" in last.message
    assert last.paths.dtype == np.float32 and not last.paths.flags.writeable


def test_energy_distance_against_scipy_in_one_dimension():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=40), rng.normal(0.5, 2.0, size=30)
    n, m = len(a), len(b)
    s_a = np.abs(a[:, None] - a[None]).sum()
    s_b = np.abs(b[:, None] - b[None]).sum()
    # scipy's is the square root of the V-statistic; ours takes distinct pairs within sets.
    v = stats.energy_distance(a, b) ** 2
    ours = energy_distance(np.c_[a, np.zeros(n)], np.c_[b, np.zeros(m)])
    assert ours == pytest.approx(v - s_a / (n * n * (n - 1)) - s_b / (m * m * (m - 1)))


# ---------------------------------------------------------------- the contract


def test_same_seed_same_run(moons):
    quick = {**TINY, "train_steps": 4}
    a = list(DiffusionModel().start(moons, {**quick, "seed": 3}, RunContext()))[-1]
    b = list(DiffusionModel().start(moons, {**quick, "seed": 3}, RunContext()))[-1]
    c = list(DiffusionModel().start(moons, {**quick, "seed": 4}, RunContext()))[-1]
    for name in ("paths", "loss", "noise", "distance"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for w, v in zip(a.net.mlp.weights, b.net.mlp.weights, strict=True):
        np.testing.assert_array_equal(w, v)
    assert not np.allclose(a.paths, c.paths)


def test_only_two_dimensional_data(moons):
    wide = Dataset("wide", np.random.default_rng(0).normal(size=(20, 3)))
    with pytest.raises(ValueError, match=r"\(wide\) has 3 features, not 2"):
        DiffusionModel().resolve(wide, {})
    DiffusionModel().resolve(moons, {})


class TripWire(threading.Event):
    """A cancel event that reads as set from its `trip`-th look on."""

    def __init__(self, trip: int):
        super().__init__()
        self.trip, self.looks = trip, 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.trip


def test_cancel_stops_within_a_step(moons):
    wire = TripWire(trip=5)
    snapshots = list(DiffusionModel().start(moons, TINY, RunContext(cancel_event=wire)))
    assert snapshots == [] and wire.looks == wire.trip


def test_samples_keep_out_of_the_gap_between_two_rings():
    """Without the point features the network drew a disc over concentric circles."""
    circles = datasets.load("circles", n_samples=300)
    _, trainer = _trainer(circles, {**LEARN, "hidden": 128, "samples": 300})
    trainer.train(1200, RunContext(), [])
    samples, noise = trainer.sample(RunContext())[[0, -1]]
    on_data, _ = precision_recall(samples, trainer.Z)
    assert on_data > precision_recall(noise, trainer.Z)[0] + 0.2
