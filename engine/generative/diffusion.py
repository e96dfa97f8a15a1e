"""Denoising diffusion (DDPM) on 2-D data: noise the points step by step, learn to undo it.

Forward process. A schedule β_1 … β_T (linear or cosine) adds Gaussian noise,
q(x_t | x_{t−1}) = N(√(1−β_t) x_{t−1}, β_t I), so that in closed form
q(x_t | x_0) = N(√ᾱ_t x_0, (1−ᾱ_t) I) with ᾱ_t = Π_{s≤t} (1−β_s). Arrays of the schedule have
T + 1 entries: index 0 is the data itself (β_0 = 0, ᾱ_0 = 1).

Model. A small ReLU MLP ε_θ(x_t, t) predicts the noise that was added, from the point, sines
and cosines of its coordinates at four frequencies (without them the network smooths two
concentric rings into a disc: 30% of its samples fell in the gap or the hole, 3% with them),
and a sinusoidal embedding of t, trained on the simple loss ‖ε − ε_θ(√ᾱ_t x_0 + √(1−ᾱ_t) ε, t)‖².
Its negative, divided by √(1−ᾱ_t), estimates the score ∇ log q(x_t): the denoising field.

Sampling. Ancestral sampling from x_T ~ N(0, I) down to x_0 with the posterior variance
β̃_t = β_t (1−ᾱ_{t−1}) / (1−ᾱ_t). Every snapshot samples the same m starting points with the
same noise, so the trajectories change only because the model does.

Data. Only 2-D sets: the pictures (points noised in the plane, a field on a grid of the plane)
are the model's own only in the data's own two coordinates; a projection of wider data would be
a model of another data set. Points are standardised per feature inside; snapshots draw in
data units. torch is imported only inside `run`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.coverage import precision_recall
from engine.generative.training import (
    as_numpy,
    load_torch,
    mlp,
    numpy_mlp,
    seeded,
    standardised,
)
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import MLP, Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

SCHEDULES = ("linear", "cosine")
EMBEDDING_FREQUENCIES = 8  # sin and cos of t at 8 frequencies: 16 time features
POINT_FREQUENCIES = 0.5 * math.pi * 2.0 ** np.arange(4)  # of each standardised coordinate
COSINE_OFFSET = 0.008  # Nichol and Dhariwal's s: keeps β_1 from being vanishingly small
MAX_BETA = 0.999
MAX_LINEAR_BETA = 0.5
SNAPSHOTS = 60  # about this many snapshots a run, each with fresh sampling trajectories
DISTANCE_POINTS = 500  # the energy distance compares at most this many samples and data points
GRID = 17  # the denoising field's grid: GRID × GRID arrows
ARROW_CELLS = 0.9  # the longest drawn arrow spans this much of a grid cell (a longer one never)


# ---------------------------------------------------------------- schedule and forward process


def beta_schedule(kind: str, T: int) -> np.ndarray:
    """β_0 … β_T (β_0 = 0). Linear: Ho et al.'s 10⁻⁴ … 0.02 for T = 1000, scaled by 1000 / T
    so that ᾱ_T ≈ e⁻¹⁰ for any T, and capped at 0.5 (below T = 40 the scaled β would reach
    1, and a reverse step divides by √(1−β_t), which blows up an untrained model's errors;
    ᾱ_T is still under 0.004). Cosine: Nichol and Dhariwal's ᾱ_t = f(t) / f(0),
    f(t) = cos²(π/2 · (t/T + s) / (1 + s)), with β clipped at 0.999 as theirs."""
    if T < 1:
        raise ValueError(f"the schedule needs at least one step, not {T}")
    if kind == "linear":
        betas = np.minimum(np.linspace(1e-4, 0.02, T) * (1000.0 / T), MAX_LINEAR_BETA)
    elif kind == "cosine":
        t = np.arange(T + 1) / T
        f = np.cos(0.5 * math.pi * (t + COSINE_OFFSET) / (1.0 + COSINE_OFFSET)) ** 2
        alpha_bar = f / f[0]
        betas = 1.0 - alpha_bar[1:] / alpha_bar[:-1]
    else:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, not {kind!r}")
    return np.concatenate([[0.0], np.clip(betas, 0.0, MAX_BETA)])


def alpha_bars(betas: np.ndarray) -> np.ndarray:
    """ᾱ_t = Π_{s≤t} (1 − β_s), with ᾱ_0 = 1."""
    return np.cumprod(1.0 - np.asarray(betas, dtype=np.float64))


def noised(x0: np.ndarray, noise: np.ndarray, alpha_bar: float) -> np.ndarray:
    """x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε: a draw from q(x_t | x_0) given the noise ε."""
    return math.sqrt(alpha_bar) * x0 + math.sqrt(1.0 - alpha_bar) * noise


def time_features(T: int) -> np.ndarray:
    """(T + 1, 16) sinusoidal features of t = 0 … T, at frequencies 1000^(−k/8): the network
    tells steps apart from them. One table, used by torch and by the numpy copy alike."""
    t = np.arange(T + 1, dtype=np.float64)[:, None]
    frequencies = 1000.0 ** (-np.arange(EMBEDDING_FREQUENCIES) / EMBEDDING_FREQUENCIES)
    angles = t * frequencies[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


def point_features(x, sin, cos, cat):
    """[x, sin(ωx), cos(ωx)] for the POINT_FREQUENCIES ω: 18 features of a 2-D point. Written
    once for numpy and torch alike (pass their sin, cos and concatenate)."""
    angles = [x * w for w in POINT_FREQUENCIES]
    return cat([x] + [sin(a) for a in angles] + [cos(a) for a in angles])


def energy_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Székely's energy distance 2E‖A−B‖ − E‖A−A′‖ − E‖B−B′‖ between two point sets, with
    the within-set means over distinct pairs (unbiased: about 0 for two samples of one
    distribution, positive in expectation for different ones; a set of one point has no
    pairs, and its within-set term is 0)."""
    def distances(p, q):
        return np.sqrt(((p[:, None, :] - q[None, :, :]) ** 2).sum(-1))

    def within(p):
        n = len(p)
        return float(distances(p, p).sum()) / (n * (n - 1)) if n > 1 else 0.0

    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return 2.0 * float(distances(a, b).mean()) - within(a) - within(b)


