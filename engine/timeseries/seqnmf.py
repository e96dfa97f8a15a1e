"""seqNMF: convolutional NMF with the x-ortho penalty (Mackevicius et al. 2019, eLife 8:e38471).

A raster X (neurons × time bins) is approximated by K sequences: X ≈ X̂ = Σ_l W_l · H→l,
where W_l (neurons × K) is each factor's pattern at lag l and H→l the loadings H (K × time)
shifted l bins later, so every 1 in H plays its factor's whole neurons × lags pattern from
that time on. The cost ‖X − X̂‖² is lowered by multiplicative updates (written here in
numpy); the x-ortho penalty λ Σ_{i≠j} [(W ⊛ᵀ X) S Hᵀ]_ij, S a band of ones 2L − 1 bins
wide, keeps two factors from explaining the same events, so spare factors fall silent.
Without it (λ = 0) neither update can raise the cost: written with the stacked lags, the
W update is Lee and Seung's, and the H update is theirs for the linear map H ↦ X̂.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.datasets import motifs
from engine.params import Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

EPSILON = float(np.finfo(np.float32).eps)  # only where a denominator is exactly 0
MAX_SNAPSHOTS = 60
KEEP_EVERY_RECONSTRUCTION = 1_000_000  # cells of X up to which every step carries its X̂


@dataclass(frozen=True, kw_only=True, eq=False)
class Sequences(Snapshot):
    """seqNMF as it iterates. `factors` W (K, neurons, lags), `loadings` H (K, time bins),
    `reconstruction` X̂ (neurons, time bins, float32; on a raster of more than
    KEEP_EVERY_RECONSTRUCTION cells only the last step keeps it, or the run's history would
    hold a gigabyte); `times` the bins' times in seconds (trials end to end);
    `neuron_order` the neurons sorted by the factor they load on most, then by the lag of
    their peak (what makes the sequences show as diagonals). `cost` ‖X − X̂‖² and `penalty`
    the x-ortho term after each iteration so far (0: the start); `explained` 1 − ‖X − X̂‖² /
    ‖X‖². Where the planted motifs are known (the generated raster): `matched` (motifs,) the
    factor matched to each, `match_correlation` the best correlation of their neurons × lags
    patterns over the shifts allowed, `match_shift` that shift (None otherwise)."""

    factors: np.ndarray
    loadings: np.ndarray
    reconstruction: np.ndarray | None  # None before the last step on a large raster
    times: np.ndarray
    neuron_order: np.ndarray
    cost: np.ndarray = field(default_factory=lambda: np.empty(0))
    penalty: np.ndarray = field(default_factory=lambda: np.empty(0))
    explained: float = float("nan")
    lam: float = 0.0
    iteration: int = 0
    n_iter: int = 0
    matched: np.ndarray | None = None
    match_correlation: np.ndarray | None = None
    match_shift: np.ndarray | None = None

    @property
    def k(self) -> int:
        return len(self.factors)


def shift(A: np.ndarray, lag: int) -> np.ndarray:
    """A's columns moved `lag` bins later (earlier when negative), zeros filling in."""
    out = np.zeros_like(A)
    if lag >= 0:
        out[:, lag:] = A[:, : A.shape[1] - lag]
    else:
        out[:, :lag] = A[:, -lag:]
    return out


