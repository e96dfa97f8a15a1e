"""GANs on images: a generator G(z) that makes images from noise, and a discriminator D(x)
that tells real images from G's, trained against each other; and the conditional GAN, in
which both also see the class as a one-hot vector, so that G(z, c) makes a digit of class c.

Losses: D minimises the binary cross-entropy of calling real images real and generated ones
fake, with one-sided label smoothing (real images are labelled 0.9, not 1: a stabiliser that
keeps D from growing too sure of itself); G minimises the non-saturating loss −log D(G(z)),
whose gradient stays large while D easily rejects G's images, unlike the minimax
log(1 − D(G(z))). D's layers are spectrally normalised (see `build_networks`). Both use Adam
with β1 = 0.5, as is usual for GANs.

G is an MLP (ReLU hidden layers, a sigmoid output in [0, 1]) so that the window gets an exact
numpy copy (`engine.protocol.MLP`) to decode any z under a slider. Pixels are scaled into
[0, 1] (digits: 0..16 → 0..1) and generated images scaled back to data units.

torch is imported only inside `run`, through `engine.generative.training.load_torch`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.judging import Judgement, can_judge, judged, sample_count
from engine.generative.training import load_torch, mlp, numpy_mlp, seeded, unit_images
from engine.params import Float, Int, seed_param
from engine.protocol import MLP, Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

GRID = 48  # fixed noise vectors: the sample grid the user watches sharpen
REAL_LABEL = 0.9  # one-sided label smoothing
BETAS = (0.5, 0.999)


@dataclass(frozen=True, kw_only=True, eq=False)
class GANModel(Snapshot):
    """A GAN (or conditional GAN) as trained so far.

    `generator` is a numpy copy of G: its input is [z, one-hot class] (just z when
    `n_classes` is 0) and its output pixels in [0, 1]; `generate` gives data units
    (× `scale`). `noise` (GRID, latent_dim) is fixed for the whole run, drawn from the seed;
    `samples` are G's images of it in data units, computed by torch on the worker: (GRID, d)
    for a plain GAN, (n_classes, GRID, d) for a conditional one (row c: class c).
    Per gradient step so far: `loss_g`, `loss_d`, and D's mean output on the real batch
    (`d_real`) and on the generated one (`d_fake`)."""

    generator: MLP
    latent_dim: int
    n_classes: int = 0
    class_names: tuple[str, ...] = ()
    noise: np.ndarray
    samples: np.ndarray
    scale: float = 1.0
    image_shape: tuple[int, int]
    epoch: int = 0
    n_epochs: int = 0
    loss_g: np.ndarray = field(default_factory=lambda: np.empty(0))
    loss_d: np.ndarray = field(default_factory=lambda: np.empty(0))
    d_real: np.ndarray = field(default_factory=lambda: np.empty(0))
    d_fake: np.ndarray = field(default_factory=lambda: np.empty(0))
    judgement: Judgement | None = None  # fresh samples judged, in a run's last snapshot

    @property
    def conditional(self) -> bool:
        return self.n_classes > 0

    def generate(self, z: np.ndarray, label: int | None = None) -> np.ndarray:
        """G's images (m, d) of codes z (m, latent_dim), of class `label` when conditional."""
        z = np.atleast_2d(np.asarray(z, dtype=np.float64))
        return self.scale * self.generator(with_class(z, label, self.n_classes))


def with_class(z: np.ndarray, label: int | None, n_classes: int) -> np.ndarray:
    """[z, one-hot(label)] for a conditional generator; z alone when n_classes is 0."""
    if n_classes == 0:
        return z
    if label is None or not 0 <= int(label) < n_classes:
        raise ValueError(f"a conditional GAN needs a class from 0 to {n_classes - 1}, "
                         f"got {label!r}")
    onehot = np.zeros((z.shape[0], n_classes))
    onehot[:, int(label)] = 1.0
    return np.hstack([z, onehot])


