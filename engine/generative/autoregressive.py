"""Autoregressive models of binary images: MADE and PixelCNN.

Both write the probability of an image as a product of one Bernoulli per pixel, each given
only the pixels drawn before it: p(x) = Πₜ p(x_{o(t)} | x_{o(1)}, …, x_{o(t−1)}). A network
that outputs every pixel's logit at once is made to obey that order by zeroing connections:
MADE masks the weight matrices of an MLP (Germain et al., 2015), PixelCNN masks the kernels
of its convolutions (van den Oord et al., 2016; raster order, type A first, then type B).
Training is then plain maximum likelihood (binary cross-entropy, summed over pixels), and
sampling draws the pixels one at a time in the order.

Images are binarised: a pixel is ink (1) when it is above `threshold` × the brightest value
of the data (digits, 0..16: above 8). A fifth of the images, chosen by the seed, are held
out. The negative log-likelihood is in bits per image (storing the raw pixels costs one bit
each); the training figure is the mean over the epoch's batches, the held-out one is taken
after the epoch.

Samples use the same uniform draws at every epoch (common random numbers), so a change in
the samples from one epoch to the next is the model's doing, not the dice's. Drawing them
takes one pass of the network per pixel, which on digits costs a third of one of MADE's epochs
and an eighth of one of PixelCNN's (whose pass for a pixel in row r runs on rows 0 … r only):
they are drawn after the first epoch, every `sample_every` epochs and after the last, and a
snapshot in between carries the last ones drawn (its `sampled_epoch` and message say when).
`python -m tests.benchmarks.bench_generative` measures it.

torch is imported only inside `run`, through `engine.generative.training.load_torch`.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.judging import Judgement, can_judge, judged, sample_count
from engine.generative.training import (
    as_numpy,
    load_torch,
    minibatches,
    seeded,
    split_rows,
    unit_images,
)
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

HELD_OUT = 0.2  # share of the images kept out of training, to measure generalisation
MADE_SAMPLES = 32  # images sampled for MADE's grid
PIXELCNN_SAMPLES = 8  # images sampled pixel by pixel for PixelCNN's animation
# Samples are drawn every this many epochs (and after the first and the last): so drawing
# them costs under a tenth of the training time (bench_generative).
SAMPLE_EVERY = 8  # epochs between two draws of samples (also the first and the last)
EVAL_BATCH = 64  # held-out images per forward pass: bigger ones ran slower after training
FIRST_KERNEL = 5  # PixelCNN's type A kernel; the type B layers after it are 3 × 3
LATER_KERNEL = 3
JUDGE_BATCH = 64  # images sampled at once for judging: the frames are (D + 1) × batch × D
UNKNOWN = -1  # a pixel not drawn yet, in PixelCNN's frames
BITS_PER_NAT = 1.0 / math.log(2.0)


# ---------------------------------------------------------------- snapshots


@dataclass(frozen=True, kw_only=True, eq=False)
class AutoregressiveModel(Snapshot):
    """What both models show: the NLL per epoch (bits per image) on the training images
    (`train_nll`) and the held-out ones (`held_out_nll`), and samples (m, h, w) of 0 and 1
    drawn from the model as it is at this epoch. `order[t]` is the pixel (flat index,
    row-major) drawn at step t."""

    epoch: int
    n_epochs: int
    train_nll: np.ndarray
    held_out_nll: np.ndarray
    samples: np.ndarray
    order: np.ndarray
    image_shape: tuple[int, int]
    threshold: float = 0.5
    n_train: int = 0
    n_held_out: int = 0
    judgement: Judgement | None = None  # fresh samples judged, in a run's last snapshot
    sampled_epoch: int = 0  # the epoch after which `samples` were drawn (0: not said)

    @property
    def n_pixels(self) -> int:
        return int(np.prod(self.image_shape))


@dataclass(frozen=True, kw_only=True, eq=False)
class MadeModel(AutoregressiveModel):
    """MADE: `masks[l]` (out, in) of 0 and 1 is layer l's connectivity, as torch's Linear
    weight is laid out; `degrees[0]` are the inputs' places in the order (1..D) and
    `degrees[l]` hidden layer l's degrees. `reach` (D, D): output i can depend on input j
    through some path of unmasked connections (the product of the masks is non-zero)."""

    masks: tuple[np.ndarray, ...]
    degrees: tuple[np.ndarray, ...]
    reach: np.ndarray


@dataclass(frozen=True, kw_only=True, eq=False)
class PixelCNNModel(AutoregressiveModel):
    """PixelCNN, with the sampling of `samples` pixel by pixel: `frames` (D + 1, m, h, w)
    holds the partial images before each step and the finished ones last (UNKNOWN where a
    pixel is not drawn yet); `probabilities` (D, m) is p(pixel = 1 | pixels before it) at
    each step. `kernel_masks` are the type A and type B kernel masks (1: weight kept)."""

    frames: np.ndarray
    probabilities: np.ndarray
    kernel_masks: tuple[np.ndarray, np.ndarray]


# ---------------------------------------------------------------- data


def binarise(dataset: Dataset, threshold: float, method: str) -> np.ndarray:
    """Rows of 0 and 1: ink where a pixel is above `threshold` of the data's brightest value."""
    return (unit_images(dataset, method) > threshold).astype(np.float32)


