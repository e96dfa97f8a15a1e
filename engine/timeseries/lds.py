"""The linear dynamical system, fit by EM with the Kalman smoother, beside PCA.

PCA places each time bin on its own; the LDS smooths each trial's latents with what came
before and after (the Kalman smoother), so its trajectories are the same shapes with the
bin-to-bin noise taken out. The mathematics is in engine/timeseries/kalman.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Int
from engine.protocol import Algorithm, RunContext, frozen
from engine.registry import register
from engine.timeseries import kalman
from engine.timeseries.common import (
    TRANSFORM,
    LatentTrajectories,
    align,
    orthonormalised,
    pca_latents,
    place,
    prepared,
    r2_text,
    require_series,
    trials_by_length,
)

TOL = 1e-7  # stop when an iteration raises the log-likelihood by less, relatively
EVERY_STEP = 20  # the first iterations each get a snapshot, then one in `stride`
FRAMES = 100

N_LATENTS = Int(name="n_latents", label="latents", default=3, low=1, high=10,
                help="Dimensions of the latent state (at most the number of channels).")


def fit_lds(dataset: Dataset, k: int, max_iter: int, transform: str, ctx: RunContext,
            on_iteration=None) -> Iterator[tuple[np.ndarray, kalman.LDSParams, float]]:
    """The LDS's EM on the data's trials: yields (smoothed latents (n, k), params,
    log-likelihood) per iteration; stops early when cancelled."""
    series = dataset.series
    Y, _ = prepared(dataset, transform)
    rows = trials_by_length(series)
    groups = [Y[r] for r in rows]
    for params, post, ll in kalman.fit(groups, k, max_iter, TOL):
        if ctx.cancelled():
            return
        yield place(rows, [s.mean for s in post], dataset.n), params, ll


def check_latents(dataset: Dataset, params: Mapping[str, Any], method: str) -> None:
    require_series(dataset, method)
    if params["n_latents"] > dataset.d:
        raise ValueError(f"n_latents: {params['n_latents']} latents for {dataset.d} "
                         "channels; use at most as many latents as channels")
    if params["n_latents"] >= dataset.n:  # PCA, the start, finds at most n − 1 directions
        raise ValueError(f"n_latents: {params['n_latents']} latents for {dataset.n} time "
                         f"bins; use fewer than {dataset.n}")


@register
class LDS(Algorithm):
    id = "lds"
    name = "Linear dynamical system"
    family = "Time series"
    summary = ("A latent state that moves linearly from bin to bin and drives every channel; "
               "fit by EM with the Kalman smoother, beside PCA's projection of each bin.")
    objective = ("Maximise the likelihood of the trials under x_t = A x_{t−1} + w, "
                 "y_t = C x_t + d + v (w, v Gaussian) by EM; the E-step is the Kalman "
                 "smoother.")
    params = (
        N_LATENTS,
        Int(name="max_iter", label="iterations", default=100, low=1, high=2000,
            help="The most EM iterations (it stops sooner once the likelihood settles)."),
        TRANSFORM,
    )
    snapshot_type = LatentTrajectories

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        check_latents(dataset, params, "The linear dynamical system")
        prepared(dataset, params["transform"])

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[LatentTrajectories]:
        k, max_iter = params["n_latents"], params["max_iter"]
        Y, transform = prepared(dataset, params["transform"])
        planted = dataset.series.latents
        pca = pca_latents(Y, k)
        beside_r2 = align(pca, planted)[1] if planted is not None else np.empty(0)
        base = dict(method="lds", beside=frozen(pca), beside_name="PCA", transform=transform,
                    planted=None if planted is None else frozen(planted),
                    beside_r2=frozen(beside_r2), axis_names=("latent 1", "latent 2"),
                    objective_name="log-likelihood", iteration_name="EM iteration",
                    n_iter=max_iter)
        stride = max(1, math.ceil(max_iter / FRAMES))
        trace: list[float] = []
        step, last = 0, None
        for it, (latents, p, ll) in enumerate(fit_lds(dataset, k, max_iter, transform, ctx),
                                               start=1):
            trace.append(ll)
            last = (latents, p)
            if it <= EVERY_STEP or it % stride == 0:
                ctx.progress(it / max_iter, f"EM iteration {it}: log-likelihood {ll:,.1f}")
                yield self._snap(step, it, latents, p, trace, base, "em",
                                 f"EM iteration {it}: log-likelihood {ll:,.1f}")
                step += 1
        if last is None or ctx.cancelled():
            return
        latents, p = last
        message = self._message(k, trace, transform, max_iter, base)
        snap = self._snap(step, len(trace), latents, p, trace, base, "done", "")
        message += (f"; planted latents recovered with R² {r2_text(snap.recovery_r2)} "
                    f"(PCA's: {r2_text(beside_r2)})" if planted is not None else "")
        ctx.progress(1.0, message)
        yield replace(snap, message=message)

    @staticmethod
    def _snap(step, it, latents, p, trace, base, phase, message) -> LatentTrajectories:
        shown = orthonormalised(p.C, latents)
        recovered, r2 = (None, np.empty(0)) if base["planted"] is None else align(
            latents, base["planted"])
        return LatentTrajectories(
            step=step, message=message, coords=frozen(shown), objective=trace[-1],
            trace=frozen(np.array(trace)), trace_at=frozen(np.arange(1, len(trace) + 1)),
            phase=phase, iteration=it,
            recovered=None if recovered is None else frozen(recovered),
            recovery_r2=frozen(r2), **base)

    @staticmethod
    def _message(k, trace, transform, max_iter, base) -> str:
        settled = len(trace) < max_iter or (  # or it settled at the very last iteration
            len(trace) > 1 and trace[-1] - trace[-2] <= TOL * abs(trace[-2]))
        text = (f"LDS with {k} latent{'s' * (k != 1)}: log-likelihood {trace[-1]:,.1f} after "
                f"{len(trace)} EM iterations"
                + ("" if settled else " (still rising: raise the iterations)"))
        if transform == "square root":
            text += "; the counts were square-rooted first (Gaussian noise suits them better)"
        return text
