"""UMAP through umap-learn, live through its epochs.

umap-learn 0.5.12 offers no per-epoch callback with the layout: `n_epochs` as a list returns
intermediate layouts only when the fit is over, and restarting `UMAP(init=previous)` in
chunks is not the same optimisation (the learning rate restarts, the layout is rescaled to
[0, 10], the graph is pruned again). What it does offer is `tqdm_kwds`: its SGD loop,
`umap.layouts.optimize_layout_euclidean`, wraps the epochs in a tqdm bar whose output goes to
the `file` given there, written on the optimising thread between two epochs. This module
passes a file whose `write` reads that function's `head_embedding` (the layout umap updates
in place) from its caller's frame and hands a copy over: the true intermediate layouts of
the one real fit, which ends exactly as `UMAP(...).fit_transform` does. Raising from `write`
stops the fit at once (cancel).

The curve is the attractive half of UMAP's fuzzy cross-entropy over the graph's edges,
Σ w log(1 + a d^2b) / Σ w (the repulsive half is only ever sampled by umap, never summed).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Float, Int, seed_param
from engine.protocol import Algorithm, Embedding, RunContext, frozen
from engine.reduction import numba_setup
from engine.reduction.streaming import stream
from engine.registry import register

EMIT_EPOCHS = 100  # about this many deterministic snapshots per run
EMIT_EVERY_S = 0.1  # and one at least this often on slow epochs
_COUNT = re.compile(r"(\d+)/(\d+)")
_LOOP = "optimize_layout_euclidean"


class _Stop(Exception):
    """Raised through umap's epoch loop when the run is cancelled."""


class EpochWatch:
    """The `file` of umap's tqdm bar: called between epochs on the optimising thread."""

    def __init__(self, on_epoch):
        self.on_epoch = on_epoch  # (epoch, n_epochs, layout, locals) -> stop?

    def write(self, text: str) -> int:
        found = _COUNT.findall(text)
        if found:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_name != _LOOP:
                frame = frame.f_back
            if frame is not None and self.on_epoch(int(found[-1][0]), int(found[-1][1]),
                                                    frame.f_locals):
                _release_tqdm_lock(sys._getframe(1))
                raise _Stop()
        return len(text)

    def flush(self) -> None:
        pass


def _release_tqdm_lock(frame) -> None:
    """tqdm's `refresh` takes its class-wide write lock and releases it after writing, not in
    a `finally`: raising from `write` would leave it held and the next bar, in any thread,
    would wait forever. Release it once for the refresh we raise through (`close` holds it
    in a `with`, which releases by itself)."""
    while frame is not None and frame.f_code.co_name != _LOOP:
        if frame.f_code.co_name == "refresh" and "tqdm" in frame.f_code.co_filename:
            frame.f_locals["self"]._lock.release()
            return
        frame = frame.f_back


def tqdm_kwds(watch: EpochWatch) -> dict:
    """A bar that writes "epoch/total" to `watch` after every epoch."""
    return {"file": watch, "disable": False, "bar_format": "{n}/{total}", "mininterval": 0,
            "miniters": 1, "delay": 0}


def umap_settings(params: Mapping[str, Any], n: int) -> dict:
    """umap-learn's `UMAP` keyword arguments for these parameters (shared with the tests)."""
    return dict(n_neighbors=min(params["n_neighbors"], n - 1), min_dist=params["min_dist"],
                spread=params["spread"], n_epochs=params["n_epochs"] or None,
                random_state=params["seed"], n_jobs=1)


def attraction(layout: np.ndarray, head, tail, weights, a: float, b: float) -> float:
    """Σ w log(1 + a d^2b) / Σ w over the graph's edges: the attractive cross-entropy."""
    d2 = np.sum((layout[head] - layout[tail]) ** 2, axis=1, dtype=np.float64)
    return float(np.sum(weights * np.log1p(a * d2**b)) / max(float(weights.sum()), 1e-300))


