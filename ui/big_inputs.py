"""Before a run too big for this machine: ask, and offer a random subsample instead.

A method whose memory grows as n² declares how many points it can take here
(`Algorithm.max_points`); above that, Run asks "… needs an n×n affinity matrix of 20 GB;
this machine has 8 GB. Run on a random subsample of 5,000 points instead?" with Subsample and
Cancel, rather than freezing the machine. The subsample is loaded as the data set (the data
panel names it), so the user sees what was run.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from engine.big_inputs import subsample
from engine.params import resolve
from engine.protocol import TooManyPoints

TITLE = "Too many points for this machine"


def size_problem(algorithm, dataset, values) -> TooManyPoints | None:
    """The run's size problem, if these values are otherwise fine and the data too big."""
    try:
        algorithm.resolve(dataset, values)
    except TooManyPoints as exc:
        return exc
    except ValueError:
        return None
    return None


def question(algorithm, values, problem: TooManyPoints) -> str:
    """The dialog's text: what the run would need, and the subsample offered."""
    reason = algorithm.too_many_points(problem.n, resolve(algorithm.params, values))
    return (f"{reason}\n\nRun on a random subsample of {problem.limit:,} points instead? "
            "It replaces the data set (the data panel names it); the full set can be "
            "loaded again at any time.")


def fit_or_subsample(window) -> bool:
    """True when the run may go ahead on the window's data set: it fits, or the user chose a
    subsample, now loaded. False when the user cancelled (nothing changes)."""
    algorithm, dataset = window.algorithm, window.dataset
    values = window.method_panel.values()
    problem = size_problem(algorithm, dataset, values)
    if problem is None:
        return True
    box = QMessageBox(QMessageBox.Icon.Question, TITLE, question(algorithm, values, problem),
                      QMessageBox.StandardButton.Cancel, window)
    accept = box.addButton(f"Subsample {problem.limit:,} points",
                           QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(accept)
    window.size_dialog = box  # for tests: the dialog being asked
    try:
        box.exec()
    finally:
        window.size_dialog = None
    if box.clickedButton() is not accept:
        return False
    seed = int(values.get("seed", 0))
    window.data_panel.set_dataset(subsample(dataset, problem.limit, seed))
    return window.dataset is not dataset
