"""t-SNE (on a helper thread, and in a process of its own as on big data), UMAP and PaCMAP
in the window: the picture holds the last snapshot's layout, its objective with the phase
marks, and its quality measures; and the window starts no warm-up compilation in tests."""

import numpy as np
import pytest

from engine.protocol import Embedding
from engine.reduction import tsne
from tests.quick import QUICK_PARAMS
from tests.ui.conftest import run_and_wait


@pytest.mark.parametrize("algorithm_id", ["tsne", "tsne-in-a-process", "umap", "pacmap"])
def test_the_picture_is_the_last_snapshot(qtbot, window, algorithm_id, monkeypatch):
    if algorithm_id == "tsne-in-a-process":  # as on big data (engine/reduction/tsne.py)
        monkeypatch.setattr(tsne, "PROCESS_FROM", 0)
        algorithm_id = "tsne"
    window.method_panel.select(algorithm_id)
    window.method_panel.set_values(QUICK_PARAMS[algorithm_id])
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Embedding) and snap.phase == "done"
    view = window.current_view()
    view.flush()
    xy, labels = view.scatter.points.points_data()
    np.testing.assert_allclose(xy, snap.coords[:, :2])
    np.testing.assert_array_equal(labels, window.dataset.y)
    assert view.curve.marks() == [tuple(m) for m in snap.marks]
    assert view.curve.cursor_position() == float(snap.trace_at[-1])
    assert view.curve.isVisible()
    bottom = view.curve.plot_item.getAxis("bottom").labelText
    assert bottom == ("epoch" if algorithm_id == "umap" else "iteration")
    assert view.measures.title().startswith("Quality (all 60 points")
    assert snap.quality.trustworthiness > 0.9
    assert not view.grab().isNull()


def test_tests_leave_numba_cache_and_warm_up_alone(window):
    import os
    import threading

    assert "numba-warmup" not in {t.name for t in threading.enumerate()}
    assert "ue-test-home" not in os.environ.get("NUMBA_CACHE_DIR", "")