# ---------------------------------------------------------------- the snapshot


@dataclass(frozen=True, eq=False)
class EpsilonNet:
    """A numpy copy of ε_θ: the MLP on [features of x, features of t], x standardised. The
    window calls it under the t slider, so it must not need torch."""

    mlp: MLP
    features: np.ndarray  # time_features(T)

    def __call__(self, x: np.ndarray, t: int) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        time = np.broadcast_to(self.features[int(t)], (len(x), self.features.shape[1]))
        return self.mlp(np.concatenate([numpy_point_features(x), time], axis=1))


def numpy_point_features(x: np.ndarray) -> np.ndarray:
    return point_features(x, np.sin, np.cos, lambda parts: np.concatenate(parts, axis=1))


INPUTS = 2 * (1 + 2 * len(POINT_FREQUENCIES)) + 2 * EMBEDDING_FREQUENCIES


@dataclass(frozen=True, kw_only=True, eq=False)
class Diffusion(Snapshot):
    """A DDPM on 2-D data as it trains.

    `betas`, `alpha_bar` (T + 1,) the schedule (index 0: the data). `data` (n, 2) the training
    points and `noise` (n, 2) one fixed ε per point (standardised units) from which `forward(t)`
    draws x_t. `paths` (T + 1, m, 2): `paths[t]` is x_t of m reverse-sampling trajectories,
    `paths[T]` their start and `paths[0]` the samples, in data units. `loss` per gradient step
    so far; `distance` the samples' energy distance to the data (standardised units) at each
    snapshot so far, `noise_distance` that of the starting noise; `precision` the share of the
    samples that lie on the data and `recall` the share of the data they cover
    (engine/generative/coverage.py), at each snapshot so far, and `noise_precision`,
    `noise_recall` the starting noise's. Data units = `mean + scale · z`.
    """

    schedule: str
    betas: np.ndarray
    alpha_bar: np.ndarray
    data: np.ndarray
    noise: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    net: EpsilonNet
    paths: np.ndarray
    loss: np.ndarray
    train_step: int
    n_steps: int
    distance: np.ndarray = field(default_factory=lambda: np.empty(0))
    noise_distance: float = float("nan")
    precision: np.ndarray = field(default_factory=lambda: np.empty(0))
    recall: np.ndarray = field(default_factory=lambda: np.empty(0))
    noise_precision: float = float("nan")
    noise_recall: float = float("nan")

    @property
    def T(self) -> int:
        return len(self.betas) - 1

    def standardise(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.scale

    def to_data(self, z: np.ndarray) -> np.ndarray:
        return self.mean + self.scale * np.asarray(z, dtype=np.float64)

    def forward(self, t: int) -> np.ndarray:
        """x_t of every data point under the snapshot's fixed noise, in data units."""
        z0 = self.standardise(self.data)
        return self.to_data(noised(z0, self.noise, float(self.alpha_bar[int(t)])))

    def score(self, x: np.ndarray, t: int) -> np.ndarray:
        """The learnt score −ε_θ(z, t) / √(1−ᾱ_t) at data points x, in standardised units
        (t ≥ 1: at t = 0 there is no noise and no score)."""
        t = int(t)
        if not 1 <= t <= self.T:
            raise ValueError(f"the field is defined for t = 1 … {self.T}, not {t}")
        return -self.net(self.standardise(x), t) / math.sqrt(1.0 - float(self.alpha_bar[t]))


def field_box(snap: Diffusion) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) corners, in data units, of a box that holds every point x_t at every t,
    padded by 5 %: the field is drawn on a grid over it, and the view keeps to it while t is
    scrubbed. Per coordinate, √ᾱ a + √(1−ᾱ) b is at most √(a₊² + b₊²) over all ᾱ (Cauchy–
    Schwarz, a₊ = max(a, 0)) and at least −√(a₋² + b₋²)."""
    z0 = snap.standardise(snap.data)
    high = np.sqrt(np.maximum(z0, 0.0) ** 2 + np.maximum(snap.noise, 0.0) ** 2).max(axis=0)
    low = -np.sqrt(np.minimum(z0, 0.0) ** 2 + np.minimum(snap.noise, 0.0) ** 2).max(axis=0)
    pad = 0.05 * np.where(high > low, high - low, 1.0)
    return snap.to_data(low - pad), snap.to_data(high + pad)


def field_arrows(snap: Diffusion, t: int, grid: int = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Arrows of the denoising field at t on a grid × grid lattice over `field_box`: starts
    (grid², 2) and ends (grid², 2) in data units.

    Each arrow points the way the score moves a point in data units (scale · score, as the
    reverse steps do). The score is tiny on the data and huge far from it, so lengths are
    drawn compressed, √(r / (1 + r)) of ARROW_CELLS grid cells, r being the length over the
    median on the grid: arrows near the data stay visible, and none is longer than that."""
    low, high = field_box(snap)
    xs, ys = np.linspace(low[0], high[0], grid), np.linspace(low[1], high[1], grid)
    starts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    cell = (high - low) / max(grid - 1, 1)
    move = snap.score(starts, t) * snap.scale / cell  # in grid cells, per axis
    length = np.hypot(move[:, 0], move[:, 1])
    typical = float(np.median(length))
    if not typical > 0.0:
        return starts, starts.copy()
    r = length / typical
    shown = ARROW_CELLS * np.sqrt(r / (1.0 + r))
    direction = move / np.where(length > 0, length, 1.0)[:, None]
    return starts, starts + direction * shown[:, None] * cell


