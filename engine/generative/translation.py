"""Image-to-image translation on images (the digits): pix2pix, from paired examples, and
CycleGAN, from two unpaired piles of images.

pix2pix [`pix2pix`] learns G: source → image from pairs (s, x), where the source s is computed
from each image x in numpy/scipy (its edges, a blurred or a coarse copy, or the image with its
lower half hidden). G minimises λ_L1·|G(s) − x|₁ (be near the target) plus λ_adv·(−log D(s,
G(s))) (look real to a discriminator that sees the pair): L1 alone gives the blurred average of
every image that fits the source, the adversarial term pushes for a sharp, single answer.

CycleGAN [`cyclegan`] never sees a pair. The training images are shuffled and split in two
halves: A keeps its images as they are, B's are changed by a fixed transform (transposed,
mirrored, upside down or negated). Two generators G: A → B and F: B → A each fool a
discriminator of their target domain (least squares, as in the CycleGAN paper), and the cycle
loss λ_cyc·(|F(G(a)) − a|₁ + |G(F(b)) − b|₁) asks that a round trip gives back what it
started from. Nothing forces G to be the transform itself: any invertible map onto B's kind of
image satisfies both losses, which is why the view shows the true transform beside G's output.

Both hold out a share of the images (chosen by the seed) that training never sees; the
snapshots carry the held-out images the window shows and the networks' outputs for them,
computed by torch on the worker. Pixels are scaled into [0, 1] for the networks (digits: 0..16
→ 0..1); shown images are in data units, losses and errors in [0, 1] pixels.

torch is imported only inside `run`, through `engine.generative.training.load_torch`; scipy's
filters only when a source is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import (
    as_numpy,
    load_torch,
    mlp,
    seeded,
    split_rows,
    unit_images,
)
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

SOURCES = ("edges", "blurred", "coarse", "lower half hidden")
DOMAINS = ("transposed", "mirrored", "upside down", "negative")
HELD_OUT = 0.2  # share of the images training never sees
MIN_IMAGES = 20
SHOWN = 12  # held-out images carried in each snapshot for the strips
BETAS = (0.5, 0.999)  # Adam's β1 = 0.5, as is usual for GANs
BLUR_SIGMA = 1.0  # pixels


# ---------------------------------------------------------------- the two domains


def source_images(images: np.ndarray, kind: str) -> np.ndarray:
    """pix2pix's sources, (m, h, w) in [0, 1], of images (m, h, w) in [0, 1]."""
    from scipy import ndimage

    images = np.asarray(images, dtype=np.float64)
    if kind == "blurred":
        return ndimage.gaussian_filter(images, sigma=(0, BLUR_SIGMA, BLUR_SIGMA),
                                       mode="constant")
    if kind == "edges":
        gx = ndimage.sobel(images, axis=2, mode="constant")
        gy = ndimage.sobel(images, axis=1, mode="constant")
        magnitude = np.hypot(gx, gy)
        top = magnitude.max(axis=(1, 2), keepdims=True)
        return magnitude / np.where(top > 0, top, 1.0)
    if kind == "coarse":
        m, h, w = images.shape
        hh, ww = -(-h // 2) * 2, -(-w // 2) * 2
        padded = np.zeros((m, hh, ww))
        padded[:, :h, :w] = images
        blocks = padded.reshape(m, hh // 2, 2, ww // 2, 2).mean(axis=(2, 4))
        return blocks.repeat(2, axis=1).repeat(2, axis=2)[:, :h, :w]
    if kind == "lower half hidden":
        out = images.copy()
        out[:, images.shape[1] // 2:, :] = 0.0
        return out
    raise ValueError(f"unknown source {kind!r} (known: {', '.join(SOURCES)})")


def domain_b_images(images: np.ndarray, kind: str) -> np.ndarray:
    """CycleGAN's domain B: images (m, h, w) in [0, 1] under a fixed transform."""
    images = np.asarray(images, dtype=np.float64)
    transforms: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "transposed": lambda a: a.transpose(0, 2, 1),
        "mirrored": lambda a: a[:, :, ::-1],
        "upside down": lambda a: a[:, ::-1, :],
        "negative": lambda a: 1.0 - a,
    }
    if kind not in transforms:
        raise ValueError(f"unknown domain {kind!r} (known: {', '.join(DOMAINS)})")
    return np.ascontiguousarray(transforms[kind](images))


def held_out_rows(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, held-out rows): HELD_OUT of them, at least two (one per domain). The
    held-out rows come shuffled: the strips show the first of them, and CycleGAN cuts them
    in two domains, which rows grouped by class would otherwise skew."""
    train, held = split_rows(n, HELD_OUT, [int(seed), 11], least_held=2)
    return train, np.random.default_rng([int(seed), 12]).permutation(held)


def mean_abs(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))))


def check_images(dataset: Dataset, method: str) -> None:
    """A clear ValueError for data these methods cannot translate."""
    unit_images(dataset, method)
    if dataset.n < MIN_IMAGES:
        raise ValueError(f"{method} needs at least {MIN_IMAGES} images, to train on some and "
                         f"hold some out; {dataset.name} has {dataset.n}")


# ---------------------------------------------------------------- snapshots


@dataclass(frozen=True, kw_only=True, eq=False)
class PairedTranslation(Snapshot):
    """pix2pix after `done` of `n_steps` gradient steps.

    For SHOWN held-out images (data rows `rows`): the `sources`, G's `outputs` and the
    `targets`, each (SHOWN, d) in data units (`levels` spans them). Per step so far: `l1` (mean
    |G(s) − x| on the batch), `adversarial` (G's −log D(s, G(s))) and `d_loss` (D's binary
    cross-entropy). Over every held-out image: `output_error` (mean |G(s) − x|) and
    `source_error` (mean |s − x|, what doing nothing scores), in [0, 1] pixels."""

    source: str
    rows: np.ndarray
    sources: np.ndarray
    outputs: np.ndarray
    targets: np.ndarray
    image_shape: tuple[int, int]
    levels: tuple[float, float] = (0.0, 1.0)
    done: int = 0
    n_steps: int = 0
    l1_weight: float = 100.0
    adv_weight: float = 1.0
    l1: np.ndarray = field(default_factory=lambda: np.empty(0))
    adversarial: np.ndarray = field(default_factory=lambda: np.empty(0))
    d_loss: np.ndarray = field(default_factory=lambda: np.empty(0))
    output_error: float = float("nan")
    source_error: float = float("nan")


@dataclass(frozen=True, kw_only=True, eq=False)
class CycleTranslation(Snapshot):
    """CycleGAN after `done` of `n_steps` gradient steps.

    SHOWN held-out images of each domain, (SHOWN, d) in data units: `a` (data rows `rows_a`),
    G's `a_to_b`, F's way back `a_round`, and `a_truth`, the transform itself applied to a
    (never used in training); `b` (data rows `rows_b`, transformed), F's `b_to_a` and the way
    back `b_round`. Per step so far: the generators' adversarial losses `g_ab`, `g_ba`, the
    discriminators' `d_a`, `d_b` (least squares), and `cycle` (mean |F(G(a)) − a| + mean
    |G(F(b)) − b| on the batches, before its weight). Over every held-out image: `round_error`
    (mean |F(G(a)) − a|), `truth_error` (mean |G(a) − T(a)|) and `start_error` (mean
    |a − T(a)|, for scale), in [0, 1] pixels."""

    domain_b: str
    rows_a: np.ndarray
    rows_b: np.ndarray
    a: np.ndarray
    a_to_b: np.ndarray
    a_round: np.ndarray
    a_truth: np.ndarray
    b: np.ndarray
    b_to_a: np.ndarray
    b_round: np.ndarray
    image_shape: tuple[int, int]
    levels: tuple[float, float] = (0.0, 1.0)
    done: int = 0
    n_steps: int = 0
    cycle_weight: float = 10.0
    g_ab: np.ndarray = field(default_factory=lambda: np.empty(0))
    g_ba: np.ndarray = field(default_factory=lambda: np.empty(0))
    d_a: np.ndarray = field(default_factory=lambda: np.empty(0))
    d_b: np.ndarray = field(default_factory=lambda: np.empty(0))
    cycle: np.ndarray = field(default_factory=lambda: np.empty(0))
    round_error: float = float("nan")
    truth_error: float = float("nan")
    start_error: float = float("nan")


# ---------------------------------------------------------------- networks


def generator(torch, d: int, hidden: int):
    """d pixels → d pixel logits (a sigmoid after it gives [0, 1]): an MLP d → hidden →
    hidden → d plus a linear map straight from input to output. The skip plays the part of
    pix2pix's U-Net skips: a transposition, mirror or negation is a linear map of the
    pixels, and without it CycleGAN's round trips came back as a few stock digits."""
    nn = torch.nn
    body = mlp(torch, (d, hidden, hidden, d))

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = body
            self.skip = nn.Linear(d, d)

        def forward(self, x):
            return self.body(x) + self.skip(x)

    return Generator()


def discriminator(torch, d_in: int, hidden: int):
    """An MLP d_in → hidden → hidden/2 → 1 logit, with leaky ReLU (rejected images still pass
    a gradient back) and spectral normalisation of each layer, which bounds how fast D can
    change: without it CycleGAN's discriminators won outright (least-squares loss near 0.1)
    and the generators chased them from digit to digit, round trips failing."""
    net = mlp(torch, (d_in, hidden, max(1, hidden // 2), 1), "leaky_relu")
    norm = torch.nn.utils.parametrizations.spectral_norm
    for i, layer in enumerate(net):
        if isinstance(layer, torch.nn.Linear):
            net[i] = norm(layer)
    return net


def _rows_tensor(torch, X: np.ndarray, device):
    return torch.as_tensor(np.asarray(X, dtype=np.float32)).to(device)


def _schedule(params: Mapping[str, Any]) -> list[int]:
    """The steps after which a snapshot is taken: every `every` steps and the last one."""
    n, every = params["steps"], params["every"]
    return sorted({*range(every, n + 1, every), n})


_COMMON = (
    Int(name="hidden", label="hidden units", default=128, low=8, high=1024,
        help="Width of the hidden layers of every generator and discriminator."),
    Int(name="steps", default=1500, low=1, high=100_000,
        help="Gradient steps; each takes one discriminator and one generator step on a "
             "batch of training images."),
    Int(name="batch_size", label="batch size", default=64, low=4, high=1024,
        help="Images per gradient step, drawn at random from the training images."),
    Float(name="learning_rate", label="learning rate", default=2e-3, low=1e-5, high=1e-1,
          log=True, decimals=5, help="Step size of the Adam optimisers (β1 = 0.5)."),
    Int(name="every", label="steps per picture", default=25, low=1, high=10_000,
        help="Gradient steps between two pictures of the held-out images."),
    seed_param(),
)


class _Translation(Algorithm):
    family = "Generative models"
    libraries = ("torch", "torch._dynamo")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        check_images(dataset, self.name)


# ---------------------------------------------------------------- pix2pix


@register
class Pix2Pix(_Translation):
    id = "pix2pix"
    name = "pix2pix (paired translation)"
    summary = ("Learn to turn one kind of image into another from pairs of examples: here "
               "each digit's edges, blurred, coarse or half-hidden copy into the digit.")
    objective = ("G minimises λ_L1·|G(s) − x|₁ − λ_adv·log D(s, G(s)); D minimises "
                 "−log D(s, x) − log(1 − D(s, G(s))), seeing the source s with each image.")
    params = (
        Choice(name="source", default="edges", options=SOURCES,
               help="What the generator is given, computed from each image: its edges "
                    "(Sobel), a blurred copy, a coarse copy (2 × 2 blocks averaged), or the "
                    "image with its lower half hidden."),
        Float(name="l1_weight", label="L1 weight λ_L1", default=100.0, low=0.0, high=1000.0,
              decimals=1, help="Weight of the mean absolute difference from the target: "
                               "alone it gives the blurred average of what fits the source."),
        Float(name="adv_weight", label="adversarial weight λ_adv", default=1.0, low=0.0,
              high=100.0, decimals=2,
              help="Weight of fooling the discriminator: it pushes for sharp, real-looking "
                   "images; alone it may ignore what the source says."),
        *_COMMON,
    )
    snapshot_type = PairedTranslation

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        super().check(dataset, params)
        if params["l1_weight"] == 0.0 and params["adv_weight"] == 0.0:
            raise ValueError("l1_weight: with both weights 0 the generator learns nothing; "
                             "give the L1 or the adversarial loss some weight")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[PairedTranslation]:
        torch = load_torch(ctx)
        trainer = _PairedTrainer(torch, ctx.torch_device(), dataset, params)
        n = params["steps"]
        done = 0
        for index, stop in enumerate(_schedule(params)):
            if not trainer.train(stop - done, ctx):
                return
            done = stop
            snap = trainer.snapshot(index, done, n)
            ctx.progress(done / n, snap.message)
            yield snap


def paired_message(done: int, n: int, l1: float, adversarial: float, d_loss: float,
                   output_error: float, source_error: float) -> str:
    return (f"step {done} of {n}: L1 {l1:.3f}, G's adversarial loss {adversarial:.2f}, D's "
            f"loss {d_loss:.2f}; on held-out images the output is {output_error:.3f} from "
            f"the target per pixel, the source {source_error:.3f}")


class _PairedTrainer:
    """pix2pix's networks, optimisers, data and random stream."""

    def __init__(self, torch, device, dataset: Dataset, params: Mapping[str, Any]):
        self.torch, self.device = torch, device
        self.params = params
        self.scale = float(dataset.X.max())
        self.shape = tuple(dataset.image_shape)
        X = unit_images(dataset, "pix2pix")
        S = source_images(X.reshape(-1, *self.shape), params["source"]).reshape(len(X), -1)
        train, held = held_out_rows(len(X), params["seed"])
        self.rows = frozen(held[:SHOWN])
        self.X, self.S = _rows_tensor(torch, X[train], device), _rows_tensor(torch, S[train],
                                                                             device)
        self.X_held, self.S_held = X[held], S[held]
        self.S_held_t = _rows_tensor(torch, self.S_held, device)
        d = X.shape[1]
        with seeded(torch, params["seed"]):
            self.G = generator(torch, d, params["hidden"]).to(device)
            self.D = discriminator(torch, 2 * d, params["hidden"]).to(device)
        lr = params["learning_rate"]
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=lr, betas=BETAS)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr, betas=BETAS)
        self.random = torch.Generator().manual_seed(int(params["seed"]))
        self.history: dict[str, list[float]] = {"l1": [], "adversarial": [], "d_loss": []}

    def train(self, steps: int, ctx: RunContext) -> bool:
        """`steps` gradient steps of D then G; False if cancelled."""
        torch = self.torch
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        w_l1, w_adv = self.params["l1_weight"], self.params["adv_weight"]
        for _ in range(steps):
            if ctx.cancelled():
                return False
            rows = torch.randint(len(self.X), (self.params["batch_size"],),
                                 generator=self.random).to(self.device)
            s, x = self.S[rows], self.X[rows]
            fake = torch.sigmoid(self.G(s))
            # Real and generated pairs in one call: each call of a spectrally normalised D
            # renormalises its weights.
            real_logits, fake_logits = self.D(torch.cat([
                torch.cat([s, x], dim=1), torch.cat([s, fake.detach()], dim=1)])).chunk(2)
            loss_d = (bce(real_logits, torch.ones_like(real_logits))
                      + bce(fake_logits, torch.zeros_like(fake_logits)))
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            judged = self.D(torch.cat([s, fake], dim=1))
            adversarial = bce(judged, torch.ones_like(judged))
            l1 = (fake - x).abs().mean()
            self.opt_g.zero_grad(set_to_none=True)
            (w_l1 * l1 + w_adv * adversarial).backward()
            self.opt_g.step()
            values = torch.stack([l1.detach(), adversarial.detach(), loss_d.detach()]).cpu()
            for name, value in zip(self.history, values.tolist(), strict=True):
                self.history[name].append(value)
        return True

    def snapshot(self, index: int, done: int, n: int) -> PairedTranslation:
        torch = self.torch
        with torch.no_grad():
            out = as_numpy(torch.sigmoid(self.G(self.S_held_t)))
        output_error = mean_abs(out, self.X_held)
        source_error = mean_abs(self.S_held, self.X_held)
        means = {name: values[-1] for name, values in self.history.items()}
        message = paired_message(done, n, means["l1"], means["adversarial"], means["d_loss"],
                                 output_error, source_error)
        k = len(self.rows)
        return PairedTranslation(
            step=index, message=message, source=self.params["source"], rows=self.rows,
            sources=frozen(self.scale * self.S_held[:k]), outputs=frozen(self.scale * out[:k]),
            targets=frozen(self.scale * self.X_held[:k]), image_shape=self.shape,
            levels=(0.0, self.scale), done=done, n_steps=n,
            l1_weight=float(self.params["l1_weight"]),
            adv_weight=float(self.params["adv_weight"]),
            output_error=output_error, source_error=source_error,
            **{name: frozen(np.array(values)) for name, values in self.history.items()})


# ---------------------------------------------------------------- CycleGAN


@register
class CycleGAN(_Translation):
    id = "cyclegan"
    name = "CycleGAN (unpaired translation)"
    summary = ("Learn to turn images of one kind into another, and back, from two piles of "
               "images that are never paired: here digits and their transposed, mirrored, "
               "upside-down or negative copies.")
    objective = ("G: A → B and F: B → A minimise (D_B(G(a)) − 1)² + (D_A(F(b)) − 1)² + "
                 "λ_cyc·(|F(G(a)) − a|₁ + |G(F(b)) − b|₁); each D minimises "
                 "(D(real) − 1)² + D(fake)².")
    params = (
        Choice(name="domain_b", label="domain B", default="transposed", options=DOMAINS,
               help="How the images of domain B differ from those of A (the images as they "
                    "are): transposed, mirrored left to right, upside down, or negative."),
        Float(name="cycle_weight", label="cycle weight λ_cyc", default=10.0, low=0.0,
              high=1000.0, decimals=2,
              help="Weight of the cycle-consistency loss: a round trip A → B → A (and B → "
                   "A → B) should give back the image it started from."),
        *_COMMON,
    )
    snapshot_type = CycleTranslation

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        super().check(dataset, params)
        h, w = dataset.image_shape
        if params["domain_b"] == "transposed" and h != w:
            raise ValueError(f"domain_b: transposed images must be square to share a shape "
                             f"with the rest; these are {h} × {w}. Choose another domain B")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[CycleTranslation]:
        torch = load_torch(ctx)
        trainer = _CycleTrainer(torch, ctx.torch_device(), dataset, params)
        n = params["steps"]
        done = 0
        for index, stop in enumerate(_schedule(params)):
            if not trainer.train(stop - done, ctx):
                return
            done = stop
            snap = trainer.snapshot(index, done, n)
            ctx.progress(done / n, snap.message)
            yield snap


def cycle_message(done: int, n: int, cycle: float, g: float, d: float, round_error: float,
                  truth_error: float, start_error: float) -> str:
    return (f"step {done} of {n}: cycle loss {cycle:.3f}, generators' adversarial loss "
            f"{g:.3f}, discriminators' {d:.3f}; on held-out images the round trip A → B → A "
            f"is {round_error:.3f} from A per pixel, and G(A) {truth_error:.3f} from the true "
            f"transform of A (A itself: {start_error:.3f})")


class _CycleTrainer:
    """CycleGAN's four networks, two optimisers, the unpaired halves and the random stream."""

    def __init__(self, torch, device, dataset: Dataset, params: Mapping[str, Any]):
        self.torch, self.device = torch, device
        self.params = params
        self.scale = float(dataset.X.max())
        self.shape = tuple(dataset.image_shape)
        X = unit_images(dataset, "CycleGAN")
        train, held = held_out_rows(len(X), params["seed"])
        half, held_half = len(train) // 2, len(held) // 2
        # train is sorted; the split into halves is the seeded shuffle's order.
        train = np.random.default_rng([int(params["seed"]), 13]).permutation(train)
        kind = params["domain_b"]

        def to_b(rows):
            return domain_b_images(X[rows].reshape(-1, *self.shape), kind).reshape(len(rows),
                                                                                  -1)

        self.A = _rows_tensor(torch, X[train[:half]], device)
        self.B = _rows_tensor(torch, to_b(train[half:]), device)
        held_a, held_b = held[:held_half], held[held_half:]
        self.rows_a, self.rows_b = frozen(held_a[:SHOWN]), frozen(held_b[:SHOWN])
        self.A_held, self.B_held = X[held_a], to_b(held_b)
        self.truth = to_b(held_a)
        self.A_held_t = _rows_tensor(torch, self.A_held, device)
        self.B_held_t = _rows_tensor(torch, self.B_held, device)
        d, hidden = X.shape[1], params["hidden"]
        with seeded(torch, params["seed"]):
            self.G, self.F = generator(torch, d, hidden), generator(torch, d, hidden)
            self.D_a, self.D_b = discriminator(torch, d, hidden), discriminator(torch, d, hidden)
        for net in (self.G, self.F, self.D_a, self.D_b):
            net.to(device)
        lr = params["learning_rate"]
        self.opt_g = torch.optim.Adam([*self.G.parameters(), *self.F.parameters()], lr=lr,
                                      betas=BETAS)
        self.opt_d = torch.optim.Adam([*self.D_a.parameters(), *self.D_b.parameters()], lr=lr,
                                      betas=BETAS)
        self.random = torch.Generator().manual_seed(int(params["seed"]))
        self.history: dict[str, list[float]] = {"g_ab": [], "g_ba": [], "d_a": [], "d_b": [],
                                                "cycle": []}

    def _batch(self, X):
        rows = self.torch.randint(len(X), (self.params["batch_size"],), generator=self.random)
        return X[rows.to(self.device)]

    def train(self, steps: int, ctx: RunContext) -> bool:
        """`steps` gradient steps of both generators then both discriminators; False if
        cancelled."""
        torch = self.torch
        sigmoid = torch.sigmoid
        weight = self.params["cycle_weight"]

        def lsgan(logits, target: float):
            return (logits - target).pow(2).mean()

        def judge(D, real, fake):
            """D's least-squares loss, real and generated images in one call (each call of a
            spectrally normalised D renormalises its weights: half a step's time here)."""
            real_logits, fake_logits = D(torch.cat([real, fake])).chunk(2)
            return 0.5 * (lsgan(real_logits, 1.0) + lsgan(fake_logits, 0.0))

        for _ in range(steps):
            if ctx.cancelled():
                return False
            a, b = self._batch(self.A), self._batch(self.B)
            fake_b, fake_a = sigmoid(self.G(a)), sigmoid(self.F(b))
            g_ab, g_ba = lsgan(self.D_b(fake_b), 1.0), lsgan(self.D_a(fake_a), 1.0)
            cycle = ((sigmoid(self.F(fake_b)) - a).abs().mean()
                     + (sigmoid(self.G(fake_a)) - b).abs().mean())
            self.opt_g.zero_grad(set_to_none=True)
            (g_ab + g_ba + weight * cycle).backward()
            self.opt_g.step()
            d_a = judge(self.D_a, a, fake_a.detach())
            d_b = judge(self.D_b, b, fake_b.detach())
            self.opt_d.zero_grad(set_to_none=True)
            (d_a + d_b).backward()
            self.opt_d.step()
            values = torch.stack([g_ab, g_ba, d_a, d_b, cycle]).detach().cpu()
            for name, value in zip(self.history, values.tolist(), strict=True):
                self.history[name].append(value)
        return True

    def _translate(self):
        """(G(a), F(G(a)), F(b), G(F(b))) of every held-out image, as numpy."""
        torch = self.torch
        with torch.no_grad():
            a_to_b = torch.sigmoid(self.G(self.A_held_t))
            a_round = torch.sigmoid(self.F(a_to_b))
            b_to_a = torch.sigmoid(self.F(self.B_held_t))
            b_round = torch.sigmoid(self.G(b_to_a))
        return tuple(as_numpy(t) for t in (a_to_b, a_round, b_to_a, b_round))

    def snapshot(self, index: int, done: int, n: int) -> CycleTranslation:
        a_to_b, a_round, b_to_a, b_round = self._translate()
        round_error = mean_abs(a_round, self.A_held)
        truth_error = mean_abs(a_to_b, self.truth)
        start_error = mean_abs(self.A_held, self.truth)
        h = {name: values[-1] for name, values in self.history.items()}
        message = cycle_message(done, n, h["cycle"], h["g_ab"] + h["g_ba"], h["d_a"] + h["d_b"],
                                round_error, truth_error, start_error)
        k, s = SHOWN, self.scale
        return CycleTranslation(
            step=index, message=message, domain_b=self.params["domain_b"],
            rows_a=self.rows_a, rows_b=self.rows_b,
            a=frozen(s * self.A_held[:k]), a_to_b=frozen(s * a_to_b[:k]),
            a_round=frozen(s * a_round[:k]), a_truth=frozen(s * self.truth[:k]),
            b=frozen(s * self.B_held[:k]), b_to_a=frozen(s * b_to_a[:k]),
            b_round=frozen(s * b_round[:k]), image_shape=self.shape, levels=(0.0, s),
            done=done, n_steps=n, cycle_weight=float(self.params["cycle_weight"]),
            round_error=round_error, truth_error=truth_error, start_error=start_error,
            **{name: frozen(np.array(values)) for name, values in self.history.items()})
