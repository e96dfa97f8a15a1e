"""Demixed principal component analysis (Kobak et al. 2016, eLife 5:e10989).

The trials of each condition are averaged into X (channels, conditions, time bins) and
centred. X splits into parts that add back to it and are orthogonal to each other:

    X_time         the condition-averaged time course (what every condition shares),
    X_condition    each condition's time-averaged level,
    X_interaction  the rest: how the time course differs between conditions.

For each part φ, dPCA finds a decoder D (q × N) and an encoder F (N × q) minimising
‖X_φ − F D X‖² + μ ‖F D‖²: a ridge regression of X_φ on X cut down to rank q, in closed
form. With B = X_φ Xᵀ (X Xᵀ + μ I)⁻¹ the full-rank ridge solution, F is the top q left
singular vectors of B [X, √μ I] and D = Fᵀ B. Each component z = d X then carries mostly
one kind of variance; PCA's components, found on the same X, mix them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Float, Int
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

MARGINS = ("time", "condition", "interaction")


@dataclass(frozen=True, kw_only=True, eq=False)
class Demixing(Snapshot):
    """dPCA's components beside PCA's, on the trial-averaged data X (N, C, T).

    `courses` (K, C, T) is each component's projection d·X of every condition over
    `times`; `component_margin` (K,) the part (index into `margins`) each was fitted for;
    `shares` (K, 3) the part of each component's variance that is time, condition and
    interaction (rows add to 1); `explained` (K,) the share of ‖X‖² each component alone
    rebuilds, 1 − ‖X − f d X‖² / ‖X‖²; `cumulative` (K,) the same for the first 1, 2, …
    components in order of `explained`. `decoders` (K, N) and `encoders` (N, K). The `pca_*`
    fields are the same for PCA's first components. `margin_variance` (3,) is each part's
    share of ‖X‖². `fitted`: how many parts are done (3: finished)."""

    times: np.ndarray
    condition_names: tuple[str, ...]
    margins: tuple[str, ...] = MARGINS
    margin_variance: np.ndarray
    component_margin: np.ndarray
    courses: np.ndarray
    shares: np.ndarray
    explained: np.ndarray
    cumulative: np.ndarray = field(default_factory=lambda: np.empty(0))
    decoders: np.ndarray
    encoders: np.ndarray
    pca_courses: np.ndarray
    pca_shares: np.ndarray
    pca_explained: np.ndarray
    pca_cumulative: np.ndarray
    regularisation: float = 0.0
    trials_per_condition: np.ndarray
    fitted: int = 0

    @property
    def k(self) -> int:
        return len(self.component_margin)


def trial_averages(dataset: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (channels, conditions, time bins), times, trials per condition): the mean of the
    trials of each condition, bin by bin. ValueError, in words, when the data has no trials,
    one condition only, or trials on different time bins."""
    series = dataset.series
    if series is None:
        raise ValueError("demixed PCA needs trials over time with conditions: this data set "
                         "has no time series. Pick the generated 'Neural population (time "
                         "series)', or load a time series.")
    if series.n_conditions < 2:
        raise ValueError("demixed PCA separates what depends on the condition from what "
                         "depends on time, so it needs at least two conditions; this data "
                         "set has one.")
    trials = series.trials()
    times = series.time[trials[0]]
    for i, rows in enumerate(trials):
        if len(rows) != len(times) or not np.allclose(series.time[rows], times):
            raise ValueError(
                f"trial {i + 1} has other time bins than trial 1 ({len(rows)} bins from "
                f"{series.time[rows][0]:g} against {len(times)} from {times[0]:g}): demixed "
                "PCA averages the trials of each condition bin by bin, so every trial must "
                "have the same time bins.")
    conditions = series.trial_conditions()
    counts = np.bincount(conditions, minlength=series.n_conditions)
    if (counts == 0).any():
        missing = series.condition_names[int(np.flatnonzero(counts == 0)[0])]
        raise ValueError(f"condition '{missing}' has no trial: every condition needs one")
    stacked = np.stack([dataset.X[rows] for rows in trials])  # trials, time, channels
    X = np.stack([stacked[conditions == c].mean(axis=0) for c in range(len(counts))])
    return X.transpose(2, 0, 1), np.asarray(times, dtype=np.float64), counts