def reconstruct(W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """X̂ = Σ_l W[:, :, l] · H→l, W (neurons, K, lags), H (K, time bins)."""
    return sum(W[:, :, lag] @ shift(H, lag) for lag in range(W.shape[2]))


def transposed(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """W ⊛ᵀ X = Σ_l W_lᵀ · X←l (K, time bins): the adjoint of H ↦ X̂."""
    return sum(W[:, :, lag].T @ shift(X, -lag) for lag in range(W.shape[2]))


def smooth(A: np.ndarray, lags: int) -> np.ndarray:
    """A S: each row summed over a window of 2·lags − 1 bins centred on each bin."""
    T = A.shape[1]
    padded = np.pad(A, ((0, 0), (lags - 1, lags - 1)))
    sums = np.concatenate([np.zeros((A.shape[0], 1)), np.cumsum(padded, axis=1)], axis=1)
    return sums[:, 2 * lags - 1: 2 * lags - 1 + T] - sums[:, :T]


def cost(X: np.ndarray, W: np.ndarray, H: np.ndarray) -> float:
    """‖X − X̂‖²."""
    return float(np.sum((X - reconstruct(W, H)) ** 2))


def xortho(X: np.ndarray, W: np.ndarray, H: np.ndarray, lam: float) -> float:
    """λ Σ_{i≠j} [(W ⊛ᵀ X) S Hᵀ]_ij: how much factors overlap in the events they explain."""
    if lam == 0:
        return 0.0
    overlap = transposed(W, X) @ smooth(H, W.shape[2]).T
    return float(lam * (overlap.sum() - np.trace(overlap)))


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    denominator = denominator.copy()
    denominator[denominator == 0] = EPSILON
    return numerator / denominator


def iterate(X: np.ndarray, W: np.ndarray, H: np.ndarray, lam: float) -> None:
    """One seqNMF iteration in place: H, then rescale so H's rows have unit norm (X̂ does
    not change), then every W_l against the same X̂."""
    K, lags = H.shape[0], W.shape[2]
    off = 1.0 - np.eye(K)
    WtX = transposed(W, X)
    penalty_h = lam * off @ smooth(WtX, lags) if lam else 0.0
    H *= _divide(WtX, transposed(W, reconstruct(W, H)) + penalty_h)
    norms = np.sqrt(np.sum(H ** 2, axis=1))
    norms[norms == 0] = 1.0
    H /= norms[:, None]
    W *= norms[None, :, None]
    Xhat = reconstruct(W, H)
    smooth_ht = smooth(H, lags).T @ off if lam else None
    for lag in range(lags):
        shifted = shift(H, lag).T
        penalty_w = lam * shift(X, -lag) @ smooth_ht if lam else 0.0
        W[:, :, lag] *= _divide(X @ shifted, Xhat @ shifted + penalty_w)


def initial(X: np.ndarray, k: int, lags: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random W (neurons, K, lags) and H (K, time bins) at the data's scale, as the authors'
    code starts: W uniform on [0, max X], H the same over √(T/3)."""
    rng = np.random.default_rng(seed)
    top = float(X.max()) or 1.0
    W = top * rng.random((X.shape[0], k, lags))
    H = top * rng.random((k, X.shape[1])) / math.sqrt(X.shape[1] / 3)
    return W, H


def neuron_order(W: np.ndarray) -> np.ndarray:
    """Neurons by the factor they load on most, then by the lag of their peak in it; the
    neurons with no weight at all last."""
    weight = W.sum(axis=2)
    factor = np.argmax(weight, axis=1)
    peak = np.argmax(W[np.arange(len(W)), factor], axis=1)
    silent = weight.max(axis=1) <= 1e-6 * max(float(weight.max()), 1e-300)
    return np.lexsort((peak, factor, silent))


def pattern_correlation(a: np.ndarray, b: np.ndarray, max_shift: int) -> tuple[float, int]:
    """The best Pearson correlation of two neurons × lags patterns with b shifted by up to
    `max_shift` lags either way (zero-padded to a common width), and that shift."""
    width = max(a.shape[1], b.shape[1]) + 2 * max_shift
    base = np.zeros((a.shape[0], width))
    base[:, max_shift: max_shift + a.shape[1]] = a
    best, where = -1.0, 0
    for s in range(-max_shift, max_shift + 1):
        other = np.zeros_like(base)
        other[:, max_shift + s: max_shift + s + b.shape[1]] = b
        u, v = base.ravel() - base.mean(), other.ravel() - other.mean()
        scale = np.linalg.norm(u) * np.linalg.norm(v)
        r = float(u @ v / scale) if scale > 0 else 0.0
        if r > best:
            best, where = r, s
    return best, where


def match_motifs(planted: np.ndarray, factors: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each planted motif (M, neurons, lags) paired with its own factor (K, neurons, lags)
    by the best total correlation (Hungarian): (factor of each motif or −1, correlation,
    shift)."""
    from scipy.optimize import linear_sum_assignment

    max_shift = factors.shape[2]
    pairs = [[pattern_correlation(p, f, max_shift) for f in factors] for p in planted]
    r = np.array([[c for c, _ in row] for row in pairs])
    rows, cols = linear_sum_assignment(-r)
    matched = np.full(len(planted), -1, np.int64)
    matched[rows] = cols
    correlation = np.array([r[m, f] if f >= 0 else 0.0 for m, f in enumerate(matched)])
    shifts = np.array([pairs[m][f][1] if f >= 0 else 0 for m, f in enumerate(matched)])
    return matched, correlation, shifts


def raster_of(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(X (neurons, time bins), times): the rows as time bins in order, the columns as
    neurons; times from the series when there is one, else the row numbers."""
    series = dataset.series
    if series is None:
        times = np.arange(dataset.n, dtype=np.float64)
    elif series.n_trials == 1:
        times = series.time
    else:  # trials end to end: each trial's clock starts again, so count bins instead
        steps = np.diff(series.time)
        same = series.trial[1:] == series.trial[:-1]
        dt = float(np.median(steps[same])) if same.any() else 1.0
        times = np.arange(dataset.n, dtype=np.float64) * dt
    return np.ascontiguousarray(dataset.X.T), np.asarray(times, dtype=np.float64)


@register
class SeqNMF(Algorithm):
    id = "seqnmf"
    name = "seqNMF (sequences)"
    family = "Time series"
    summary = "Find sequences that repeat in a raster: convolutional NMF with the x-ortho penalty."
    objective = ("Minimise ‖X − Σ_l W_l H→l‖² + λ Σ_{i≠j} [(W ⊛ᵀ X) S Hᵀ]_ij over W, H ≥ 0 "
                 "(rows of X: time bins, columns: neurons).")
    params = (
        Int(name="n_factors", label="factors K", default=3, low=1, high=12,
            help="How many sequences to look for; with λ > 0 spare ones fall silent."),
        Int(name="lags", label="lags L", default=20, low=1, high=200,
            help="Time bins each factor's pattern spans: at least a sequence's length."),
        Float(name="lam", label="x-ortho λ", default=0.001, low=0.0, high=1.0, decimals=5,
              help="Weight of the x-ortho penalty, which keeps two factors from explaining "
                   "the same events; 0: plain convolutional NMF."),
        Int(name="n_iter", label="iterations", default=150, low=1, high=5000,
            help="Multiplicative-update iterations to run."),
        seed_param(),
    )
    snapshot_type = Sequences
    libraries = ()

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        negative = np.argwhere(dataset.X < 0)
        if negative.size:
            row, col = negative[0]
            raise ValueError(f"seqNMF needs non-negative data (spike counts), but row "
                             f"{row + 1}, column {col + 1} is {dataset.X[row, col]:g}")
        if params["lags"] >= dataset.n:
            raise ValueError(f"{params['lags']} lags need more than {dataset.n} time bins "
                             "(rows); choose fewer lags")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Sequences]:
        X, times = raster_of(dataset)
        lam, n_iter = params["lam"], params["n_iter"]
        planted = motifs.truth_for(dataset)
        W, H = initial(X, params["n_factors"], params["lags"], params["seed"])
        costs, penalties = [cost(X, W, H)], [xortho(X, W, H, lam)]
        every = max(1, math.ceil(n_iter / MAX_SNAPSHOTS))
        step = 0
        yield self._snapshot(X, W, H, times, costs, penalties, params, 0, 0, None,
                             "random start")
        for it in range(1, n_iter + 1):
            if ctx.cancelled():
                return
            iterate(X, W, H, lam)
            costs.append(cost(X, W, H))
            penalties.append(xortho(X, W, H, lam))
            last = it == n_iter
            if it % every == 0 or last:
                step += 1
                ctx.progress(it / n_iter, f"iteration {it} of {n_iter}")
                yield self._snapshot(X, W, H, times, costs, penalties, params, it,
                                     step, planted if last else None,
                                     f"iteration {it}: ‖X − X̂‖² = {costs[-1]:.5g}")

    def _snapshot(self, X, W, H, times, costs, penalties, params, it, step, planted,
                  message) -> Sequences:
        Xhat = reconstruct(W, H)
        factors = np.ascontiguousarray(W.transpose(1, 0, 2))
        matched = correlation = shifts = None
        if planted is not None:
            matched, correlation, shifts = match_motifs(planted.patterns, factors)
            message += "; planted motifs found: " + ", ".join(
                f"{m + 1}→factor {f + 1} (r = {r:.2f})"
                for m, (f, r) in enumerate(zip(matched, correlation, strict=True)))
        return Sequences(
            step=step, message=message, factors=frozen(factors),
            loadings=frozen(H, copy=True),
            reconstruction=(frozen(Xhat.astype(np.float32))
                            if it == params["n_iter"] or X.size <= KEEP_EVERY_RECONSTRUCTION
                            else None),
            times=frozen(times, copy=True), neuron_order=frozen(neuron_order(W)),
            cost=frozen(np.array(costs)), penalty=frozen(np.array(penalties)),
            explained=1.0 - costs[-1] / max(float(np.sum(X ** 2)), 1e-300),
            lam=params["lam"], iteration=it, n_iter=params["n_iter"],
            matched=None if matched is None else frozen(matched),
            match_correlation=None if correlation is None else frozen(correlation),
            match_shift=None if shifts is None else frozen(shifts))
