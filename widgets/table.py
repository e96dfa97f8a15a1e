"""A small table of numbers with a title, as a canvas: measures of an embedding, or of several
side by side. It takes the theme and the projector's font like the plots, and exports alike."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets.canvas import Canvas
from widgets.style import Style


class TableCanvas(Canvas):
    """A title over a read-only table: a header row, then one row per measure."""

    canvas_name = "Table"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._title = QLabel()
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._title.setWordWrap(True)
        self._table = QTableWidget(0, 0)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._table.verticalHeader().setVisible(False)
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._table.setShowGrid(False)
        self._shown: tuple | None = None  # the arguments of the table on show
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._title)
        layout.addWidget(self._table)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        font = style.font()
        for widget in (self._title, self._table, self._table.horizontalHeader()):
            widget.setFont(font)
        self.setStyleSheet(
            f"QLabel, QTableWidget {{ color: {theme.foreground}; background: {theme.background};"
            f" border: none; }}"
            f"QHeaderView::section {{ color: {theme.foreground}; background: {theme.background};"
            f" border: none; border-bottom: 1px solid {theme.axis}; font-weight: bold; }}")
        self._table.resizeRowsToContents()

    def set_table(self, title: str, header: Sequence[str], rows: Sequence[Sequence],
                  stretch: int | None = None) -> bool:
        """Rows of cells; floats are shown with three decimals, the first column to the left.
        `stretch`: the one column of long text, to the left, that takes the spare width, the
        others as wide as their cells; None shares the width equally. The same table set
        again (views set it at every step) is left as it is, no repaint: False."""
        shown = (title, list(header), [[_text(v) for v in row] for row in rows], stretch)
        if shown == self._shown:
            return False
        self._shown = shown
        self._title.setText(title)
        self._table.clear()
        self._table.setColumnCount(len(header))
        mode = QHeaderView.ResizeMode
        header_view = self._table.horizontalHeader()
        for c in range(len(header)):
            header_view.setSectionResizeMode(
                c, mode.Stretch if stretch in (None, c) else mode.ResizeToContents)
        self._table.setRowCount(len(rows))
        self._table.setHorizontalHeaderLabels(list(header))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(_text(value))
                left = c == 0 or c == stretch  # names and long text read from the left
                align = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight
                item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                self._table.setItem(r, c, item)
        self._table.resizeRowsToContents()
        return True

    def clear(self, title: str = "") -> None:
        self.set_table(title, [], [])

    def title(self) -> str:
        return self._title.text()

    def shape(self) -> tuple[int, int]:
        return self._table.rowCount(), self._table.columnCount()

    def cell(self, row: int, column: int) -> str:
        item = self._table.item(row, column)
        return item.text() if item is not None else ""

    def font_size(self) -> float:
        return float(self._table.font().pointSizeF())


def _text(value) -> str:
    if isinstance(value, float):
        return "—" if value != value else f"{value:.3f}"  # NaN: not defined
    return str(value)
