"""SimCLR: an encoder learns, with no labels, to give two random views of the same digit
(shifted, turned, cropped, noisy) nearby representations and views of other digits distant
ones, through the NT-Xent (InfoNCE) loss.

The network: a small convolutional encoder (two 3 × 3 convolutions, the second with stride 2,
then a hidden layer) from the image to the representation h (`dims` numbers), then a
projection head (ReLU, `dims` → 64 → 32) to z, on which the loss is computed; the probes
and the picture use h, as SimCLR does. The picture: h projected to 2-D by PCA on the worker
each epoch (PCA of that epoch's representations of every digit, held-out ones too),
coloured by the labels training never saw.

Negatives: each of the 2B views of a batch of B digits is an anchor whose positive is the
other view of its digit and whose negatives are the other 2B − 2 views, or a random
`negatives` of them when that is fewer.

torch is imported only inside `run` (engine.generative.training.load_torch), scikit-learn only
in the probes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import load_torch, mlp, seeded, unit_images
from engine.params import Bool, Choice, Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register
from engine.selfsup.augment import Augmentations, augment
from engine.selfsup.probes import (
    PROBES,
    make_split,
    pca_features,
    plane,
    probe_accuracy,
    probe_words,
)

PROJECTION = (64, 32)  # the projection head's widths after the representation
CHANNELS = (16, 32)  # the encoder's two convolutions
STRIP = 8  # digits shown as two views each
_CHUNK = 4096


def nt_xent(torch, z1, z2, temperature: float, negatives: int | None = None, generator=None):
    """The NT-Xent loss of two views (B, k) of B items, averaged over all 2B anchors:
    −log( exp(sim(a, a⁺)/τ) / Σ_{k ∈ {a⁺} ∪ negatives(a)} exp(sim(a, k)/τ) ), sim the cosine.
    `negatives`: keep only this many of each anchor's 2B − 2 negatives, drawn at random with
    `generator` (None: all of them)."""
    n = z1.shape[0]
    z = torch.nn.functional.normalize(torch.cat([z1, z2]), dim=1)
    logits = z @ z.T / temperature
    kept = kept_negatives(torch, n, negatives, generator).to(z.device)
    kept[torch.arange(2 * n), partners(torch, n)] = True
    logits = logits.masked_fill(~kept, float("-inf"))
    return torch.nn.functional.cross_entropy(logits, partners(torch, n).to(z.device))


def partners(torch, n: int):
    """The positive of each of the 2n views: view i of the first n pairs with i + n."""
    rows = torch.arange(2 * n)
    return torch.cat([rows[n:], rows[:n]])


def kept_negatives(torch, n: int, negatives: int | None = None, generator=None):
    """(2n, 2n) booleans: row a marks the negatives anchor a is contrasted with; every view
    but a and its positive, or a random `negatives` of them drawn with `generator`."""
    rows = torch.arange(2 * n)
    positive = partners(torch, n)
    if negatives is None or negatives >= 2 * n - 2:
        kept = torch.ones((2 * n, 2 * n), dtype=torch.bool)
    else:
        scores = torch.rand((2 * n, 2 * n), generator=generator)
        scores[rows, rows] = -1.0  # never drawn: the anchor itself and its positive
        scores[rows, positive] = -1.0
        kept = torch.zeros((2 * n, 2 * n), dtype=torch.bool)
        kept.scatter_(1, scores.topk(int(negatives), dim=1).indices, True)
    kept[rows, rows] = False
    kept[rows, positive] = False
    return kept


def encoder(torch, shape: tuple[int, int], hidden: int, dims: int):
    """The encoder every self-supervised method here trains, from flattened images of `shape`:
    3 × 3 convolutions to 16 channels and, at stride 2, to 32, then hidden → dims (ReLU
    between). Convolutions share their weights across positions, which suits shifted
    strokes; an MLP of the same size probed no better than the raw pixels."""
    nn = torch.nn
    h, w = shape
    first, second = CHANNELS
    flat = second * ((h + 1) // 2) * ((w + 1) // 2)
    return nn.Sequential(nn.Unflatten(1, (1, h, w)), nn.Conv2d(1, first, 3, padding=1),
                         nn.ReLU(), nn.Conv2d(first, second, 3, stride=2, padding=1), nn.ReLU(),
                         nn.Flatten(), nn.Linear(flat, hidden), nn.ReLU(),
                         nn.Linear(hidden, dims))


def represent(torch, net, X: np.ndarray, device) -> np.ndarray:
    """The network's outputs for every row, float64, in chunks, without gradients."""
    parts = []
    with torch.no_grad():
        for start in range(0, len(X), _CHUNK):
            x = torch.as_tensor(X[start:start + _CHUNK], dtype=torch.float32).to(device)
            parts.append(net(x).double().cpu().numpy())
    return np.concatenate(parts)


