"""Toy data generators in plain numpy, following scikit-learn's definitions.

Written here rather than called from sklearn.datasets because the window makes
`blobs` at start-up, and importing scikit-learn would cost over a second.
Each function returns (X, y) and is seeded: same seed, same data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.datasets import motifs, population, regimes, sources
from engine.datasets.corpus import planted_topics
from engine.params import Choice, Float, Int, Param, seed_param

# The shear used for "aniso" in scikit-learn's clustering comparison example.
SHEAR = np.array([[0.6, -0.6], [-0.4, 0.8]])
# Cluster spreads used for "varied" in the same example, cycled when there are more clusters.
VARIED_STD = (1.0, 2.5, 0.5)


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    order = rng.permutation(len(X))
    return X[order], y[order]


def _split_evenly(n: int, k: int) -> list[int]:
    """n points over k groups; the first n % k groups get one more (as make_blobs does)."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def blobs(n_samples: int = 300, n_centers: int = 3, n_features: int = 2,
          cluster_std: float | Sequence[float] = 1.0,
          center_box: tuple[float, float] = (-10.0, 10.0),
          seed: int = 0, shuffle: bool = True):
    """Isotropic Gaussian clusters with centres drawn uniformly in `center_box`."""
    rng = np.random.default_rng(seed)
    centers = rng.uniform(center_box[0], center_box[1], size=(n_centers, n_features))
    stds = np.broadcast_to(np.asarray(cluster_std, dtype=float), (n_centers,))
    sizes = _split_evenly(n_samples, n_centers)
    X = np.concatenate([rng.normal(centers[i], stds[i], size=(m, n_features))
                        for i, m in enumerate(sizes)])
    y = np.repeat(np.arange(n_centers), sizes)
    return _shuffled(rng, X, y) if shuffle else (X, y)


def aniso(n_samples: int = 300, n_centers: int = 3, seed: int = 0, shuffle: bool = True):
    """Blobs stretched by a fixed shear: clusters that are not round."""
    X, y = blobs(n_samples, n_centers, 2, seed=seed, shuffle=shuffle)
    return X @ SHEAR, y


def varied(n_samples: int = 300, n_centers: int = 3, seed: int = 0, shuffle: bool = True):
    """Blobs of different spreads (1.0, 2.5, 0.5, ...)."""
    stds = [VARIED_STD[i % len(VARIED_STD)] for i in range(n_centers)]
    return blobs(n_samples, n_centers, 2, cluster_std=stds, seed=seed, shuffle=shuffle)


def _two_groups(n_samples: int) -> tuple[int, int]:
    return n_samples // 2, n_samples - n_samples // 2


def moons(n_samples: int = 300, noise: float = 0.05, seed: int = 0, shuffle: bool = True):
    """Two interleaving half circles."""
    rng = np.random.default_rng(seed)
    n_out, n_in = _two_groups(n_samples)
    a_out = np.linspace(0, np.pi, n_out)
    a_in = np.linspace(0, np.pi, n_in)
    X = np.concatenate([np.column_stack([np.cos(a_out), np.sin(a_out)]),
                        np.column_stack([1 - np.cos(a_in), 1 - np.sin(a_in) - 0.5])])
    y = np.repeat([0, 1], [n_out, n_in])
    if shuffle:
        X, y = _shuffled(rng, X, y)
    return X + rng.normal(0.0, noise, size=X.shape), y


def circles(n_samples: int = 300, noise: float = 0.05, factor: float = 0.5, seed: int = 0,
            shuffle: bool = True):
    """A small circle inside a large one; `factor` is the ratio of their radii."""
    rng = np.random.default_rng(seed)
    n_out, n_in = _two_groups(n_samples)
    a_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    a_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate([np.column_stack([np.cos(a_out), np.sin(a_out)]),
                        factor * np.column_stack([np.cos(a_in), np.sin(a_in)])])
    y = np.repeat([0, 1], [n_out, n_in])
    if shuffle:
        X, y = _shuffled(rng, X, y)
    return X + rng.normal(0.0, noise, size=X.shape), y


def _bands(t: np.ndarray, low: float, high: float, bands: int) -> np.ndarray:
    """Position along a manifold, cut into equal bands, so colour shows the unrolling."""
    return np.clip(((t - low) / (high - low) * bands).astype(np.int64), 0, bands - 1)