@register
class UMAP(Algorithm):
    id = "umap"
    name = "UMAP"
    family = "Dimensionality reduction"
    summary = ("Join each point to its nearest neighbours in a fuzzy graph and lay the graph "
               "out in the plane by stochastic gradient descent (umap-learn), epoch by epoch.")
    objective = ("fuzzy cross-entropy Σ w_ij log(w_ij / v_ij) + (1 − w_ij) log((1 − w_ij) / "
                 "(1 − v_ij)), v_ij = 1 / (1 + a‖y_i − y_j‖^2b)")
    params = (
        Int(name="n_neighbors", label="neighbours", default=15, low=2, high=200,
            help="How many nearest neighbours make each point's fuzzy neighbourhood: small "
                 "values keep local detail, large ones more of the global shape."),
        Float(name="min_dist", label="minimum distance", default=0.1, low=0.0, high=3.0,
              help="How tightly points may pack in the plane (with spread: the kernel's "
                   "a and b)."),
        Float(name="spread", default=1.0, low=0.1, high=5.0,
              help="The scale of the embedded points."),
        Int(name="n_epochs", label="epochs (0: auto)", default=0, low=0, high=2000,
            help="SGD epochs; 0 lets umap choose (500 below 10,000 points, else 200)."),
        seed_param(),
    )
    snapshot_type = Embedding
    libraries = ("umap", "numba", "sklearn")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        dataset.require_spread("UMAP")
        if dataset.n < 4:
            raise ValueError(f"UMAP needs at least 4 points, not {dataset.n}")
        if params["min_dist"] > params["spread"]:
            raise ValueError(f"minimum distance {params['min_dist']:g} must be at most the "
                             f"spread {params['spread']:g}")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Embedding]:
        if ctx.cancelled():
            return
        X = np.asarray(dataset.X, dtype=np.float32)
        settings = umap_settings(params, len(X))
        note = numba_setup.first_run_note("umap", "UMAP")
        ctx.progress(0.0, note or f"the fuzzy graph of each point's {settings['n_neighbors']} "
                                  "nearest neighbours…")
        run = _Run(X, settings, ctx, note)
        yield from run.frames()
        if run.final is None or ctx.cancelled():
            return
        yield run.last(params["seed"])


class _Run:
    def __init__(self, X, settings, ctx, note):
        self.X, self.settings, self.ctx, self.note = X, settings, ctx, note
        self.trace: list[float] = []
        self.trace_at: list[int] = []
        self.step, self.final, self.n_epochs = 0, None, 0
        self.edges = None  # (head, tail, weights, a, b) once the epochs start

    def frames(self) -> Iterator[Embedding]:
        t0 = time.perf_counter()
        for kind, value in stream(self._fit, self.ctx.cancelled):
            if kind == "done":
                self.final = value
                return
            epoch, total, layout, cost = value
            self.n_epochs = total
            self.trace.append(cost)
            self.trace_at.append(epoch)
            rate = epoch / max(time.perf_counter() - t0, 1e-9)
            message = (f"SGD epoch {epoch} of {total}: attractive cross-entropy {cost:.4f} "
                       f"({rate:.0f} epochs/s since the start, graph included)")
            self.ctx.progress(0.1 + 0.85 * epoch / max(total, 1), message)
            yield self.snapshot(layout, "epochs", epoch, message)

    def _fit(self, channel):
        umap = numba_setup.load_umap()
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread left running in a window
        emitted = {"at": time.monotonic(), "epoch": -1}

        def on_epoch(epoch, total, frame_locals):
            every = max(1, total // EMIT_EPOCHS)
            slow = time.monotonic() - emitted["at"] >= EMIT_EVERY_S
            if epoch == emitted["epoch"] or (epoch % every and epoch != total and not slow):
                return channel.stopped()  # tqdm writes the last count twice
            emitted.update(at=time.monotonic(), epoch=epoch)
            layout = np.array(frame_locals["head_embedding"])
            head, tail = frame_locals["head"], frame_locals["tail"]
            weights = 1.0 / np.asarray(frame_locals["epochs_per_sample"], dtype=np.float64)
            cost = attraction(layout, head, tail, weights, frame_locals["a"],
                              frame_locals["b"])
            return channel.emit((epoch, total, layout, cost))

        model = umap.UMAP(**self.settings, tqdm_kwds=tqdm_kwds(EpochWatch(on_epoch)))
        with numba_setup.LOCK:
            try:
                result = model.fit_transform(self.X)
            except _Stop:
                return None
            numba_setup.mark_fitted("umap")
        return np.asarray(result, dtype=np.float64)

    def snapshot(self, layout, phase, epoch, message, quality=None) -> Embedding:
        self.step += 1
        return Embedding(step=self.step, message=message, coords=frozen(layout),
                         axis_names=("UMAP 1", "UMAP 2"),
                         objective_name="attractive cross-entropy",
                         objective=self.trace[-1] if self.trace else float("nan"),
                         trace=frozen(np.array(self.trace, dtype=np.float64)),
                         trace_at=frozen(np.array(self.trace_at, dtype=np.int64)),
                         phase=phase, iteration=epoch, n_iter=self.n_epochs,
                         iteration_name="epoch", quality=quality)

    def last(self, seed: int) -> Embedding:
        from engine.reduction.quality import measure

        self.ctx.progress(0.97, "quality measures…")
        quality = measure(self.X, self.final, seed=seed)
        message = (f"done: {self.n_epochs} epochs over the graph of "
                   f"{self.settings['n_neighbors']} neighbours; {quality.summary()}")
        self.ctx.progress(1.0, message)
        return self.snapshot(self.final, "done", self.n_epochs, message, quality=quality)
