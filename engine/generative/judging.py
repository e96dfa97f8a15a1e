"""Judging a model of digits by its samples: a Fréchet distance in a classifier's features, an
inception-score-like number, and a Parzen-window log-likelihood of real digits.

The real digits Parzen scores are held out from the judging classifier only: the models train
on every row, so a model that copies its training digits scores high (the table says so).

The features come from a small classifier trained here on the labelled images themselves (no
download: the Inception network of the original measures is far too big and not ours to ship).
Each number misses something, and `Judgement.rows()` says what next to it.

torch is imported only when a classifier is trained, through `torch_setup.import_torch`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.data import Dataset
from engine.generative.training import split_rows
from engine.protocol import MLP, RunContext

CLASSIFIER_HIDDEN = 128
CLASSIFIER_EPOCHS = 60
HELD_OUT = 0.2  # the share of the images kept out of the classifier and of Parzen's fit
PARZEN_SIGMAS = np.geomspace(0.05, 1.0, 12)  # candidate bandwidths, pixels scaled to [0, 1]
_CHUNK = 256

MISSES = {
    "FID": "depends on the classifier's features; assumes Gaussian features; biased upwards "
           "with few samples",
    "IS": "never looks at the real digits: blind to samples unlike them and to variety "
          "within a class",
    "Parzen": "in many dimensions mostly measures the bandwidth; favours blur; high for a "
              "model that copies its training digits (these real digits were trained on)",
}


@dataclass(frozen=True, eq=False)
class Classifier:
    """The trained classifier as numpy: `features` (its last hidden layer) and `probabilities`."""

    net: MLP  # input in [0, 1] → logits, ReLU between layers
    accuracy: float  # on the held-out images

    def features(self, X: np.ndarray) -> np.ndarray:
        hidden = MLP(weights=self.net.weights[:-1], biases=self.net.biases[:-1], hidden="relu",
                     output="identity")
        return np.maximum(hidden(X), 0.0)

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        logits = self.net(X)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)


@dataclass(frozen=True, eq=False)
class Judgement:
    """The three numbers for one set of samples, and the real digits' own, for scale."""

    fid: float
    inception: float
    parzen: float  # mean log-likelihood per held-out digit, nats, pixels in [0, 1]
    real_fid: float  # held-out real digits against the training ones: the floor
    real_inception: float
    classifier_accuracy: float
    n_samples: int
    n_classes: int = 10

    def rows(self) -> list[tuple[str, float, float, str]]:
        """(measure, samples, real digits, what it misses), for a table."""
        return [
            ("Fréchet distance (0 best)", self.fid, self.real_fid, MISSES["FID"]),
            (f"inception-like score ({self.n_classes} best)", self.inception,
             self.real_inception, MISSES["IS"]),
            ("Parzen log-likelihood of real digits, nats", self.parzen, math.nan,
             MISSES["Parzen"]),
        ]

    def summary(self) -> str:
        return (f"FID {self.fid:.1f} (real {self.real_fid:.1f}), IS {self.inception:.2f} "
                f"(real {self.real_inception:.2f}), Parzen {self.parzen:.1f} nats")


