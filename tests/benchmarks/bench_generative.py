"""Generative models on digits: what the live pictures cost, and how fast the sliders decode.

    python -m tests.benchmarks.bench_generative [snapshots] [repeats] [model id …]

1. Every registered generative model whose checks accept the digits (found in the registry,
   family "Generative models"), at its default settings, in a run's context as the window
   makes it (BLAS kept to all cores but one). Its trainer's training method (`epoch`, or
   `train` for the models that count steps) is wrapped with a clock, so that each snapshot's
   time splits into training and everything else: the pictures and measures the snapshot
   carries (codes, samples, numpy copies of the networks, a held-out loss); the trainer's
   other public methods are clocked too, to say where that time goes. Right after each
   snapshot the training method is called once more on its own, with the same arguments: an
   epoch of training alone, interleaved with the full ones in one process. Totals over
   `snapshots` epochs (after a first one that warms up; rounded up to a whole number of a
   model's `sample_every`, as MADE and PixelCNN draw their samples every 8th epoch)
   and `repeats` runs, the models taken in turn within each repeat so that the machine's
   load falls on all of them alike.
   Printed: per-epoch ms of training alone and of the full run, the pictures' cost as
   full / alone − 1 and as the in-run split (picture time / training time of the same
   epochs), and what drawing each snapshot in its view costs (offscreen at a window's size,
   `ui.view_types.VIEWS`; BLAS limited as during a run), as a share of the time between
   snapshots. Goal: pictures under 10% of the epoch. A run's last epoch (the judging, once)
   is not reached: the runs are closed after `snapshots` + 1 snapshots.
2. The VAE's latent pad (`LatentCanvas`: the crosshair dragged, and a slider) and the GAN's
   interpolation slider (`GeneratorCanvas`): per simulated drag event, the time from the
   move to the decoded image painted (events processed until its view has painted), over a
   few hundred events; median and 95th percentile. Goal: under 20 ms.

torch runs on one thread (`engine.generative.torch_setup.import_torch`); the threads numpy's
BLAS uses are printed. Numbers taken while the machine is busy are noisy: the ratios are the
figures to read, not the milliseconds. Nothing is asserted.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TRAINING_METHODS = ("epoch", "train")  # what the trainers of the generative modules call it
VIEW_SIZE = (1280, 720)
DRAG_EVENTS = 300
PAINT_WAIT_S = 0.5  # an event whose picture has not painted by then counts as this long


# ---------------------------------------------------------------- the models


def digit_models(digits) -> list:
    """(algorithm, default params) of each generative model whose checks accept digits."""
    from engine import registry

    found = []
    for algorithm in registry.by_family().get("Generative models", []):
        try:
            params = algorithm.resolve(digits, {"seed": 0})
        except ValueError:
            continue
        if training_methods(algorithm):
            found.append((algorithm, params))
        else:
            print(f"  {algorithm.id}: no trainer with an epoch or train method; skipped")
    return found


def training_methods(algorithm) -> list[tuple[type, str]]:
    """The (class, method name) pairs in the algorithm's module that train: classes named
    …Trainer that define `epoch` or `train` themselves."""
    module = sys.modules[type(algorithm).__module__]
    found = []
    for name, cls in vars(module).items():
        if not (isinstance(cls, type) and cls.__module__ == module.__name__
                and name.endswith("Trainer")):
            continue
        method = next((m for m in TRAINING_METHODS if m in cls.__dict__), None)
        if method is not None:
            found.append((cls, method))
    return found


@dataclass
class Clock:
    """Time spent in the training method, its calls, and that call again (to repeat it); and
    the time in the trainer's other public methods (where the pictures' time goes), counted
    only when called from outside the trainer's own methods."""

    seconds: float = 0.0
    calls: int = 0
    again: functools.partial | None = None
    others: dict[str, float] = field(default_factory=dict)
    depth: int = 0


def _timed(clock: Clock, name: str, original, training: bool):
    @functools.wraps(original)
    def timed(self, *args, **kwargs):
        outer = clock.depth == 0
        clock.depth += 1
        t0 = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            seconds = time.perf_counter() - t0
            clock.depth -= 1
            if training:
                clock.seconds += seconds
                clock.calls += 1
                clock.again = functools.partial(original, self, *args, **kwargs)
            elif outer:
                clock.others[name] = clock.others.get(name, 0.0) + seconds

    return timed


