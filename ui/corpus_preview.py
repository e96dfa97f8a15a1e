"""The data panel's preview of a corpus: the first documents × their most frequent words as
a table of counts, and the first documents themselves."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QTableWidget, QTableWidgetItem

from engine.data import Dataset
from engine.datasets.corpus import top_words

SHOWN_DOCUMENTS = 2


def fill_corpus_preview(table: QTableWidget, prose: QPlainTextEdit, dataset: Dataset,
                        rows: int, columns: int) -> None:
    """Counts of the `columns` words most frequent in the first `rows` documents (and each
    document's label), then the first documents written out below. Their own words, not the
    whole corpus's: the first documents share a subject, and the corpus's commonest words
    would give a table of zeros."""
    rows = min(rows, dataset.n)
    words = top_words(dataset.X[:rows], dataset.feature_names, columns)
    headers = [dataset.feature_names[j] for j in words]
    headers += ["label"] if dataset.has_labels else []
    table.clear()
    table.setRowCount(rows)
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    for i in range(rows):
        for c, j in enumerate(words):
            table.setItem(i, c, QTableWidgetItem(f"{dataset.X[i, j]:g}"))
        if dataset.has_labels:
            table.setItem(i, len(words), QTableWidgetItem(dataset.target_names[dataset.y[i]]))
    table.setVisible(True)
    shown = dataset.documents[:SHOWN_DOCUMENTS]
    prose.setPlainText("\n\n".join(f"Document {i + 1}: {text}" for i, text in enumerate(shown)))
    prose.setVisible(True)
