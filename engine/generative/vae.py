"""Variational autoencoder: an encoder to a Gaussian code, a decoder back, trained on the ELBO.

Likelihood. Images with values in [0, max] (digits: 0..16) are divided by max and modelled
as Bernoulli pixels (binary cross-entropy on the decoder's logits). Any other data is
standardised per feature and modelled as Gaussian with one learnt variance shared by all
features (starting at 0.1, floored at 1e-3): a fixed unit variance would equal the whole
spread of standardised data, and on 2-D sets the code collapses to the prior. The ELBO is then
in standardised units. Either way `LatentModel.decode` gives data units.

β (a β-VAE): training minimises reconstruction + β·KL. β = 1 is the plain VAE; β < 1 lets
codes spread away from the prior for sharper reconstructions, β > 1 presses them onto it. The
snapshot's `elbo` is the true ELBO whatever β is, `minimised` what was minimised.

Each run also fixes a set of prior codes z ~ N(0, I) from its seed (`prior_codes`), carried in
every snapshot, so the window decodes the same samples epoch after epoch; the traversal codes
(`traversal_codes`) move one latent coordinate at a time from −3 to +3.

torch is imported only inside `run`, through `engine.generative.training.load_torch`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.judging import can_judge, judged, sample_count
from engine.generative.training import load_torch, mlp, numpy_mlp, seeded, standardised
from engine.params import Float, Int, seed_param
from engine.protocol import Algorithm, LatentModel, RunContext, frozen
from engine.registry import register

MIN_LOG_VARIANCE = math.log(1e-3)
# The learnt noise variance starts at 0.1, not 1: starting at the whole spread of the
# standardised data let the decoder call everything noise, and the code collapsed to the
# prior on 2-D sets (a worse local optimum of the ELBO, about 0.2 nats lower on moons).
INITIAL_LOG_VARIANCE = math.log(0.1)
_CODE_CHUNK = 4096
PRIOR_IMAGES = 64  # an 8 × 8 grid of decoded samples
PRIOR_POINTS = 400  # decoded samples drawn over data that are not images
TRAVERSAL_STEPS = 9
TRAVERSAL_REACH = 3.0  # ±3 standard deviations: nearly all of the prior's mass


def prior_codes(seed: int, latent_dim: int, images: bool) -> np.ndarray:
    """A run's fixed z ~ N(0, I), from its seed alone: every epoch decodes the same codes, so
    a user sees the same samples sharpen. numpy's stream, so training's torch one is untouched."""
    count = PRIOR_IMAGES if images else PRIOR_POINTS
    return frozen(np.random.default_rng(int(seed)).standard_normal((count, latent_dim)))


def traversal_codes(latent_dim: int, steps: int = TRAVERSAL_STEPS,
                    reach: float = TRAVERSAL_REACH) -> np.ndarray:
    """(latent_dim · steps, latent_dim) codes, row block i moving z_i from −reach to +reach
    with every other coordinate at 0: what each latent dimension alone does to the output."""
    z = np.zeros((latent_dim, steps, latent_dim))
    dims = np.arange(latent_dim)
    z[dims, :, dims] = np.linspace(-reach, reach, steps)
    return z.reshape(latent_dim * steps, latent_dim)


RANGE_CODES = 256  # codes decoded for the grey scale of every decoded image


def decoded_pictures(decoder, data: Prepared, codes: np.ndarray,
                     prior_z: np.ndarray | None) -> dict:
    """What the window would otherwise decode on its own thread at every snapshot: the prior
    samples, the traversal and the range of some decoded codes (~10 ms a snapshot there)."""
    def decode(z):
        return data.out_mean + data.out_scale * decoder(z)

    some = decode(codes[:: max(1, len(codes) // RANGE_CODES)])
    low, high = float(np.nanmin(some)), float(np.nanmax(some))
    return {"prior_out": None if prior_z is None else frozen(decode(prior_z)),
            "traversal_out": frozen(decode(traversal_codes(codes.shape[1]))),
            "out_range": frozen(np.array([low, high if high > low else low + 1.0]))}


@dataclass(frozen=True)
class Prepared:
    """The data as the network sees it, and how to map decoder outputs back."""

    X: np.ndarray
    likelihood: str  # "bernoulli" or "gaussian"
    out_mean: np.ndarray
    out_scale: np.ndarray

    @property
    def output(self) -> str:
        return "sigmoid" if self.likelihood == "bernoulli" else "identity"


def prepare(dataset: Dataset) -> Prepared:
    """Bernoulli for images in [0, max], scaled to [0, 1]; otherwise standardised Gaussian."""
    X = dataset.X
    d = X.shape[1]
    top = float(X.max())
    if dataset.image_shape is not None and float(X.min()) >= 0.0 and top > 0.0:
        return Prepared(X / top, "bernoulli", np.zeros(d), np.full(d, top))
    z, mean, scale = standardised(X)
    return Prepared(z, "gaussian", mean, scale)


def build_networks(torch, d: int, latent_dim: int, hidden: int):
    """Two-hidden-layer ReLU MLPs: encoder d → (mean, log-variance), decoder latent → d."""
    return (mlp(torch, (d, hidden, hidden, 2 * latent_dim)),
            mlp(torch, (latent_dim, hidden, hidden, d)))


def negative_elbo_terms(torch, x, logits_or_mean, mu, log_var, likelihood: str, noise_log_var):
    """Per-point reconstruction cost (−log p(x|z)) and closed-form KL(q(z|x) ‖ N(0, I))."""
    if likelihood == "bernoulli":
        recon = torch.nn.functional.binary_cross_entropy_with_logits(
            logits_or_mean, x, reduction="none").sum(dim=1)
    else:
        log_var_x = noise_log_var.clamp(min=MIN_LOG_VARIANCE)
        squared = (x - logits_or_mean).pow(2).sum(dim=1)
        recon = 0.5 * (squared * torch.exp(-log_var_x)
                       + x.shape[1] * (log_var_x + math.log(2.0 * math.pi)))
    kl = 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(dim=1)
    return recon, kl


def epoch_message(epoch: int, n_epochs: int, elbo: float, recon: float, kl: float, *,
                  previous: float | None = None, n_points: int = 0, batch_size: int = 0,
                  beta: float = 1.0) -> str:
    """What one epoch did: its gradient steps, how the ELBO moved (per point), and, when
    β ≠ 1, what was minimised instead of −ELBO."""
    parts = [f"epoch {epoch} of {n_epochs}"]
    if n_points and batch_size:
        steps = -(-n_points // batch_size)
        noun = "gradient step" if steps == 1 else "gradient steps"
        parts.append(f": {steps} {noun} over the {n_points:,} points; ")
    else:
        parts.append(": ")
    before, after = (None if previous is None else f"{previous:.1f}"), f"{elbo:.1f}"
    if before is None:
        parts.append(f"ELBO {after}")
    elif before == after:
        parts.append(f"ELBO stayed at {after}")
    else:
        parts.append(f"ELBO {'rose' if elbo > previous else 'fell'} from {before} to {after}")
    parts.append(f" (reconstruction {recon:.1f}, KL {kl:.1f})")
    if beta != 1.0:
        parts.append(f"; with β = {beta:g} it minimises reconstruction + {beta:g}·KL = "
                     f"{recon + beta * kl:.1f}")
    return "".join(parts)


@register
class VAE(Algorithm):
    id = "vae"
    name = "Variational autoencoder"
    family = "Generative models"
    summary = ("Learn a low-dimensional code from which the data can be generated, with "
               "codes kept close to a standard normal so that any code decodes to something.")
    objective = ("Maximise the evidence lower bound per point: "
                 "ELBO = E_q(z|x)[log p(x|z)] − KL(q(z|x) ‖ N(0, I)). With β ≠ 1 (a β-VAE) "
                 "minimise reconstruction + β·KL instead; the ELBO is still reported.")
    params = (
        Int(name="latent_dim", label="latent dimensions", default=2, low=1, high=16,
            help="Size of the code; 2 can be drawn and explored directly."),
        Int(name="hidden", label="hidden units", default=128, low=8, high=512,
            help="Width of the two hidden layers in the encoder and in the decoder."),
        Int(name="epochs", default=60, low=1, high=1000,
            help="Passes over the data; 60 suits a set of digits' size."),
        Int(name="batch_size", label="batch size", default=128, low=8, high=1024,
            help="Points per gradient step: smaller batches take more, noisier steps "
                 "per epoch."),
        Float(name="learning_rate", label="learning rate", default=2e-3, low=1e-4, high=1e-1,
              log=True, decimals=4, help="Step size of the Adam optimiser."),
        Float(name="beta", label="β (KL weight)", default=1.0, low=0.0, high=20.0, decimals=2,
              help="Weight of the KL term: training minimises reconstruction + β·KL. 1 is the "
                   "plain VAE; below 1 sharper reconstructions and codes off the prior, above "
                   "1 codes pressed onto the prior (a β-VAE) and blurrier outputs."),
        seed_param(),
    )
    snapshot_type = LatentModel
    # torch._dynamo: the first optimiser built imports it (1.4 s here), uninterruptibly.
    libraries = ("torch", "torch._dynamo")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[LatentModel]:
        torch = load_torch(ctx)
        device = ctx.torch_device()
        data = prepare(dataset)
        trainer = _Trainer(torch, device, data, params)
        prior_z = prior_codes(params["seed"], params["latent_dim"],
                              dataset.image_shape is not None)
        n_epochs = params["epochs"]
        elbo, recon, kl = [], [], []
        for epoch in range(1, n_epochs + 1):
            means = trainer.epoch(ctx)
            if means is None:
                return
            recon.append(means[0])
            kl.append(means[1])
            elbo.append(-(means[0] + means[1]))
            codes = trainer.codes(ctx)
            if codes is None:
                return
            message = epoch_message(epoch, n_epochs, elbo[-1], recon[-1], kl[-1],
                                    previous=elbo[-2] if epoch > 1 else None,
                                    n_points=dataset.n, batch_size=params["batch_size"],
                                    beta=trainer.beta)
            ctx.progress(epoch / n_epochs, message)
            decoder = numpy_mlp(trainer.decoder, data.output)
            judgement = None
            if epoch == n_epochs:
                done, judgement = judged(self._samples(decoder, data, dataset, params),
                                         dataset, ctx)
                if not done:
                    return
            yield LatentModel(
                step=epoch - 1,
                message=message,
                codes=codes,
                decoder=decoder,
                epoch=epoch,
                n_epochs=n_epochs,
                elbo=np.array(elbo),
                recon=np.array(recon),
                kl=np.array(kl),
                out_mean=data.out_mean,
                out_scale=data.out_scale,
                image_shape=dataset.image_shape,
                beta=trainer.beta,
                prior_z=prior_z,
                judgement=judgement,
                **decoded_pictures(decoder, data, codes, prior_z),
            )

    @staticmethod
    def _samples(decoder, data: Prepared, dataset: Dataset, params) -> np.ndarray:
        """Fresh samples from the prior for judging, in the data's units."""
        if not can_judge(dataset):
            return np.empty((0, dataset.d))
        rng = np.random.default_rng(int(params["seed"]) + 1)
        z = rng.standard_normal((sample_count(dataset), params["latent_dim"]))
        return data.out_mean + data.out_scale * decoder(z)


