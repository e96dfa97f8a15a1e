"""The data set panel: built-in sets, generators with sliders, files; a preview; the 2-D view.

A failed load says what is wrong and where, and the data set already loaded stays.
Generator options reload the data 150 ms after the last change (a slider being dragged
keeps restarting that wait), and never start a second load while one runs: a change made
meanwhile is loaded when it lands, so dragging the size slider up to 1e6 never piles up work.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine import datasets
from engine.data import Dataset
from engine.projection import PCA, default_mode, feature_labels
from ui.loader import DatasetLoader
from ui.param_form import ParamForm

BUILTIN_TITLES = {"iris": "Iris", "wine": "Wine", "digits": "Digits (8×8 images)",
                  "breast_cancer": "Breast cancer", "words": "Words (text)",
                  "text": "Text (prose, for the char-RNN)",
                  "short_texts": "Short texts (corpus, 4 subjects)"}
LABEL_CHOICES = (("labels: detect", "auto"), ("labels: none", None),
                 ("labels: last column", -1), ("labels: first column", 0))
PREVIEW_ROWS = 8
PROSE_PREVIEW = 2000  # characters of a text shown in the preview
PREVIEW_COLUMNS = 8
FEATURES = "features"  # the view chooser's other choice: two features picked by name
VIEW_KINDS = (("First two principal components", PCA), ("Two features", FEATURES))
RELOAD_DELAY_MS = 150
FILE_FILTER = "Data files (*.csv *.tsv *.txt *.npy *.npz);;All files (*)"


class DatasetPanel(QWidget):
    """Emits `dataset_changed` with each newly loaded set, `view_changed` with a 2-D view mode
    (engine.projection: "pca" or a pair of feature indices)."""

    dataset_changed = Signal(object)
    dataset_cleared = Signal()  # no data set now (an empty drawing): nothing to run on
    view_changed = Signal(object)
    load_failed = Signal(str)
    file_loaded = Signal(str)  # the path of a file that has just loaded: a recent file

    def __init__(self, parent=None):
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self._file: str | None = None  # the file the shown data set came from
        self._pending_file: str | None = None  # the file now being loaded
        self._waiting = False  # a load was asked for and its result has not come yet
        self._stale = False  # options changed while waiting: load again when the result lands
        self._view_names: list[str] | None = None  # the features the view chooser lists
        self.loader = DatasetLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.busy.connect(self._on_busy)

        self.source = QComboBox()
        self.source.setObjectName("dataset-source")
        _shrinkable(self.source)
        for name in datasets.BUILTIN:
            self.source.addItem(BUILTIN_TITLES.get(name, name), name)
        self.source.insertSeparator(self.source.count())
        for name, gen in datasets.GENERATORS.items():
            self.source.addItem(f"Generate: {gen.title}", name)
        self.open_button = QPushButton("Open file…")
        self.open_button.setToolTip("CSV, TSV, .npy or .npz, or a .txt of one item a line; "
                                    "or drop a file on the window")
        self.options = ParamForm(sliders=True)
        self._regenerate = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._regenerate.timeout.connect(self._regenerate_now)
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
        self._build_view_chooser()
        self.preview = QTableWidget()
        self.preview.setMaximumHeight(170)
        self.prose = QPlainTextEdit()  # a text's beginning, shown instead of its word rows
        self.prose.setReadOnly(True)
        self.prose.setMaximumHeight(170)
        self.prose.setVisible(False)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        row = QHBoxLayout()
        row.addWidget(self.source, 1)
        row.addWidget(self.open_button)
        self.type_button = QPushButton("Type a text…")
        self.type_button.setToolTip("Type or paste a text, for Huffman and arithmetic coding "
                                    "or the char-RNN")
        self.type_button.clicked.connect(self._type_text)
        row.addWidget(self.type_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.label_column)
        layout.addWidget(self.options)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.view_box)
        layout.addWidget(self.preview)
        layout.addWidget(self.prose)

        self.source.currentIndexChanged.connect(self._on_source)
        self.open_button.clicked.connect(self._open_dialog)
        self.label_column.currentIndexChanged.connect(self._reload_file)
        self.view_kind.currentIndexChanged.connect(self._on_view)
        self.view_x.currentIndexChanged.connect(self._on_axis)
        self.view_y.currentIndexChanged.connect(self._on_axis)

    def _build_view_chooser(self) -> None:
        """'2-D view': principal components, or two features named in X and Y."""
        self.view_kind = QComboBox()
        self.view_kind.setObjectName("view-kind")
        _shrinkable(self.view_kind)
        for text, kind in VIEW_KINDS:
            self.view_kind.addItem(text, kind)
        self.view_kind.setToolTip("Data with more than two features is drawn through this 2-D view")
        self.view_x, self.view_y = QComboBox(), QComboBox()
        for box, axis in ((self.view_x, "x"), (self.view_y, "y")):
            box.setObjectName(f"view-{axis}")
            box.setToolTip(f"The feature drawn along the {axis} axis")
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        self.view_axes = QWidget()
        axes = QHBoxLayout(self.view_axes)
        axes.setContentsMargins(0, 0, 0, 0)
        for text, box in (("X", self.view_x), ("Y", self.view_y)):
            axes.addWidget(QLabel(text))
            axes.addWidget(box, 1)
        self.view_box = QWidget()
        form = QFormLayout(self.view_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("2-D view", self.view_kind)
        form.addRow("", self.view_axes)
        self.view_box.setVisible(False)

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

    def open_folder(self) -> None:
        """A folder of .txt files, one document each, loaded as a corpus (off the main thread,
        like a file)."""
        path = QFileDialog.getExistingDirectory(self, "Open a folder of .txt files")
        if path:
            self.load_path(path)

    def _type_text(self) -> None:
        """A text typed in a box becomes the data set (the last typed text is offered again)."""
        from ui.text_dialog import TextDialog

        previous = self.dataset.raw_text if self.dataset is not None and \
            self.dataset.source == "typed" else ""
        dialog = TextDialog(self, previous or "")
        if dialog.exec() and dialog.dataset is not None:
            self.set_dataset(dialog.dataset)

    def _on_source(self, index: int) -> None:
        name = self.source.itemData(index)
        if name is None:
            return
        gen = datasets.GENERATORS.get(name)
        self.options.blockSignals(True)
        self.options.set_specs(gen.params if gen else ())
        self.options.blockSignals(False)
        self._load_current()

    def _regenerate_now(self) -> None:
        """The options settled: load with them, or after the load under way if one is."""
        if self._waiting:
            self._stale = True
        else:
            self._load_current()

    def _load_current(self) -> None:
        """The built-in or generated set chosen in the source box."""
        self._forget_option_changes()
        self._pending_file = None
        name = self.source.currentData()
        options = self.options.values() if name in datasets.GENERATORS else {}
        self.loader.request(partial(datasets.load, name, **options))

    def _reload_file(self) -> None:
        if self._file is not None:
            self._request_file(self._file)

    def _request_file(self, path: str) -> None:
        """Load a file; `_file` becomes it only once it has loaded. Its path is made absolute,
        so the data set's `source` names the file wherever the program runs from."""
        path = os.path.abspath(path)
        self._forget_option_changes()
        self._pending_file = path
        label = LABEL_CHOICES[self.label_column.currentIndex()][1]
        self.loader.request(partial(datasets.files.load_file, path, label_column=label))

    def show_source(self, name: str, options: dict | None = None) -> None:
        """Name a built-in set or generator, with its options, as the source of the data set
        shown, without loading anything (a session brought the data set)."""
        index = self.source.findData(name)
        if index < 0:
            return
        self.source.blockSignals(True)
        self.source.setCurrentIndex(index)
        self.source.blockSignals(False)
        gen = datasets.GENERATORS.get(name)
        self.options.blockSignals(True)
        self.options.set_specs(gen.params if gen else ())
        self.options.set_values(options or {})
        self.options.blockSignals(False)

    def _name_source(self, text: str) -> None:
        """The data set shown came from a file or was made here: the source box says so
        instead of naming the last built-in set, and that set's options go away. Choosing
        an entry in the box loads it as usual."""
        self.source.blockSignals(True)
        self.source.setPlaceholderText(text)
        self.source.setCurrentIndex(-1)
        self.source.blockSignals(False)
        self.options.blockSignals(True)
        self.options.set_specs(())
        self.options.blockSignals(False)

    def _forget_option_changes(self) -> None:
        """A new request supersedes option changes not yet loaded."""
        self._regenerate.stop()
        self._stale = False

    def set_dataset(self, dataset: Dataset | None, file: str | None = None) -> None:
        """Show a data set made elsewhere (a drawing, a selection, a session's) as if it had
        loaded, `file` the file it was read from; None: no data set. A load still under way
        is dropped, so it cannot replace this one when it lands."""
        self._forget_option_changes()
        self.loader.drop_pending()
        self._pending_file = file
        if dataset is not None:
            self._on_loaded(dataset)
            if file is None:
                self._name_source(dataset.name)
            return
        self.dataset = self._file = None
        self.error.setText("")
        self.label_column.setVisible(False)
        self.status.setText("No data set yet.")
        self._name_source("No data set")
        self.view_box.setVisible(False)
        self.preview.clear()
        self.preview.setRowCount(0)
        self.preview.setColumnCount(0)
        self.dataset_cleared.emit()

    def drop_load(self) -> None:
        """Data is coming another way (a session opening): the load under way, if any, and
        option changes not yet loaded are dropped, so they cannot land on top of it."""
        self._forget_option_changes()
        self.loader.drop_pending()
        self.status.setText(self.dataset.summary() if self.dataset else "No data set yet.")

    # ---- results
    def _on_busy(self, busy: bool) -> None:
        self._waiting = busy
        if busy:
            self.status.setText("Loading…")

    def _on_loaded(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._file = self._pending_file
        self.error.setText("")
        self.label_column.setVisible(self._file is not None)
        self.status.setText(dataset.summary() + (f"\n{dataset.note}" if dataset.note else ""))
        self._fill_preview(dataset)
        self._fill_view_chooser(dataset)
        if self._file is not None:
            self._name_source(f"File: {Path(self._file).name}")
        self.dataset_changed.emit(dataset)
        if self._file is not None:
            self.file_loaded.emit(self._file)
        self._load_if_stale()

    def _on_failed(self, message: str) -> None:
        where = f"{Path(self._pending_file).name}: " if self._pending_file else ""
        self.error.setText(f"Could not load {where}{message}")
        if self.dataset is not None:
            self.status.setText(f"Still showing {self.dataset.summary()}")
        self.load_failed.emit(message)
        self._load_if_stale()

    def _load_if_stale(self) -> None:
        if self._stale:
            self._load_current()

    def shutdown(self) -> None:
        """On closing: no new load starts, and the one under way finishes."""
        self._forget_option_changes()
        self.loader.wait()

    # ---- the 2-D view
    def _fill_view_chooser(self, dataset: Dataset) -> None:
        """List the new set's features; a set with the same features keeps the view chosen."""
        self.view_box.setVisible(dataset.d > 2)
        names = feature_labels(dataset.feature_names)
        if names == self._view_names:
            return
        self._view_names = names
        mode = default_mode(dataset.d)
        i, j = (0, 1) if mode == PCA else mode
        widgets = (self.view_kind, self.view_x, self.view_y)
        for w in widgets:
            w.blockSignals(True)
        for box, index in ((self.view_x, i), (self.view_y, j)):
            box.clear()
            box.addItems(names)
            box.setCurrentIndex(index)
        self.view_kind.setCurrentIndex(self.view_kind.findData(PCA if mode == PCA else FEATURES))
        for w in widgets:
            w.blockSignals(False)
        self.view_axes.setVisible(mode != PCA)

    def _on_view(self) -> None:
        self.view_axes.setVisible(self.view_kind.currentData() == FEATURES)
        if self.dataset is not None:
            self.view_changed.emit(self.view_mode())

    def _on_axis(self) -> None:
        if self.view_kind.currentData() == FEATURES:
            self._on_view()

    def view_mode(self):
        """The 2-D view chosen: "pca", or (i, j) to draw feature i across and feature j up."""
        if self.dataset is None:
            return PCA
        if self.dataset.d <= 2:
            return default_mode(self.dataset.d)
        if self.view_kind.currentData() == PCA:
            return PCA
        return (self.view_x.currentIndex(), self.view_y.currentIndex())

    def set_view_mode(self, mode) -> None:
        """Choose a 2-D view as the user would (the inverse of `view_mode`): "pca", or (i, j);
        ignored for a set of two features or fewer, or features it does not have."""
        if self.dataset is None or self.dataset.d <= 2:
            return
        if mode != PCA and max(mode) < self.dataset.d:
            self.view_x.setCurrentIndex(mode[0])
            self.view_y.setCurrentIndex(mode[1])
            self.view_kind.setCurrentIndex(self.view_kind.findData(FEATURES))
        else:
            self.view_kind.setCurrentIndex(self.view_kind.findData(PCA))

    def _fill_preview(self, dataset: Dataset) -> None:
        if dataset.documents is not None:  # a corpus: counts of its frequent words, texts
            from ui.corpus_preview import fill_corpus_preview

            fill_corpus_preview(self.preview, self.prose, dataset, PREVIEW_ROWS,
                                PREVIEW_COLUMNS)
            return
        text = dataset.raw_text is not None
        self.prose.setVisible(text)
        self.preview.setVisible(not text)
        if text:
            self.prose.setPlainText(dataset.raw_text[:PROSE_PREVIEW])
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
        if dataset.texts is not None:  # the strings themselves, before their 2-D map
            self.preview.insertColumn(0)
            self.preview.setHorizontalHeaderItem(0, QTableWidgetItem("text"))
            for i in range(rows):
                self.preview.setItem(i, 0, QTableWidgetItem(dataset.texts[i]))
        if dataset.series is not None:  # time bins: which trial and when, before the channels
            for column, (name, values) in enumerate((("trial", dataset.series.trial + 1),
                                                     ("time", dataset.series.time))):
                self.preview.insertColumn(column)
                self.preview.setHorizontalHeaderItem(column, QTableWidgetItem(name))
                for i in range(rows):
                    self.preview.setItem(i, column, QTableWidgetItem(f"{values[i]:.4g}"))


def _shrinkable(combo: QComboBox, chars: int = 12) -> None:
    """Let a combo box narrow below its longest entry: "Generate: Unequal noise (factors)"
    made the left panel scroll sideways and pushed "Open file…" out of sight."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
