"""The image-to-image translation views.

pix2pix: held-out digits as source, G's output and target, one row each (two blocks of
columns); beside them the L1 loss per step, titled with the held-out error of the output and
of the source, and the adversarial losses of G and D per step.

CycleGAN: one picked held-out image followed A → G(A) → F(G(A)) beside the true transform
T(A); below, several held-out images of each domain with their translations and round trips;
beside them the four adversarial losses and the cycle loss per step.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.generative.translation import CycleTranslation, PairedTranslation
from ui.views import View
from widgets.curves import CurveCanvas
from widgets.images import ImageStrip
from widgets.round_trip import RoundTripCanvas

BLOCKS = 2  # the pix2pix strip's columns come in this many blocks, one above the other
CYCLE_COLUMNS = 8  # held-out images of each domain in CycleGAN's strip
ADVERSARIAL = ("G A→B", "G B→A", "D_A", "D_B")


def labelled_rows(rows: list[tuple[str, np.ndarray]], shape: tuple[int, int],
                  blocks: int = 1) -> tuple[np.ndarray, list[str], int]:
    """Images (k·m, h, w), titles and number of rows of a strip in which each named stack
    (m, h·w) is one row, its name over its first image; the columns split into `blocks`
    equal blocks, one under the other, so that a long row does not become a thin band (one
    block when m does not split evenly)."""
    m = len(rows[0][1])
    width = m // blocks if blocks > 1 and m % blocks == 0 else m
    images, titles = [], []
    for start in range(0, m, width):
        for name, stack in rows:
            images.append(np.asarray(stack, np.float64)[start:start + width])
            titles += [name] + [""] * (width - 1)
    return np.vstack(images).reshape(-1, *shape), titles, len(images)


def paired_rows(snap: PairedTranslation) -> list[tuple[str, np.ndarray]]:
    return [(f"source ({snap.source})", snap.sources), ("output G(s)", snap.outputs),
            ("target", snap.targets)]


def cycle_rows(snap: CycleTranslation) -> list[tuple[str, np.ndarray]]:
    k = CYCLE_COLUMNS
    return [("A", snap.a[:k]), ("G(A)", snap.a_to_b[:k]), ("F(G(A))", snap.a_round[:k]),
            (f"B ({snap.domain_b})", snap.b[:k]), ("F(B)", snap.b_to_a[:k]),
            ("G(F(B))", snap.b_round[:k])]


def round_trip_stages(snap: CycleTranslation) -> list[tuple[str, np.ndarray]]:
    return [("A", snap.a), ("G(A): in B", snap.a_to_b), ("F(G(A)): back", snap.a_round),
            (f"true {snap.domain_b}", snap.a_truth)]


def paired_title(snap: PairedTranslation) -> str:
    return (f"held-out mean |error| per pixel<br>output {snap.output_error:.3f}, "
            f"source {snap.source_error:.3f}")


def cycle_title(snap: CycleTranslation) -> str:
    return (f"held-out error per pixel: round trip {snap.round_error:.3f}<br>"
            f"G(A) to true B {snap.truth_error:.3f}, A to it {snap.start_error:.3f}")


def _steps(values: np.ndarray) -> np.ndarray:
    return np.arange(1, len(values) + 1)


class PairedView(View):
    """Main: sources, outputs, targets of held-out images. Beside: L1, adversarial losses."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.images = ImageStrip()
        self.images.canvas_name = "Held-out translations"
        self.l1 = CurveCanvas()
        self.l1.canvas_name = "L1 loss per step"
        self.l1.set_labels("gradient step", "mean |G(s) − x|")
        self.adversarial = CurveCanvas()
        self.adversarial.canvas_name = "Adversarial losses per step"
        self.adversarial.set_labels("gradient step", "loss")
        self._arrange(self.images, self.l1, self.adversarial)

    def show_snapshot(self, snap: PairedTranslation) -> None:
        images, titles, n_rows = labelled_rows(paired_rows(snap), snap.image_shape, BLOCKS)
        self.images.set_images(images, titles, rows=n_rows, levels=snap.levels)
        self._later(lambda: self._show_curves(snap))

    def _show_curves(self, snap: PairedTranslation) -> None:
        steps = _steps(snap.l1)
        self.l1.set_curves({"L1 (batch)": snap.l1}, x=steps)
        self.l1.set_cursor(len(steps) - 1)
        self.l1.set_title(paired_title(snap))
        self.adversarial.set_curves({"G adversarial": snap.adversarial, "D": snap.d_loss},
                                    x=steps)
        self.adversarial.set_cursor(len(steps) - 1)


class CycleView(View):
    """Main: a picked round trip above a strip of several. Beside: adversarial losses, the
    cycle loss."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.round_trip = RoundTripCanvas()
        self.strip = ImageStrip()
        self.strip.canvas_name = "Held-out translations"
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(self.round_trip)
        main.addWidget(self.strip)
        main.setSizes([260, 520])
        self.adversarial = CurveCanvas()
        self.adversarial.canvas_name = "Adversarial losses per step"
        self.adversarial.set_labels("gradient step", "least-squares loss")
        self.cycle = CurveCanvas()
        self.cycle.canvas_name = "Cycle loss per step"
        self.cycle.set_labels("gradient step", "|F(G(a)) − a| + |G(F(b)) − b|")
        self._arrange(main, self.adversarial, self.cycle)

    def show_snapshot(self, snap: CycleTranslation) -> None:
        self.round_trip.set_stages(round_trip_stages(snap), snap.image_shape, snap.levels)
        images, titles, n_rows = labelled_rows(cycle_rows(snap), snap.image_shape)
        self.strip.set_images(images, titles, rows=n_rows, levels=snap.levels)
        self._later(lambda: self._show_curves(snap))

    def _show_curves(self, snap: CycleTranslation) -> None:
        steps = _steps(snap.cycle)
        series = (snap.g_ab, snap.g_ba, snap.d_a, snap.d_b)
        self.adversarial.set_curves(dict(zip(ADVERSARIAL, series, strict=True)), x=steps)
        self.adversarial.set_cursor(len(steps) - 1)
        self.cycle.set_curves({"cycle (batch)": snap.cycle}, x=steps)
        self.cycle.set_cursor(len(steps) - 1)
        self.cycle.set_title(cycle_title(snap))
