"""The char-RNN in the window: the bits-per-character curve holds the snapshot's numbers, the
sample is what the snapshot's network writes with the canvas's settings, and moving the
temperature slider, priming it or asking again writes something else."""

import numpy as np

from engine import datasets
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.views_char_rnn import SAMPLE_LENGTH, SURPRISE_CHARS, CharModelView


def test_the_window_shows_the_curve_and_a_sample_the_slider_changes(qtbot, window):
    load(qtbot, window, datasets.load("text"))
    window.method_panel.select("char-rnn")
    window.method_panel.set_values({"epochs": 2, "hidden": 16, "seq_len": 32,
                                    "batch_size": 64})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    view = window.current_view()
    assert isinstance(view, CharModelView)
    view.flush()
    final = window.controller.history[len(window.controller.history) - 1]
    assert final.epoch == 2

    assert view.curve.curve_names() == ["training", "held-out"]
    x, held = view.curve.curve_data("held-out")
    np.testing.assert_array_equal(x, [1, 2])
    np.testing.assert_allclose(held, final.held_out_bits)
    _, train = view.curve.curve_data("training")
    np.testing.assert_allclose(train, final.train_bits)
    title = view.curve.plot_item.titleLabel.text
    assert f"letter frequencies alone: {final.unigram_bits:.2f}" in title

    sample = view.sample
    written = sample.sample_text()
    assert len(written) == SAMPLE_LENGTH
    assert written == final.net.sample(SAMPLE_LENGTH, sample.temperature(), sample.seed())
    assert "epoch 2 of 2" in sample.title() and f"{sample.temperature():.2f}" in sample.title()

    sample.set_temperature(1.6)
    assert sample.temperature() == 1.6 and sample.sample_text() != written
    assert sample.sample_text() == final.net.sample(SAMPLE_LENGTH, 1.6, sample.seed())
    assert "1.60" in sample.title()
    sample.set_temperature(0.0)  # no randomness left: the same text whatever the seed
    greedy = sample.sample_text()
    sample.sample_again()
    assert sample.seed() == 1 and sample.sample_text() == greedy
    sample.set_temperature(1.0)
    before = sample.sample_text()
    sample.sample_again()
    assert sample.sample_text() != before
    sample.set_prime("The river")
    assert sample.shown_text().startswith("The river")
    assert sample.sample_text() == final.net.sample(SAMPLE_LENGTH, 1.0, 2, "The river")

    n = min(SURPRISE_CHARS, len(final.held_out_text))
    assert view.surprise.shown_text() == final.held_out_text[:n]
    assert f"{final.surprise[:n].mean():.2f}" in view.surprise.title()
    assert distinct_colours(view.surprise) > 5 and distinct_colours(sample) > 3