@contextlib.contextmanager
def clocked_training(algorithm, clock: Clock):
    """Wrap the algorithm's trainers' public methods so that `clock` adds up their time."""
    patched = []
    for cls, training in training_methods(algorithm):
        for name, original in list(vars(cls).items()):
            if inspect.isfunction(original) and not name.startswith("_"):
                setattr(cls, name, _timed(clock, name, original, name == training))
                patched.append((cls, name, original))
    try:
        yield
    finally:
        for cls, name, original in patched:
            setattr(cls, name, original)


@dataclass
class Timings:
    """Per snapshot: seconds of the whole next(), of training inside it, its training calls,
    and one training call alone right after it; seconds in the trainer's other methods."""

    full: list[float] = field(default_factory=list)
    train: list[float] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    alone: list[float] = field(default_factory=list)
    others: dict[str, float] = field(default_factory=dict)
    snapshots: list = field(default_factory=list)  # of the last repeat, to draw


def window_context():
    """A run's context as the window makes it: BLAS and OpenMP kept to all cores but one."""
    from engine.protocol import RunContext
    from ui.worker import WORKER_THREADS

    return RunContext(seed=0, threads=WORKER_THREADS)


def one_run(algorithm, params: dict, data, snapshots: int, into: Timings) -> None:
    """`snapshots` + 1 snapshots of a run (the first one, which builds the model and warms
    up, is not counted), each followed by one epoch of training alone; then the run closed."""
    clock = Clock()
    kept = []
    with clocked_training(algorithm, clock):
        run = algorithm.run(data, params, window_context())
        try:
            for i in range(snapshots + 1):
                seconds, calls, others = clock.seconds, clock.calls, dict(clock.others)
                t0 = time.perf_counter()
                snap = next(run, None)
                full = time.perf_counter() - t0
                if snap is None:
                    break
                kept.append(snap)
                if i:
                    into.full.append(full)
                    into.train.append(clock.seconds - seconds)
                    into.calls.append(clock.calls - calls)
                    for name, total in clock.others.items():
                        spent = total - others.get(name, 0.0)
                        into.others[name] = into.others.get(name, 0.0) + spent
                clock.depth += 1  # what the epoch alone calls is not the pictures' time
                t0 = time.perf_counter()
                clock.again()
                alone = time.perf_counter() - t0
                clock.depth -= 1
                if i:
                    into.alone.append(alone)
        finally:
            run.close()
    into.snapshots = kept


def picture_costs(t: Timings) -> dict:
    """Per-epoch means and the two picture-cost ratios, as ratios of totals: a model that
    draws its samples every few epochs pays for them in some epochs only, which a median
    would not see."""
    epochs = max(sum(t.calls), 1)
    full, train, alone = sum(t.full), sum(t.train), sum(t.alone)
    where = "-"
    if t.others:
        name, seconds = max(t.others.items(), key=lambda kv: kv[1])
        where = f"{name} {min(seconds / max(full - train, 1e-12), 1.0):.0%}"
    return {"alone_ms": 1e3 * alone / len(t.alone), "full_ms": 1e3 * full / epochs,
            "pictures_ms": 1e3 * (full - train) / epochs,
            "cost_ratio": (full / epochs) / (alone / len(t.alone)) - 1.0,
            "cost_split": (full - train) / train, "where": where,
            "epochs_per_snapshot": epochs / len(t.calls)}


# ---------------------------------------------------------------- the window


def application():
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(mode, context, message):  # the offscreen platform says this on every show
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    return QApplication.instance() or QApplication([])


def frame_of(dataset):
    """The data set as the window frames it (its default 2-D view)."""
    from engine.projection import Projection, default_mode
    from ui.views import DataFrame2D

    projection = Projection(dataset.X, default_mode(dataset.d), dataset.feature_names)
    return DataFrame2D(dataset, projection.xy, projection.axis_labels, projection.transform,
                       projection.exact)


