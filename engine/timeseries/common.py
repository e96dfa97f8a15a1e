"""What the latent-dynamics methods share: their snapshot, the data prepared by trial, the
latents made comparable (orthonormalised, PCA's beside them, the planted ones aligned)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.data import Dataset, Series
from engine.datasets.time_series import NOT_A_SERIES
from engine.params import Choice
from engine.protocol import Embedding

TRANSFORMS = ("auto", "square root", "none")
TRANSFORM = Choice(name="transform", default="auto", options=TRANSFORMS,
                   help="Counts are Poisson, not Gaussian: their square root has a variance "
                        "that hardly depends on the rate, which suits Gaussian noise. auto: "
                        "the square root when every value is a count (a whole number ≥ 0).")


@dataclass(frozen=True, kw_only=True, eq=False)
class LatentTrajectories(Embedding):
    """A latent dynamical model (LDS, GPFA) of trials as it fits, beside a comparison.

    `coords` (n, k) are each row's smoothed latents, orthonormalised for display (the
    loading's singular directions, largest first); `trace` the log-likelihood per EM
    iteration. `beside` (n, k′) the comparison's latents on the same rows (`beside_name`:
    PCA's projection for the LDS, the LDS's latents for GPFA). `timescales` (k,) GPFA's τ per
    latent (None for the LDS). Where the data were generated, `planted` (n, k″) are the true
    latents, `recovered` the found ones mapped onto them by least squares (with an offset),
    `recovery_r2` (k″,) the share of each planted latent's variance so explained, and
    `beside_r2` the same for the comparison's latents. `transform`: "square root" when the
    counts were square-rooted first, else "none"."""

    method: str = "lds"
    beside: np.ndarray
    beside_name: str = "PCA"
    transform: str = "none"
    timescales: np.ndarray | None = None
    planted: np.ndarray | None = None
    recovered: np.ndarray | None = None
    recovery_r2: np.ndarray = field(default_factory=lambda: np.empty(0))
    beside_r2: np.ndarray = field(default_factory=lambda: np.empty(0))


def require_series(dataset: Dataset, method: str) -> Series:
    """The data's Series, or a ValueError that says why the method needs one. Rows without a
    place in time are refused rather than read in file order as one trial: most tables'
    rows are in no order in time (shuffled samples), and the fit would invent dynamics."""
    series = dataset.series
    if series is None:
        why = (f" {dataset.note}" if dataset.note.startswith(NOT_A_SERIES) else
               " These rows have no place in time (a subsample or selection loses it too).")
        raise ValueError(f"{method} needs time series: rows that are time bins of trials, "
                         "as the 'Neural population' generator makes or a CSV with a time "
                         f"column gives.{why}")
    short = [len(rows) for rows in series.trials() if len(rows) < 2]
    if short:
        raise ValueError(f"{method} needs at least two time bins in every trial; "
                         f"{len(short)} trial(s) have one")
    return series


def is_counts(X: np.ndarray) -> bool:
    return bool((X >= 0).all() and np.array_equal(X, np.round(X)))


def prepared(dataset: Dataset, transform: str) -> tuple[np.ndarray, str]:
    """The rows the model fits, and the transform used ("square root" or "none")."""
    X = dataset.X
    if transform == "auto":
        transform = "square root" if is_counts(X) else "none"
    if transform == "square root":
        if (X < 0).any():
            raise ValueError("the square root needs values ≥ 0; this data has negative ones "
                             "(choose transform: none)")
        return np.sqrt(X), transform
    return X, "none"


def trials_by_length(series: Series) -> list[np.ndarray]:
    """The trials' rows, grouped by length: one (m, T) array of row indices per length."""
    by: dict[int, list[np.ndarray]] = {}
    for rows in series.trials():
        by.setdefault(len(rows), []).append(rows)
    return [np.stack(group) for _, group in sorted(by.items())]


def trials_by_times(series: Series) -> list[tuple[np.ndarray, np.ndarray]]:
    """The trials' rows grouped by their times: (rows (m, T), times (T,)) per group."""
    by: dict[bytes, tuple[np.ndarray, list[np.ndarray]]] = {}
    for rows in series.trials():
        times = series.time[rows]
        by.setdefault(times.tobytes(), (times, []))[1].append(rows)
    return [(np.stack(group), times) for times, group in by.values()]


def place(groups: list[np.ndarray], means: list[np.ndarray], n: int) -> np.ndarray:
    """Each group's (m, T, k) means put back at their rows: (n, k)."""
    k = means[0].shape[-1]
    out = np.zeros((n, k))
    for rows, mean in zip(groups, means, strict=True):
        out[rows.reshape(-1)] = mean.reshape(-1, k)
    return out


def orthonormalised(C: np.ndarray, latents: np.ndarray) -> np.ndarray:
    """The latents in the loading's orthonormal basis (Yu et al.): with C = U S Vᵀ, the
    coordinates S Vᵀ x, so that C x = U (S Vᵀ x), ordered by the variance they carry; each
    axis signed so its largest loading is positive (steady from one iteration to the next)."""
    U, s, vt = np.linalg.svd(C, full_matrices=False)
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])])
    signs[signs == 0] = 1.0
    return latents @ (vt.T * s) * signs


def pca_latents(Y: np.ndarray, k: int) -> np.ndarray:
    """PCA's projection of the rows onto the first k components, signed as above."""
    Yc = Y - Y.mean(axis=0)
    _, _, vt = np.linalg.svd(Yc, full_matrices=False)
    V = vt[:k].T
    signs = np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])])
    signs[signs == 0] = 1.0
    return Yc @ V * signs


def align(found: np.ndarray, planted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The found latents mapped onto the planted ones by least squares (a linear map and an
    offset), and each planted latent's R²: a model recovers them up to a linear map."""
    design = np.hstack([found, np.ones((len(found), 1))])
    coef = np.linalg.lstsq(design, planted, rcond=None)[0]
    mapped = design @ coef
    residual = ((planted - mapped) ** 2).sum(axis=0)
    total = ((planted - planted.mean(axis=0)) ** 2).sum(axis=0)
    return mapped, 1.0 - residual / np.maximum(total, 1e-300)


def r2_text(r2: np.ndarray) -> str:
    return ", ".join(f"{v:.2f}" for v in r2)
