"""Linear mixtures of independent sources, for ICA: a "cocktail party" of signals and 2-D
mixtures of uniform or Laplace sources.

Labels only colour the points: the cocktail party's quarter of the recording, the 2-D
mixture's quadrant of the true sources (unmixed, the quadrants line up with the axes).
The true sources S (n, k) and the mixing matrix A (d, k), X = S Aᵀ, are not stored in the
Dataset: they are made again from its options (generator, points, sources, seed), which a
session keeps anyway, by `truth(dataset)`. A subsample or a file has no options, so no truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SOURCE_KINDS = ("sine", "square", "sawtooth", "noise")
DISTRIBUTIONS = ("uniform", "laplace")
DURATION = 8.0  # seconds of "recording": a few periods of each wave
MAX_CONDITION = 10.0  # mixing matrices are drawn again until this well conditioned
COCKTAIL_TITLE = "Cocktail party (ICA)"
MIXTURE_TITLE = "Mixture of two sources (ICA)"
QUARTERS = ("1st quarter", "2nd quarter", "3rd quarter", "4th quarter")
QUADRANTS = ("s1 > 0, s2 > 0", "s1 < 0, s2 > 0", "s1 < 0, s2 < 0", "s1 > 0, s2 < 0")


@dataclass(frozen=True, eq=False)
class Truth:
    """What generated the data: sources (n, k) of unit variance, mixing (d, k), names."""

    sources: np.ndarray
    mixing: np.ndarray
    names: tuple[str, ...]


def _standard(S: np.ndarray) -> np.ndarray:
    S = S - S.mean(axis=0)
    return S / S.std(axis=0)


def _mixing(rng: np.random.Generator, k: int) -> np.ndarray:
    """A random k×k mixing matrix, well conditioned, with a positive diagonal."""
    while True:
        A = rng.uniform(-1.0, 1.0, size=(k, k)) + np.eye(k)
        if np.linalg.cond(A) < MAX_CONDITION:
            return A


def _waves(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    t = np.linspace(0.0, DURATION, n)
    waves = {
        "sine": np.sin(2 * np.pi * 1.3 * t),
        "square": np.sign(np.sin(2 * np.pi * 0.45 * t) + 1e-9),
        "sawtooth": 2.0 * np.mod(0.8 * t + 0.25, 1.0) - 1.0,
        "noise": rng.laplace(size=n),
    }
    return _standard(np.column_stack([waves[name] for name in SOURCE_KINDS[:k]]))


def cocktail_truth(n_samples: int = 2000, n_sources: int = 3, seed: int = 0) -> Truth:
    rng = np.random.default_rng(seed)
    A = _mixing(rng, n_sources)
    return Truth(_waves(n_samples, n_sources, rng), A, SOURCE_KINDS[:n_sources])


def cocktail_party(n_samples: int = 2000, n_sources: int = 3, seed: int = 0):
    """k signals (sine, square, sawtooth, Laplace noise, in that order) heard through k
    microphones: x(t) = A s(t). Rows are time steps, labelled by quarter of the recording."""
    t = cocktail_truth(n_samples, n_sources, seed)
    return t.sources @ t.mixing.T, np.arange(n_samples) * 4 // n_samples


def mixture_truth(n_samples: int = 1000, distribution: str = "uniform", seed: int = 0
                  ) -> Truth:
    rng = np.random.default_rng(seed)
    A = _mixing(rng, 2)
    if distribution == "uniform":
        S = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    else:
        S = rng.laplace(size=(n_samples, 2))
    return Truth(_standard(S), A, (f"{distribution} 1", f"{distribution} 2"))


def mixture(n_samples: int = 1000, distribution: str = "uniform", seed: int = 0):
    """Two independent uniform (a square) or Laplace (a cross) sources, mixed by A: the
    square becomes a parallelogram, whose edges are the columns of A."""
    t = mixture_truth(n_samples, distribution, seed)
    return t.sources @ t.mixing.T, quadrants(t.sources)


def quadrants(S: np.ndarray) -> np.ndarray:
    """0…3: the quadrant of (s1, s2), counter-clockwise from s1 > 0, s2 > 0."""
    right, up = S[:, 0] > 0, S[:, 1] > 0
    return np.select([right & up, ~right & up, ~right & ~up], [0, 1, 2], 3)


_TRUTHS = {COCKTAIL_TITLE: cocktail_truth, MIXTURE_TITLE: mixture_truth}


def truth(dataset) -> Truth | None:
    """The sources and mixing behind a generated mixture, made again from its options;
    None for any other data (or a mixture whose rows were subsampled)."""
    make = _TRUTHS.get(dataset.name)
    if make is None or dataset.source != "generated" or not dataset.options:
        return None
    try:
        t = make(**dataset.options)
    except TypeError:
        return None
    return t if len(t.sources) == dataset.n else None