def swiss_roll(n_samples: int = 1000, noise: float = 0.0, bands: int = 6, seed: int = 0):
    """A sheet rolled into a spiral in 3-D: x = t cos t, y ~ U(0, 21), z = t sin t."""
    rng = np.random.default_rng(seed)
    low, high = 1.5 * np.pi, 4.5 * np.pi
    t = rng.uniform(low, high, size=n_samples)
    X = np.column_stack([t * np.cos(t), rng.uniform(0, 21, size=n_samples), t * np.sin(t)])
    X += noise * rng.standard_normal(size=X.shape)
    return X, _bands(t, low, high, bands)


def s_curve(n_samples: int = 1000, noise: float = 0.0, bands: int = 6, seed: int = 0):
    """An S-shaped sheet in 3-D: x = sin t, y ~ U(0, 2), z = sign(t)(cos t - 1)."""
    rng = np.random.default_rng(seed)
    low, high = -1.5 * np.pi, 1.5 * np.pi
    t = rng.uniform(low, high, size=n_samples)
    X = np.column_stack([np.sin(t), rng.uniform(0, 2, size=n_samples),
                         np.sign(t) * (np.cos(t) - 1)])
    X += noise * rng.standard_normal(size=X.shape)
    return X, _bands(t, low, high, bands)


# Two factors seen through six features: x1–x3 load on the first, x4–x5 on the second, and
# x6 a little on both, under a noise variance of its own far above the others' (0.1).
UNEQUAL_LOADINGS = np.array([[1.0, 0.9, 0.8, 0.0, 0.0, 0.3],
                             [0.0, 0.0, 0.0, 1.0, 0.8, 0.3]])