class _Trainer:
    """The networks, optimiser and random streams of one run; one call per epoch."""

    def __init__(self, torch, device, data: Prepared, params: Mapping[str, Any]):
        self.torch = torch
        self.device = device
        self.likelihood = data.likelihood
        self.latent_dim = params["latent_dim"]
        self.batch_size = params["batch_size"]
        self.beta = float(params["beta"])
        d = data.X.shape[1]
        seed = params["seed"]
        # Initialise on the CPU from the seed without touching torch's global stream.
        with seeded(torch, seed):
            encoder, decoder = build_networks(torch, d, self.latent_dim, params["hidden"])
        self.encoder = encoder.to(device)
        self.decoder = decoder.to(device)
        self.noise_log_var = torch.nn.Parameter(torch.full((), INITIAL_LOG_VARIANCE, device=device))
        trainable = [*self.encoder.parameters(), *self.decoder.parameters()]
        if self.likelihood == "gaussian":
            trainable.append(self.noise_log_var)
        self.optimiser = torch.optim.Adam(trainable, lr=params["learning_rate"])
        self.generator = torch.Generator().manual_seed(seed)
        self.X = torch.as_tensor(data.X, dtype=torch.float32).to(device)

    def epoch(self, ctx: RunContext) -> tuple[float, float] | None:
        """One shuffled pass; mean reconstruction cost and KL per point, or None if cancelled."""
        torch = self.torch
        n = self.X.shape[0]
        order = torch.randperm(n, generator=self.generator).to(self.device)
        total_recon = torch.zeros((), device=self.device)
        total_kl = torch.zeros((), device=self.device)
        for start in range(0, n, self.batch_size):
            if ctx.cancelled():
                return None
            x = self.X[order[start:start + self.batch_size]]
            mu, log_var = self.encoder(x).split(self.latent_dim, dim=1)
            noise = torch.randn(mu.shape, generator=self.generator).to(self.device)
            z = mu + torch.exp(0.5 * log_var) * noise
            recon, kl = negative_elbo_terms(torch, x, self.decoder(z), mu, log_var,
                                            self.likelihood, self.noise_log_var)
            loss = (recon + self.beta * kl).mean()
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            self.optimiser.step()
            total_recon += recon.detach().sum()
            total_kl += kl.detach().sum()
        return float(total_recon) / n, float(total_kl) / n

    def codes(self, ctx: RunContext) -> np.ndarray | None:
        """The encoder's means for every point, in chunks; None if cancelled."""
        parts = []
        with self.torch.no_grad():
            for start in range(0, self.X.shape[0], _CODE_CHUNK):
                if ctx.cancelled():
                    return None
                out = self.encoder(self.X[start:start + _CODE_CHUNK])
                parts.append(out[:, :self.latent_dim].double().cpu().numpy())
        return np.concatenate(parts)
