"""The one error a bad data file raises: it says what is wrong and where."""

from __future__ import annotations


class DataFileError(ValueError):
    """A file that cannot be loaded. `line` and `column` are 1-based (for arrays, the
    row and column), None when not applicable; the message names them too."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


def cell_error(line: int, column: int, problem: str, row_word: str = "line") -> DataFileError:
    """'line 7, column 3: <problem>', with the place kept as attributes too."""
    return DataFileError(f"{row_word} {line}, column {column}: {problem}", line, column)
