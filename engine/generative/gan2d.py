"""A GAN on points in the plane, shown the way GAN Lab shows one.

A generator G maps noise z ~ N(0, I) to points; a discriminator D gives each point the
probability D(x) that it is real. Each step D takes one Adam step on the binary
cross-entropy of a batch of real points (label 1) and as many generated ones (label 0), then
G takes one on its own loss: minimax, E log(1 − D(G(z))) as in the original game, whose
gradient vanishes where D rejects the samples confidently; or non-saturating, −E log D(G(z)),
with the same fixed point and strong gradients early on.

The networks see the data standardised per feature; every array in a snapshot is in data
units. A snapshot shows a fixed set of noise vectors (the same samples move from snapshot to
snapshot), D on a grid over the data's box, and for each shown sample −∂L_G/∂x: the
direction the generator's loss pushes it, per unit of the standardised space, drawn in data
units (× the feature's scale). torch is imported only inside `run`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative import modes as mode_count
from engine.generative.training import as_numpy, load_torch, mlp, seeded, standardised
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

LOSSES = ("non-saturating", "minimax")
GRID = 64  # D is drawn on GRID × GRID points over the box
SHOWN = 400  # generated samples shown (and counted for the modes), from fixed noise
BOX_PAD = 0.25  # the box is the data's bounding box widened by this share of its span
BATCH = 128


@dataclass(frozen=True, kw_only=True, eq=False)
class AdversarialPlane(Snapshot):
    """A GAN on 2-D data at one step, all in data units.

    `generated` (m, 2) are G(z) for a fixed set of z; `pushes` (m, 2) −∂L_G/∂x at each of
    them (per unit of the standardised space, times each feature's scale). `d_grid` (GRID,
    GRID) is D(x), rows over y from `box`'s ymin, columns over x from its xmin.
    Per training step so far: `d_loss`, `g_loss` (the generator's loss as chosen), and
    `d_real`, `d_fake`, the batch's mean D on real and generated points. Modes (when the
    data's classes are compact clusters, engine/generative/modes.py): each class's
    `mode_means` (k, 2) and `mode_covariances` (k, 2, 2), how many shown samples each holds
    (`mode_counts`), which are covered (`mode_covered`), and the number covered at each
    snapshot (`modes_trace`, at steps `trace_at`); `on_modes` is the share of shown samples
    within 3σ of some mode."""

    generated: np.ndarray
    pushes: np.ndarray
    d_grid: np.ndarray
    box: tuple[float, float, float, float]
    d_loss: np.ndarray
    g_loss: np.ndarray
    d_real: np.ndarray
    d_fake: np.ndarray
    loss: str = LOSSES[0]
    iteration: int = 0
    n_steps: int = 0
    mode_means: np.ndarray | None = None
    mode_covariances: np.ndarray | None = None
    mode_counts: np.ndarray | None = None
    mode_covered: np.ndarray | None = None
    modes_trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    trace_at: np.ndarray = field(default_factory=lambda: np.empty(0))
    on_modes: float = float("nan")

    @property
    def n_modes(self) -> int:
        return 0 if self.mode_means is None else len(self.mode_means)

    @property
    def modes_covered(self) -> int:
        return 0 if self.mode_covered is None else int(self.mode_covered.sum())


def box_of(X: np.ndarray) -> tuple[float, float, float, float]:
    """The data's bounding box widened by BOX_PAD of its span (of the larger span, on an
    axis with none)."""
    low, high = X.min(axis=0), X.max(axis=0)
    span = high - low
    span = np.where(span > 0, span, max(float(span.max()), 1.0))
    low, high = low - BOX_PAD * span, high + BOX_PAD * span
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def grid_points(box: tuple[float, float, float, float], size: int = GRID) -> np.ndarray:
    """(size², 2) cell centres over box, row by row from the bottom (y = ymin)."""
    xmin, xmax, ymin, ymax = box
    xs = xmin + (np.arange(size) + 0.5) * (xmax - xmin) / size
    ys = ymin + (np.arange(size) + 0.5) * (ymax - ymin) / size
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def step_message(iteration: int, n_steps: int, d_loss: float, g_loss: float,
                 d_real: float, d_fake: float, covered: int, k: int) -> str:
    """What training has reached, in words."""
    text = (f"training step {iteration:,} of {n_steps:,}: D gives real points {d_real:.2f} and "
            f"generated ones {d_fake:.2f} on average; losses D {d_loss:.3f}, G {g_loss:.3f}")
    if k:
        text += f"; {covered} of {k} modes covered"
    return text


@register
class GAN2D(Algorithm):
    id = "gan-2d"
    name = "GAN on 2-D data"
    family = "Generative models"
    summary = ("A generator learns to make points the discriminator cannot tell from the "
               "data, while the discriminator learns to tell them apart.")
    objective = ("D maximises E log D(x) + E log(1 − D(G(z))); G minimises "
                 "E log(1 − D(G(z))) (minimax) or −E log D(G(z)) (non-saturating).")
    params = (
        Choice(name="loss", label="generator loss", default="non-saturating", options=LOSSES,
               help="minimax: G minimises log(1 − D(G(z))), whose gradient vanishes when D "
                    "rejects its samples; non-saturating: G minimises −log D(G(z))."),
        Int(name="steps", default=4000, low=1, high=100_000,
            help="Training steps; each updates D once, then G once, on 128 points."),
        Float(name="lr_g", label="G learning rate", default=1e-3, low=1e-5, high=0.1,
              log=True, decimals=5, help="Adam step size of the generator."),
        Float(name="lr_d", label="D learning rate", default=1e-3, low=1e-5, high=0.1,
              log=True, decimals=5, help="Adam step size of the discriminator."),
        Int(name="noise_dim", label="noise dimensions", default=2, low=1, high=32,
            help="Size of the noise z fed to the generator."),
        Int(name="hidden", label="hidden units", default=64, low=4, high=512,
            help="Width of the two hidden layers of G and of D."),
        Int(name="every", label="steps per picture", default=10, low=1, high=1000,
            help="A new picture (samples, D, arrows) after this many steps."),
        seed_param(),
    )
    snapshot_type = AdversarialPlane
    libraries = ("torch", "torch._dynamo")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if dataset.d != 2:
            raise ValueError(
                f"a GAN on 2-D data learns points in the plane, and {dataset.name} has d = "
                f"{dataset.d} feature{'' if dataset.d == 1 else 's'}: choose, load or draw "
                f"a data set of two features")
        dataset.require_spread(self.name, "learn")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[AdversarialPlane]:
        torch = load_torch(ctx)
        trainer = _Trainer(torch, ctx.torch_device(), dataset, params)
        n_steps, every = params["steps"], params["every"]
        modes = mode_count.class_modes(dataset.X, dataset.y)
        # (step, modes covered) per picture; snapshots hold read-only views of the filled part
        trace = np.zeros((2, -(-n_steps // every)), dtype=np.int64)
        shown = 0
        for iteration in range(1, n_steps + 1):
            if ctx.cancelled():
                return
            trainer.step()
            if iteration % every and iteration != n_steps:
                continue
            generated, pushes, d_grid = trainer.picture()
            held = None if modes is None else mode_count.counts(generated, modes)
            covered = None if held is None else mode_count.covered(held, SHOWN, modes)
            trace[:, shown] = iteration, 0 if covered is None else covered.sum()
            shown += 1
            losses = trainer.history()
            message = step_message(iteration, n_steps, *(h[-1] for h in losses),
                                   int(trace[1, shown - 1]), 0 if modes is None else modes.k)
            ctx.progress(iteration / n_steps, message)
            yield AdversarialPlane(
                step=shown - 1, message=message, generated=frozen(generated),
                pushes=frozen(pushes), d_grid=frozen(d_grid), box=trainer.box,
                d_loss=losses[0], g_loss=losses[1], d_real=losses[2], d_fake=losses[3],
                loss=params["loss"], iteration=iteration, n_steps=n_steps,
                mode_means=None if modes is None else frozen(modes.means),
                mode_covariances=None if modes is None else frozen(modes.covariances),
                mode_counts=None if held is None else frozen(held),
                mode_covered=None if covered is None else frozen(covered),
                modes_trace=frozen(trace[1, :shown]), trace_at=frozen(trace[0, :shown]),
                on_modes=float("nan") if held is None else float(held.sum()) / SHOWN)


def generator_loss(torch, logits, loss: str):
    """Per-sample loss of G from D's logits on its samples; both are written through
    log-sigmoids, which stay finite where D is sure: log(1 − σ(a)) = log σ(−a)."""
    logsig = torch.nn.functional.logsigmoid
    return logsig(-logits) if loss == "minimax" else -logsig(logits)


class _Trainer:
    """The two networks, their optimisers and random streams, and the loss history."""

    def __init__(self, torch, device, dataset: Dataset, params: Mapping[str, Any]):
        self.torch, self.device = torch, device
        self.loss = params["loss"]
        self.noise_dim = params["noise_dim"]
        X = dataset.X
        _, self.mean, self.scale = standardised(X)
        self.box = box_of(X)
        seed, hidden = params["seed"], params["hidden"]
        with seeded(torch, seed):
            g = mlp(torch, (self.noise_dim, hidden, hidden, 2), "relu")
            d = mlp(torch, (2, hidden, hidden, 1), "leaky_relu")
        self.G, self.D = g.to(device), d.to(device)
        betas = (0.5, 0.999)  # the usual GAN setting: less momentum for a moving target
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=params["lr_g"], betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=params["lr_d"], betas=betas)
        self.generator = torch.Generator().manual_seed(seed)
        self.X = self._tensor((X - self.mean) / self.scale)
        self.z_shown = torch.randn((SHOWN, self.noise_dim), generator=self.generator).to(device)
        self.grid = self._tensor((grid_points(self.box) - self.mean) / self.scale)
        # d_loss, g_loss, mean D(real), mean D(fake) per step. Snapshots hold read-only views
        # of the steps done so far, which never change again: a copy per snapshot would cost
        # memory growing as steps² / steps per picture.
        self._history = np.full((4, params["steps"]), np.nan)
        self._done = 0
        self._pending: list = []

    def _tensor(self, a: np.ndarray):
        return self.torch.as_tensor(a, dtype=self.torch.float32).to(self.device)

    def step(self) -> None:
        """One D step, then one G step, on a batch of real points and fresh noise."""
        torch, bce = self.torch, self.torch.nn.functional.binary_cross_entropy_with_logits
        n = self.X.shape[0]
        rows = torch.randint(n, (BATCH,), generator=self.generator).to(self.device)
        z = torch.randn((BATCH, self.noise_dim), generator=self.generator).to(self.device)
        real = self.X[rows]
        fake = self.G(z)
        real_logits, fake_logits = self.D(real), self.D(fake.detach())
        d_loss = (bce(real_logits, torch.ones_like(real_logits))
                  + bce(fake_logits, torch.zeros_like(fake_logits)))
        self.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        self.opt_d.step()
        g_loss = generator_loss(torch, self.D(fake), self.loss).mean()
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        self.opt_g.step()
        # Kept on the device and read back once per picture: a read per step would wait for
        # the device every step.
        self._pending.append(torch.stack([
            d_loss.detach(), g_loss.detach(), torch.sigmoid(real_logits.detach()).mean(),
            torch.sigmoid(fake_logits.detach()).mean()]))

    def history(self) -> list[np.ndarray]:
        """d_loss, g_loss, mean D(real), mean D(fake) at every step so far (read-only)."""
        if self._pending:
            rows = as_numpy(self.torch.stack(self._pending))
            self._history[:, self._done:self._done + len(rows)] = rows.T
            self._done += len(rows)
            self._pending = []
        return [frozen(row[:self._done]) for row in self._history]

    def picture(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The shown samples and −∂L_G/∂x at each, in data units, and D on the grid."""
        torch = self.torch
        with torch.no_grad():
            x = self.G(self.z_shown)
            d_grid = torch.sigmoid(self.D(self.grid)).reshape(GRID, GRID)
        x = x.detach().requires_grad_(True)
        loss = generator_loss(torch, self.D(x), self.loss).sum()
        (grad,) = torch.autograd.grad(loss, x)
        generated = self.mean + self.scale * as_numpy(x)
        pushes = -self.scale * as_numpy(grad)
        return generated, pushes, as_numpy(d_grid).astype(np.float32)