def check_images(dataset: Dataset, method: str) -> None:
    """A ValueError, plainly worded, unless the data are images of at least two pixels and
    there are at least two of them (one to train on, one to hold out)."""
    unit_images(dataset, method)
    if dataset.X.shape[1] < 2:
        raise ValueError(f"{method} needs images of at least two pixels")
    if dataset.n < 2:
        raise ValueError(f"{method} needs at least two images: one to learn from and one "
                         "to hold out")


# ---------------------------------------------------------------- MADE's masks


def made_degrees(n_pixels: int, hidden: int, layers: int, order: np.ndarray,
                 rng: np.random.Generator) -> list[np.ndarray]:
    """Degrees as in Germain et al.: input j gets its place in the order (1..D); a hidden
    unit of layer l gets a degree drawn uniformly from [smallest degree of layer l − 1, D − 1],
    so no unit is left connected to nothing."""
    inputs = np.empty(n_pixels, np.int64)
    inputs[np.asarray(order)] = np.arange(1, n_pixels + 1)
    degrees = [inputs]
    for _ in range(layers):
        low = int(degrees[-1].min())
        degrees.append(rng.integers(low, n_pixels, size=hidden, endpoint=False))
    return degrees


def made_masks(degrees: list[np.ndarray]) -> list[np.ndarray]:
    """One (out, in) mask per layer: a hidden unit sees units of degree ≤ its own; output i
    sees hidden units of degree < input i's degree, so it never sees input i or later ones."""
    masks = [(later[:, None] >= earlier[None, :]).astype(np.float32)
             for earlier, later in itertools.pairwise(degrees)]
    masks.append((degrees[0][:, None] > degrees[-1][None, :]).astype(np.float32))
    return masks


def reach(masks: list[np.ndarray]) -> np.ndarray:
    """(outputs, inputs): True where some path of kept connections joins them."""
    paths = masks[0].astype(np.float64)
    for mask in masks[1:]:
        paths = np.minimum(mask.astype(np.float64) @ paths, 1.0)  # 0/1 keeps it from growing
    return paths > 0


def display_order(degrees: np.ndarray) -> np.ndarray:
    """Units sorted by degree (stable): drawn so, each mask is a staircase."""
    return np.argsort(degrees, kind="stable")


# ---------------------------------------------------------------- PixelCNN's masks


def kernel_mask(size: int, kind: str) -> np.ndarray:
    """A size × size kernel mask for raster order: the rows above the centre, and the
    pixels left of it in its row; type "B" keeps the centre too, type "A" does not."""
    if kind not in ("A", "B"):
        raise ValueError(f"a mask is of type A or B, not {kind!r}")
    mask = np.ones((size, size), np.float32)
    centre = size // 2
    mask[centre, centre + (kind == "B"):] = 0.0
    mask[centre + 1:] = 0.0
    return mask


