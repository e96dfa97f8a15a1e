"""Dictionary learning in the window: the atoms, the objective, the three error curves and
the coded digit are the last snapshot's."""

import numpy as np

from engine import datasets
from engine.protocol import SparseCoding
from tests.ui.conftest import load, run_and_wait
from ui.views_dictionary import added_atoms


def test_atoms_curves_and_one_digit_coded(qtbot, window):
    data = datasets.load("digits")
    load(qtbot, window, data.rows(np.arange(400), "Digits", "test", ""))
    window.method_panel.select("dictionary")
    window.method_panel.set_values({"n_components": 9, "epochs": 1, "batch_size": 256,
                                    "max_nonzeros": 4})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, SparseCoding) and snap.phase == "done"
    view = window.current_view()
    view.flush()
    assert view.atoms.image_count() == 9
    np.testing.assert_allclose(view.atoms.image(8), snap.atoms[8].reshape(8, 8))
    np.testing.assert_allclose(view.curve.curve_data("objective")[1], snap.trace)
    x, y = view.errors.curve_data("OMP")
    np.testing.assert_allclose(x, snap.levels)
    np.testing.assert_allclose(10 ** y, snap.omp_error)  # drawn on a log scale
    x, y = view.errors.curve_data("lasso")
    order = np.argsort(snap.lasso_nonzeros, kind="stable")
    np.testing.assert_allclose(x, snap.lasso_nonzeros[order])
    np.testing.assert_allclose(10 ** y, snap.lasso_error[order])
    assert len(view.errors.curve_names()) == 3
    # Row 1: the digit and its rebuilds from 1..4 atoms; row 2: the atom each step added.
    assert view.example.image_count() == 10
    np.testing.assert_allclose(view.example.image(4).ravel(),
                               snap.example_codes[3] @ snap.atoms)
    added = added_atoms(snap.example_codes)
    assert view.example.title(6) == f"+{added[0] + 1}"
    np.testing.assert_allclose(view.example.image(6).ravel(), snap.atoms[added[0]])


def test_added_atoms_follow_nested_supports():
    codes = np.array([[0, 2.0, 0], [1.0, 2.0, 0], [1.0, 2.0, -3.0]])
    assert added_atoms(codes) == [1, 0, 2]