def augmentations(params: Mapping[str, Any]) -> Augmentations:
    return Augmentations(shift=params["shift"], rotate=params["rotate"],
                         noise=params["noise"], crop=params["crop"])


class SimCLRTrainer:
    """One SimCLR run's networks, optimiser and random streams; `epoch` trains one pass
    over the training rows. Pretext tasks train one too, for their comparison."""

    def __init__(self, torch, device, images: np.ndarray, train_rows: np.ndarray,
                 params: Mapping[str, Any]):
        self.torch, self.device = torch, device
        self.images = images  # (n, h, w) in [0, 1]
        self.train_rows = np.asarray(train_rows)
        self.aug = augmentations(params)
        self.temperature = float(params["temperature"])
        self.batch_size = int(params["batch_size"])
        self.negatives = int(params["negatives"])
        seed = int(params["seed"])
        dims = int(params["dims"])
        with seeded(torch, seed):
            self.encoder = encoder(torch, images.shape[1:], params["hidden"], dims).to(device)
            self.head = torch.nn.Sequential(torch.nn.ReLU(),
                                            mlp(torch, (dims, *PROJECTION))).to(device)
        self.optimiser = torch.optim.Adam([*self.encoder.parameters(), *self.head.parameters()],
                                          lr=params["learning_rate"])
        self.rng = np.random.default_rng([seed, 1])  # shuffling and augmentations
        self.generator = torch.Generator().manual_seed(seed)  # which negatives are kept

    def negatives_per_anchor(self, batch: int | None = None) -> int:
        """The negatives each anchor of a full batch is contrasted with."""
        b = min(self.batch_size, len(self.train_rows)) if batch is None else batch
        return min(self.negatives, 2 * b - 2)

    def epoch(self, ctx: RunContext) -> list[float] | None:
        """One shuffled pass; the loss of each step, or None if cancelled."""
        torch = self.torch
        order = self.rng.permutation(self.train_rows)
        losses = []
        for start in range(0, len(order), self.batch_size):
            if ctx.cancelled():
                return None
            rows = order[start:start + self.batch_size]
            if len(rows) < 2:  # one digit has no negatives
                continue
            a, b = (self._tensor(augment(self.images[rows], self.rng, self.aug))
                    for _ in range(2))
            loss = nt_xent(torch, self.head(self.encoder(a)), self.head(self.encoder(b)),
                           self.temperature, self.negatives, self.generator)
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            self.optimiser.step()
            losses.append(float(loss.detach()))
        return losses

    def _tensor(self, images: np.ndarray):
        flat = images.reshape(len(images), -1)
        return self.torch.as_tensor(flat, dtype=self.torch.float32).to(self.device)

    def representations(self) -> np.ndarray:
        """h for every image, (n, dims)."""
        flat = self.images.reshape(len(self.images), -1)
        return represent(self.torch, self.encoder, flat, self.device)