def split(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-out) row indices, the same for every model judged on these n rows."""
    return split_rows(n, HELD_OUT, 0)


_classifiers: dict[tuple, Classifier] = {}


def classifier_for(dataset: Dataset, ctx: RunContext | None = None) -> Classifier:
    """A small MLP trained on the dataset's labelled images (pixels over their maximum), the
    same for every model judged in this process: trained once, then kept."""
    if dataset.y is None:
        raise ValueError("judging needs labelled images, to train the classifier its "
                         "features come from")
    key = (dataset.name, dataset.n, dataset.d, float(dataset.X.sum()),
           dataset.y.tobytes())
    if key not in _classifiers:
        _classifiers[key] = _train_classifier(dataset, ctx)
    return _classifiers[key]


def _train_classifier(dataset: Dataset, ctx: RunContext | None) -> Classifier:
    from engine.generative.torch_setup import import_torch
    from engine.generative.training import mlp, numpy_mlp, seeded

    torch = import_torch()
    if ctx is not None:
        ctx.progress(1.0, "training the small classifier that judges the samples…")
    X = dataset.X / float(dataset.X.max())
    train, held = split(dataset.n)
    k = int(dataset.y.max()) + 1
    with seeded(torch, 0):
        net = mlp(torch, (dataset.d, CLASSIFIER_HIDDEN, CLASSIFIER_HIDDEN, k))
    optimiser = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-4)
    x = torch.as_tensor(X[train], dtype=torch.float32)
    y = torch.as_tensor(dataset.y[train], dtype=torch.long)
    for _ in range(CLASSIFIER_EPOCHS):  # full batch: 1,400 digits, a few ms an epoch
        loss = torch.nn.functional.cross_entropy(net(x), y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    numpy_net = numpy_mlp(net)
    probs = Classifier(numpy_net, 0.0).probabilities(X[held])
    accuracy = float(np.mean(probs.argmax(axis=1) == dataset.y[held]))
    return Classifier(numpy_net, accuracy)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """‖μa − μb‖² + Tr(Σa + Σb − 2(ΣaΣb)^½) between Gaussians fitted to two sets of rows.

    Tr (ΣaΣb)^½ is taken as Tr (Σa^½ Σb Σa^½)^½, the square root of a symmetric matrix by its
    eigenvalues: a classifier's ReLU features leave some units dead, Σ singular, and a general
    matrix square root of ΣaΣb then fails."""
    mu = a.mean(axis=0) - b.mean(axis=0)
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(ca)
    half = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    inner = np.linalg.eigvalsh(half @ cb @ half)
    return float(mu @ mu + np.trace(ca) + np.trace(cb)
                 - 2.0 * np.sum(np.sqrt(np.clip(inner, 0.0, None))))


def inception_score(probabilities: np.ndarray) -> float:
    """exp(E_x KL(p(y|x) ‖ p(y))): near the number of classes when each sample is clearly one
    class and all classes appear equally; 1 when every sample looks the same or like none."""
    p = np.clip(probabilities, 1e-12, 1.0)
    marginal = p.mean(axis=0, keepdims=True)
    return float(np.exp(np.mean(np.sum(p * (np.log(p) - np.log(marginal)), axis=1))))


def parzen_log_likelihood(samples: np.ndarray, test: np.ndarray, sigma: float) -> float:
    """Mean log-density of the test rows under Gaussian windows of width σ on the samples."""
    from scipy.special import logsumexp

    m, d = samples.shape
    total = 0.0
    for start in range(0, len(test), _CHUNK):
        x = test[start:start + _CHUNK]
        sq = (np.sum(x * x, axis=1)[:, None] + np.sum(samples * samples, axis=1)[None, :]
              - 2.0 * x @ samples.T)
        total += float(np.sum(logsumexp(-np.maximum(sq, 0.0) / (2 * sigma**2), axis=1)))
    return total / len(test) - math.log(m) - 0.5 * d * math.log(2 * math.pi * sigma**2)


def parzen(samples: np.ndarray, real: np.ndarray) -> float:
    """Parzen's log-likelihood of the second half of `real`, with σ chosen on the first half
    (real digits the judging classifier did not see; the model may have trained on them)."""
    half = len(real) // 2
    best = max(PARZEN_SIGMAS, key=lambda s: parzen_log_likelihood(samples, real[:half], s))
    return parzen_log_likelihood(samples, real[half:], float(best))


def judge(samples: np.ndarray, dataset: Dataset, ctx: RunContext | None = None) -> Judgement:
    """The three measures for samples (m, d) in the dataset's own units (digits: 0..16)."""
    top = float(dataset.X.max())
    S = np.clip(np.asarray(samples, dtype=np.float64) / top, 0.0, 1.0)
    X = dataset.X / top
    classifier = classifier_for(dataset, ctx)
    train, held = split(dataset.n)
    f_train = classifier.features(X[train])
    return Judgement(
        fid=frechet_distance(classifier.features(S), f_train),
        inception=inception_score(classifier.probabilities(S)),
        parzen=parzen(S, X[held]),
        real_fid=frechet_distance(classifier.features(X[held]), f_train),
        real_inception=inception_score(classifier.probabilities(X[held])),
        classifier_accuracy=classifier.accuracy,
        n_samples=len(S),
        n_classes=int(dataset.y.max()) + 1,
    )


def can_judge(dataset: Dataset) -> bool:
    """Labelled images of two classes or more: what the judging classifier learns from."""
    return dataset.image_shape is not None and dataset.y is not None and dataset.n_classes >= 2


def sample_count(dataset: Dataset) -> int:
    """How many samples a model should hand `judge`: as many as the held-out real digits, so
    that its Fréchet distance and theirs carry the same small-sample bias."""
    return len(split(dataset.n)[1])


def judged(samples: np.ndarray, dataset: Dataset, ctx: RunContext
           ) -> tuple[bool, Judgement | None]:
    """(finished, judgement) for a run's last snapshot: no judgement for data that cannot be
    judged; finished is False when the run was cancelled meanwhile."""
    if not can_judge(dataset):
        return True, None
    from engine.cancellable import call_cancellable

    ctx.progress(1.0, "judging the samples (FID, IS, Parzen)…")
    return call_cancellable(lambda: judge(samples, dataset), ctx.cancelled)
