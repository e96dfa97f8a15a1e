"""The topic model's view: LDA's top words per topic over each document's topic mixture as a
stacked bar; beside, the perplexity per pass and NMF's topics, matched to LDA's."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.topics.lda import TopicModel
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.stacked_bars import StackedBarCanvas
from widgets.table import TableCanvas

MAX_DOCUMENTS = 200  # bars drawn: documents spread through the corpus beyond this


def shown_documents(y: np.ndarray | None, n: int) -> np.ndarray:
    """The documents drawn as bars, grouped by class when there are labels (so each class's
    mixtures stand side by side), at most MAX_DOCUMENTS spread evenly through the corpus."""
    rows = np.unique(np.linspace(0, n - 1, min(n, MAX_DOCUMENTS)).astype(int))
    if y is not None:
        rows = rows[np.argsort(y[rows], kind="stable")]
    return rows


def word_rows(top: np.ndarray, weights: np.ndarray, words) -> list[list[str]]:
    """One table row per topic: its name, its top words, and the share of the topic's weight
    they carry together."""
    return [[f"topic {t + 1}", " ".join(words[j] for j in top[t]),
             f"{weights[t, top[t]].sum():.0%}"] for t in range(len(top))]


class TopicView(View):
    """Main: the LDA topics' top words, the documents' mixtures below. Beside: perplexity
    per pass, NMF topics (row t matched to LDA topic t)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.words = TableCanvas()
        self.words.canvas_name = "LDA topics"
        self.mixtures = StackedBarCanvas(colours="clusters")
        self.mixtures.canvas_name = "Topic mixtures"
        self.mixtures.set_labels("documents", "share of each topic")
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Perplexity per pass"
        self.curve.set_labels("pass", "perplexity")
        self.nmf = TableCanvas()
        self.nmf.canvas_name = "NMF topics"
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(self.words)
        main.addWidget(self.mixtures)
        main.setSizes([300, 340])
        self._arrange(main, self.curve, self.nmf)
        self.side.setSizes([260, 380])
        self._rows = np.zeros(0, dtype=int)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        ds = frame.dataset
        self._rows = shown_documents(ds.y, ds.n)
        self.words.clear("LDA topics")
        self.nmf.clear("NMF topics")
        self.curve.clear()
        self.mixtures.clear()

    def show_snapshot(self, snap: TopicModel) -> None:
        words = self.frame.dataset.feature_names
        self.words.set_table(f"LDA: the {snap.top.shape[1]} likeliest words of each topic "
                             f"(pass {snap.iteration} of {snap.n_iter})",
                             ["topic", "top words, likeliest first", "their share"],
                             word_rows(snap.top, snap.topic_word, words), stretch=1)
        self.mixtures.set_stacks(snap.doc_topic[self._rows],
                                 [f"topic {t + 1}" for t in range(snap.k)],
                                 self._mixture_title(len(self._rows)))
        self._later(lambda: self._show_side(snap))

    def _mixture_title(self, m: int) -> str:
        ds = self.frame.dataset
        what = f"topics of {m} of the {ds.n} documents" if m < ds.n else "topics of each document"
        return what + (", by class" if ds.y is not None else "")

    def _show_side(self, snap: TopicModel) -> None:
        self.curve.set_curves({"perplexity": snap.perplexity},
                              x=np.arange(1, snap.perplexity.size + 1))
        self.curve.set_cursor(snap.perplexity.size - 1)
        self.curve.set_title(f"perplexity {snap.perplexity[-1]:.4g}")
        rows = word_rows(snap.nmf_top, snap.nmf_topic_word, self.frame.dataset.feature_names)
        for row, cosine in zip(rows, snap.nmf_similarity, strict=True):
            row[2] = f"{cosine:.2f}"
        self.nmf.set_table("NMF on tf-idf: topic t matched to LDA's topic t",
                           ["topic", "top words", "cosine to LDA"], rows, stretch=1)