def marginalise(X: np.ndarray) -> dict[str, np.ndarray]:
    """The centred X (N, C, T) split into its time, condition and interaction parts, each
    (N, C, T): they add up to the centred X and are orthogonal to each other."""
    centred = X - X.mean(axis=(1, 2), keepdims=True)
    time = np.broadcast_to(centred.mean(axis=1, keepdims=True), X.shape)
    condition = np.broadcast_to(centred.mean(axis=2, keepdims=True), X.shape)
    return {"time": np.array(time), "condition": np.array(condition),
            "interaction": centred - time - condition}


def reduced_rank_ridge(X: np.ndarray, target: np.ndarray, q: int, mu: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Decoder D (q, N) and encoder F (N, q) minimising ‖target − F D X‖² + μ‖F D‖² for X,
    target (N, samples): the ridge solution B, cut to rank q along the top singular vectors
    of B [X, √μ I] (Kobak et al. 2016, Methods)."""
    n = X.shape[0]
    gram = X @ X.T + mu * np.eye(n)
    B = np.linalg.solve(gram, X @ target.T).T  # target Xᵀ (X Xᵀ + μ I)⁻¹; gram is symmetric
    fitted = B @ gram @ B.T  # (B [X, √μ I]) (B [X, √μ I])ᵀ
    values, vectors = np.linalg.eigh((fitted + fitted.T) / 2)
    F = vectors[:, np.argsort(values)[::-1][:q]]
    return F.T @ B, F


def variance_shares(decoders: np.ndarray, parts: dict[str, np.ndarray]) -> np.ndarray:
    """(K, 3): the share of each component's variance ‖d X‖² that lies in each part; the
    parts are orthogonal, so the three add up to ‖d X‖²."""
    flat = [parts[m].reshape(parts[m].shape[0], -1) for m in MARGINS]
    power = np.stack([np.sum((decoders @ p) ** 2, axis=1) for p in flat], axis=1)
    return power / np.maximum(power.sum(axis=1, keepdims=True), 1e-300)


def explained_each(X: np.ndarray, decoders: np.ndarray, encoders: np.ndarray) -> np.ndarray:
    """(K,) 1 − ‖X − f d X‖² / ‖X‖² for each component alone, X (N, samples)."""
    total = np.sum(X ** 2)
    return np.array([1.0 - np.sum((X - np.outer(f, d @ X)) ** 2) / total
                     for d, f in zip(decoders, encoders.T, strict=True)])


def explained_cumulative(X: np.ndarray, decoders: np.ndarray, encoders: np.ndarray,
                         order: np.ndarray) -> np.ndarray:
    """(K,) 1 − ‖X − F D X‖² / ‖X‖² with the first 1, 2, … components of `order`."""
    total = np.sum(X ** 2)
    return np.array([1.0 - np.sum((X - encoders[:, order[:q]] @ (decoders[order[:q]] @ X)) ** 2)
                     / total for q in range(1, len(order) + 1)])


def principal_axes(X: np.ndarray, q: int) -> np.ndarray:
    """(q, N) PCA's first q axes of X (N, samples), already centred."""
    values, vectors = np.linalg.eigh(X @ X.T)
    return vectors[:, np.argsort(values)[::-1][:q]].T


def signed(decoders: np.ndarray, encoders: np.ndarray, X: np.ndarray):
    """Flip each component so that its projection's largest excursion is positive (a sign
    is arbitrary; fixing it keeps pictures and tests stable)."""
    z = decoders @ X
    sign = np.sign(z[np.arange(len(z)), np.argmax(np.abs(z), axis=1)])
    sign[sign == 0] = 1.0
    return decoders * sign[:, None], encoders * sign[None, :]


@register
class DemixedPCA(Algorithm):
    id = "dpca"
    name = "Demixed PCA"
    family = "Time series"
    summary = ("Components of trial averages that each follow time, the condition, or their "
               "interaction alone, beside PCA's mixed ones.")
    objective = ("For each part φ (time, condition, interaction): minimise "
                 "‖X_φ − F D X‖² + μ‖F D‖² over a rank-q decoder D and encoder F.")
    params = (
        Int(name="n_components", label="components per part", default=3, low=1, high=10,
            help="How many components to find for each of time, condition and interaction; "
                 "PCA gets as many in all."),
        Float(name="regularisation", label="ridge λ", default=1e-3, low=1e-7, high=1.0,
              log=True, decimals=6,
              help="Ridge penalty μ = λ‖X‖²: larger values keep the decoders from fitting "
                   "the noise left in the trial averages."),
    )
    snapshot_type = Demixing

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        trial_averages(dataset)

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Demixing]:
        ctx.progress(0.0, "averaging the trials of each condition…")
        X, times, counts = trial_averages(dataset)
        parts = marginalise(X)
        centred = sum(parts.values())
        flat = centred.reshape(X.shape[0], -1)
        total = float(np.sum(flat ** 2))
        q = min(params["n_components"], X.shape[0])
        mu = params["regularisation"] * total
        margin_variance = np.array([np.sum(parts[m] ** 2) / total for m in MARGINS])
        pca = self._pca(flat, parts, X.shape, 3 * q)
        decoders, encoders, margin = np.empty((0, X.shape[0])), np.empty((X.shape[0], 0)), []
        n_conditions, n_times = X.shape[1], X.shape[2]
        rank = {"time": n_times - 1, "condition": n_conditions - 1,  # what each part can hold
                "interaction": (n_conditions - 1) * (n_times - 1)}
        for i, name in enumerate(MARGINS):
            if ctx.cancelled():
                return
            ctx.progress(i / 3, f"fitting the {name} components…")
            qm = max(1, min(q, rank[name]))  # two conditions: one condition component
            D, F = reduced_rank_ridge(flat, parts[name].reshape(X.shape[0], -1), qm, mu)
            D, F = signed(D, F, flat)
            decoders, encoders = np.vstack([decoders, D]), np.hstack([encoders, F])
            margin += [i] * qm
            yield self._snapshot(i, flat, X.shape, parts, decoders, encoders, margin, pca,
                                 times, dataset, margin_variance, params, counts,
                                 f"{name}: {qm} component{'s' * (qm != 1)} fitted")
        ctx.progress(1.0, "done")

    @staticmethod
    def _pca(flat: np.ndarray, parts, shape, q: int) -> dict[str, np.ndarray]:
        q = min(q, shape[0])
        axes = principal_axes(flat, q)
        D, _ = signed(axes, axes.T, flat)
        eigen = np.sum((D @ flat) ** 2, axis=1) / np.sum(flat ** 2)
        return {"courses": (D @ flat).reshape(q, *shape[1:]),
                "shares": variance_shares(D, parts), "explained": eigen,
                "cumulative": np.cumsum(eigen)}

    def _snapshot(self, step, flat, shape, parts, decoders, encoders, margin, pca, times,
                  dataset, margin_variance, params, counts, message) -> Demixing:
        explained = explained_each(flat, decoders, encoders)
        order = np.argsort(-explained, kind="stable")
        cumulative = explained_cumulative(flat, decoders, encoders, order)
        shares = variance_shares(decoders, parts)
        if step == len(MARGINS) - 1:
            first = [int(np.flatnonzero(np.array(margin) == i)[0]) for i in range(3)]
            purity = [shares[j, i] for i, j in enumerate(first)]
            same = min(len(margin), len(pca["cumulative"]))  # PCA has at most N components
            message = ("the first component of each part: " + ", ".join(
                f"{m} {p:.0%} {m} variance" for m, p in zip(MARGINS, purity, strict=True))
                       + f"; {same} components keep {cumulative[same - 1]:.0%} of the "
                       f"variance, PCA's {pca['cumulative'][same - 1]:.0%}")
        return Demixing(
            step=step, message=message, times=frozen(times, copy=True),
            condition_names=dataset.series.condition_names,
            margin_variance=frozen(margin_variance, copy=True),
            component_margin=frozen(np.array(margin, dtype=np.int64)),
            courses=frozen((decoders @ flat).reshape(len(margin), *shape[1:])),
            shares=frozen(shares), explained=frozen(explained),
            cumulative=frozen(cumulative), decoders=frozen(decoders, copy=True),
            encoders=frozen(encoders, copy=True),
            pca_courses=frozen(pca["courses"], copy=True),
            pca_shares=frozen(pca["shares"], copy=True),
            pca_explained=frozen(pca["explained"], copy=True),
            pca_cumulative=frozen(pca["cumulative"], copy=True),
            regularisation=params["regularisation"],
            trials_per_condition=frozen(counts, copy=True), fitted=step + 1)