# ---------------------------------------------------------------- torch networks


@functools.cache
def _modules(torch) -> SimpleNamespace:
    """The masked layers, defined once torch is imported (never at module import)."""
    functional = torch.nn.functional

    class MaskedLinear(torch.nn.Linear):
        """A linear layer whose weight is multiplied by a fixed 0/1 mask (out, in)."""

        def __init__(self, mask: np.ndarray):
            super().__init__(mask.shape[1], mask.shape[0])
            self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.float32))

        def forward(self, x):
            return functional.linear(x, self.weight * self.mask, self.bias)

    class MaskedConv(torch.nn.Conv2d):
        """A 'same' convolution whose kernels are multiplied by a fixed spatial mask."""

        def __init__(self, n_in: int, n_out: int, mask: np.ndarray):
            super().__init__(n_in, n_out, mask.shape[0], padding=mask.shape[0] // 2)
            self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.float32))

        def forward(self, x):
            return functional.conv2d(x, self.weight * self.mask, self.bias,
                                     padding=self.padding)

    class FlatImages(torch.nn.Module):
        """Rows of D pixels in and D logits out, through a network of (b, 1, h, w) images."""

        def __init__(self, body, shape: tuple[int, int]):
            super().__init__()
            self.body = body
            self.shape = shape

        def forward(self, x):
            return self.body(x.view(-1, 1, *self.shape)).reshape(x.shape[0], -1)

        def top_rows(self, x, rows: int):
            """The logits of the first `rows` rows of pixels, (b, rows · w). The masks let no
            pixel see a row below its own, so the images cut there give the same logits
            for a fraction of the work: sampling row r needs only rows 0 … r."""
            h, w = self.shape
            return self.body(x.view(-1, 1, h, w)[:, :, :rows]).reshape(x.shape[0], -1)

    return SimpleNamespace(MaskedLinear=MaskedLinear, MaskedConv=MaskedConv,
                           FlatImages=FlatImages)


def made_network(torch, masks: list[np.ndarray]):
    """The masked MLP: ReLU between the masked layers, logits out."""
    layers = []
    for i, mask in enumerate(masks):
        layers.append(_modules(torch).MaskedLinear(mask))
        if i < len(masks) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def pixelcnn_network(torch, shape: tuple[int, int], channels: int, layers: int):
    """Type A 5 × 5, then `layers` type B 3 × 3 masked convolutions, then two 1 × 1 ones."""
    parts = _modules(torch)
    nn = torch.nn
    body = [parts.MaskedConv(1, channels, kernel_mask(FIRST_KERNEL, "A")), nn.ReLU()]
    for _ in range(layers):
        body += [parts.MaskedConv(channels, channels, kernel_mask(LATER_KERNEL, "B")),
                 nn.ReLU()]
    body += [nn.Conv2d(channels, channels, 1), nn.ReLU(), nn.Conv2d(channels, 1, 1)]
    return parts.FlatImages(nn.Sequential(*body), tuple(shape))


def nll_bits(torch, net, x):
    """−log₂ p(x) of each row of 0/1 pixels."""
    nats = torch.nn.functional.binary_cross_entropy_with_logits(net(x), x, reduction="none")
    return nats.sum(dim=1) * BITS_PER_NAT