def unequal_noise(n_samples: int = 500, noisy_variance: float = 4.0, seed: int = 0):
    """x = Wᵀz + ε, z ~ N(0, I₂), ε_j ~ N(0, ψ_j) with ψ = 0.1 but for x6's `noisy_variance`:
    PCA's first component leans on x6, factor analysis's does not. Labels: the sign of z₁."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_samples, 2))
    psi = np.array([0.1] * 5 + [noisy_variance])
    X = z @ UNEQUAL_LOADINGS + rng.standard_normal((n_samples, 6)) * np.sqrt(psi)
    return X, (z[:, 0] > 0).astype(np.int64)


RING_MODES = 8
RING_RADIUS = 2.0


def ring(n_samples: int = 800, spread: float = 0.1, seed: int = 0):
    """Eight round Gaussians of standard deviation `spread` evenly spaced on a circle of
    radius 2 (the GAN literature's mode-collapse test); the label is the mode's index,
    counted anticlockwise from the one on the positive x axis."""
    rng = np.random.default_rng(seed)
    sizes = _split_evenly(n_samples, RING_MODES)
    y = np.repeat(np.arange(RING_MODES), sizes)
    angle = 2.0 * np.pi * y / RING_MODES
    centres = RING_RADIUS * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres + rng.normal(0.0, spread, size=centres.shape)
    return _shuffled(rng, X, y)


@dataclass(frozen=True)
class Generator:
    """What the dataset panel needs to offer a generator: its name, title and sliders."""

    name: str
    title: str
    params: tuple[Param, ...]
    make: Callable
    description: str
    target_names: tuple[str, ...] | None = None
    feature_names: tuple[str, ...] = ()


def _n(default: int, low: int = 10) -> Int:
    return Int(name="n_samples", label="points", default=default, low=low, high=1_000_000,
               help="How many points to generate; more points make slower runs.")


def _noise(default: float) -> Float:
    return Float(name="noise", default=default, low=0.0, high=1.0, decimals=2,
                 help="Standard deviation of the Gaussian noise added to every point.")


_CENTERS = Int(name="n_centers", label="clusters", default=3, low=1, high=12,
               help="How many Gaussian clusters the points are drawn from.")


def _regimes_param(what: str, default: int) -> Int:
    return Int(name="n_regimes", label=what, default=default, low=1, high=3,
               help=f"How many {what}, each in charge of its own stretch of x.")


_BANDS = Int(name="bands", label="colour bands", default=6, low=2, high=12,
             help="Position along the sheet is cut into this many coloured bands.")
_BAND_NAMES = tuple(f"band {i}" for i in range(1, _BANDS.high + 1))  # from the start on

GENERATORS: dict[str, Generator] = {g.name: g for g in (
    Generator("blobs", "Blobs",
              (_n(300), _CENTERS,
               Int(name="n_features", label="dimensions", default=2, low=1, high=50,
                   help="Dimension of the space the clusters live in; above 2 the "
                        "window draws them through a 2-D view."),
               Float(name="cluster_std", label="spread", default=1.0, low=0.1, high=5.0,
                     decimals=2,
                     help="Standard deviation of every cluster: larger spreads make "
                          "clusters overlap."),
               seed_param()),
              blobs, "Round Gaussian clusters with centres drawn at random in a box."),
    Generator("aniso", "Anisotropic blobs", (_n(300), _CENTERS, seed_param()),
              aniso, "Gaussian clusters sheared into long ellipses."),
    Generator("varied", "Blobs of varied spread", (_n(300), _CENTERS, seed_param()),
              varied, "Gaussian clusters with spreads 1.0, 2.5 and 0.5."),
    Generator("moons", "Two moons", (_n(300), _noise(0.05), seed_param()),
              moons, "Two interleaving half circles.", ("upper moon", "lower moon")),
    Generator("circles", "Circles",
              (_n(300), _noise(0.05),
               Float(name="factor", label="inner radius", default=0.5, low=0.05, high=0.95,
                     decimals=2, help="Radius of the inner circle, the outer one being 1: "
                                      "near 1 the two circles almost touch."),
               seed_param()),
              circles, "A small circle inside a large one.", ("outer", "inner")),
    Generator("swiss_roll", "Swiss roll", (_n(1000, 50), _noise(0.0), _BANDS, seed_param()),
              swiss_roll, "A flat sheet rolled into a spiral in 3-D; colour shows "
              "the position along the roll.", _BAND_NAMES),
    Generator("s_curve", "S-curve", (_n(1000, 50), _noise(0.0), _BANDS, seed_param()),
              s_curve, "A flat sheet bent into an S in 3-D; colour shows the position "
              "along the S.", _BAND_NAMES),
    Generator("lines", "Lines by regime",
              (_n(300), _regimes_param("lines", 3),
               Float(name="noise", default=0.3, low=0.0, high=3.0, decimals=2,
                     help="Standard deviation of the Gaussian noise added to y."),
               seed_param()),
              regimes.lines, "y = aᵢx + bᵢ + noise, a different line in each stretch of x, "
              "handed over by a softmax gate: data for a mixture of linear regressions "
              "(the target y is the last column).", None,
              ("x", "y")),
    Generator("boundaries", "Boundaries by region",
              (_n(300), _regimes_param("regions", 2),
               Float(name="noise", default=0.2, low=0.0, high=3.0, decimals=2,
                     help="Label noise: in region i the label is 1 with probability "
                          "σ(distance past the boundary / noise); 0 gives hard boundaries."),
               seed_param()),
              regimes.boundaries, "Two classes whose boundary is a different straight line "
              "in each stretch of x₁: data for a mixture of logistic regressions.",
              ("class 0", "class 1"), ("x1", "x2")),
    Generator("unequal_noise", "Unequal noise (factors)",
              (_n(500),
               Float(name="noisy_variance", label="x6 noise variance", default=4.0,
                     low=0.1, high=50.0, decimals=1,
                     help="The noise variance of x6; the other features have 0.1."),
               seed_param()),
              unequal_noise, "Two latent factors seen through six features, x6 far noisier "
              "than the rest: PCA's first component is pulled towards x6, factor "
              "analysis's is not.", ("z₁ < 0", "z₁ > 0"),
              ("x1", "x2", "x3", "x4", "x5", "x6")),
    Generator("cocktail_party", sources.COCKTAIL_TITLE,
              (_n(2000, 50),
               Int(name="n_sources", label="sources", default=3, low=2, high=4,
                   help="How many signals play at once: sine, square, sawtooth, then "
                        "Laplace noise; as many microphones hear them."),
               seed_param()),
              sources.cocktail_party, "Signals mixed by a random matrix, one microphone "
              "per column; ICA unmixes them (rows are time steps, coloured by quarter).",
              sources.QUARTERS),
    Generator("ica_mixture", sources.MIXTURE_TITLE,
              (_n(1000, 50),
               Choice(name="distribution", default="uniform", options=sources.DISTRIBUTIONS,
                      help="Uniform sources fill a square, Laplace ones a cross; a random "
                           "matrix mixes them."),
               seed_param()),
              sources.mixture, "Two independent sources mixed by a random 2×2 matrix, "
              "coloured by the sources' quadrant.", sources.QUADRANTS, ("x1", "x2")),
    Generator("ring", "Ring of eight Gaussians",
              (_n(800, 16),
               Float(name="spread", default=0.1, low=0.01, high=0.6, decimals=2,
                     help="Standard deviation of each Gaussian; the ring's radius is 2, "
                          "so above about 0.5 the modes merge."),
               seed_param()),
              ring, "Eight round Gaussians on a circle of radius 2, coloured by mode: "
              "a generator that covers only some of them has collapsed.",
              tuple(f"mode {i + 1}" for i in range(RING_MODES)), ("x1", "x2")),
    Generator("topics", "Documents from planted topics (corpus)",
              (Int(name="n_samples", label="documents", default=200, low=10, high=5000,
                   help="How many documents to draw."),
               Int(name="n_topics", label="topics", default=4, low=2, high=10,
                   help="Planted topics, each with its own words."),
               Int(name="doc_length", label="words per document", default=40, low=5,
                   high=500, help="How many words each document draws."),
               Float(name="alpha", label="topic mix α", default=0.3, low=0.05, high=5.0,
                     decimals=2, help="Dirichlet concentration of each document's topic "
                                      "mixture: small, one topic a document; large, all mixed."),
               seed_param()),
              planted_topics, "Documents of made-up words drawn as latent Dirichlet "
              "allocation supposes, from planted topics; each document is classed by its "
              "main topic."),
    Generator("population", "Neural population (time series)",
              (Int(name="n_channels", label="channels", default=30, low=2, high=200,
                   help="How many neurons (columns) the latents drive."),
               Int(name="n_latents", label="latents", default=3, low=1, high=8,
                   help="Planted latent signals: a time bump, a level per condition, an "
                        "oscillation per condition, then trial-to-trial wander only."),
               Int(name="n_conditions", label="conditions", default=4, low=1, high=8,
                   help="Conditions (stimuli); each has its trials."),
               Int(name="n_trials", label="trials per condition", default=5, low=1, high=50,
                   help="Repeats of each condition, each with its own slow wander."),
               Int(name="n_steps", label="time bins", default=50, low=5, high=500,
                   help="Time bins per trial of one second."),
               Choice(name="noise", default="poisson", options=population.NOISES,
                      help="Poisson spike counts, or the mean plus Gaussian noise."),
               seed_param()),
              population.population, "Spike counts of many neurons driven by a few smooth "
              "latents; each row is one time bin of one trial, coloured by condition."),
    Generator("sequences", motifs.TITLE,
              (Int(name="n_neurons", label="neurons", default=60, low=5, high=300,
                   help="How many neurons (columns) the raster has."),
               Int(name="n_steps", label="time bins", default=1500, low=100, high=20000,
                   help="Time bins (rows) of 10 ms in the one long recording."),
               Int(name="n_motifs", label="motifs", default=3, low=1, high=8,
                   help="Planted sequences, each of its own neurons firing in order."),
               Int(name="motif_neurons", label="neurons per motif", default=10, low=2,
                   high=50, help="How many neurons take part in each sequence."),
               Int(name="motif_length", label="motif length", default=20, low=2, high=100,
                   help="Time bins from a sequence's first spike to its last."),
               Int(name="occurrences", label="repeats", default=15, low=1, high=500,
                   help="How many times each sequence plays, at random times."),
               Float(name="noise", default=0.005, low=0.0, high=0.2, decimals=3,
                     help="Chance that any neuron fires at random in any time bin."),
               seed_param()),
              motifs.sequences, "Neurons × time bins of spikes in which a few sequences "
              "repeat at random times among random background spikes; rows are time bins."),
)}
