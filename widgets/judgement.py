"""The table that judges a digits model's samples: Fréchet distance, inception-like score and
Parzen log-likelihood, the real digits' own values beside them, and under each what it misses
(on a row of its own across the table: as a fourth column it wrapped to a word a line)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt

from engine.generative.judging import Judgement, can_judge
from widgets.table import TableCanvas

WAITING = "Judging the samples: at the end of the run"
HEADER = ("measure", "samples", "real digits")


class JudgementCanvas(TableCanvas):
    canvas_name = "Judging the samples"

    def set_judgement(self, judgement: Judgement | None) -> None:
        """Show a judgement, or the note that one comes at the end of the run."""
        if judgement is None:
            self._table.clearSpans()
            self.clear(WAITING)
            return
        rows = []
        for name, value, real, misses in judgement.rows():
            rows.append((name, value, "" if math.isnan(real) else real))
            rows.append((f"misses: {misses}", "", ""))
        if not self.set_table(f"{judgement.n_samples:,} samples judged by a classifier of "
                              f"{judgement.classifier_accuracy:.0%} held-out accuracy",
                              HEADER, rows):
            return  # shown already, spans and all
        table = self._table
        table.clearSpans()
        for r in range(1, len(rows), 2):
            table.setSpan(r, 0, 1, len(HEADER))
            item = table.item(r, 0)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
        table.setWordWrap(True)
        table.resizeRowsToContents()


def show_judgement(canvas: JudgementCanvas, frame, judgement: Judgement | None) -> None:
    """Shown only for data that can be judged (labelled images), waiting until the run's end."""
    canvas.setVisible(frame is not None and can_judge(frame.dataset))
    canvas.set_judgement(judgement)
