"""The char-RNN as it learns: what it writes (steered by a temperature slider, a priming text
and "sample again"), bits per character per epoch, and where in the held-out text it is
surprised.

Sampling runs the snapshot's numpy copy of the network on the main thread: a few
milliseconds for SAMPLE_LENGTH characters, so the text follows the slider as it moves.
"""

from __future__ import annotations

import numpy as np

from engine.generative.char_rnn import CharModel
from ui.views import View
from widgets.curves import CurveCanvas
from widgets.text_sample import SampleCanvas, SurpriseCanvas

SAMPLE_LENGTH = 240
SURPRISE_CHARS = 600  # held-out characters shown coloured by the bits spent on them


class CharModelView(View):
    """Main: the sample and its controls. Side: bits per character per epoch on the
    training and held-out text (two baselines in the title); the held-out text shaded by
    surprise."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sample = SampleCanvas()
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Bits per character"
        self.curve.set_labels("epoch", "bits per character")
        self.surprise = SurpriseCanvas()
        self.surprise.canvas_name = "Surprise on held-out text"
        self._arrange(self.sample, self.curve, self.surprise)
        self.side.setSizes([3, 2])
        self._snap: CharModel | None = None
        self.sample.resampled.connect(self._on_resampled)

    def show_snapshot(self, snap: CharModel) -> None:
        self._snap = snap
        net = snap.net
        self.sample.set_sampler(
            lambda prime, temperature, seed: net.sample(SAMPLE_LENGTH, temperature, seed, prime))
        self._later(lambda: self._show_side(snap))

    def _on_resampled(self, _text: str) -> None:
        snap = self._snap
        if snap is None:
            return
        self.sample.set_title(f"{SAMPLE_LENGTH} characters written at temperature "
                              f"{self.sample.temperature():.2f} after epoch {snap.epoch} of "
                              f"{snap.n_epochs} (held-out {snap.held_out_bits[-1]:.2f} bits "
                              f"per character)")

    def _show_side(self, snap: CharModel) -> None:
        epochs = np.arange(1, snap.epoch + 1)
        self.curve.set_curves({"training": snap.train_bits, "held-out": snap.held_out_bits},
                              x=epochs)
        self.curve.set_cursor(snap.epoch - 1)
        # From 0 (every character foreseen) to at least uniform guessing: the scale on which
        # the curves mean something, and room above them for the legend.
        top = max(snap.uniform_bits, float(snap.train_bits.max()),
                  float(snap.held_out_bits.max()))
        self.curve.plot_item.setYRange(0.0, 1.05 * top, padding=0.0)
        best = int(np.argmin(snap.held_out_bits))
        self.curve.set_title(f"held-out: {snap.held_out_bits[-1]:.3f} (best "
                             f"{snap.held_out_bits[best]:.3f}, epoch {best + 1}); letter "
                             f"frequencies alone: {snap.unigram_bits:.2f}; uniform over "
                             f"{snap.net.size} characters: {snap.uniform_bits:.2f}")
        n = min(SURPRISE_CHARS, len(snap.held_out_text))
        self.surprise.set_text(snap.held_out_text[:n], snap.surprise[:n],
                               f"held-out text, each character shaded by the bits spent on "
                               f"it (mean over these {n}: {snap.surprise[:n].mean():.2f})")
