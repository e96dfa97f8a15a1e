"""t-SNE, live, through openTSNE (FFT-accelerated interpolation above 10,000 points,
Barnes-Hut below; the mathematics is openTSNE's, never rewritten here).

The run is openTSNE's own `TSNE.fit` in its two calls: early exaggeration (P × α, low
momentum), then the plain optimisation. Both run aside (engine/reduction/streaming.py): on a
helper thread, or from PROCESS_FROM points on in a process of its own. A callback every
`KL_EVERY` iterations hands over the KL divergence and a copy of the layout (callbacks never
change openTSNE's trajectory, so the result equals a run without them); between callbacks
the window redraws from the live array openTSNE updates in place, so a slow iteration on
70,000 points still redraws several times a second. Each callback costs one extra KL
evaluation (about one gradient's worth on FFT), hence not every iteration.

`dof` is the degrees of freedom α of the heavy-tailed kernel q ∝ (1 + d²/α)^−α in the
embedding (openTSNE's, after Kobak et al. 2019): 1 is t-SNE's Cauchy kernel; smaller values
have heavier tails (tighter, more separated clusters); large values approach SNE's Gaussian
(crowding returns).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, Embedding, RunContext, frozen
from engine.reduction.streaming import stream, stream_in_process
from engine.registry import register

KL_EVERY = 10  # iterations between KL evaluations (and deterministic snapshots)
PEEK_EVERY_S = 0.1  # between callbacks, redraw from the live layout this often
GRADIENTS = {"auto": "auto", "FFT interpolation": "fft", "Barnes-Hut": "bh"}
INITIAL_MOMENTUM, FINAL_MOMENTUM = 0.8, 0.8  # openTSNE's defaults (1.0)
# openTSNE's threads cost more than they save on small data (30 iterations on 60 points:
# 0.02 s with one thread, 0.5 s with two).
ONE_THREAD_BELOW = 5_000


# Below this many points the KL divergence is computed exactly on the worker (n² pairs, 40 ms
# at 3,000) instead of taken from openTSNE's Barnes-Hut estimate, which on 80 texts fell to
# −1.2 during early exaggeration: a KL divergence below zero.
EXACT_KL_BELOW = 3_000

# From this size on, openTSNE runs in a process of its own (streaming.stream_in_process). Its
# FFT gradient keeps Python's interpreter lock for up to 30 ms at a time, and a repaint of the
# window, which re-enters Python hundreds of times, waited for it at each: on 20,000 points
# paints of 10–15 ms of CPU took 50–150 ms. A process costs about a second to start, longer
# than a small run lasts.
PROCESS_FROM = 5_000


def exact_kl(P, Y: np.ndarray, dof: float) -> float:
    """KL(P ‖ Q) of the layout Y: P the sparse affinities (made to sum to one), q_ij ∝
    (1 + ‖y_i − y_j‖²/dof)^−dof over all pairs i ≠ j (openTSNE's kernel)."""
    Y = np.asarray(Y, dtype=np.float64)
    sq = (Y ** 2).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * Y @ Y.T, 0.0)
    W = (1.0 + d2 / dof) ** (-dof)
    np.fill_diagonal(W, 0.0)
    P = P.tocoo()
    p = P.data / P.data.sum()
    q = W[P.row, P.col] / W.sum()
    keep = p > 0
    return float(np.sum(p[keep] * np.log(p[keep] / np.maximum(q[keep], 1e-300))))


def max_perplexity(n: int) -> float:
    """openTSNE needs 3 × perplexity < n (each point's neighbourhood of 3·perplexity)."""
    return max((n - 1) / 3.0, 1.0)


def tsne_settings(params: Mapping[str, Any], n: int, threads: int) -> dict:
    """openTSNE's `TSNE` keyword arguments for these parameters (shared with the tests)."""
    return dict(perplexity=min(params["perplexity"], max_perplexity(n)), dof=params["dof"],
                early_exaggeration=params["early_exaggeration"],
                early_exaggeration_iter=params["exaggeration_iter"], n_iter=params["n_iter"],
                initial_momentum=INITIAL_MOMENTUM, final_momentum=FINAL_MOMENTUM,
                negative_gradient_method=GRADIENTS[params["gradient"]],
                initialization="pca", random_state=params["seed"],
                n_jobs=1 if n < ONE_THREAD_BELOW else threads)


def gradient_name(method: str, n: int) -> str:
    if method == "auto":
        method = "bh" if n < 10_000 else "fft"
    return "FFT interpolation" if method == "fft" else "Barnes-Hut"


