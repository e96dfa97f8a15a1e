"""RealNVP on 2-D data: a stack of affine coupling layers from a standard normal to the data,
trained by maximum likelihood.

Directions. The generative direction g maps a base point z ~ N(0, I) through layers
g_1 … g_L to the data; layer i keeps one coordinate a and changes the other, b:
out_b = in_b · exp(s(in_a)) + t(in_a), with s = c · tanh(raw / c) so that no layer scales
by more than e^c (c: `scale_limit`); its log |det J| is s. Layers alternate which coordinate
they change (the first changes the second coordinate). The inverse f = g⁻¹ is as exact:
in_b = (out_b − t(out_a)) · exp(−s(out_a)).

Units. The flow lives in standardised units (each feature minus its mean, over its standard
deviation); every density, sample and grid line in a snapshot is in data units, so the
density includes the standardisation's Jacobian: log p(x) = log N(f(u); 0, I)
+ log |det J_f(u)| − Σ log σ_j, with u = (x − μ) / σ.

Only 2-D data: the heatmap, the samples and the warped grid are pictures of the data's own
plane; a flow fitted to two principal components of wider data would be the density of a
shadow of it, and drawn over the data it would claim a likelihood it does not have.

torch is imported only inside `run`, through `engine.generative.training.load_torch`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import (
    load_torch,
    minibatches,
    mlp,
    numpy_mlp,
    overfitting_note,
    seeded,
    split_rows,
    standardised,
)
from engine.params import Float, Int, seed_param
from engine.protocol import MLP, Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

LOG_2PI = math.log(2.0 * math.pi)
GRID = 90  # the density heatmap's cells per side
BOX_PAD = 0.1  # the heatmap's box: the data's, widened by this share of its span each side
BASE_LINES = 11  # lines of the base grid in each direction, at z = −2.5, −2, …, 2.5
BASE_REACH = 2.5
LINE_POINTS = 100  # points along each grid line (fewer drew stretched lines as chords)
N_SAMPLES = 400  # samples drawn from the model (the same base points at every step)
N_SNAPSHOTS = 50  # about this many pictures over a run, besides the untrained one
MIN_TRAIN = 4  # points the flow needs to train on
# Gradients are clipped to this norm: one batch that a thin layer of the density scores
# very low otherwise throws the whole flow off (the log-likelihood fell by 1 nat at once).
MAX_GRADIENT_NORM = 10.0


# ---------------------------------------------------------------- the flow in numpy


def bounded_scale(raw, limit: float, tanh):
    """s = c · tanh(raw / c): a layer's log-scale, never beyond ±c (works on numpy or torch)."""
    return limit * tanh(raw / limit)


def changed_coordinate(layer: int) -> int:
    """Which coordinate layer `layer` (0-based) changes: the second, then the first, …"""
    return 1 - layer % 2


