"""The table that judges a digits model's samples: Fréchet distance, inception-like score and
Parzen log-likelihood, the real digits' own values beside them, and what each misses."""

from __future__ import annotations

import math

from engine.generative.judging import Judgement, can_judge
from widgets.table import TableCanvas

WAITING = "Judging the samples: at the end of the run"
HEADER = ("measure", "samples", "real digits", "what it misses")


class JudgementCanvas(TableCanvas):
    canvas_name = "Judging the samples"

    def set_judgement(self, judgement: Judgement | None) -> None:
        """Show a judgement, or the note that one comes at the end of the run."""
        if judgement is None:
            self.clear(WAITING)
            return
        rows = [(name, value, "" if math.isnan(real) else real, misses)
                for name, value, real, misses in judgement.rows()]
        self.set_table(f"{judgement.n_samples:,} samples judged by a classifier of "
                       f"{judgement.classifier_accuracy:.0%} held-out accuracy",
                       HEADER, rows)


def show_judgement(canvas: JudgementCanvas, frame, judgement: Judgement | None) -> None:
    """Shown only for data that can be judged (labelled images), waiting until the run's end."""
    canvas.setVisible(frame is not None and can_judge(frame.dataset))
    canvas.set_judgement(judgement)
