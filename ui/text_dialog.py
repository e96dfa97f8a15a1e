"""A box to type or paste a text into: it becomes a data set with the text in `raw_text`, for
the coders and the char-RNN. A text without a word is refused in the box, in words."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from engine.data import Dataset
from engine.datasets.errors import DataFileError
from engine.datasets.typed import typed_text

PROMPT = ("Type or paste a text: Huffman and arithmetic coding compress it, the char-RNN "
          "learns from it (at least 200 characters), and other methods see its words.")


class TextDialog(QDialog):
    """`dataset` holds the data set made of the text once the dialog is accepted."""

    def __init__(self, parent: QWidget | None = None, text: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Type a text")
        self.dataset: Dataset | None = None
        self.editor = QPlainTextEdit(text)
        self.editor.setObjectName("typed-text")
        self.editor.setPlaceholderText("abracadabra, or a paragraph of your own…")
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C0392B;")
        prompt = QLabel(PROMPT)
        prompt.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 380)

    def accept(self) -> None:
        """Make the data set; stay open with the reason when the text cannot be one."""
        try:
            self.dataset = typed_text(self.editor.toPlainText())
        except DataFileError as exc:
            self.error.setText(str(exc)[:1].upper() + str(exc)[1:] + ".")
            return
        super().accept()