def slerp(a: np.ndarray, b: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    """Points along the great circle from a to b (t in [0, 1]), rows of t's length.

    Gaussian codes live near a sphere of radius √L; a straight line between two of them
    passes through shorter codes than G ever saw, so GANs are interpolated on the sphere."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    t = np.atleast_1d(np.asarray(t, np.float64))[:, None]
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    cos = float(np.clip(a @ b / max(na * nb, 1e-12), -1.0, 1.0))
    omega = math.acos(cos)
    if omega < 1e-6:
        return (1 - t) * a + t * b
    s = math.sin(omega)
    return (np.sin((1 - t) * omega) / s) * a + (np.sin(t * omega) / s) * b


def fixed_noise(seed: int, latent_dim: int) -> np.ndarray:
    """The run's grid codes: the same for the same seed, whatever else the run draws."""
    return np.random.default_rng([int(seed), 7]).standard_normal((GRID, latent_dim))


def build_networks(torch, d: int, latent_dim: int, n_classes: int, hidden: int):
    """G: [z, c] → hidden → 2·hidden → d pixels (logits); D: x → 2·hidden → hidden → 1.

    D uses leaky ReLU, so rejected images still pass it a gradient, and spectral
    normalisation of each layer, which bounds how fast D can change: without it D's verdicts
    swung and G hopped from digit to digit, a few at a time (mode collapse). A conditional D
    adds a learnt vector per class dotted with its last hidden layer (a projection
    discriminator): a one-hot c among D's inputs, squeezed by the normalisation, was all but
    ignored, and G's digits took ten times longer to follow their class."""
    nn = torch.nn
    norm = nn.utils.parametrizations.spectral_norm
    generator = mlp(torch, (latent_dim + n_classes, hidden, 2 * hidden, d))
    features = mlp(torch, (d, 2 * hidden, hidden), "leaky_relu")
    features.append(nn.LeakyReLU(0.2))
    for i, layer in enumerate(features):
        if isinstance(layer, nn.Linear):
            features[i] = norm(layer)

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = features
            self.out = norm(nn.Linear(hidden, 1))
            self.embed = nn.Embedding(n_classes, hidden) if n_classes else None

        def forward(self, x, onehot=None):
            h = self.features(x)
            logit = self.out(h)
            if self.embed is None:
                return logit
            return logit + (h * (onehot @ self.embed.weight)).sum(dim=1, keepdim=True)

    return generator, Discriminator()


def step_message(epoch: int, n_epochs: int, loss_d: float, loss_g: float, d_real: float,
                 d_fake: float) -> str:
    """What the last epoch did, in words a newcomer can follow."""
    return (f"epoch {epoch} of {n_epochs}: discriminator loss {loss_d:.3f}, generator loss "
            f"{loss_g:.3f}; D calls real digits real with mean {d_real:.2f} and generated "
            f"ones with mean {d_fake:.2f}")


class _GANBase(Algorithm):
    family = "Generative models"
    snapshot_type = GANModel
    libraries = ("torch", "torch._dynamo")
    conditional = False

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        unit_images(dataset, self.name)
        if self.conditional and (dataset.y is None or dataset.n_classes < 2):
            raise ValueError(f"{self.name} needs class labels (at least two classes) to "
                             f"condition on; {dataset.name} has none. Choose digits, or "
                             f"the plain GAN")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[GANModel]:
        torch = load_torch(ctx)
        trainer = _Trainer(torch, ctx.torch_device(), dataset, params, self.conditional)
        n_epochs = params["epochs"]
        history: dict[str, list[float]] = {"loss_g": [], "loss_d": [], "d_real": [],
                                           "d_fake": []}
        for epoch in range(1, n_epochs + 1):
            steps = trainer.epoch(ctx)
            if steps is None:
                return
            for name, values in steps.items():
                history[name].extend(values)
            means = {name: float(np.mean(values)) for name, values in steps.items()}
            message = step_message(epoch, n_epochs, means["loss_d"], means["loss_g"],
                                   means["d_real"], means["d_fake"])
            ctx.progress(epoch / n_epochs, message)
            snap = trainer.snapshot(epoch - 1, message, epoch, n_epochs, history)
            if epoch == n_epochs:
                done, judgement = judged(judging_samples(snap, dataset, params["seed"]),
                                         dataset, ctx)
                if not done:
                    return
                snap = replace(snap, judgement=judgement)
            yield snap


def judging_samples(snap: GANModel, dataset: Dataset, seed: int) -> np.ndarray:
    """Fresh samples for judging, in data units; a conditional GAN's spread evenly over
    its classes."""
    if not can_judge(dataset):
        return np.empty((0, dataset.d))
    m = sample_count(dataset)
    z = np.random.default_rng(int(seed) + 1).standard_normal((m, snap.latent_dim))
    if not snap.conditional:
        return snap.generate(z)
    labels = np.arange(m) % snap.n_classes
    return np.vstack([snap.generate(z[labels == c], c) for c in range(snap.n_classes)])


class _Trainer:
    """The two networks, their optimisers and the run's random streams; one call per epoch."""

    def __init__(self, torch, device, dataset: Dataset, params: Mapping[str, Any],
                 conditional: bool):
        self.torch = torch
        self.device = device
        X = unit_images(dataset, "a GAN")
        self.scale = float(dataset.X.max())
        self.image_shape = tuple(dataset.image_shape)
        self.n_classes = dataset.n_classes if conditional else 0
        self.class_names = tuple(dataset.target_names or ()) if conditional else ()
        self.latent_dim = params["latent_dim"]
        self.batch_size = params["batch_size"]
        seed = params["seed"]
        with seeded(torch, seed):
            g, d = build_networks(torch, X.shape[1], self.latent_dim, self.n_classes,
                                  params["hidden"])
        self.G, self.D = g.to(device), d.to(device)
        lr = params["learning_rate"]
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=lr, betas=BETAS)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr, betas=BETAS)
        self.generator = torch.Generator().manual_seed(seed)
        self.X = torch.as_tensor(X, dtype=torch.float32).to(device)
        self.onehot = None
        if self.n_classes:
            labels = torch.as_tensor(np.array(dataset.y), dtype=torch.long)
            self.onehot = torch.nn.functional.one_hot(labels, self.n_classes).float().to(device)
        self.noise = frozen(fixed_noise(seed, self.latent_dim))

    def _with_class(self, t, onehot):
        return t if onehot is None else self.torch.cat([t, onehot], dim=1)

    def _judge(self, images, onehot):
        """D's logits for a batch of images (and their classes, when conditional)."""
        return self.D(images, onehot)

    def epoch(self, ctx: RunContext) -> dict[str, list[float]] | None:
        """One shuffled pass: a D step and a G step per batch; None if cancelled."""
        torch = self.torch
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        n = self.X.shape[0]
        order = torch.randperm(n, generator=self.generator).to(self.device)
        out = {"loss_g": [], "loss_d": [], "d_real": [], "d_fake": []}
        for start in range(0, n, self.batch_size):
            if ctx.cancelled():
                return None
            rows = order[start:start + self.batch_size]
            real = self.X[rows]
            c = None if self.onehot is None else self.onehot[rows]
            m = real.shape[0]
            z = torch.randn((m, self.latent_dim), generator=self.generator).to(self.device)
            fake = torch.sigmoid(self.G(self._with_class(z, c)))
            real_logits = self._judge(real, c)
            fake_logits = self._judge(fake.detach(), c)
            loss_d = (bce(real_logits, torch.full_like(real_logits, REAL_LABEL))
                      + bce(fake_logits, torch.zeros_like(fake_logits)))
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            gen_logits = self._judge(fake, c)
            loss_g = bce(gen_logits, torch.ones_like(gen_logits))  # −log D(G(z))
            self.opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            self.opt_g.step()
            stats = torch.stack([loss_g.detach(), loss_d.detach(),
                                 torch.sigmoid(real_logits.detach()).mean(),
                                 torch.sigmoid(fake_logits.detach()).mean()]).cpu().tolist()
            for name, value in zip(out, stats, strict=True):
                out[name].append(value)
        return out

    def samples(self) -> np.ndarray:
        """G's images of the fixed noise, in data units (per class when conditional)."""
        torch = self.torch
        z = torch.as_tensor(np.array(self.noise), dtype=torch.float32).to(self.device)
        with torch.no_grad():
            if not self.n_classes:
                images = torch.sigmoid(self.G(z))
            else:
                eye = torch.eye(self.n_classes, device=self.device)
                images = torch.stack([
                    torch.sigmoid(self.G(self._with_class(z, eye[c].expand(len(z), -1))))
                    for c in range(self.n_classes)])
        return self.scale * np.array(images.cpu().numpy(), dtype=np.float64)

    def snapshot(self, step: int, message: str, epoch: int, n_epochs: int,
                 history: dict[str, list[float]]) -> GANModel:
        return GANModel(
            step=step, message=message,
            generator=numpy_mlp(self.G, "sigmoid"),
            latent_dim=self.latent_dim, n_classes=self.n_classes,
            class_names=self.class_names, noise=self.noise,
            samples=frozen(self.samples()), scale=self.scale, image_shape=self.image_shape,
            epoch=epoch, n_epochs=n_epochs,
            **{name: frozen(np.array(values)) for name, values in history.items()})