# ---------------------------------------------------------------- the algorithm


def spread(n: int, most: int) -> np.ndarray:
    """At most `most` row indices spread evenly over n rows (all of them when n ≤ most)."""
    return np.unique(np.linspace(0, n - 1, min(n, most)).astype(int))


def step_message(step: int, n_steps: int, loss: float, precision: float, recall: float,
                 noise_precision: float) -> str:
    """What training has done so far, in words."""
    return (f"gradient step {step:,} of {n_steps:,}: noise-prediction loss {loss:.3f}; "
            f"{precision:.0%} of the samples lie on the data (of the starting noise, "
            f"{noise_precision:.0%}) and they cover {recall:.0%} of it")


@register
class DiffusionModel(Algorithm):
    id = "diffusion-2d"
    name = "Diffusion model (DDPM) on 2-D data"
    family = "Generative models"
    summary = ("Add Gaussian noise to the points over T steps until nothing is left but noise, "
               "and train a network to predict that noise, so that it can walk fresh noise "
               "back to points like the data.")
    objective = ("Minimise the simple loss E‖ε − ε_θ(√ᾱ_t x₀ + √(1−ᾱ_t) ε, t)‖² over points x₀, "
                 "steps t ~ U{1…T} and noise ε ~ N(0, I).")
    params = (
        Int(name="T", label="noise steps T", default=100, low=10, high=1000,
            help="Steps of the forward process, and of reverse sampling."),
        Choice(name="schedule", default="linear", options=SCHEDULES,
               help="How fast noise is added: linear β_t (Ho et al.), or cosine ᾱ_t (Nichol "
                    "and Dhariwal), which destroys the data more slowly early on."),
        Int(name="hidden", label="hidden units", default=128, low=8, high=512,
            help="Width of the three hidden layers of the noise predictor."),
        Int(name="train_steps", label="training steps", default=3000, low=1, high=100000,
            help="Gradient steps, each on a batch of points at random noise levels."),
        Int(name="batch_size", label="batch size", default=256, low=8, high=4096,
            help="Points per gradient step (each with its own t and noise)."),
        Float(name="learning_rate", label="learning rate", default=2e-3, low=1e-4, high=1e-1,
              log=True, decimals=4, help="Step size of the Adam optimiser."),
        Int(name="samples", default=500, low=10, high=5000,
            help="Points sampled from noise at each snapshot, whose paths are drawn."),
        seed_param(),
    )
    snapshot_type = Diffusion
    libraries = ("torch", "torch._dynamo")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        d = dataset.X.shape[1]
        if d != 2:
            raise ValueError(
                f"{self.name} learns points in the plane, and this data set ({dataset.name}) "
                f"has {d} feature{'s' if d != 1 else ''}, not 2: choose, generate or draw a "
                f"2-D data set.")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Diffusion]:
        torch = load_torch(ctx)
        trainer = _Trainer(torch, ctx.torch_device(), dataset.X, params)
        n_steps = params["train_steps"]
        every = max(1, -(-n_steps // SNAPSHOTS))
        data, noise = frozen(dataset.X), frozen(trainer.forward_noise)
        compare = trainer.Z[spread(len(trainer.Z), DISTANCE_POINTS)]
        some = spread(trainer.m, DISTANCE_POINTS)  # of the samples
        noise_distance = energy_distance(trainer.start_points()[some], compare)
        noise_precision, noise_recall = precision_recall(trainer.start_points()[some], compare)
        losses: list[float] = []
        distances: list[float] = []
        nearness: list[tuple[float, float]] = []
        for index in range(n_steps // every + (1 if n_steps % every else 0)):
            done = trainer.train(min(every, n_steps - index * every), ctx, losses)
            if done is None:
                return
            paths = trainer.sample(ctx)
            if paths is None:
                return
            distances.append(energy_distance(paths[0][some], compare))
            nearness.append(precision_recall(paths[0][some], compare))
            step = len(losses)
            message = step_message(step, n_steps, losses[-1], *nearness[-1], noise_precision)
            ctx.progress(step / n_steps, message)
            yield Diffusion(
                step=index, message=message, schedule=params["schedule"],
                betas=trainer.betas, alpha_bar=trainer.alpha_bar, data=data, noise=noise,
                mean=trainer.mean, scale=trainer.scale,
                net=EpsilonNet(numpy_mlp(trainer.net), trainer.features),
                paths=frozen((trainer.mean + trainer.scale * paths).astype(np.float32)),
                loss=frozen(np.array(losses)), train_step=step, n_steps=n_steps,
                distance=frozen(np.array(distances)), noise_distance=noise_distance,
                precision=frozen(np.array([p for p, _ in nearness])),
                recall=frozen(np.array([r for _, r in nearness])),
                noise_precision=noise_precision, noise_recall=noise_recall)


class _Trainer:
    """The network, optimiser, schedule and random streams of one run."""

    def __init__(self, torch, device, X: np.ndarray, params: Mapping[str, Any]):
        self.torch, self.device = torch, device
        self.T = params["T"]
        self.batch_size = params["batch_size"]
        self.m = params["samples"]
        Z, mean, scale = standardised(np.asarray(X, dtype=np.float64))
        self.Z, self.mean, self.scale = Z, frozen(mean), frozen(scale)
        self.betas = frozen(beta_schedule(params["schedule"], self.T))
        self.alpha_bar = frozen(alpha_bars(self.betas))
        self.features = frozen(time_features(self.T))
        seed = params["seed"]
        rng = np.random.default_rng(seed)
        self.forward_noise = rng.standard_normal(Z.shape)  # the view's fixed ε per point
        with seeded(torch, seed):
            h = params["hidden"]
            self.net = mlp(torch, (INPUTS, h, h, h, 2)).to(device)
        self.optimiser = torch.optim.Adam(self.net.parameters(), lr=params["learning_rate"])
        self.generator = torch.Generator().manual_seed(seed)
        # Sampling draws its start and its noise from a stream of its own, the same at every
        # snapshot.
        sampling = torch.Generator().manual_seed(seed + 1)
        self.x_T = torch.randn((self.m, 2), generator=sampling)
        self.sample_noise = torch.randn((self.T, self.m, 2), generator=sampling)

        def on_device(a):
            return torch.as_tensor(np.array(a, dtype=np.float32)).to(device)

        self.X = on_device(Z)
        self.t_features = on_device(self.features)
        self.sqrt_ab = on_device(np.sqrt(self.alpha_bar))
        self.sqrt_1mab = on_device(np.sqrt(1.0 - self.alpha_bar))

    def start_points(self) -> np.ndarray:
        return self.x_T.numpy().astype(np.float64)

    def epsilon(self, x, t):
        """ε_θ(x, t) for a batch of points and a tensor of their steps."""
        torch = self.torch
        points = point_features(x, torch.sin, torch.cos, lambda parts: torch.cat(parts, dim=1))
        return self.net(torch.cat([points, self.t_features[t]], dim=1))

    def train(self, steps: int, ctx: RunContext, losses: list[float]) -> bool | None:
        """`steps` gradient steps on the simple loss; appends each loss; None if cancelled."""
        torch = self.torch
        n = self.X.shape[0]
        for _ in range(steps):
            if ctx.cancelled():
                return None
            rows = torch.randint(0, n, (min(self.batch_size, n),), generator=self.generator)
            t = torch.randint(1, self.T + 1, (len(rows),), generator=self.generator)
            eps = torch.randn((len(rows), 2), generator=self.generator).to(self.device)
            rows, t = rows.to(self.device), t.to(self.device)
            x_t = self.sqrt_ab[t, None] * self.X[rows] + self.sqrt_1mab[t, None] * eps
            loss = (eps - self.epsilon(x_t, t)).pow(2).sum(dim=1).mean()
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            self.optimiser.step()
            losses.append(float(loss.detach()))
        return True

    def sample(self, ctx: RunContext) -> np.ndarray | None:
        """Ancestral sampling from the fixed x_T: (T + 1, m, 2) standardised, [t] = x_t."""
        torch = self.torch
        betas, alpha_bar = self.betas, self.alpha_bar
        path = np.empty((self.T + 1, self.m, 2))
        x = self.x_T.to(self.device)
        path[self.T] = self.start_points()
        with torch.no_grad():
            for t in range(self.T, 0, -1):
                if ctx.cancelled():
                    return None
                steps = torch.full((self.m,), t, dtype=torch.long, device=self.device)
                eps = self.epsilon(x, steps)
                mean = (x - betas[t] / math.sqrt(1.0 - alpha_bar[t]) * eps) / math.sqrt(
                    1.0 - betas[t])
                if t > 1:
                    variance = betas[t] * (1.0 - alpha_bar[t - 1]) / (1.0 - alpha_bar[t])
                    mean = mean + math.sqrt(variance) * self.sample_noise[t - 1].to(self.device)
                x = mean
                path[t - 1] = as_numpy(x)
        return path
