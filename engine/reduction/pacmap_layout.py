"""PaCMAP through the pacmap package: near pairs, mid-near pairs and further pairs.

PaCMAP's optimiser is one numba loop with no callback; its `intermediate=True` option keeps
the layout at the iterations listed in `intermediate_snapshots`. The fit runs aside (cancel
returns at once), then those layouts are shown in order, so its three phases can be watched:
mid-near pairs first pull the global shape together (their weight falling from 1000 to 3),
then near pairs join in, then mid-near pairs drop out and only near and further pairs act.

The curve is PaCMAP's own loss (the sum `pacmap_grad` returns) at each kept layout, with the
weights of that iteration: w_NB Σ d̃/(10 + d̃) + w_MN Σ d̃/(10⁴ + d̃) + w_FP Σ 1/(1 + d̃),
d̃ = 1 + ‖y_i − y_j‖².
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.cancellable import call_cancellable
from engine.data import Dataset
from engine.params import Float, Int, seed_param
from engine.protocol import Algorithm, Embedding, RunContext, frozen
from engine.reduction import numba_setup
from engine.registry import register

W_MN_START = 1000.0  # pacmap.find_weight's starting mid-near weight


def snapshot_iterations(total: int, n: int) -> list[int]:
    """The iterations whose layout PaCMAP keeps: 0, every few, and the last."""
    every = 5 if n <= 20_000 else 10
    return sorted(set(range(0, total, every)) | {total})


def weights(iteration: int, phases: tuple[int, int, int]) -> tuple[float, float, float]:
    """(w_NB, w_MN, w_FP) at an iteration, as pacmap.find_weight sets them."""
    p1, p2, _ = phases
    if iteration < p1:
        share = iteration / p1
        return 2.0, (1 - share) * W_MN_START + share * 3.0, 1.0
    if iteration < p1 + p2:
        return 3.0, 3.0, 1.0
    return 1.0, 0.0, 1.0


def loss(Y: np.ndarray, pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
         w: tuple[float, float, float]) -> float:
    """PaCMAP's loss of layout Y with these pair sets and weights."""
    def d(p):
        p = np.asarray(p, dtype=np.int64).reshape(-1, 2)
        return 1.0 + np.sum((Y[p[:, 0]] - Y[p[:, 1]]) ** 2, axis=1, dtype=np.float64)

    near, mid, far = (d(p) for p in pairs)
    return float(w[0] * np.sum(near / (10.0 + near)) + w[1] * np.sum(mid / (1e4 + mid))
                 + w[2] * np.sum(1.0 / (1.0 + far)))


def pacmap_settings(params: Mapping[str, Any], n: int) -> dict:
    """pacmap's `PaCMAP` keyword arguments for these parameters (shared with the tests)."""
    total = params["phase1"] + params["phase2"] + params["phase3"]
    return dict(n_components=2, n_neighbors=min(params["n_neighbors"], n - 1),
                MN_ratio=params["mn_ratio"], FP_ratio=params["fp_ratio"],
                num_iters=(params["phase1"], params["phase2"], params["phase3"]),
                random_state=params["seed"], intermediate=True,
                intermediate_snapshots=snapshot_iterations(total, n))


@register
class PaCMAP(Algorithm):
    id = "pacmap"
    name = "PaCMAP"
    family = "Dimensionality reduction"
    summary = ("Pull near pairs and mid-near pairs together and push random further pairs "
               "apart, in three phases that settle the global shape before the local one.")
    objective = ("w_NB Σ d̃/(10 + d̃) + w_MN Σ d̃/(10⁴ + d̃) + w_FP Σ 1/(1 + d̃), "
                 "d̃ = 1 + ‖y_i − y_j‖², the weights changing by phase")
    params = (
        Int(name="n_neighbors", label="neighbours", default=10, low=2, high=100,
            help="Near pairs per point (its nearest neighbours, scaled by local density)."),
        Float(name="mn_ratio", label="mid-near ratio", default=0.5, low=0.0, high=5.0,
              help="Mid-near pairs per near pair: they hold the global shape."),
        Float(name="fp_ratio", label="further ratio", default=2.0, low=0.0, high=10.0,
              help="Further (random) pairs per near pair: they push clusters apart."),
        Int(name="phase1", label="phase 1 iterations", default=100, low=1, high=1000,
            help="Mid-near weight falling from 1000 to 3: the global layout forms."),
        Int(name="phase2", label="phase 2 iterations", default=100, low=1, high=1000,
            help="Near pairs weighted up, mid-near at 3."),
        Int(name="phase3", label="phase 3 iterations", default=250, low=1, high=2000,
            help="Mid-near pairs off: the local structure is refined."),
        seed_param(),
    )
    snapshot_type = Embedding
    libraries = ("pacmap", "numba", "sklearn")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if dataset.n < 4:
            raise ValueError(f"PaCMAP needs at least 4 points, not {dataset.n}")
        dataset.require_spread("PaCMAP")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Embedding]:
        if ctx.cancelled():
            return
        X = np.asarray(dataset.X, dtype=np.float32)
        settings = pacmap_settings(params, len(X))
        phases = settings["num_iters"]
        total = sum(phases)
        note = numba_setup.first_run_note("pacmap", "PaCMAP")
        ctx.progress(0.0, note or f"PaCMAP: pairs and {total} iterations (its layouts are "
                                  "shown as it kept them once it ends)…")
        done, model = call_cancellable(lambda: _fit(X, settings), ctx.cancelled)
        if not done:
            return
        pairs = (model.pair_neighbors, model.pair_MN, model.pair_FP)
        at = settings["intermediate_snapshots"]
        marks = ((float(phases[0]), "phase 2"),
                 (float(phases[0] + phases[1]), "phase 3"))
        trace, trace_at = [], []
        for step, (iteration, Y) in enumerate(zip(at, model.intermediate_states, strict=True)):
            if ctx.cancelled():
                return
            w = weights(min(iteration, total - 1), phases)
            trace.append(loss(Y, pairs, w))
            trace_at.append(iteration)
            last = iteration == total
            quality = None
            if last:
                from engine.reduction.quality import measure

                quality = measure(X, Y, seed=params["seed"])
            phase = 1 if iteration < phases[0] else 2 if iteration < phases[0] + phases[1] else 3
            message = (f"phase {phase}, iteration {iteration} of {total}: loss {trace[-1]:.4g} "
                       f"(weights near {w[0]:g}, mid-near {w[1]:.4g}, further {w[2]:g})")
            if last:
                message = (f"done: {total} iterations, {len(pairs[0]):,} near, "
                           f"{len(pairs[1]):,} mid-near and {len(pairs[2]):,} further pairs; "
                           f"{quality.summary()}")
            ctx.progress(0.6 + 0.4 * iteration / total, message)
            yield Embedding(step=step + 1, message=message,
                            coords=frozen(np.asarray(Y, dtype=np.float64)),
                            axis_names=("PaCMAP 1", "PaCMAP 2"), objective_name="PaCMAP loss",
                            objective=trace[-1], trace=frozen(np.array(trace)),
                            trace_at=frozen(np.array(trace_at, dtype=np.int64)), marks=marks,
                            phase="done" if last else f"phase {phase}", iteration=iteration,
                            n_iter=total, quality=quality)


def _fit(X: np.ndarray, settings: dict):
    pacmap = numba_setup.load_pacmap()
    with numba_setup.LOCK:
        model = pacmap.PaCMAP(**settings)
        model.fit(X, init="pca", save_pairs=True)
        numba_setup.mark_fitted("pacmap")
    return model