_PARAMS = (
    Int(name="latent_dim", label="noise dimensions", default=16, low=1, high=128,
        help="Size of the noise vector z the generator turns into an image."),
    Int(name="hidden", label="hidden units", default=128, low=8, high=512,
        help="Width of the networks: the generator's layers have this and twice this many "
             "units, the discriminator's twice this and this."),
    Int(name="epochs", default=60, low=1, high=1000,
        help="Passes over the data; each batch takes one discriminator and one generator "
             "step."),
    Int(name="batch_size", label="batch size", default=64, low=8, high=1024,
        help="Real images per step, and as many generated ones."),
    Float(name="learning_rate", label="learning rate", default=5e-4, low=1e-5, high=1e-1,
          log=True, decimals=5, help="Step size of both Adam optimisers (β1 = 0.5)."),
    seed_param(),
)


@register
class GAN(_GANBase):
    id = "gan"
    name = "GAN on images"
    summary = ("A generator learns to turn random noise into images that a discriminator, "
               "trained at the same time, cannot tell from the real ones.")
    objective = ("D minimises −log D(x) − log(1 − D(G(z))) (real labels smoothed to 0.9); "
                 "G minimises −log D(G(z)) (the non-saturating loss).")
    params = _PARAMS


@register
class ConditionalGAN(_GANBase):
    id = "cgan"
    name = "Conditional GAN"
    summary = ("A GAN whose generator and discriminator are also told the class, so that "
               "you can ask the generator for a digit of your choice.")
    objective = ("D minimises −log D(x, c) − log(1 − D(G(z, c), c)); G minimises "
                 "−log D(G(z, c), c), with c the class as a one-hot vector.")
    params = _PARAMS
    conditional = True
