"""The topic model in the window: the tables, the stacked mixtures and the perplexity curve
hold the last snapshot's; a corpus's preview shows its frequent words and a document."""

import numpy as np

from engine import datasets
from engine.topics.lda import TopicModel
from tests.ui.conftest import load, run_and_wait
from ui.views_topics import shown_documents


def test_topics_tables_mixtures_and_perplexity(qtbot, window):
    data = datasets.load("topics", n_samples=60, n_topics=3, doc_length=20)
    load(qtbot, window, data)
    panel = window.data_panel
    assert panel.preview.horizontalHeaderItem(0).text() in data.feature_names
    assert "Document 1: " + data.documents[0] in panel.prose.toPlainText()
    window.method_panel.select("topic-lda")
    window.method_panel.set_values({"n_topics": 3, "n_iter": 4})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, TopicModel) and snap.iteration == 4
    view = window.current_view()
    view.flush()
    assert view.words.shape() == (3, 3)
    assert view.words.cell(0, 1).split() == [data.feature_names[j] for j in snap.top[0]]
    assert view.words.cell(1, 2) == f"{snap.topic_word[1, snap.top[1]].sum():.0%}"
    nmf_first = data.feature_names[snap.nmf_top[2, 0]]
    assert view.nmf.cell(2, 1).startswith(nmf_first)
    assert view.nmf.cell(2, 2) == f"{snap.nmf_similarity[2]:.2f}"
    rows = shown_documents(data.y, data.n)
    np.testing.assert_allclose(view.mixtures.values(), snap.doc_topic[rows])
    assert view.mixtures.names() == ["topic 1", "topic 2", "topic 3"]
    _, y = view.curve.curve_data("perplexity")
    np.testing.assert_allclose(y, snap.perplexity)
    names = [name for name, _ in view.named_canvases()]
    assert names == ["LDA topics", "Topic mixtures", "Perplexity per pass", "NMF topics"]


def test_the_preview_shows_the_first_documents_own_words(qtbot, window):
    """The first documents' commonest words head the table, so their counts are not all zero,
    and the documents are written out below it."""
    data = datasets.load("short_texts")
    load(qtbot, window, data)
    table = window.data_panel.preview
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[-1] == "label" and len(headers) > 2
    counts = [[float(table.item(r, c).text()) for c in range(len(headers) - 1)]
              for r in range(table.rowCount())]
    assert all(any(row) for row in counts[:3])
    assert window.data_panel.prose.toPlainText().startswith("Document 1: ")
