"""Turn a column of class labels (text or numbers) into indices 0..C-1 and their names."""

from __future__ import annotations

import numpy as np


def _as_numbers(values) -> np.ndarray | None:
    """The labels as finite floats, or None when any of them is not a number."""
    try:
        numbers = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return numbers if np.isfinite(numbers).all() else None


def encode_labels(values) -> tuple[np.ndarray, tuple[str, ...]]:
    """Classes sorted (numerically when every label is a number), as scikit-learn's
    LabelEncoder does; the names keep the labels as they were written."""
    values = np.asarray(values)
    numbers = _as_numbers(values) if values.dtype.kind in "biufUS" else None
    if numbers is not None:
        classes, y = np.unique(numbers, return_inverse=True)
        names = tuple(f"{c:g}" for c in classes)
    else:
        classes, y = np.unique(values.astype(str), return_inverse=True)
        names = tuple(str(c) for c in classes)
    return y.reshape(-1).astype(np.int64), names