@register
class TSNE(Algorithm):
    id = "tsne"
    name = "t-SNE"
    family = "Dimensionality reduction"
    summary = ("Place points so that their neighbours in a heavy-tailed kernel match their "
               "neighbours in the data (openTSNE), watched as the layout unfolds.")
    objective = ("KL(P ‖ Q) = Σ p_ij log(p_ij / q_ij): p from Gaussians of the given "
                 "perplexity in the data, q ∝ (1 + ‖y_i − y_j‖²/dof)^−dof in the plane")
    params = (
        Float(name="perplexity", default=30.0, low=2.0, high=200.0, log=True,
              help="The effective number of neighbours each point's Gaussian covers; "
                   "reduced to (n − 1)/3 on small data."),
        Float(name="dof", label="degrees of freedom", default=1.0, low=0.1, high=100.0,
              log=True,
              help="The Student-t kernel's degrees of freedom: 1 is t-SNE; below 1 heavier "
                   "tails split clusters more; large values approach SNE's Gaussian."),
        Float(name="early_exaggeration", label="exaggeration α", default=12.0, low=1.0,
              high=50.0, help="P is multiplied by α early on, so clusters form first."),
        Int(name="exaggeration_iter", label="exaggeration iterations", default=250, low=0,
            high=2000, help="How many iterations the early exaggeration lasts."),
        Int(name="n_iter", label="iterations", default=500, low=1, high=5000,
            help="Iterations after the early exaggeration."),
        Choice(name="gradient", default="auto", options=tuple(GRADIENTS),
               help="How the repulsive forces are approximated: FFT interpolation (fast on "
                    "large data), Barnes-Hut (small data); auto switches at 10,000 points."),
        seed_param(),
    )
    snapshot_type = Embedding
    libraries = ("openTSNE", "sklearn")

    def libraries_for(self, dataset: Dataset, params: Mapping[str, Any]) -> tuple[str, ...]:
        # From PROCESS_FROM points openTSNE (which imports scikit-learn) and the measures run
        # in a process of their own: importing them here too would hold the interpreter for
        # a second while the run's first views paint.
        return self.libraries if dataset.n < PROCESS_FROM else ()

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if dataset.n < 5:
            raise ValueError(f"t-SNE needs at least 5 points, not {dataset.n}")
        dataset.require_spread("t-SNE")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Embedding]:
        if ctx.cancelled():
            return
        X = np.asarray(dataset.X, dtype=np.float64)
        n = len(X)
        settings = tsne_settings(params, n, ctx.threads)
        note = ("" if settings["perplexity"] == params["perplexity"] else
                f" (perplexity lowered to {settings['perplexity']:.3g} for {n} points)")
        ctx.progress(0.0, f"affinities: each point's {3 * settings['perplexity']:.0f} nearest "
                          f"neighbours, Gaussians of perplexity {settings['perplexity']:.3g}"
                          f"{note}…")
        live = _Live(params, settings, n, note)
        yield from live.optimise(X, ctx)
        if live.final is None or ctx.cancelled():
            return
        yield live.last(ctx)


def _prepare(X: np.ndarray, settings: dict):
    from openTSNE import TSNE as OpenTSNE

    return OpenTSNE(**settings).prepare_initial(X)


def _phases(settings: Mapping[str, Any]) -> list[tuple]:
    """(offset, n_iter, exaggeration, momentum, name) of openTSNE's two calls."""
    s = settings
    return [(0, s["early_exaggeration_iter"], s["early_exaggeration"], s["initial_momentum"],
             "early exaggeration"),
            (s["early_exaggeration_iter"], s["n_iter"], None, s["final_momentum"],
             "optimisation")]


def _kl(embedding, estimate: float, layout, dof: float) -> float:
    """The layout's KL divergence: exact on small data, else openTSNE's estimate."""
    if len(layout) >= EXACT_KL_BELOW:
        return float(estimate)
    return exact_kl(embedding.affinities.P, layout, dof)