@dataclass(frozen=True, eq=False)
class NumpyFlow:
    """A numpy copy of the coupling layers as they were at one step, with the data's
    standardisation, so the density and the warps can be recomputed on any thread."""

    nets: tuple[MLP, ...]  # layer i: kept coordinate (m, 1) → (raw log-scale, shift) (m, 2)
    scale_limit: float
    mean: np.ndarray
    std: np.ndarray

    @property
    def n_layers(self) -> int:
        return len(self.nets)

    def _scale_shift(self, i: int, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = self.nets[i](kept[:, None])
        return bounded_scale(out[:, 0], self.scale_limit, np.tanh), out[:, 1]

    def generate_layers(self, z: np.ndarray) -> list[np.ndarray]:
        """z (m, 2) in base units and its image after each layer: L + 1 arrays, standardised."""
        h = np.array(z, dtype=np.float64).reshape(-1, 2)
        out = [h.copy()]
        for i in range(self.n_layers):
            b = changed_coordinate(i)
            s, t = self._scale_shift(i, h[:, 1 - b])
            h = h.copy()
            h[:, b] = h[:, b] * np.exp(s) + t
            out.append(h)
        return out

    def to_data(self, u: np.ndarray) -> np.ndarray:
        return self.mean + self.std * u

    def sample(self, z: np.ndarray) -> np.ndarray:
        """Points in data units made from base points z."""
        return self.to_data(self.generate_layers(z)[-1])

    def normalise(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Data points (m, 2) → their base points z and log |det ∂z/∂x| (data units)."""
        h = (np.asarray(x, dtype=np.float64).reshape(-1, 2) - self.mean) / self.std
        log_det = np.full(len(h), -float(np.log(self.std).sum()))
        for i in reversed(range(self.n_layers)):
            b = changed_coordinate(i)
            s, t = self._scale_shift(i, h[:, 1 - b])
            h = h.copy()
            h[:, b] = (h[:, b] - t) * np.exp(-s)
            log_det -= s
        return h, log_det

    def log_density(self, x: np.ndarray) -> np.ndarray:
        """log p(x) in data units, for points (m, 2)."""
        z, log_det = self.normalise(x)
        return -0.5 * (z ** 2).sum(axis=1) - LOG_2PI + log_det


# ---------------------------------------------------------------- the snapshot


@dataclass(frozen=True, kw_only=True, eq=False)
class FlowModel(Snapshot):
    """A RealNVP flow at one step of training, everything in data units.

    `log_density` (GRID, GRID) is log p(x) on the cell centres of `box` (xmin, xmax, ymin,
    ymax): row i at y = `grid_y`[i], column j at x = `grid_x`[j]. `sample_layers`
    (L + 1, m, 2) are fixed base points pushed through the first k layers (k = 0: the base
    points themselves; k = L: samples of the model), and `grid_lines` (L + 1, lines, points,
    2) the base grid's lines likewise, the first half at constant z₁, the rest at constant z₂;
    intermediate layers are drawn through the standardisation too, so every layer shares the
    data's axes. `train_ll` and `test_ll` are the mean log-likelihood per point of the
    training and held-out points at the steps `trace_at` (no held-out points: `test_ll` is
    empty); `test_rows` are the held-out rows. The lines and samples are float32 (they are
    most of the snapshot), the rest float64."""

    flow: NumpyFlow
    box: tuple[float, float, float, float]
    grid_x: np.ndarray
    grid_y: np.ndarray
    log_density: np.ndarray
    sample_layers: np.ndarray
    grid_lines: np.ndarray
    trace_at: np.ndarray
    train_ll: np.ndarray
    test_ll: np.ndarray = field(default_factory=lambda: np.empty(0))
    test_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    n_steps: int = 0

    @property
    def n_layers(self) -> int:
        return self.sample_layers.shape[0] - 1

    @property
    def samples(self) -> np.ndarray:
        return self.sample_layers[-1]


def density_box(X: np.ndarray) -> tuple[float, float, float, float]:
    """The data's bounding box, widened by BOX_PAD of its span (a flat side: of the other's)."""
    low, high = X.min(axis=0), X.max(axis=0)
    span = high - low
    wide = float(span.max()) if span.max() > 0 else 1.0
    span = np.where(span > 0, span, wide)
    low, high = low - BOX_PAD * span, high + BOX_PAD * span
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def cell_centres(low: float, high: float, n: int = GRID) -> np.ndarray:
    step = (high - low) / n
    return low + step * (np.arange(n) + 0.5)


def base_grid_lines() -> np.ndarray:
    """The base's lattice (lines, points, 2): lines at constant z₁, then at constant z₂."""
    levels = np.linspace(-BASE_REACH, BASE_REACH, BASE_LINES)
    along = np.linspace(-BASE_REACH, BASE_REACH, LINE_POINTS)
    vertical = np.stack(np.broadcast_arrays(levels[:, None], along[None, :]), axis=-1)
    horizontal = vertical[..., ::-1]
    return np.concatenate([vertical, horizontal])


# ---------------------------------------------------------------- the algorithm


@register
class RealNVP(Algorithm):
    id = "realnvp"
    name = "RealNVP flow"
    family = "Generative models"
    summary = ("Learn an invertible map from a standard normal to 2-D data, made of affine "
               "coupling layers, so the density of any point can be computed exactly.")
    objective = ("Maximise the log-likelihood log p(x) = log N(f(x); 0, I) + log |det ∂f/∂x|, "
                 "f the flow from data to the base.")
    params = (
        Int(name="layers", label="coupling layers", default=8, low=2, high=24,
            help="Affine coupling layers; each changes one coordinate given the other, "
                 "alternating."),
        Int(name="hidden", label="hidden units", default=64, low=4, high=256,
            help="Width of the two hidden layers of each layer's scale-and-shift network."),
        Int(name="steps", label="gradient steps", default=300, low=10, high=20000,
            help="Adam steps, each on one mini-batch; on a few hundred points, many more "
                 "fit the training points ever closer and the held-out ones worse."),
        Int(name="batch_size", label="batch size", default=256, low=8, high=2048,
            help="Points per gradient step."),
        Float(name="learning_rate", label="learning rate", default=3e-3, low=1e-4, high=1e-1,
              log=True, decimals=4,
              help="Adam's first step size, decayed to zero along a cosine over the run."),
        Float(name="scale_limit", label="scale limit", default=2.0, low=0.5, high=8.0,
              decimals=2, help="Largest log-scale of one layer, c in s = c·tanh(raw/c): "
                               "lower is more stable, higher can stretch more."),
        Float(name="held_out", label="held-out share", default=0.2, low=0.0, high=0.5,
              decimals=2, help="Share of the points kept out of training, to see whether "
                               "the flow overfits (0: train on all)."),
        seed_param(),
    )
    snapshot_type = FlowModel
    # torch._dynamo: the first optimiser built imports it (1.4 s here), uninterruptibly.
    libraries = ("torch", "torch._dynamo")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        d = dataset.X.shape[1]
        if d != 2:
            raise ValueError(
                f"RealNVP here learns a density over the plane, so it needs data with exactly "
                f"2 features; {dataset.name} has {d}. Choose moons, circles or blobs, or draw "
                f"points.")
        if len(held_out_rows(dataset.n, params["held_out"], params["seed"])[0]) < MIN_TRAIN:
            raise ValueError(f"RealNVP needs at least {MIN_TRAIN} points to train on; "
                             f"{dataset.name} has {dataset.n}")
        dataset.require_spread("RealNVP", "learn")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[FlowModel]:
        torch = load_torch(ctx)
        trainer = _Trainer(torch, ctx.torch_device(), dataset, params)
        n_steps = params["steps"]
        every = max(1, -(-n_steps // N_SNAPSHOTS))
        trace: list[tuple[int, float, float]] = []
        step = 0
        yield self._picture(trainer, trace, 0, n_steps, trainer.evaluate(),
                            "the untrained flow: the base itself, in the data's units")
        while step < n_steps:
            for rows in minibatches(torch, trainer.n_train, params["batch_size"],
                                    trainer.generator, ctx):
                trainer.step(rows)
                step += 1
                if step % every == 0 or step == n_steps:
                    scores = trainer.evaluate()
                    message = step_message(step, n_steps, trace[-1][1], *scores) + \
                        overfitting_note([t for _, _, t in trace] + [scores[1]],
                                         [s for s, _, _ in trace] + [step], False,
                                         "log-likelihood")
                    ctx.progress(step / n_steps, message)
                    yield self._picture(trainer, trace, step, n_steps, scores, message)
                if step == n_steps:
                    break
            if ctx.cancelled():
                return

    def _picture(self, trainer: _Trainer, trace: list, step: int, n_steps: int,
                 scores: tuple[float, float], message: str) -> FlowModel:
        trace.append((step, *scores))
        at, train, test = (np.array(column) for column in zip(*trace, strict=True))
        return trainer.snapshot(step=len(trace) - 1, message=message, n_steps=n_steps,
                                trace_at=at.astype(np.int64), train_ll=train,
                                test_ll=test if trainer.n_test else np.empty(0))


def held_out_rows(n: int, held_out: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, held-out rows): none held out at share 0, and MIN_TRAIN left to train."""
    return split_rows(n, held_out, seed, least_held=0, least_train=MIN_TRAIN)


def step_message(step: int, n_steps: int, before: float, train: float, test: float) -> str:
    """What the steps since the last picture did to the log-likelihood, in words."""
    if f"{before:.3f}" == f"{train:.3f}":
        moved = f"stayed at {train:.3f}"
    else:
        moved = f"{'rose' if train > before else 'fell'} from {before:.3f} to {train:.3f}"
    text = f"step {step} of {n_steps}: mean log-likelihood per point {moved} on the " \
           f"training points"
    if math.isfinite(test):
        text += f" ({test:.3f} on the held-out points)"
    return text


def build_nets(torch, n_layers: int, hidden: int):
    """One scale-and-shift network per layer, 1 → hidden → hidden → 2, tanh between (ReLU's
    kinks made creased densities with spikes at training points, and held-out points scored
    far lower), the last linear layer zeroed so that the untrained flow is the identity."""
    nets = torch.nn.ModuleList(mlp(torch, (1, hidden, hidden, 2), "tanh")
                               for _ in range(n_layers))
    with torch.no_grad():
        for net in nets:
            net[-1].weight.zero_()
            net[-1].bias.zero_()
    return nets


def _coupled(torch, h, b: int, new_b):
    kept = h[:, 1 - b]
    return torch.stack((kept, new_b) if b == 1 else (new_b, kept), dim=1)


def generate(torch, nets, z, limit: float):
    """z → (images after each layer, L + 1 tensors; total log |det ∂x/∂z|), standardised."""
    h, log_det, out = z, torch.zeros(z.shape[0], device=z.device, dtype=z.dtype), [z]
    for i, net in enumerate(nets):
        b = changed_coordinate(i)
        raw, t = net(h[:, 1 - b:2 - b]).unbind(dim=1)
        s = bounded_scale(raw, limit, torch.tanh)
        h = _coupled(torch, h, b, h[:, b] * torch.exp(s) + t)
        log_det = log_det + s
        out.append(h)
    return out, log_det


def normalise(torch, nets, u, limit: float):
    """Standardised points u → (base points z, log |det ∂z/∂u|): the exact inverse of
    `generate`."""
    h, log_det = u, torch.zeros(u.shape[0], device=u.device, dtype=u.dtype)
    for i in reversed(range(len(nets))):
        b = changed_coordinate(i)
        raw, t = nets[i](h[:, 1 - b:2 - b]).unbind(dim=1)
        s = bounded_scale(raw, limit, torch.tanh)
        h = _coupled(torch, h, b, (h[:, b] - t) * torch.exp(-s))
        log_det = log_det - s
    return h, log_det


def log_likelihood(torch, nets, u, limit: float, log_std_sum: float):
    """log p per point in data units, from standardised points u."""
    z, log_det = normalise(torch, nets, u, limit)
    return -0.5 * (z ** 2).sum(dim=1) - LOG_2PI + log_det - log_std_sum


class _Trainer:
    """The flow, its optimiser, the split and the fixed points it draws; one call per step."""

    def __init__(self, torch, device, dataset: Dataset, params: Mapping[str, Any]):
        self.torch = torch
        self.device = device
        self.limit = params["scale_limit"]
        seed = params["seed"]
        X = dataset.X
        _, self.mean, self.std = standardised(X)
        self.log_std_sum = float(np.log(self.std).sum())
        train_rows, self.test_rows = held_out_rows(dataset.n, params["held_out"], seed)
        self.n_train, self.n_test = len(train_rows), len(self.test_rows)
        with seeded(torch, seed):
            nets = build_nets(torch, params["layers"], params["hidden"])
        self.nets = nets.to(device)
        self.optimiser = torch.optim.Adam(self.nets.parameters(), lr=params["learning_rate"])
        # Decayed to zero along a cosine: the last pictures settle instead of jittering.
        self.schedule = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimiser,
                                                                   params["steps"])
        self.generator = torch.Generator().manual_seed(seed)
        U = (X - self.mean) / self.std
        self.train = self._tensor(U[train_rows])
        self.test = self._tensor(U[self.test_rows])
        self.box = density_box(X)
        self.grid_x = cell_centres(self.box[0], self.box[1])
        self.grid_y = cell_centres(self.box[2], self.box[3])
        cells = np.stack(np.meshgrid(self.grid_x, self.grid_y), axis=-1).reshape(-1, 2)
        self.cells = self._tensor((cells - self.mean) / self.std)
        base = np.random.default_rng(seed).standard_normal((N_SAMPLES, 2))
        self.lines_shape = base_grid_lines().shape
        self.base = self._tensor(np.concatenate([base, base_grid_lines().reshape(-1, 2)]))

    def _tensor(self, a: np.ndarray):
        return self.torch.as_tensor(a, dtype=self.torch.float32).to(self.device)

    def step(self, rows) -> None:
        """One Adam step on the mean negative log-likelihood of these training rows."""
        u = self.train[rows.to(self.device)]
        loss = -log_likelihood(self.torch, self.nets, u, self.limit, self.log_std_sum).mean()
        self.optimiser.zero_grad(set_to_none=True)
        loss.backward()
        self.torch.nn.utils.clip_grad_norm_(self.nets.parameters(), MAX_GRADIENT_NORM)
        self.optimiser.step()
        self.schedule.step()

    def evaluate(self) -> tuple[float, float]:
        """Mean log-likelihood per point of the training and held-out points (nan: none)."""
        with self.torch.no_grad():
            means = [float(log_likelihood(self.torch, self.nets, u, self.limit,
                                          self.log_std_sum).mean()) if len(u) else math.nan
                     for u in (self.train, self.test)]
        return means[0], means[1]

    def snapshot(self, **fields) -> FlowModel:
        """The density on the grid, the samples and grid lines after every layer, a numpy
        copy of the flow: everything the window draws, computed here on the worker."""
        torch = self.torch
        with torch.no_grad():
            log_p = log_likelihood(torch, self.nets, self.cells, self.limit, self.log_std_sum)
            layers, _ = generate(torch, self.nets, self.base, self.limit)
        log_p = log_p.double().cpu().numpy().reshape(GRID, GRID)
        # float32: the lines and samples of every layer are most of a snapshot's bytes.
        stacked = (torch.stack(layers).double().cpu().numpy() * self.std
                   + self.mean).astype(np.float32)
        lines = stacked[:, N_SAMPLES:].reshape(len(layers), *self.lines_shape)
        flow = NumpyFlow(nets=tuple(numpy_mlp(net, hidden="tanh") for net in self.nets),
                         scale_limit=self.limit, mean=frozen(self.mean, copy=True),
                         std=frozen(self.std, copy=True))
        return FlowModel(flow=flow, box=self.box, grid_x=frozen(self.grid_x),
                         grid_y=frozen(self.grid_y), log_density=frozen(log_p),
                         sample_layers=frozen(stacked[:, :N_SAMPLES]),
                         grid_lines=frozen(lines), test_rows=frozen(self.test_rows), **{
                             k: frozen(v) if isinstance(v, np.ndarray) else v
                             for k, v in fields.items()})