class _Trainer:
    """One model's optimiser, data and random streams; one call per epoch."""

    def __init__(self, torch, device, net, X: np.ndarray, params: Mapping[str, Any]):
        self.torch = torch
        self.device = device
        self.net = net.to(device)
        self.batch_size = params["batch_size"]
        self.optimiser = torch.optim.Adam(self.net.parameters(), lr=params["learning_rate"])
        self.generator = torch.Generator().manual_seed(params["seed"])
        train, held = split_rows(len(X), HELD_OUT, params["seed"])
        self.train = torch.as_tensor(X[train]).to(device)
        self.held = torch.as_tensor(X[held]).to(device)

    def epoch(self, ctx: RunContext) -> float | None:
        """One shuffled pass; the mean NLL (bits per image) of its batches, None if cancelled."""
        total = self.torch.zeros((), device=self.device)
        n = self.train.shape[0]
        for rows in minibatches(self.torch, n, self.batch_size, self.generator, ctx):
            bits = nll_bits(self.torch, self.net, self.train[rows.to(self.device)])
            loss = bits.mean()
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            self.optimiser.step()
            total += bits.detach().sum()
        return None if ctx.cancelled() else float(total) / n

    def held_out_nll(self) -> float:
        """The held-out images' mean NLL, a batch at a time: all 359 digits at once took
        PixelCNN twice as long (their feature maps outgrow the cache); same numbers."""
        with self.torch.inference_mode():
            bits = [nll_bits(self.torch, self.net, rows) for rows in self.held.split(EVAL_BATCH)]
            return float(self.torch.cat(bits).mean())

    def logits_up_to(self, x, pixel: int):
        """Logits of at least the pixels up to `pixel` in raster order: a convolutional
        network's (PixelCNN) on the image rows down to that pixel's only; MADE's all."""
        if hasattr(self.net, "top_rows"):
            return self.net.top_rows(x, pixel // self.net.shape[1] + 1)
        return self.net(x)

    def sample(self, order: np.ndarray, uniforms: np.ndarray, ctx: RunContext
               ) -> tuple[np.ndarray, np.ndarray] | None:
        """Draw pixels one by one in `order` (pixel order[t] is 1 when uniforms[:, t] < p);
        the partial images before each step and after the last, (D + 1, m, D) with UNKNOWN
        for pixels not drawn yet, and each step's p (D, m). None if cancelled."""
        torch = self.torch
        m, d = uniforms.shape
        x = torch.zeros((m, d), device=self.device)
        u = torch.as_tensor(uniforms, dtype=torch.float32).to(self.device)
        frames = np.full((d + 1, m, d), UNKNOWN, np.int8)
        probabilities = np.empty((d, m))
        with torch.inference_mode():
            for t, pixel in enumerate(order):
                if ctx.cancelled():
                    return None
                p = torch.sigmoid(self.logits_up_to(x, int(pixel))[:, pixel])
                x[:, pixel] = (u[:, t] < p).float()
                probabilities[t] = as_numpy(p)
                frames[t + 1] = frames[t]
                frames[t + 1, :, pixel] = as_numpy(x[:, pixel]).astype(np.int8)
        return frames, probabilities


def draws_samples(epoch: int, n_epochs: int, every: int) -> bool:
    """Whether samples are drawn after this epoch: the first, every `every`-th, the last."""
    return epoch == 1 or epoch == n_epochs or epoch % every == 0


def epoch_message(epoch: int, n_epochs: int, train: float, held: float, n_train: int,
                  n_held: int, n_pixels: int, batch_size: int) -> str:
    """What an epoch did, and what the model's code length now is against raw pixels."""
    steps = -(-n_train // batch_size)
    noun = "gradient step" if steps == 1 else "gradient steps"
    return (f"epoch {epoch} of {n_epochs}: {steps} {noun} over {n_train:,} training images; "
            f"NLL {train:.1f} bits per image on them, {held:.1f} on the {n_held:,} held out "
            f"(the raw pixels cost {n_pixels} bits)")


def _common_params(epochs: int, learning_rate: float) -> tuple:
    return (
        Float(name="threshold", label="ink threshold", default=0.5, low=0.05, high=0.95,
              decimals=2, help="A pixel is ink (1) above this share of the brightest value: "
                               "0.5 on digits is 8 of 16."),
        Int(name="epochs", default=epochs, low=1, high=1000,
            help="Passes over the training images."),
        Int(name="batch_size", label="batch size", default=64, low=8, high=1024,
            help="Images per gradient step."),
        Float(name="learning_rate", label="learning rate", default=learning_rate, low=1e-4,
              high=1e-1, log=True, decimals=4, help="Step size of the Adam optimiser."),
        seed_param(),
    )


class _Autoregressive(Algorithm):
    """What MADE and PixelCNN share: the data check, the training loop and the snapshots."""

    family = "Generative models"
    snapshot_type = AutoregressiveModel
    # torch._dynamo: the first optimiser built imports it (1.4 s here), uninterruptibly.
    libraries = ("torch", "torch._dynamo")
    n_samples = MADE_SAMPLES
    sample_every = SAMPLE_EVERY

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        check_images(dataset, self.name)

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[AutoregressiveModel]:
        torch = load_torch(ctx)
        device = ctx.torch_device()
        X = binarise(dataset, params["threshold"], self.name)
        seed = params["seed"]
        order = self.order(X.shape[1], params)
        with seeded(torch, seed):
            net, parts = self.build(torch, dataset, order, params)
        trainer = _Trainer(torch, device, net, X, params)
        uniforms = np.random.default_rng([seed, 1]).random((self.n_samples, X.shape[1]))
        n_epochs, n_train, n_held = params["epochs"], len(trainer.train), len(trainer.held)
        train_nll, held_nll = [], []
        sampled = 0
        for epoch in range(1, n_epochs + 1):
            mean = trainer.epoch(ctx)
            if mean is None:
                return
            train_nll.append(mean)
            held_nll.append(trainer.held_out_nll())
            if draws_samples(epoch, n_epochs, self.sample_every):
                drawn = trainer.sample(order, uniforms, ctx)
                if drawn is None:
                    return
                frames, probabilities = drawn
                sampled = epoch
            message = epoch_message(epoch, n_epochs, train_nll[-1], held_nll[-1], n_train,
                                    n_held, X.shape[1], params["batch_size"])
            if sampled != epoch:
                message += (f"; samples as drawn after epoch {sampled} (drawn every "
                            f"{self.sample_every} epochs)")
            ctx.progress(epoch / n_epochs, message)
            shape = tuple(dataset.image_shape)
            judgement = None
            if epoch == n_epochs:
                done, judgement = self._judge(trainer, order, X, dataset, seed, ctx)
                if not done:
                    return
            yield self.snapshot(
                parts, frames, probabilities,
                step=epoch - 1, message=message, epoch=epoch, n_epochs=n_epochs,
                train_nll=frozen(train_nll, copy=True), held_out_nll=frozen(held_nll, copy=True),
                samples=frozen(frames[-1].reshape(-1, *shape).astype(np.uint8)),
                order=frozen(order), image_shape=shape, threshold=params["threshold"],
                n_train=n_train, n_held_out=n_held, judgement=judgement, sampled_epoch=sampled)

    @staticmethod
    def _judge(trainer, order, X: np.ndarray, dataset: Dataset, seed: int, ctx: RunContext):
        """(finished, judgement) of fresh samples, against the binarised images: the judging
        classifier learns from the ink the model learnt, not from the grey levels."""
        if not can_judge(dataset):
            return True, None
        uniforms = np.random.default_rng([seed, 4]).random((sample_count(dataset), X.shape[1]))
        finished = []
        for start in range(0, len(uniforms), JUDGE_BATCH):  # frames grow as batch × pixels²
            drawn = trainer.sample(order, uniforms[start:start + JUDGE_BATCH], ctx)
            if drawn is None:
                return False, None
            finished.append(drawn[0][-1])
        ink = Dataset(f"{dataset.name}, binarised", X, dataset.y,
                      image_shape=dataset.image_shape)
        return judged(np.concatenate(finished).astype(np.float64), ink, ctx)

    def order(self, n_pixels: int, params: Mapping[str, Any]) -> np.ndarray:
        """The order in which pixels are drawn: row by row, left to right."""
        return np.arange(n_pixels)

    def build(self, torch, dataset: Dataset, order: np.ndarray, params: Mapping[str, Any]):
        """The network (rows of pixels to logits) and what the snapshot shows of it."""
        raise NotImplementedError

    def snapshot(self, parts, frames: np.ndarray, probabilities: np.ndarray, **fields
                 ) -> AutoregressiveModel:
        raise NotImplementedError


@register
class MADE(_Autoregressive):
    id = "made"
    name = "MADE (masked autoencoder)"
    summary = ("Model binary images pixel by pixel with one MLP whose weight masks let each "
               "output see only the pixels before it.")
    objective = ("Minimise the negative log-likelihood −log₂ p(x) = −Σₜ log₂ p(x_{o(t)} | "
                 "x_{o(<t)}), in bits per image.")
    params = (
        Int(name="hidden", label="hidden units", default=256, low=8, high=1024,
            help="Width of each hidden layer."),
        Int(name="layers", label="hidden layers", default=2, low=1, high=4,
            help="Masked hidden layers between the pixels and their logits."),
        Choice(name="order", label="pixel order", default="raster",
               options=("raster", "random"),
               help="The order the pixels are modelled and drawn in: row by row, or a "
                    "random order chosen by the seed."),
        *_common_params(epochs=60, learning_rate=2e-3),
    )
    snapshot_type = MadeModel

    def order(self, n_pixels: int, params: Mapping[str, Any]) -> np.ndarray:
        if params["order"] == "random":
            return np.random.default_rng([params["seed"], 2]).permutation(n_pixels)
        return np.arange(n_pixels)

    def build(self, torch, dataset: Dataset, order: np.ndarray, params: Mapping[str, Any]):
        rng = np.random.default_rng([params["seed"], 3])
        degrees = made_degrees(len(order), params["hidden"], params["layers"], order, rng)
        masks = made_masks(degrees)
        parts = (tuple(frozen(m.astype(np.uint8)) for m in masks),
                 tuple(frozen(d) for d in degrees), frozen(reach(masks)))
        return made_network(torch, masks), parts

    def snapshot(self, parts, frames, probabilities, **fields) -> MadeModel:
        masks, degrees, paths = parts
        return MadeModel(masks=masks, degrees=degrees, reach=paths, **fields)


@register
class PixelCNN(_Autoregressive):
    id = "pixelcnn"
    name = "PixelCNN"
    summary = ("Model binary images pixel by pixel with masked convolutions that let each "
               "pixel see only those above it and to its left.")
    objective = ("Minimise the negative log-likelihood −log₂ p(x) = −Σᵢ log₂ p(xᵢ | x₁, …, "
                 "xᵢ₋₁) in raster order, in bits per image.")
    params = (
        Int(name="channels", default=32, low=4, high=128,
            help="Feature maps in each masked convolution."),
        Int(name="layers", label="type B layers", default=3, low=1, high=8,
            help="Masked 3 × 3 convolutions after the first (type A) one."),
        *_common_params(epochs=30, learning_rate=3e-3),
    )
    snapshot_type = PixelCNNModel
    n_samples = PIXELCNN_SAMPLES
    sample_every = SAMPLE_EVERY

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        super().check(dataset, params)
        if dataset.image_shape is None or len(dataset.image_shape) != 2:
            raise ValueError(f"{self.name} needs images with rows and columns")

    def build(self, torch, dataset: Dataset, order: np.ndarray, params: Mapping[str, Any]):
        net = pixelcnn_network(torch, tuple(dataset.image_shape), params["channels"],
                               params["layers"])
        masks = (frozen(kernel_mask(FIRST_KERNEL, "A")), frozen(kernel_mask(LATER_KERNEL, "B")))
        return net, masks

    def snapshot(self, parts, frames, probabilities, **fields) -> PixelCNNModel:
        shape = fields["image_shape"]
        return PixelCNNModel(frames=frozen(frames.reshape(len(frames), -1, *shape)),
                             probabilities=frozen(probabilities), kernel_masks=parts,
                             **fields)
