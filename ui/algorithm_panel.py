"""The algorithm picker (a tree by family), its parameter form and a short explanation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine import registry
from engine.params import Picked
from engine.protocol import Algorithm
from ui.param_form import ParamForm
from ui.resources import explanation


class AlgorithmPanel(QWidget):
    """Emits `algorithm_changed` when the user picks a method; `params_changed` on any edit."""

    algorithm_changed = Signal(object)
    params_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.algorithm: Algorithm | None = None
        self.picked: dict[str, tuple] = {}  # Picked params, filled from clicks (set_picked)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setObjectName("algorithm-tree")
        for family, algorithms in registry.by_family().items():
            top = QTreeWidgetItem([family])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for algorithm in algorithms:
                item = QTreeWidgetItem([algorithm.name])
                item.setData(0, Qt.ItemDataRole.UserRole, algorithm.id)
                item.setToolTip(0, algorithm.summary)
                top.addChild(item)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.tree.setMaximumHeight(150)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.form = ParamForm()
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #C0392B;")
        self.note = QLabel("")  # what the method will see of this data, when not all of it
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.title)
        layout.addWidget(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.note)
        layout.addWidget(self.text, 1)
        self.tree.currentItemChanged.connect(self._on_item)
        self.form.changed.connect(self.params_changed)

    def select(self, algorithm_id: str) -> None:
        """Pick a method by id (raises KeyError for an unknown one)."""
        registry.get(algorithm_id)
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                item = top.child(j)
                if item.data(0, Qt.ItemDataRole.UserRole) == algorithm_id:
                    self.tree.setCurrentItem(item)
                    return

    def _on_item(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        algorithm_id = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if algorithm_id is None:
            return
        self.algorithm = registry.get(algorithm_id)
        self.title.setText(self.algorithm.name)
        self.form.set_specs(self.algorithm.params)
        objective = f"<p><i>Objective:</i> {self.algorithm.objective}</p>" \
            if self.algorithm.objective else ""
        self.text.setHtml(explanation(algorithm_id) + objective)
        self.problem.setText("")
        self.algorithm_changed.emit(self.algorithm)

    def values(self) -> dict:
        values = self.form.values()
        for spec in self.algorithm.params if self.algorithm else ():
            if isinstance(spec, Picked):
                values[spec.name] = self.picked.get(spec.name, spec.default)
        return values

    def set_values(self, values: dict) -> None:
        self.form.set_values(values)
        for spec in self.algorithm.params if self.algorithm else ():
            if isinstance(spec, Picked) and spec.name in values:
                self.picked[spec.name] = spec.coerce(values[spec.name])

    def set_picked(self, name: str, value: tuple) -> None:
        """Points picked on a canvas (a Picked parameter): kept across methods that take
        them, until the canvas changes them again; counts as an edit of the form."""
        if self.picked.get(name, ()) != tuple(value):
            self.picked[name] = tuple(value)
            self.params_changed.emit()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def show_note(self, text: str) -> None:
        """A remark on the data for this method (not a problem: Run stays on); "" hides it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))