def view_for(snapshot, frame):
    """The snapshot's view, offscreen, shown at a window's size."""
    from ui.view_types import VIEWS

    view = VIEWS[type(snapshot)]()
    view.resize(*VIEW_SIZE)
    view.set_frame(frame)
    view.show()
    application().processEvents()
    return view


def draw_times(snapshots: list, frame) -> list[float]:
    """Seconds to show and paint each snapshot but the first (which builds the canvases);
    empty if there are none or their type has no view yet."""
    from ui.view_types import VIEWS

    if not snapshots or type(snapshots[0]) not in VIEWS:
        return []
    app = application()
    view = view_for(snapshots[0], frame)
    times = []
    for i, snap in enumerate(snapshots):
        t0 = time.perf_counter()
        view.show_snapshot(snap)
        view.flush()
        view.repaint()
        app.processEvents()
        if i:
            times.append(time.perf_counter() - t0)
    view.close()
    view.deleteLater()
    return times


class PaintWatch:
    """Says when each of some widgets has painted since `reset`."""

    def __init__(self, widgets):
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint
        painted = self.painted = set()

        class Filter(QObject):
            def eventFilter(self, obj, event):
                if event.type() == paint:
                    painted.add(id(obj))
                return False

        self.widgets = list(widgets)
        self.filter = Filter()
        for w in self.widgets:
            w.installEventFilter(self.filter)

    def reset(self) -> None:
        self.painted.clear()

    def done(self) -> bool:
        return all(id(w) in self.painted for w in self.widgets)


def event_times(move, watched, events: int = DRAG_EVENTS) -> np.ndarray:
    """Seconds from each `move(i)` to every watched widget painted, events processed."""
    app = application()
    watch = PaintWatch(watched)
    for _ in range(5):
        app.processEvents()
    out = []
    for i in range(events):
        watch.reset()
        t0 = time.perf_counter()
        move(i)
        while not watch.done() and time.perf_counter() - t0 < PAINT_WAIT_S:
            app.processEvents()
        out.append(time.perf_counter() - t0)
    return np.array(out)


def latent_pad(snapshot, frame) -> dict:
    """The VAE's pad: the crosshair dragged round a circle, then the first slider swept."""
    view = view_for(snapshot, frame)
    view.show_snapshot(snapshot)
    view.flush()
    canvas = view.latent
    pad_view, image_view = canvas.graphics_views()
    watched = [pad_view.viewport(), image_view.viewport()]
    (x0, x1), (y0, y1) = pad_view.getPlotItem().getViewBox().viewRange()
    angles = np.linspace(0.0, 4 * np.pi, DRAG_EVENTS)
    x = (x0 + x1) / 2 + 0.35 * (x1 - x0) * np.cos(angles)  # round a circle inside the pad
    y = (y0 + y1) / 2 + 0.35 * (y1 - y0) * np.sin(angles)

    def drag(i):  # what a mouse drag of the crosshair does, one move event
        canvas.crosshair().setPos(float(x[i]), float(y[i]))

    slider = canvas.slider(0)
    values = np.round(np.linspace(slider.minimum(), slider.maximum(), DRAG_EVENTS)).astype(int)

    def slide(i):
        slider.setValue(int(values[i]))

    out = {"latent pad, crosshair drag": event_times(drag, watched),
           "latent pad, slider z1": event_times(slide, [image_view.viewport(), slider])}
    view.close()
    return out


def gan_slider(snapshot, frame) -> dict:
    """The GAN's interpolation slider swept back and forth."""
    from widgets.gan_samples import SLIDER_STEPS

    view = view_for(snapshot, frame)
    view.show_snapshot(snapshot)
    view.flush()
    canvas = view.samples
    (image_view,) = canvas.graphics_views()
    sweep = np.concatenate([np.arange(SLIDER_STEPS + 1), np.arange(SLIDER_STEPS - 1, 0, -1)])

    def slide(i):
        canvas.set_t(sweep[(i + 1) % len(sweep)] / SLIDER_STEPS)

    times = event_times(slide, [image_view.viewport()])
    view.close()
    return {"GAN interpolation slider": times}


# ---------------------------------------------------------------- report


