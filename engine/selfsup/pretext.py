"""Pretext tasks: invent a supervised task from unlabelled digits, train an encoder on it, and
see how much of what a classifier needs its representation picked up.

- In-painting: a random 4 × 4 square of each digit is blanked; encoder + decoder rebuild the
  whole digit (mean squared error per pixel, outputs through a sigmoid).
- Rotation: each digit turned by 0, 90, 180 or 270° (exact quarter turns); encoder + a linear
  head say which (cross-entropy over the four angles).

Each trains the same encoder as SimCLR (engine.selfsup.simclr.encoder: two convolutions, then
hidden → `dims`), and SimCLR itself trains briefly in the same run through its own trainer. Their
representations, the raw pixels and PCA with as many dimensions go through the same two probes
(engine.selfsup.probes), on the same split: the table the window draws as bars.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import load_torch, mlp, seeded, unit_images
from engine.params import Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register
from engine.selfsup.augment import quarter_turns
from engine.selfsup.probes import PROBES, make_split, pca_features, probe_accuracy, probe_words
from engine.selfsup.simclr import (
    SimCLR,
    SimCLRTrainer,
    check_labelled_images,
    encoder,
    represent,
    strip_rows,
)

HOLE = 4  # side of the square blanked for in-painting, in pixels
TASKS = ("in-painting", "rotation", "SimCLR")
LOSS_NAMES = ("squared error per pixel", "cross-entropy over 4 angles", "NT-Xent")
BATCH = 128


def square_masks(shape: tuple[int, int, int], rng: np.random.Generator, hole: int = HOLE
                 ) -> np.ndarray:
    """(n, h, w) masks, True on a random hole × hole square of each image."""
    n, h, w = shape
    top = rng.integers(0, h - hole + 1, size=n)
    left = rng.integers(0, w - hole + 1, size=n)
    rows, cols = np.arange(h), np.arange(w)
    return (((rows[None, :] >= top[:, None]) & (rows[None, :] < top[:, None] + hole))[:, :, None]
            & ((cols[None, :] >= left[:, None]) & (cols[None, :] < left[:, None] + hole))
            [:, None, :])


def blank_squares(images: np.ndarray, rng: np.random.Generator, hole: int = HOLE
                  ) -> np.ndarray:
    """Each image (n, h, w) with a random hole × hole square set to 0."""
    return np.where(square_masks(images.shape, rng, hole), 0.0, images)


class _TaskTrainer:
    """An encoder and the head of one pretext task, its optimiser and its random stream."""

    def __init__(self, torch, device, images: np.ndarray, train_rows: np.ndarray,
                 params: Mapping[str, Any], head_sizes: tuple[int, ...], salt: int):
        self.torch, self.device = torch, device
        self.images, self.train_rows = images, np.asarray(train_rows)
        dims = params["dims"]
        with seeded(torch, params["seed"]):
            self.encoder = encoder(torch, images.shape[1:], params["hidden"], dims).to(device)
            self.head = torch.nn.Sequential(torch.nn.ReLU(),
                                            mlp(torch, (dims, *head_sizes))).to(device)
        self.optimiser = torch.optim.Adam([*self.encoder.parameters(), *self.head.parameters()],
                                          lr=params["learning_rate"])
        self.rng = np.random.default_rng([int(params["seed"]), salt])

    def epoch(self, ctx: RunContext) -> float | None:
        """One shuffled pass; the mean loss per digit, or None if cancelled."""
        order = self.rng.permutation(self.train_rows)
        total = 0.0
        for start in range(0, len(order), BATCH):
            if ctx.cancelled():
                return None
            rows = order[start:start + BATCH]
            loss = self.loss(self.images[rows])
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            self.optimiser.step()
            total += float(loss.detach()) * len(rows)
        return total / len(order)

    def tensor(self, images: np.ndarray):
        flat = images.reshape(len(images), -1)
        return self.torch.as_tensor(flat, dtype=self.torch.float32).to(self.device)

    def outputs(self, images: np.ndarray) -> np.ndarray:
        net = self.torch.nn.Sequential(self.encoder, self.head)
        return represent(self.torch, net, images.reshape(len(images), -1), self.device)

    def representations(self) -> np.ndarray:
        flat = self.images.reshape(len(self.images), -1)
        return represent(self.torch, self.encoder, flat, self.device)


class InPainting(_TaskTrainer):
    def __init__(self, torch, device, images, train_rows, params):
        super().__init__(torch, device, images, train_rows, params, (params["hidden"],
                                                                      images[0].size), 3)

    def loss(self, images: np.ndarray):
        holed = blank_squares(images, self.rng)
        out = self.torch.sigmoid(self.head(self.encoder(self.tensor(holed))))
        return (out - self.tensor(images)).pow(2).mean()

    def rebuild(self, holed: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.outputs(holed)))


class Rotation(_TaskTrainer):
    def __init__(self, torch, device, images, train_rows, params):
        super().__init__(torch, device, images, train_rows, params, (4,), 4)

    def loss(self, images: np.ndarray):
        turns = self.rng.integers(0, 4, size=len(images))
        logits = self.head(self.encoder(self.tensor(quarter_turns(images, turns))))
        target = self.torch.as_tensor(turns, dtype=self.torch.long).to(self.device)
        return self.torch.nn.functional.cross_entropy(logits, target)

    def predict(self, turned: np.ndarray) -> np.ndarray:
        return np.argmax(self.outputs(turned), axis=1)


@dataclass(frozen=True, kw_only=True, eq=False)
class PretextTasks(Snapshot):
    """The pretext tasks and SimCLR trained one after another, then probed.

    `phase` is the task training now (one of `TASKS`) or "done"; `losses[i]` the loss of task
    i per epoch so far (in `LOSS_NAMES[i]`; empty before it starts). The table: `table_names`
    (raw pixels, PCA, then each task finished so far) with the held-out accuracy of the linear
    probe (`linear`) and of the nearest-neighbour probe (`nearest`) on each. The strips, for
    held-out digits `strip` (no training saw them): in-painting's holed inputs, outputs and
    targets (flattened, in [0, 1]), rotation's turned inputs, their turns (0..3, quarter turns
    anticlockwise) and the turns the network says (−1 before the rotation task has started
    training: then `rotation_accuracy` is nan)."""

    phase: str
    epoch: int
    losses: tuple[np.ndarray, ...]
    table_names: tuple[str, ...]
    linear: np.ndarray
    nearest: np.ndarray
    probe_words: str
    strip: np.ndarray
    holed: np.ndarray
    rebuilt: np.ndarray
    targets: np.ndarray
    turned: np.ndarray
    turns: np.ndarray
    said: np.ndarray
    image_shape: tuple[int, int]
    dims: int
    rotation_accuracy: float = float("nan")  # on the strip's turned digits
    hole: np.ndarray | None = None  # (m, h·w) True on each strip digit's blanked square


@register
class Pretext(Algorithm):
    id = "pretext"
    name = "Pretext tasks"
    family = "Self-supervised"
    summary = ("Train the same encoder on made-up tasks (fill in a blanked square, say how "
               "far a digit was turned) and compare what each learnt with SimCLR's.")
    objective = ("In-painting: minimise ‖decode(encode(x with a square blanked)) − x‖²; "
                 "rotation: minimise the cross-entropy of the angle; then a probe on a few "
                 "labels judges each encoder.")
    params = (
        Int(name="epochs", label="epochs per task", default=30, low=1, high=500,
            help="Passes over the training digits for in-painting and for rotation."),
        Int(name="simclr_epochs", label="SimCLR epochs", default=30, low=1, high=500,
            help="Passes for SimCLR, trained after them with its default settings."),
        Int(name="dims", label="representation dimensions", default=32, low=2, high=256,
            help="Size of every encoder's output (PCA gets as many)."),
        Int(name="hidden", label="hidden units", default=256, low=16, high=1024,
            help="Width of every encoder's hidden layer, after its two convolutions."),
        Int(name="labels_per_class", label="labels per class", default=10, low=1, high=200,
            help="Labelled digits per class the probes learn from."),
        seed_param(),
    )
    snapshot_type = PretextTasks
    libraries = ("torch", "torch._dynamo", "sklearn")
    learning_rate = 1e-3

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        check_labelled_images(dataset, self.name)
        h, w = dataset.image_shape
        if h != w:
            raise ValueError(f"Rotation prediction turns each image a quarter turn at a time, "
                             f"which only a square image survives: {dataset.name}'s images are "
                             f"{h} × {w}. Choose square images, such as digits")
        if h < HOLE:
            raise ValueError(f"In-painting blanks a {HOLE} × {HOLE} square, larger than "
                             f"{dataset.name}'s {h} × {w} images. Choose larger images")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[PretextTasks]:
        torch = load_torch(ctx)
        device = ctx.torch_device()
        images = unit_images(dataset, self.name).reshape(-1, *dataset.image_shape)
        X, y = images.reshape(len(images), -1), dataset.y
        split = make_split(y, params["labels_per_class"], params["seed"])
        settings = {**params, "learning_rate": self.learning_rate}
        ctx.progress(0.0, "probing the raw pixels and PCA…")
        table = {"raw pixels": self._probes(X, y, split),
                 f"PCA ({params['dims']})": self._probes(pca_features(X, split, params["dims"]),
                                                        y, split)}
        strip = strip_rows(y, split.test)
        hole = square_masks(images[strip].shape, np.random.default_rng([int(params["seed"]), 5]))
        holed = np.where(hole, 0.0, images[strip])
        turns = np.arange(len(strip)) % 4
        turned = quarter_turns(images[strip], turns)
        losses: list[list[float]] = [[], [], []]
        tasks = [InPainting(torch, device, images, split.train, settings),
                 Rotation(torch, device, images, split.train, settings),
                 SimCLRTrainer(torch, device, images, split.train,
                               {**SimCLR().resolve(dataset, {"seed": params["seed"]}),
                                "dims": params["dims"], "hidden": params["hidden"]})]
        counts = (params["epochs"], params["epochs"], params["simclr_epochs"])
        total, done, step = sum(counts), 0, 0
        for i, (trainer, n_epochs) in enumerate(zip(tasks, counts, strict=True)):
            for epoch in range(1, n_epochs + 1):
                loss = trainer.epoch(ctx)
                if loss is None:
                    return
                losses[i].append(float(np.mean(loss)))
                done += 1
                last = epoch == n_epochs
                if last:
                    ctx.progress(done / total, f"{TASKS[i]}: probing its representation…")
                    table[TASKS[i]] = self._probes(trainer.representations(), y, split)
                message = (f"{TASKS[i]}, epoch {epoch} of {n_epochs}: {LOSS_NAMES[i]} "
                           f"{losses[i][-1]:.4g}")
                ctx.progress(done / total, message)
                said = tasks[1].predict(turned) if i >= 1 else np.full(len(strip), -1)
                yield PretextTasks(
                    step=step, message=message,
                    phase="done" if last and i == len(tasks) - 1 else TASKS[i], epoch=epoch,
                    losses=tuple(frozen(np.array(v)) for v in losses),
                    table_names=tuple(table), linear=frozen(np.array([v[0] for v in
                                                                      table.values()])),
                    nearest=frozen(np.array([v[1] for v in table.values()])),
                    probe_words=probe_words("linear", split).replace(
                        "linear probe", "probes"),
                    strip=frozen(strip), holed=frozen(holed.reshape(len(strip), -1)),
                    hole=frozen(hole.reshape(len(strip), -1)),
                    rebuilt=frozen(tasks[0].rebuild(holed)), targets=frozen(X[strip]),
                    turned=frozen(turned.reshape(len(strip), -1)), turns=frozen(turns),
                    said=frozen(said), image_shape=tuple(dataset.image_shape),
                    dims=params["dims"],
                    rotation_accuracy=float(np.mean(said == turns)) if i >= 1 else np.nan)
                step += 1

    @staticmethod
    def _probes(features: np.ndarray, y: np.ndarray, split) -> tuple[float, float]:
        return tuple(probe_accuracy(features, y, split, kind) for kind in PROBES)