def view_pairs(images: np.ndarray, rows: np.ndarray, aug: Augmentations, seed: int, epoch: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Two random views of each chosen image, flattened, from a stream of their own (the
    training stream is untouched): what the encoder is asked to match, this epoch."""
    rng = np.random.default_rng([int(seed), 2, int(epoch)])
    picked = images[rows]
    return (frozen(augment(picked, rng, aug).reshape(len(rows), -1)),
            frozen(augment(picked, rng, aug).reshape(len(rows), -1)))


def strip_rows(y: np.ndarray, among: np.ndarray, count: int = STRIP) -> np.ndarray:
    """A digit of each class in turn (0, 1, 2, …) from the rows `among`, for a strip."""
    classes = np.unique(y[among])
    rows = [among[y[among] == c][0] for c in classes]
    return np.array(rows[:count], dtype=np.int64)


def check_labelled_images(dataset: Dataset, method: str) -> None:
    """Images with class labels (the probes need labels), or a ValueError that says why not."""
    unit_images(dataset, method)
    if dataset.y is None or dataset.n_classes < 2:
        raise ValueError(f"{method} learns without labels, but its probe needs a few to judge "
                         f"the representation: {dataset.name} has none. Choose digits")


@dataclass(frozen=True, kw_only=True, eq=False)
class Contrastive(Snapshot):
    """SimCLR after `epoch` epochs.

    `embedding` (n, 2): every digit's representation h projected to 2-D by PCA of this epoch's
    representations, `plane_share` the variance each axis keeps. `loss` (steps,) the NT-Xent
    loss of every step so far, `steps_per_epoch` of them an epoch. `accuracy` (epochs,) the
    probe's held-out accuracy on h after each epoch; `raw_accuracy` and `pca_accuracy` the
    same probe on the raw pixels and on PCA with as many dimensions as h (`dims`).
    `view_rows` (m,) are the digits whose two views `view_a`, `view_b` (m, h·w, in [0, 1])
    the encoder is asked to match this epoch. `probe` is "linear" or "nearest neighbour",
    `probe_words` the probe and split in a sentence."""

    epoch: int
    n_epochs: int
    embedding: np.ndarray
    plane_share: np.ndarray
    loss: np.ndarray
    steps_per_epoch: int
    accuracy: np.ndarray
    raw_accuracy: float
    pca_accuracy: float
    probe: str
    probe_words: str
    dims: int
    temperature: float
    batch_size: int
    negatives: int  # per anchor, in a full batch
    augmentations: str
    view_rows: np.ndarray
    view_a: np.ndarray
    view_b: np.ndarray
    image_shape: tuple[int, int]
    labelled: np.ndarray  # the rows whose labels the probe was given
    test: np.ndarray  # the held-out rows it is scored on


def epoch_message(epoch: int, n_epochs: int, loss: float, accuracy: float, raw: float) -> str:
    side = "above" if accuracy > raw else "below" if accuracy < raw else "level with"
    return (f"epoch {epoch} of {n_epochs}: NT-Xent loss {loss:.3f}; probe {accuracy:.1%} on "
            f"held-out digits, {side} raw pixels' {raw:.1%}")


@register
class SimCLR(Algorithm):
    id = "simclr"
    name = "Contrastive learning (SimCLR)"
    family = "Self-supervised"
    summary = ("Learn a representation without labels by pulling two random views of the "
               "same digit together and pushing views of other digits apart.")
    objective = ("Minimise NT-Xent (InfoNCE) over the 2B views of a batch: "
                 "−log exp(cos(zᵢ, zᵢ⁺)/τ) / Σₖ exp(cos(zᵢ, zₖ)/τ), k over the positive and "
                 "the negatives.")
    params = (
        Bool(name="shift", default=True, help="Views moved up to 1.5 pixels each way."),
        Bool(name="rotate", label="rotation", default=True,
             help="Views turned up to 15° each way."),
        Bool(name="crop", default=True,
             help="Views cut to 60–100% of the area and blown back up to the image's size."),
        Bool(name="noise", default=True,
             help="Gaussian noise (σ = 0.15 of the pixel range) added to the views."),
        Float(name="temperature", label="temperature τ", default=0.1, low=0.01, high=2.0,
              log=True, help="Divides the cosine similarities: a low τ makes the loss dwell "
                             "on the hardest negatives."),
        Int(name="batch_size", label="batch size", default=256, low=4, high=1024,
            help="Digits per step: each view's negatives are the other 2·(batch − 1) views."),
        Int(name="negatives", label="negatives per anchor", default=510, low=1, high=2046,
            help="At most this many of the 2·(batch − 1) negatives, drawn at random, enter "
                 "each view's loss; 510 is all of them at batch 256."),
        Int(name="dims", label="representation dimensions", default=32, low=2, high=256,
            help="Size of the representation h that the probes read (PCA gets as many)."),
        Int(name="hidden", label="hidden units", default=256, low=16, high=1024,
            help="Width of the encoder's hidden layer, after its two convolutions."),
        Int(name="epochs", default=100, low=1, high=1000,
            help="Passes over the training digits."),
        Float(name="learning_rate", label="learning rate", default=1e-3, low=1e-4, high=1e-1,
              log=True, decimals=4, help="Step size of the Adam optimiser."),
        Choice(name="probe", default="linear", options=PROBES,
               help="How the representation is judged: logistic regression, or the nearest "
                    "labelled digit by cosine, trained on a few labels per class."),
        Int(name="labels_per_class", label="labels per class", default=10, low=1, high=200,
            help="Labelled digits per class the probe learns from; few labels are where a "
                 "learnt representation helps."),
        seed_param(),
    )
    snapshot_type = Contrastive
    libraries = ("torch", "torch._dynamo", "sklearn")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        check_labelled_images(dataset, self.name)

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Contrastive]:
        torch = load_torch(ctx)
        images = unit_images(dataset, self.name).reshape(-1, *dataset.image_shape)
        X, y = images.reshape(len(images), -1), dataset.y
        split = make_split(y, params["labels_per_class"], params["seed"])
        kind = params["probe"]
        ctx.progress(0.0, "probing the raw pixels and PCA…")
        raw = probe_accuracy(X, y, split, kind)
        reference = probe_accuracy(pca_features(X, split, params["dims"]), y, split, kind)
        trainer = SimCLRTrainer(torch, ctx.torch_device(), images, split.train, params)
        rows = strip_rows(y, split.train)
        n_epochs = params["epochs"]
        losses: list[float] = []
        accuracy: list[float] = []
        xy = None
        for epoch in range(1, n_epochs + 1):
            steps = trainer.epoch(ctx)
            if steps is None:
                return
            losses += steps
            h = trainer.representations()
            accuracy.append(probe_accuracy(h, y, split, kind))
            xy, share = plane(h, xy)
            message = epoch_message(epoch, n_epochs, float(np.mean(steps)), accuracy[-1], raw)
            ctx.progress(epoch / n_epochs, message)
            view_a, view_b = view_pairs(images, rows, trainer.aug, params["seed"], epoch)
            yield Contrastive(
                step=epoch - 1, message=message, epoch=epoch, n_epochs=n_epochs,
                embedding=frozen(xy, copy=True), plane_share=frozen(share),
                loss=frozen(np.array(losses)), steps_per_epoch=len(steps),
                accuracy=frozen(np.array(accuracy)), raw_accuracy=raw,
                pca_accuracy=reference, probe=kind, probe_words=probe_words(kind, split),
                dims=params["dims"], temperature=trainer.temperature,
                batch_size=trainer.batch_size, negatives=trainer.negatives_per_anchor(),
                augmentations=trainer.aug.words(), view_rows=frozen(rows), view_a=view_a,
                view_b=view_b, image_shape=tuple(dataset.image_shape),
                labelled=frozen(split.labelled), test=frozen(split.test))
