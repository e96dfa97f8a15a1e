"""The view of a diffusion model on 2-D data.

Main canvas: the forward process at the t of its slider, x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε drawn
from the snapshot's fixed ε, with the learnt denoising field at the same t as arrows on a
grid. Both follow the slider on the main thread: the forward points are one line of numpy,
and the field is the snapshot's numpy copy of ε_θ on 17 × 17 points (well under a
millisecond), so any t can be shown without carrying T grids in every snapshot.
Side: the reverse-sampling paths the worker recorded, played back step by step (x_T → x_0);
the loss per gradient step; the schedule's signal and noise scales with the slider's t marked.
"""

from __future__ import annotations

import numpy as np

from engine.generative.diffusion import Diffusion, field_arrows, field_box
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.diffusion import PlaneCanvas

TRAILS = 10  # sampling paths drawn as lines (every sample is drawn as a point)
START_SIGNAL = 0.9  # the forward slider starts at the first t with ᾱ_t at most this
SAMPLE_SIZE = 5.0  # pixels: hundreds of samples overlap less than at the default size
LOSS_WINDOW = 50  # steps in the loss's running mean


def running_mean(values: np.ndarray, window: int) -> np.ndarray:
    """The mean of each value and the window − 1 before it (fewer at the start)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    sums = np.cumsum(np.concatenate([[0.0], values]))
    ends = np.arange(1, values.size + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def start_t(alpha_bar: np.ndarray) -> int:
    """Where the forward slider starts: noisy enough for the field to show, the data still
    recognisable (the first t with ᾱ_t ≤ START_SIGNAL)."""
    below = np.flatnonzero(np.asarray(alpha_bar) <= START_SIGNAL)
    return int(below[0]) if below.size else len(alpha_bar) - 1


class DiffusionView(View):
    """Forward process and field under a t slider; sampling paths under a play button; the
    loss per step; the noise schedule."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.forward = PlaneCanvas("t")
        self.forward.canvas_name = "Forward process and denoising field"
        self.reverse = PlaneCanvas("reverse step")
        self.reverse.canvas_name = "Reverse sampling"
        self.reverse.set_marker_size(SAMPLE_SIZE)
        self.loss = CurveCanvas()
        self.loss.canvas_name = "Loss per step"
        self.loss.set_labels("gradient step", "‖ε − ε_θ‖²")
        self.schedule = CurveCanvas()
        self.schedule.canvas_name = "Noise schedule"
        self.schedule.set_labels("t", "scale")
        self._arrange(self.forward, self.reverse, self.loss, self.schedule)
        self.side.setSizes([4, 2, 2])
        self._snap: Diffusion | None = None
        self.forward.slider.value_changed.connect(self._draw_forward)
        self.reverse.slider.value_changed.connect(self._draw_reverse)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self._snap = None
        for canvas in (self.forward, self.reverse):
            canvas.clear()
            canvas.set_axis_labels(*frame.axis_labels)
            canvas.lock_aspect_for(frame.xy)
        self.loss.clear()
        self.schedule.clear()

    # ---- the slider positions ------------------------------------------------------------------

    def forward_t(self) -> int:
        return self.forward.slider.value()

    def set_forward_t(self, t: int) -> None:
        self.forward.slider.set_value(t)

    def reverse_step(self) -> int:
        """Reverse steps taken: 0 shows x_T (noise), T the samples x_0."""
        return self.reverse.slider.value()

    def set_reverse_step(self, k: int) -> None:
        self.reverse.slider.set_value(k)

    # ---- snapshots -------------------------------------------------------------------------------

    def show_snapshot(self, snap: Diffusion) -> None:
        fresh = self._snap is None or self._snap.T != snap.T
        self._snap = snap
        for slider in (self.forward.slider, self.reverse.slider):
            slider.blockSignals(True)
            slider.set_range(0, snap.T)
            slider.blockSignals(False)
        if fresh:
            self.forward.slider.blockSignals(True)
            self.forward.slider.set_value(start_t(snap.alpha_bar))
            self.forward.slider.blockSignals(False)
            self.reverse.slider.blockSignals(True)
            self.reverse.slider.set_value(snap.T)
            self.reverse.slider.blockSignals(False)
            self.forward.set_reference(self._project(snap.data))
            self.reverse.set_reference(self._project(snap.data))
            low, high = self._projected_box(*field_box(snap))
            self.forward.set_box(low, high)
            self.reverse.set_box(low, high)
        self._draw_forward()
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Diffusion) -> None:
        self._draw_reverse()
        steps = np.arange(1, len(snap.loss) + 1)
        self.loss.set_curves({"loss per step": snap.loss,
                              f"mean of the last {LOSS_WINDOW}":
                                  running_mean(snap.loss, LOSS_WINDOW)}, x=steps)
        self.loss.set_cursor(len(snap.loss) - 1 if len(snap.loss) else None)
        self.loss.set_title(f"step {snap.train_step:,} of {snap.n_steps:,}: "
                            f"loss {snap.loss[-1]:.3f}" if len(snap.loss) else None)
        t = np.arange(snap.T + 1)
        self.schedule.set_labels(f"t ({snap.schedule}, T = {snap.T})", "scale")
        self.schedule.set_curves({"√ᾱ_t (signal)": np.sqrt(snap.alpha_bar),
                                  "√(1−ᾱ_t) (noise)": np.sqrt(1.0 - snap.alpha_bar)}, x=t)
        self.schedule.legend.setVisible(False)  # the title tells the falling curve from the rising
        self._mark_schedule()

    def _project(self, points: np.ndarray) -> np.ndarray:
        return self.frame.project(np.asarray(points, dtype=np.float64))

    def _projected_box(self, low: np.ndarray, high: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
        """The box around a data-units box's four corners as drawn."""
        corners = np.array([[low[0], low[1]], [low[0], high[1]], [high[0], low[1]],
                            [high[0], high[1]]])
        xy = self._project(corners)
        return xy.min(axis=0), xy.max(axis=0)

    def _labels(self, n: int) -> np.ndarray:
        y = self.frame.dataset.y if self.frame is not None else None
        return y if y is not None and len(y) == n else np.zeros(n, np.int64)

    # ---- drawing under the sliders ---------------------------------------------------------------

    def _draw_forward(self, *_) -> None:
        snap = self._snap
        if snap is None or self.frame is None:
            return
        t = self.forward_t()
        ab = float(snap.alpha_bar[t])
        self.forward.set_points(self._project(snap.forward(t)), self._labels(len(snap.data)))
        if t >= 1:
            starts, ends = field_arrows(snap, t)
            self.forward.set_field(self._project(starts), self._project(ends))
            arrows = "arrows: the learnt score −ε_θ(x, t)/√(1−ᾱ_t)"
        else:
            self.forward.set_field(None)
            arrows = "t = 0 is the data itself: no noise, no field"
        self.forward.slider.set_text(f"t = {t} of {snap.T}")
        self.forward.set_title(f"t = {t}: x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, ᾱ_t = {ab:.3f}"
                               f"<br>{arrows}")
        self._mark_schedule()

    def _mark_schedule(self) -> None:
        snap = self._snap
        if snap is None or not self.schedule.curve_names():
            return
        t = self.forward_t()
        self.schedule.set_cursor(t)
        ab = float(snap.alpha_bar[t])
        self.schedule.set_title(f"signal √ᾱ_t ↘, noise √(1−ᾱ_t) ↗<br>at t = {t}: "
                                f"{np.sqrt(ab):.3f}, {np.sqrt(1.0 - ab):.3f}")

    def _draw_reverse(self, *_) -> None:
        snap = self._snap
        if snap is None or self.frame is None:
            return
        k = self.reverse_step()
        t = snap.T - k
        m = snap.paths.shape[1]
        self.reverse.set_points(self._project(snap.paths[t].reshape(-1, 2)),
                                np.zeros(m, np.int64))
        shown = snap.paths[t:, :TRAILS][::-1]  # x_T … x_t of the first few samples
        flat = self._project(shown.reshape(-1, 2)).reshape(shown.shape)
        self.reverse.set_trails(flat if len(shown) > 1 else None)
        self.reverse.slider.set_text(f"{k} of {snap.T} (t = {t})")
        what = "x_T: the starting noise" if k == 0 else (
            "x_0: the samples" if t == 0 else f"x_{t}: {k} reverse steps from noise")
        if len(snap.precision):
            what += (f"<br>{snap.precision[-1]:.0%} on the data (noise: "
                     f"{snap.noise_precision:.0%}), {snap.recall[-1]:.0%} of it covered")
        self.reverse.set_title(what)
