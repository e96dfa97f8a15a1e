"""Results as CSV for a generative model in the window, and a plain message, not a crash, for
a kind of snapshot that has no tables yet."""

import csv

import pytest

from engine import datasets
from tests.ui.conftest import load, run_and_wait
from ui import export


def _run_gan_on_the_ring(qtbot, window):
    load(qtbot, window, datasets.load("ring", n_samples=80))
    window.method_panel.select("gan-2d")
    window.method_panel.set_values({"steps": 20, "every": 10, "hidden": 16})
    assert run_and_wait(qtbot, window) == "done"
    history = window.controller.history
    return history[len(history) - 1]


def test_a_generative_run_exports_its_tables(qtbot, window, tmp_path):
    final = _run_gan_on_the_ring(qtbot, window)
    paths = window.export.results_csv(tmp_path / "gan.csv")
    names = [p.name for p in paths]
    assert names[:3] == ["gan_losses.csv", "gan_samples.csv", "gan_discriminator.csv"]
    with paths[1].open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["sample", "x1", "x2"] and len(rows) == len(final.generated) + 1
    assert [float(v) for v in rows[1][1:3]] == final.generated[0].tolist()


def test_a_snapshot_without_tables_gets_a_plain_message(qtbot, window, tmp_path,
                                                        monkeypatch):
    _run_gan_on_the_ring(qtbot, window)
    monkeypatch.setattr(export, "has_tables", lambda snapshot: False)
    with pytest.raises(ValueError, match="no tables for this method yet"):
        window.export.results_csv(tmp_path / "none.csv")

    def no_dialog(*args, **kwargs):
        raise AssertionError("asked for a file name for tables that cannot be written")

    monkeypatch.setattr(export.QFileDialog, "getSaveFileName", no_dialog)
    window.export.ask_results_csv()
    assert window.statusBar().currentMessage() == "Export failed: no tables for this method yet"
    assert not list(tmp_path.iterdir())