def _optimise(channel, X: np.ndarray, settings: dict, seed: int):
    """openTSNE's run, aside (streaming.py): it emits the PCA start as (0, None, layout,
    "init"), then (iteration, KL, layout, phase) every KL_EVERY iterations, then (None,
    None, None, "measures") as it measures the final layout; and returns that layout, its KL
    divergence and its quality measures (None when told to stop). The measures are taken
    here, aside too: on big data they took the interpreter from the window for a second."""
    from engine.reduction.quality import measure

    embedding = _prepare(X, settings)
    if channel.emit((0, None, np.array(embedding), "init")):
        return None
    channel.watch(lambda: np.array(embedding))  # peeks come after the start, never before
    dof = settings["dof"]
    for offset, n_iter, exaggeration, momentum, name in _phases(settings):
        if n_iter <= 0:
            continue

        def callback(iteration, error, layout, offset=offset, name=name):
            # openTSNE passes the layout before this iteration's update, and its KL
            return channel.emit((offset + iteration - 1, _kl(embedding, error, layout, dof),
                                 np.array(layout), name))

        embedding.optimize(n_iter=n_iter, exaggeration=exaggeration, momentum=momentum,
                           inplace=True, propagate_exception=True, callbacks=[callback],
                           callbacks_every_iters=KL_EVERY)
        if channel.stopped():
            return None
    layout = np.array(embedding)
    channel.watch(None)  # final: no more peeks
    if channel.emit((None, None, None, "measures")):
        return None
    return layout, _kl(embedding, embedding.kl_divergence, embedding, dof), measure(
        X, layout, seed=seed)


class _Live:
    """One run's state: the KL trace so far, the phases, the snapshots made from them."""

    def __init__(self, params, settings, n: int, note: str):
        self.params, self.settings, self.n, self.note = params, settings, n, note
        self.ee_iter, self.total = params["exaggeration_iter"], params["exaggeration_iter"] + \
            params["n_iter"]
        self.trace: list[float] = []
        self.trace_at: list[int] = []
        self.step = 0
        self.final = None  # (layout, KL divergence, quality measures) at the end
        self.marks = ((float(self.ee_iter), "early exaggeration ends"),) if self.ee_iter else ()

    def optimise(self, X: np.ndarray, ctx: RunContext) -> Iterator[Embedding]:
        state = {"iteration": 0, "phase": "early exaggeration"}
        t0 = time.perf_counter()
        work = partial(_optimise, settings=self.settings, seed=self.params["seed"])
        if self.n >= PROCESS_FROM:
            items = stream_in_process(work, ctx.cancelled, ctx.threads, PEEK_EVERY_S,
                                      arrays={"X": X})
        else:
            items = stream(partial(work, X=X), ctx.cancelled, PEEK_EVERY_S)
        for kind, value in items:
            if kind == "done":
                self.final = value
                return
            if kind == "item" and value[3] == "measures":
                ctx.progress(0.99, "quality measures…")
                continue
            if kind == "item" and value[3] == "init":
                t0 = time.perf_counter()  # the iterations' rate leaves the affinities out
                yield self.snapshot(value[2], "init", 0,
                                    f"PCA start; affinities P from perplexity "
                                    f"{self.settings['perplexity']:.3g}{self.note}; "
                                    f"{gradient_name(self.params['gradient'], self.n)} "
                                    f"gradients")
                continue
            if kind == "item":
                iteration, kl, layout, phase = value
                self.trace.append(kl)
                self.trace_at.append(iteration)
                state.update(iteration=iteration, phase=phase)
                rate = iteration / max(time.perf_counter() - t0, 1e-9)
                message = (f"{phase}: iteration {iteration} of {self.total}, "
                           f"KL divergence {kl:.4f} ({rate:.0f} iterations/s)")
            else:
                layout = value
                message = f"{state['phase']}: after iteration {state['iteration']}"
            ctx.progress(state["iteration"] / max(self.total, 1), message)
            yield self.snapshot(layout, state["phase"], state["iteration"], message)

    def snapshot(self, layout, phase: str, iteration: int, message: str, quality=None
                 ) -> Embedding:
        self.step += 1
        trace = frozen(np.array(self.trace, dtype=np.float64))
        return Embedding(step=self.step, message=message, coords=frozen(layout),
                         axis_names=("t-SNE 1", "t-SNE 2"), objective_name="KL divergence",
                         objective=self.trace[-1] if self.trace else float("nan"),
                         trace=trace, trace_at=frozen(np.array(self.trace_at, dtype=np.int64)),
                         marks=self.marks, phase=phase, iteration=iteration,
                         n_iter=self.total, quality=quality)

    def last(self, ctx: RunContext) -> Embedding:
        layout, kl, quality = self.final
        self.trace.append(kl)
        self.trace_at.append(self.total)
        dof = self.settings["dof"]
        kernel = "t-SNE's Cauchy kernel" if dof == 1 else f"a Student-t kernel of dof {dof:g}"
        message = (f"done: {self.total} iterations, KL divergence {kl:.4f} with {kernel}"
                   f"{self.note}; {quality.summary()}")
        ctx.progress(1.0, message)
        return self.snapshot(layout, "done", self.total, message, quality=quality)
