"""Autoencoders: an encoder squeezes each point through a small code, a decoder rebuilds it.

The plain autoencoder [`autoencoder`] learns to rebuild its input; the denoising one
[`denoising-ae`] is given a corrupted input (Gaussian noise, or a share of features masked to
zero) and learns to rebuild the clean one. Both train on the data as `vae.prepare` sees it:
images in [0, max] are divided by max and rebuilt through a sigmoid, scored by binary
cross-entropy summed over the pixels; any other data is standardised per feature and scored
by squared error summed over the features. Binary cross-entropy rather than squared error for
images: a sigmoid output under squared error learns slowly where it saturates (its gradient
carries a factor s(1 − s)), cross-entropy's does not, and it is the VAE's reconstruction
term, so the two models' curves can be compared.

A 1-D code of 2-D data can only reach points on one curve in the plane, the decoder's image of
the line of codes: the run decodes a fine line of codes across the data's codes so that the
window can draw that curve over the points. torch is imported only inside `run`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import as_numpy, load_torch, minibatches, mlp, numpy_mlp, seeded
from engine.generative.vae import Prepared, prepare
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import MLP, Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

N_IMAGES = 10  # image rows shown beside their reconstructions
MAX_SHOWN = 2_000  # non-image rows shown with their reconstructions, at most
CURVE_POINTS = 400  # codes decoded along a 1-D code's line
CURVE_MARGIN = 0.05  # the line of codes reaches this share of their range past each end
CODE_CHUNK = 8_192  # rows encoded at once for a snapshot (bounds the hidden layers' memory)
MAX_SNAPSHOTS = 150  # a run of more epochs yields a snapshot every few epochs
AUTO_STEPS = 3_000  # gradient steps a run takes when its epochs are left to choose
AUTO_EPOCHS = (10, 500)  # the fewest and most epochs chosen so
NOISES = ("gaussian", "masking")


@dataclass(frozen=True, kw_only=True, eq=False)
class Autoencoding(Snapshot):
    """An autoencoder after `epoch` of `n_epochs` passes.

    The networks work in prepared units u = (x − mean) / scale (`vae.prepare`); `encode`,
    `decode` and `reconstruct` take and give data units. `loss` is the training loss per
    epoch so far, always against the clean data (`loss_name` says which, `loss_unit` per
    what). `rows` are the data
    rows shown: `inputs` what the encoder was given for them (noisy, for a denoising
    autoencoder: one fixed draw of the noise, the same at every epoch) and `outputs` the
    decoder's rebuilding, both in data units. `codes` (n, k) are the clean data's codes.
    `curve` (c, d) is the decoder's image of a line of codes across the data's, for a 1-D
    code of data that are not images (None otherwise). `input_error` and `output_error` are
    the mean squared distance, in prepared units per point, of the shown inputs and outputs
    from the clean rows: a denoiser's output should be nearer than its input.
    """

    encoder: MLP
    decoder: MLP
    mean: np.ndarray
    scale: np.ndarray
    epoch: int
    n_epochs: int
    loss: np.ndarray
    loss_name: str
    loss_unit: str
    codes: np.ndarray
    rows: np.ndarray
    inputs: np.ndarray
    outputs: np.ndarray
    curve: np.ndarray | None = None
    image_shape: tuple[int, int] | None = None
    noise: str = "none"  # "none", "gaussian" or "masking"
    noise_level: float = 0.0
    input_error: float = float("nan")
    output_error: float = float("nan")

    @property
    def latent_dim(self) -> int:
        return self.codes.shape[1]

    @property
    def denoising(self) -> bool:
        return self.noise != "none"

    def encode(self, X: np.ndarray) -> np.ndarray:
        """Codes of rows in data units."""
        return self.encoder((np.atleast_2d(X) - self.mean) / self.scale)

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Rows in data units decoded from codes."""
        return self.mean + self.scale * self.decoder(z)

    def reconstruct(self, X: np.ndarray) -> np.ndarray:
        return self.decode(self.encode(X))


