"""What every torch model here does the same way: load torch, build from a seed, step through
shuffled mini-batches, and hand numpy copies to the window.

Snapshots never hold torch objects: the window draws them on its own thread, which must not
wait for torch, so networks the window evaluates (a decoder under a slider) are copied to
numpy (`MLP`). Nothing here imports torch at module level.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

import numpy as np

from engine.data import Dataset
from engine.protocol import MLP, RunContext, frozen


def load_torch(ctx: RunContext, what: str = "building the model…"):
    """torch, after saying so when this is its first import in the process (about 2 s)."""
    first = "torch" not in sys.modules
    ctx.progress(0.0, "loading torch (first use)…" if first else what)
    from engine.generative.torch_setup import import_torch

    return import_torch()


_seeding = threading.Lock()


@contextlib.contextmanager
def seeded(torch, seed: int):
    """Build networks from `seed` on the CPU without touching torch's global random stream.

    One at a time: the global stream is shared, and a judging classifier still training on a
    cancelled run's helper thread must not interleave with a new run building its networks."""
    with _seeding, torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        yield


def mlp(torch, sizes: tuple[int, ...] | list[int], activation: str = "relu"):
    """Linear layers of the given widths with `activation` between them, none after the last."""
    nn = torch.nn
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "leaky_relu": lambda: nn.LeakyReLU(0.2)}[activation]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def numpy_mlp(net, output: str = "identity", hidden: str = "relu") -> MLP:
    """A float64 numpy copy of an `mlp(…)` (ReLU or tanh between layers), as it is now."""
    layers = [m for m in net if hasattr(m, "weight")]
    weights = tuple(as_numpy(m.weight) for m in layers)
    biases = tuple(as_numpy(m.bias) for m in layers)
    return MLP(weights=weights, biases=biases, hidden=hidden, output=output)


def minibatches(torch, n: int, batch_size: int, generator, ctx: RunContext) -> Iterator:
    """Index tensors of one shuffled pass over n rows; stops early (raises nothing) on cancel.

    The caller tells a finished pass from a cancelled one with `ctx.cancelled()`.
    """
    order = torch.randperm(n, generator=generator)
    for start in range(0, n, batch_size):
        if ctx.cancelled():
            return
        yield order[start:start + batch_size]


def as_numpy(tensor) -> np.ndarray:
    """A read-only float64 numpy copy of a tensor, from whatever device it is on: snapshots
    are shared between threads and nothing may write to them."""
    return frozen(np.array(tensor.detach().cpu().numpy(), dtype=np.float64))


def unit_images(dataset: Dataset, method: str) -> np.ndarray:
    """Image rows scaled into [0, 1] (digits: 0..16 → 0..1), or a ValueError that says why not."""
    if dataset.image_shape is None:
        raise ValueError(f"{method} learns images: choose digits, or a data set of images "
                         f"(this one, {dataset.name}, has none)")
    X = dataset.X
    low, top = float(X.min()), float(X.max())
    if low < 0.0 or top <= 0.0:
        raise ValueError(f"{method} needs pixel values of 0 or more, with some above 0 "
                         f"(this data set's range is {low:g} to {top:g})")
    return X / top


def standardised(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(z, mean, scale): each feature to mean 0 and variance 1, the one rule every model here
    trains in. Constant features (digit corners) keep scale 1, so they stay 0 instead of
    dividing by nothing; "constant" is relative to the data's largest value."""
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    scale = np.where(std > 1e-12 * max(1.0, float(np.abs(X).max())), std, 1.0)
    return (X - mean) / scale, mean, scale


def split_rows(n: int, share: float, seed, least_held: int = 1, least_train: int = 1
               ) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, held-out rows), each sorted: a seeded shuffle (`seed` as numpy's
    `default_rng` takes it) with round(share · n) held out, at least `least_held` of them and
    never so many that fewer than `least_train` rows are left to train on."""
    held = min(max(least_held, round(share * n)), max(n - least_train, 0))
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[held:]), np.sort(order[:held])


OVERFIT_MARGIN = 0.05  # of the held-out score's best, before a fall is called overfitting


def overfitting_note(held_out, when, lower_is_better: bool, unit: str, what: str = "step"
                     ) -> str:
    """A clause for a run's message once the held-out score has moved away from its best by
    more than OVERFIT_MARGIN of it (and at least 0.01): where the best was, and that since then
    the model learns its training rows rather than the data; else "". A model left to
    overfit in silence teaches that more training is always better."""
    scores = np.asarray(held_out, dtype=np.float64)
    if scores.size < 2 or not np.all(np.isfinite(scores)):
        return ""
    signed = scores if lower_is_better else -scores
    best = int(np.argmin(signed))
    worse = float(signed[-1] - signed[best])
    if best == scores.size - 1 or worse <= max(0.01, OVERFIT_MARGIN * abs(float(scores[best]))):
        return ""
    return (f"; overfitting: held-out {unit} was best at {what} {int(when[best]):,} "
            f"({scores[best]:.3f}), and worse since, as the model learns its training rows "
            f"rather than the data (fewer {what}s or a smaller model would do better)")
