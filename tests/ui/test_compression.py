"""Huffman and arithmetic coding in the window, on a text typed in the data panel's box: the
tree, the counts, the code table and the bars hold what the last snapshot says; a data set
that is not a text is refused in words, and so is a typed text without a word."""

import numpy as np
import pytest

from engine.compression import huffman
from engine.compression.symbols import readable
from tests.pixels import distinct_colours
from tests.ui.conftest import run_and_wait
from ui import text_dialog
from ui.views_compression import ArithmeticView, HuffmanView

TEXT = "abracadabra, a magic word\nsaid twice: abracadabra!"


@pytest.fixture
def typed(qtbot, window, monkeypatch):
    """The window with TEXT typed in the data panel's box."""
    def exec_(dialog):
        dialog.editor.setPlainText(TEXT)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(text_dialog.TextDialog, "exec", exec_)
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=30000):
        window.data_panel.type_button.click()
    assert window.data_panel.dataset.raw_text == TEXT
    return window


def final_snapshot(window):
    history = window.controller.history
    return history[len(history) - 1]


def test_the_huffman_view_shows_the_finished_tree_table_and_lengths(qtbot, typed):
    window = typed
    window.method_panel.select("huffman")
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, HuffmanView)
    view.flush()
    snap = final_snapshot(window)
    assert snap.done and snap.alphabet == "".join(sorted(set(TEXT)))
    assert len(window.controller.history) == snap.size  # one step per merge, and the start

    tree = view.tree
    assert tree.leaf_labels() == [readable(c) for c in snap.alphabet]
    assert "␣" in tree.leaf_labels() and "⏎" in tree.leaf_labels()
    assert len(tree.edge_segments()) == 2 * (snap.size - 1)
    assert len(tree.newest_segments()) == 2  # the last merge, at the root
    assert tree.bit_labels().count("0") == snap.size - 1
    xy, _ = huffman.layout(snap.merges, snap.size, snap.n_merges)
    np.testing.assert_array_equal(-xy[:snap.size, 1], [len(w) for w in snap.codewords])

    order = np.argsort(-snap.counts, kind="stable")
    np.testing.assert_array_equal(view.frequencies.values(), snap.counts[order])
    assert view.frequencies.names()[0] == readable(snap.alphabet[order[0]])
    assert view.table.shape() == (snap.size, 4)
    for row, i in enumerate(order):
        assert view.table.cell(row, 2) == snap.codewords[i]
    np.testing.assert_allclose(view.lengths.values(),
                               [snap.entropy, snap.average_length, snap.fixed_length])
    assert f"{snap.average_length:.3f}" in view.lengths.title()
    assert distinct_colours(tree) > 3

    window.run_bar.timeline.setValue(3)  # scrub back: three merges done
    view.flush()
    assert "after 3 of" in view.tree.title() and len(view.tree.edge_segments()) == 6


def test_the_arithmetic_view_draws_the_narrowing_and_compares_the_models(qtbot, typed):
    window = typed
    window.method_panel.select("arithmetic")
    window.method_panel.set_values({"model": "static count", "shown": 12})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, ArithmeticView)
    view.flush()
    snap = final_snapshot(window)
    assert snap.coded_text == TEXT and all(snap.round_trip)

    canvas = view.intervals
    assert canvas.rows() == 12
    assert canvas.symbol_labels() == [readable(c) for c in TEXT[:12]]
    rows = np.arange(12)
    np.testing.assert_allclose(canvas.chosen_shares(), np.column_stack([
        snap.step_tables[rows, snap.step_symbols], snap.step_tables[rows, snap.step_symbols + 1]]))
    assert canvas.notes()[-1].startswith(f"2^−{snap.step_width_bits[-1]:.1f}")

    n = len(TEXT)
    np.testing.assert_allclose(view.bits.values(), [snap.fixed_bits / n, snap.huffman_bits / n,
                                                    *(snap.coded_bits / n)])
    assert view.bits.names() == ["fixed", "Huffman", "static", "adaptive"]
    np.testing.assert_array_equal(view.penalty.values(), snap.penalty_lengths)
    np.testing.assert_allclose(view.penalty.levels(), snap.penalty_ideal)
    assert view.table.cell(2, 0) == "static count" and view.table.cell(2, 4) == "yes"
    assert view.table.cell(2, 3) == str(snap.coded_bits[0])
    assert distinct_colours(canvas) > 3


def test_a_data_set_that_is_not_a_text_is_refused_in_words(qtbot, window):
    window.method_panel.select("huffman")
    assert not window.run()
    assert "Huffman coding reads a text" in window.method_panel.problem.text()


def test_a_typed_text_without_words_is_refused_in_the_box(qtbot):
    dialog = text_dialog.TextDialog(text="1 2 3 ?!")
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.dataset is None and "no words" in dialog.error.text()
    dialog.editor.setPlainText("ok")
    dialog.accept()
    assert dialog.dataset.raw_text == "ok" and dialog.dataset.source == "typed"


def test_a_short_text_file_loads_as_a_text(qtbot, window, tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("to be or not to be\nthat is the question\n", encoding="utf-8")
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=30000):
        window.data_panel.load_path(str(path))
    assert window.data_panel.dataset.raw_text.startswith("to be or not")
    window.method_panel.select("huffman")
    assert run_and_wait(qtbot, window) == "done"
    assert final_snapshot(window).n_chars == len(path.read_text())