def threads() -> str:
    from threadpoolctl import threadpool_info

    from engine.generative.torch_setup import import_torch

    torch = import_torch()
    pools = ", ".join(f"{p['internal_api']} {p['num_threads']}" for p in threadpool_info())
    return (f"CPU cores: {os.cpu_count()}; torch threads: {torch.get_num_threads()}; "
            f"numpy/BLAS and OpenMP pools: {pools}; load average now: "
            f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}")


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(w) if j else c.ljust(w) for j, (c, w) in
                       enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(snapshots: int = 6, repeats: int = 3, *only: str) -> None:
    """`only`: the ids of the models to measure (all digits models when none are named)."""
    from engine import datasets

    digits = datasets.load("digits")
    print(threads())
    models = [(a, p) for a, p in digit_models(digits) if not only or a.id in only]
    print("models on digits:", ", ".join(a.id for a, _ in models))
    timings = {a.id: Timings() for a, _ in models}
    spent = dict.fromkeys(timings, 0.0)
    t_start = time.perf_counter()
    with window_context().thread_limits():  # as while a run streams in the window
        for _ in range(repeats):
            for algorithm, params in models:
                t0 = time.perf_counter()
                every = getattr(algorithm, "sample_every", 1)  # count whole periods
                one_run(algorithm, params, digits, -(-snapshots // every) * every,
                        timings[algorithm.id])
                spent[algorithm.id] += time.perf_counter() - t0
        print(f"while training, {threads()}")
        print(f"training: {time.perf_counter() - t_start:.0f} s for {repeats} runs of "
              f"{snapshots} + 1 snapshots each ("
              + ", ".join(f"{k} {v:.0f} s" for k, v in spent.items()) + ")\n")
        frame = frame_of(digits)
        draws = {a.id: draw_times(timings[a.id].snapshots, frame) for a, _ in models}
    rows = [["model", "alone ms/epoch", "full ms/epoch", "pictures ms", "cost full/alone",
             "cost split", "mostly in", "draw ms/snapshot", "draw share"]]
    for algorithm, _ in models:
        c = picture_costs(timings[algorithm.id])
        draw = draws[algorithm.id]
        draw_ms = 1e3 * float(np.median(draw)) if draw else float("nan")
        snapshot_ms = c["full_ms"] * c["epochs_per_snapshot"]
        rows.append([algorithm.id, f"{c['alone_ms']:.0f}", f"{c['full_ms']:.0f}",
                     f"{c['pictures_ms']:.1f}", f"{100 * c['cost_ratio']:+.1f}%",
                     f"{100 * c['cost_split']:.1f}%", c["where"], f"{draw_ms:.1f}",
                     f"{100 * draw_ms / snapshot_ms:.1f}%"])
    print(table(rows))
    print("\nms per epoch: means over the epochs measured; cost full/alone: full epochs / "
          "epochs of training alone − 1; cost split: picture time / training time within the "
          "same epochs (less noisy); mostly in: the trainer's method that takes most of the "
          "picture time, and its share; draw share: view.show_snapshot + paint at "
          f"{VIEW_SIZE[0]}×{VIEW_SIZE[1]}, per snapshot, over the time between snapshots.\n")
    rows = [["drag event: decode + repaint", "BLAS threads", "events", "median ms",
             "95th pct ms", "max ms"]]
    last = {a.id: timings[a.id].snapshots[-1] for a, _ in models if timings[a.id].snapshots}
    for limit, when in ((None, "after a run"), (window_context().threads, "during a run")):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=limit):
            events = {}
            if "vae" in last:
                events.update(latent_pad(last["vae"], frame))
            if "gan" in last:
                events.update(gan_slider(last["gan"], frame))
        for name, seconds in events.items():
            ms = 1e3 * seconds
            rows.append([name, f"{limit or os.cpu_count()} ({when})", str(len(ms)),
                         f"{np.median(ms):.1f}", f"{np.percentile(ms, 95):.1f}",
                         f"{ms.max():.1f}"])
    print(table(rows))
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s. {threads()}")
    print("Taken while other work loads the machine, the milliseconds are noisy; the ratios "
          "are steadier.")


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:3]], *sys.argv[3:])