def bottleneck(dataset: Dataset, asked: int, denoising: bool = False) -> int:
    """The code size: as asked, or (0) chosen for the data. A plain autoencoder's must be
    narrow or it learns to copy: 1 for data of two features (the data then collapse onto a
    curve), 2 for other tables, 8 for images. A denoiser's noise keeps it from copying, so
    its code may be as wide as the data (at most 16): a 1-D code of noisy 2-D data rebuilds
    them worse than the noise left them."""
    if asked:
        return asked
    d = dataset.X.shape[1]
    if denoising:
        return min(d, 16)
    if dataset.image_shape is not None:
        return 8
    return 1 if d <= 2 else 2


def epochs_for(n: int, batch_size: int, asked: int) -> int:
    """The passes to make: as asked, or (0) about `AUTO_STEPS` gradient steps in all, so
    that 300 points and 1,800 digits both train in seconds."""
    if asked:
        return asked
    steps = -(-n // batch_size)
    return int(np.clip(round(AUTO_STEPS / steps), *AUTO_EPOCHS))


def shown_rows(dataset: Dataset, seed: int) -> np.ndarray:
    """The rows drawn with their reconstructions: ten images spread through the data, or
    every other row up to `MAX_SHOWN` (a seeded sample beyond)."""
    n = dataset.n
    if dataset.image_shape is not None:
        return np.unique(np.linspace(0, n - 1, min(N_IMAGES, n)).astype(np.int64))
    if n <= MAX_SHOWN:
        return np.arange(n, dtype=np.int64)
    return np.sort(np.random.default_rng(seed).choice(n, MAX_SHOWN, replace=False))


def corrupt_numpy(U: np.ndarray, noise: str, level: float, images: bool,
                  rng: np.random.Generator) -> np.ndarray:
    """The numpy twin of `_Trainer.corrupt`, for the fixed draw of noise shown each epoch."""
    if noise == "masking":
        return U * (rng.random(U.shape) >= level)
    noisy = U + level * rng.standard_normal(U.shape)
    return np.clip(noisy, 0.0, 1.0) if images else noisy


def line_of_codes(codes: np.ndarray, m: int = CURVE_POINTS) -> np.ndarray:
    """(m, 1) codes evenly across the range of a 1-D code, a little past each end."""
    low, high = float(codes.min()), float(codes.max())
    pad = CURVE_MARGIN * max(high - low, 1e-6)
    return np.linspace(low - pad, high + pad, m)[:, None]


def loss_terms(likelihood: str) -> tuple[str, str]:
    """The loss's name and its unit, for the curve's legend and axis."""
    if likelihood == "bernoulli":
        return "cross-entropy", "per image (nats)"
    return "squared error", "per point"  # in standardised units


def epoch_message(epoch: int, n_epochs: int, losses: np.ndarray, n_points: int,
                  batch_size: int) -> str:
    """What one epoch did: its gradient steps, and how the loss moved (per point)."""
    steps = -(-n_points // batch_size)
    noun = "gradient step" if steps == 1 else "gradient steps"
    text = f"epoch {epoch} of {n_epochs}: {steps} {noun} over the {n_points:,} points; "
    now = f"{losses[-1]:.4g}"
    if len(losses) < 2:
        return text + f"loss {now}"
    before = f"{losses[-2]:.4g}"
    if before == now:
        return text + f"loss stayed at {now}"
    return text + f"loss {'fell' if losses[-1] < losses[-2] else 'rose'} from {before} to {now}"


def _common_params() -> tuple:
    return (
        Int(name="latent_dim", label="bottleneck size (0: auto)", default=0, low=0, high=32,
            help="Size of the code. 0 picks, for a plain autoencoder, 1 for data of two "
                 "features (the data then collapse onto a curve), 8 for images and 2 for "
                 "other tables; for a denoising one, as many as the data have features, "
                 "at most 16."),
        Int(name="hidden", label="hidden units", default=64, low=8, high=512,
            help="Width of the two hidden layers in the encoder and in the decoder."),
        Int(name="epochs", label="epochs (0: auto)", default=0, low=0, high=2000,
            help="Passes over the data. 0 makes about 3,000 gradient steps in all: "
                 "300 epochs of 300 points, 53 of the 1,797 digits."),
        Int(name="batch_size", label="batch size", default=32, low=8, high=1024,
            help="Points per gradient step: smaller batches take more, noisier steps "
                 "per epoch."),
        Float(name="learning_rate", label="learning rate", default=3e-3, low=1e-4, high=1e-1,
              log=True, decimals=4, help="Step size of the Adam optimiser."),
    )


class _AutoencoderBase(Algorithm):
    family = "Generative models"
    snapshot_type = Autoencoding
    # torch._dynamo: the first optimiser built imports it (1.4 s here), uninterruptibly.
    libraries = ("torch", "torch._dynamo")

    def noise_of(self, params: Mapping[str, Any]) -> tuple[str, float]:
        return "none", 0.0

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Autoencoding]:
        torch = load_torch(ctx)
        device = ctx.torch_device()
        data = prepare(dataset)
        noise, level = self.noise_of(params)
        k = bottleneck(dataset, params["latent_dim"], denoising=noise != "none")
        trainer = _Trainer(torch, device, data, params, k, noise, level)
        rows = shown_rows(dataset, params["seed"])
        clean = data.X[rows]
        shown = (clean if noise == "none" else
                 corrupt_numpy(clean, noise, level, data.likelihood == "bernoulli",
                               np.random.default_rng(params["seed"] + 1)))
        n_epochs = epochs_for(dataset.n, params["batch_size"], params["epochs"])
        every = -(-n_epochs // MAX_SNAPSHOTS)
        losses: list[float] = []
        for epoch in range(1, n_epochs + 1):
            loss = trainer.epoch(ctx)
            if loss is None:
                return
            losses.append(loss)
            message = epoch_message(epoch, n_epochs, np.array(losses), dataset.n,
                                    params["batch_size"])
            ctx.progress(epoch / n_epochs, message)
            if epoch % every and epoch != n_epochs:
                continue
            snapshot = _snapshot(trainer, data, dataset, rows, clean, shown, ctx,
                                 step=(epoch - 1) // every, message=message, epoch=epoch,
                                 n_epochs=n_epochs, loss=np.array(losses), noise=noise,
                                 level=level)
            if snapshot is None:
                return
            yield snapshot


def _snapshot(trainer: _Trainer, data: Prepared, dataset: Dataset, rows: np.ndarray,
              clean: np.ndarray, shown: np.ndarray, ctx: RunContext, *, step: int,
              message: str, epoch: int, n_epochs: int, loss: np.ndarray, noise: str,
              level: float) -> Autoencoding | None:
    """Numpy copies of the networks, the data's codes and the shown rows rebuilt."""
    if ctx.cancelled():
        return None
    encoder = numpy_mlp(trainer.encoder)
    decoder = numpy_mlp(trainer.decoder, data.output)
    codes = _codes(encoder, data.X, ctx)
    if codes is None:
        return None
    outputs = decoder(encoder(shown))
    curve = None
    if codes.shape[1] == 1 and dataset.image_shape is None:
        curve = data.out_mean + data.out_scale * decoder(line_of_codes(codes))
    mean, scale = data.out_mean, data.out_scale
    name, unit = loss_terms(data.likelihood)
    return Autoencoding(
        step=step, message=message, encoder=encoder, decoder=decoder,
        mean=frozen(mean, copy=True), scale=frozen(scale, copy=True),
        epoch=epoch, n_epochs=n_epochs, loss=frozen(loss), loss_name=name, loss_unit=unit,
        codes=frozen(codes), rows=frozen(rows, copy=True),
        inputs=frozen(mean + scale * shown), outputs=frozen(mean + scale * outputs),
        curve=None if curve is None else frozen(curve), image_shape=dataset.image_shape,
        noise=noise, noise_level=level,
        input_error=float(((shown - clean) ** 2).sum(axis=1).mean()),
        output_error=float(((outputs - clean) ** 2).sum(axis=1).mean()),
    )


def _codes(encoder: MLP, U: np.ndarray, ctx: RunContext) -> np.ndarray | None:
    """The codes of every row, a chunk at a time; None if cancelled meanwhile."""
    parts = []
    for start in range(0, len(U), CODE_CHUNK):
        if ctx.cancelled():
            return None
        parts.append(encoder(U[start:start + CODE_CHUNK]))
    return np.concatenate(parts)


class _Trainer:
    """The networks, optimiser and random streams of one run; one call per epoch."""

    def __init__(self, torch, device, data: Prepared, params: Mapping[str, Any], k: int,
                 noise: str, level: float):
        self.torch = torch
        self.device = device
        self.likelihood = data.likelihood
        self.noise, self.level = noise, level
        self.batch_size = params["batch_size"]
        d, hidden, seed = data.X.shape[1], params["hidden"], params["seed"]
        with seeded(torch, seed):
            encoder = mlp(torch, (d, hidden, hidden, k))
            decoder = mlp(torch, (k, hidden, hidden, d))
        self.encoder = encoder.to(device)
        self.decoder = decoder.to(device)
        self.optimiser = torch.optim.Adam([*self.encoder.parameters(),
                                           *self.decoder.parameters()],
                                          lr=params["learning_rate"])
        self.generator = torch.Generator().manual_seed(seed)
        self.X = torch.as_tensor(data.X, dtype=torch.float32).to(device)

    def corrupt(self, x):
        """The input the encoder sees: x itself, or x with fresh noise from the run's seed."""
        torch = self.torch
        if self.noise == "none":
            return x
        if self.noise == "masking":
            keep = torch.rand(x.shape, generator=self.generator) >= self.level
            return x * keep.to(self.device)
        noise = torch.randn(x.shape, generator=self.generator).to(self.device)
        noisy = x + self.level * noise
        return noisy.clamp(0.0, 1.0) if self.likelihood == "bernoulli" else noisy

    def cost(self, out, x):
        """Per-point reconstruction cost of the decoder's output against the clean x."""
        functional = self.torch.nn.functional
        if self.likelihood == "bernoulli":
            return functional.binary_cross_entropy_with_logits(out, x, reduction="none").sum(1)
        return (out - x).pow(2).sum(dim=1)

    def epoch(self, ctx: RunContext) -> float | None:
        """One shuffled pass; the mean cost per point, or None if cancelled."""
        torch = self.torch
        n = self.X.shape[0]
        total = torch.zeros((), device=self.device)
        for index in minibatches(torch, n, self.batch_size, self.generator, ctx):
            x = self.X[index.to(self.device)]
            cost = self.cost(self.decoder(self.encoder(self.corrupt(x))), x)
            loss = cost.mean()
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            self.optimiser.step()
            total += cost.detach().sum()
        if ctx.cancelled():
            return None
        return float(as_numpy(total)) / n


@register
class Autoencoder(_AutoencoderBase):
    id = "autoencoder"
    name = "Autoencoder"
    summary = ("Squeeze each point through a small code and rebuild it: a 1-D code draws "
               "2-D data onto a curve, a few numbers rebuild a digit.")
    objective = ("Minimise the reconstruction cost Σᵢ ℓ(xᵢ, g(f(xᵢ))) of the decoder g on "
                 "the encoder f's codes: squared error, or cross-entropy for images.")
    params = (*_common_params(), seed_param())


@register
class DenoisingAutoencoder(_AutoencoderBase):
    id = "denoising-ae"
    name = "Denoising autoencoder"
    summary = ("Corrupt each point with noise and learn to rebuild the clean one: the "
               "network must learn what the data look like, not copy its input.")
    objective = ("Minimise Σᵢ ℓ(xᵢ, g(f(x̃ᵢ))) with x̃ᵢ a corrupted copy of xᵢ (Gaussian "
                 "noise, or a share of features set to zero), fresh at every step.")
    params = (
        *_common_params(),
        Choice(name="noise", default="gaussian", options=NOISES,
               help="Gaussian: add noise of standard deviation `noise level`; masking: set "
                    "that share of the features (pixels) to zero."),
        Float(name="noise_level", label="noise level", default=0.4, low=0.0, high=1.0,
              decimals=2, help="Gaussian: the noise's standard deviation (in pixel units "
                               "0..1 for images, in standard deviations otherwise); "
                               "masking: the share of features set to zero."),
        seed_param(),
    )

    def noise_of(self, params: Mapping[str, Any]) -> tuple[str, float]:
        return params["noise"], params["noise_level"]
