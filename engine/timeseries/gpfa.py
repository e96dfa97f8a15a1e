"""Gaussian-process factor analysis (GPFA, Yu et al. 2009), beside the LDS on the same data.

Factor analysis whose latents are smooth in time: each follows a Gaussian process with a
squared-exponential kernel and a timescale τ of its own, learnt with the loading. Where the
LDS smooths through one step of linear dynamics, GPFA smooths each latent at its own pace.
The mathematics is in engine/timeseries/gpfa_core.py; the run first fits the LDS (the same
latents and iterations as asked for GPFA, at most 100), to draw beside.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Float, Int
from engine.protocol import Algorithm, RunContext, frozen
from engine.registry import register
from engine.timeseries import gpfa_core, kalman
from engine.timeseries.common import (
    TRANSFORM,
    LatentTrajectories,
    align,
    orthonormalised,
    place,
    prepared,
    r2_text,
    trials_by_times,
)
from engine.timeseries.lds import N_LATENTS, check_latents, fit_lds

TOL = 1e-6  # stop when an iteration raises the log-likelihood by less, relatively (EM on
# the timescales creeps: a stricter tolerance costs hundreds of iterations for little)
LDS_ITER = 100  # the most EM iterations of the LDS fitted to draw beside
EVERY_STEP = 20
FRAMES = 100
MAX_STACKED = 2000  # latents × time bins of a trial: the E-step inverts a matrix this wide
LDS_SHARE = 0.2  # of the progress bar, for the LDS fitted first


def _tau_bounds(groups) -> tuple[float, float]:
    """From a quarter of the shortest bin to ten times the longest trial."""
    gaps = [np.diff(times).min() for _, times in groups]
    spans = [times[-1] - times[0] for _, times in groups]
    return 0.25 * min(gaps), 10.0 * max(spans)


@register
class GPFA(Algorithm):
    id = "gpfa"
    name = "GPFA (Gaussian-process factor analysis)"
    family = "Time series"
    summary = ("Factor analysis whose latents are smooth Gaussian processes, each with a "
               "timescale of its own; drawn beside the LDS's latents of the same trials.")
    objective = ("Maximise the likelihood of y_t = C x_t + d + v, each latent x_j a GP with "
                 "kernel exp(−(t − s)²/2τ_j²), by EM: an exact E-step over each trial's "
                 "stacked latents, gradient steps on log τ_j.")
    params = (
        N_LATENTS,
        Int(name="max_iter", label="iterations", default=500, low=1, high=2000,
            help="The most EM iterations (it stops sooner once the likelihood settles)."),
        Float(name="start_timescale", label="first timescale", default=0.1, low=0.001,
              high=1.0, help="Every τ starts at this share of a trial's duration; EM then "
                             "learns each latent's own."),
        TRANSFORM,
    )
    snapshot_type = LatentTrajectories

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        check_latents(dataset, params, "GPFA")
        prepared(dataset, params["transform"])
        longest = max(len(rows) for rows in dataset.series.trials())
        if params["n_latents"] * longest > MAX_STACKED:
            raise ValueError(f"n_latents: GPFA's E-step handles latents × time bins up to "
                             f"{MAX_STACKED:,} per trial; {params['n_latents']} × {longest} "
                             "is more (use fewer latents, or fewer bins)")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[LatentTrajectories]:
        k, max_iter = params["n_latents"], params["max_iter"]
        Y, transform = prepared(dataset, params["transform"])
        lds = self._lds(dataset, params, transform, ctx)
        if lds is None:
            return
        planted = dataset.series.latents
        lds_shown = orthonormalised(lds[1].C, lds[0])
        base = dict(method="gpfa", beside=frozen(lds_shown), beside_name="LDS",
                    transform=transform, planted=None if planted is None else frozen(planted),
                    beside_r2=frozen(align(lds[0], planted)[1] if planted is not None
                                     else np.empty(0)),
                    axis_names=("latent 1", "latent 2"), objective_name="log-likelihood",
                    iteration_name="EM iteration", n_iter=max_iter)
        trials = trials_by_times(dataset.series)
        groups = [(Y[rows], times) for rows, times in trials]
        floor = kalman.NOISE_FLOOR * np.maximum(Y.var(axis=0), 1e-12)
        start = kalman.init_from_pca([g for g, _ in groups], k)
        span = float(np.median([t[-1] - t[0] for _, t in groups]))
        p = gpfa_core.GPFAParams(C=start.C, d=start.d, R=np.maximum(start.R, floor),
                                 tau=np.full(k, params["start_timescale"] * span))
        bounds = _tau_bounds(groups)
        stride = max(1, math.ceil(max_iter / FRAMES))
        trace: list[float] = []
        step, snap = 0, None
        for it in range(1, max_iter + 1):
            if ctx.cancelled():
                return
            post = [gpfa_core.posterior(Yg, times, p) for Yg, times in groups]
            trace.append(float(sum(s.loglik for s in post)))
            latents = place([rows for rows, _ in trials], [s.mean for s in post], dataset.n)
            settled = it > 1 and trace[-1] - trace[-2] <= TOL * abs(trace[-2])
            if it <= EVERY_STEP or it % stride == 0 or settled or it == max_iter:
                message = f"EM iteration {it}: log-likelihood {trace[-1]:,.1f}"
                ctx.progress(LDS_SHARE + (1 - LDS_SHARE) * it / max_iter, message)
                snap = self._snap(step, it, latents, p, trace, base, "em", message)
                yield snap
                step += 1
            if settled:
                break
            p = gpfa_core.m_step(groups, post, p, floor, bounds)
        if snap is None or ctx.cancelled():
            return
        message = (f"GPFA with {k} latent{'s' * (k != 1)}: log-likelihood {trace[-1]:,.1f} "
                   f"after {len(trace)} EM iterations"
                   + ("" if settled else " (still rising: raise the iterations)")
                   + "; timescales τ " + ", ".join(f"{t:.3g}" for t in snap.timescales))
        if transform == "square root":
            message += "; the counts were square-rooted first"
        if planted is not None:
            message += (f"; planted latents recovered with R² {r2_text(snap.recovery_r2)} "
                        f"(the LDS's: {r2_text(base['beside_r2'])})")
        ctx.progress(1.0, message)
        yield replace(snap, step=step, phase="done", message=message)

    @staticmethod
    def _lds(dataset, params, transform, ctx):
        """Fit the LDS to draw beside; (latents, params) or None when cancelled."""
        iterations = min(params["max_iter"], LDS_ITER)
        last = None
        for it, (latents, p, _) in enumerate(
                fit_lds(dataset, params["n_latents"], iterations, transform, ctx), start=1):
            last = (latents, p)
            if it % 10 == 0:
                ctx.progress(LDS_SHARE * it / iterations,
                             f"fitting the LDS to compare: EM iteration {it}")
        return None if ctx.cancelled() else last

    @staticmethod
    def _snap(step, it, latents, p, trace, base, phase, message) -> LatentTrajectories:
        recovered, r2 = (None, np.empty(0)) if base["planted"] is None else align(
            latents, base["planted"])
        return LatentTrajectories(
            step=step, message=message, coords=frozen(orthonormalised(p.C, latents)),
            objective=trace[-1], trace=frozen(np.array(trace)),
            trace_at=frozen(np.arange(1, len(trace) + 1)), phase=phase, iteration=it,
            timescales=frozen(p.tau, copy=True),
            recovered=None if recovered is None else frozen(recovered),
            recovery_r2=frozen(r2), **base)
