"""The data set panel: built-in sets, generators with sliders, files; a preview; the 2-D view.

A failed load says what is wrong and where, and the data set already loaded stays.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine import datasets
from engine.data import Dataset
from engine.projection import view_options
from ui.loader import DatasetLoader
from ui.param_form import ParamForm

BUILTIN_TITLES = {"iris": "Iris", "wine": "Wine", "digits": "Digits (8×8 images)",
                  "breast_cancer": "Breast cancer"}
LABEL_CHOICES = (("labels: detect", "auto"), ("labels: none", None),
                 ("labels: last column", -1), ("labels: first column", 0))
PREVIEW_ROWS = 8
PREVIEW_COLUMNS = 8
FILE_FILTER = "Data files (*.csv *.tsv *.txt *.npy *.npz);;All files (*)"


class DatasetPanel(QWidget):
    """Emits `dataset_changed` with each newly loaded set, `view_changed` with a 2-D view mode."""

    dataset_changed = Signal(object)
    view_changed = Signal(object)
    load_failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self._file: str | None = None  # the file the shown data set came from
        self._pending_file: str | None = None  # the file now being loaded
        self.loader = DatasetLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.busy.connect(self._on_busy)

        self.source = QComboBox()
        self.source.setObjectName("dataset-source")
        for name in datasets.BUILTIN:
            self.source.addItem(BUILTIN_TITLES.get(name, name), name)
        self.source.insertSeparator(self.source.count())
        for name, gen in datasets.GENERATORS.items():
            self.source.addItem(f"Generate: {gen.title}", name)
        self.open_button = QPushButton("Open file…")
        self.open_button.setToolTip("CSV, TSV, .npy or .npz; or drop a file on the window")
        self.options = ParamForm()
        self._regenerate = QTimer(self, singleShot=True, interval=150)
        self._regenerate.timeout.connect(self._load_current)
        self.options.changed.connect(self._regenerate.start)
        self.label_column = QComboBox()
        for text, _ in LABEL_CHOICES:
            self.label_column.addItem(text)
        self.label_column.setToolTip("Which column of the file holds the class labels")
        self.label_column.setVisible(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setObjectName("dataset-error")
        self.error.setStyleSheet("color: #C0392B;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view = QComboBox()
        self.view.setToolTip("Data with more than two features is drawn through this 2-D view")
        self.preview = QTableWidget()
        self.preview.setMaximumHeight(170)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        row = QHBoxLayout()
        row.addWidget(self.source, 1)
        row.addWidget(self.open_button)
        form = QFormLayout()
        form.addRow("2-D view", self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.label_column)
        layout.addWidget(self.options)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(self.preview)

        self.source.currentIndexChanged.connect(self._on_source)
        self.open_button.clicked.connect(self._open_dialog)
        self.label_column.currentIndexChanged.connect(self._reload_file)
        self.view.currentIndexChanged.connect(self._on_view)

    # ---- requests
    def select(self, name: str) -> None:
        """Load a built-in set, a generator with its default options, or a file's path."""
        index = self.source.findData(name)
        if index < 0:
            self.load_path(name)
        elif index == self.source.currentIndex():
            self._on_source(index)
        else:
            self.source.setCurrentIndex(index)

    def load_path(self, path: str) -> None:
        self.label_column.blockSignals(True)
        self.label_column.setCurrentIndex(0)
        self.label_column.blockSignals(False)
        self._request_file(path)

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a data file", "", FILE_FILTER)
        if path:
            self.load_path(path)

    def _on_source(self, index: int) -> None:
        name = self.source.itemData(index)
        if name is None:
            return
        gen = datasets.GENERATORS.get(name)
        self.options.blockSignals(True)
        self.options.set_specs(gen.params if gen else ())
        self.options.blockSignals(False)
        self._load_current()

    def _load_current(self) -> None:
        """The built-in or generated set chosen in the source box."""
        self._pending_file = None
        name = self.source.currentData()
        options = self.options.values() if name in datasets.GENERATORS else {}
        self.loader.request(partial(datasets.load, name, **options))

    def _reload_file(self) -> None:
        if self._file is not None:
            self._request_file(self._file)

    def _request_file(self, path: str) -> None:
        """Load a file; `_file` becomes it only once it has loaded."""
        self._pending_file = path
        label = LABEL_CHOICES[self.label_column.currentIndex()][1]
        self.loader.request(partial(datasets.files.load_file, path, label_column=label))

    # ---- results
    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.status.setText("Loading…")

    def _on_loaded(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._file = self._pending_file
        self.error.setText("")
        self.label_column.setVisible(self._file is not None)
        self.status.setText(dataset.summary())
        self._fill_preview(dataset)
        self.view.blockSignals(True)
        self.view.clear()
        for label, mode in view_options(dataset):
            self.view.addItem(label, mode)
        self.view.blockSignals(False)
        self.dataset_changed.emit(dataset)

    def _on_failed(self, message: str) -> None:
        where = f"{Path(self._pending_file).name}: " if self._pending_file else ""
        self.error.setText(f"Could not load {where}{message}")
        if self.dataset is not None:
            self.status.setText(f"Still showing {self.dataset.summary()}")
        self.load_failed.emit(message)

    def _on_view(self, index: int) -> None:
        if index >= 0:
            self.view_changed.emit(self.view.itemData(index))

    def shutdown(self) -> None:
        """On closing: no new load starts, and the one under way finishes."""
        self._regenerate.stop()
        self.loader.wait()

    def view_mode(self):
        return self.view.currentData()

    def _fill_preview(self, dataset: Dataset) -> None:
        cols = min(dataset.d, PREVIEW_COLUMNS)
        headers = list(dataset.feature_names[:cols]) + (["label"] if dataset.has_labels else [])
        rows = min(dataset.n, PREVIEW_ROWS)
        self.preview.clear()
        self.preview.setRowCount(rows)
        self.preview.setColumnCount(len(headers))
        self.preview.setHorizontalHeaderLabels(headers)
        for i in range(rows):
            for j in range(cols):
                self.preview.setItem(i, j, QTableWidgetItem(f"{dataset.X[i, j]:.4g}"))
            if dataset.has_labels:
                name = dataset.target_names[dataset.y[i]]
                self.preview.setItem(i, cols, QTableWidgetItem(str(name)))
