"""Read .npy and .npz files safely: never unpickle, check shape, type and values."""

from __future__ import annotations

import io
import zipfile

import numpy as np

from engine.datasets.errors import DataFileError, cell_error

X_NAMES = ("X", "data", "x")
Y_NAMES = ("y", "labels", "target")

_PICKLE = ("this file holds Python objects (pickled data); it is not loaded, because "
           "loading it could run code. Save a plain numeric array instead")


def _open(data: bytes, kind: str):
    """np.load with allow_pickle=False, always: loading must never execute code."""
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise DataFileError(_PICKLE) from None
        raise DataFileError(f"this is not a valid {kind} file ({e})") from None
    except (OSError, EOFError, zipfile.BadZipFile) as e:
        raise DataFileError(f"this is not a valid {kind} file ({e})") from None


def _read_member(archive, name: str) -> np.ndarray:
    try:
        return archive[name]
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise DataFileError(f"array {name!r}: {_PICKLE}") from None
        raise DataFileError(f"array {name!r} cannot be read ({e})") from None
    except (OSError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise DataFileError(f"array {name!r} cannot be read ({e})") from None


def _numeric(a: np.ndarray, what: str) -> None:
    kind = a.dtype.kind
    if kind in "biuf":
        return
    problem = {"c": "holds complex numbers", "U": "holds text, not numbers",
               "S": "holds bytes, not numbers", "V": "is a structured (record) array",
               "O": "holds Python objects", "M": "holds dates", "m": "holds time spans"}
    raise DataFileError(f"{what} {problem.get(kind, f'has type {a.dtype}')}; "
                        "a table of numbers is needed")


def as_table(a: np.ndarray, what: str = "the array"):
    """A numeric array as an (n, d) float table; a stack of images (n, h, w) is
    flattened and its image shape returned with it."""
    _numeric(a, what)
    image_shape = None
    if a.ndim == 0:
        raise DataFileError(f"{what} holds a single value, not a table")
    if a.ndim == 1:
        a = a[:, None]
    elif a.ndim == 3:
        image_shape = (int(a.shape[1]), int(a.shape[2]))
        a = a.reshape(a.shape[0], -1)
    elif a.ndim > 3:
        raise DataFileError(f"{what} has {a.ndim} dimensions (shape {a.shape}); "
                            "expected a table of rows × features")
    if a.size == 0:
        raise DataFileError(f"{what} is empty (shape {a.shape})")
    X = np.asarray(a, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        r, c = (int(v) + 1 for v in np.argwhere(bad)[0])
        value = X[r - 1, c - 1]
        problem = ("nan — missing values are not supported" if np.isnan(value)
                   else f"{value} is not a finite number")
        raise cell_error(r, c, problem, row_word="row")
    return X, image_shape


def _labels(y: np.ndarray, n: int, what: str) -> np.ndarray:
    if y.dtype.kind not in "biufUS":
        raise DataFileError(f"{what} must hold class labels (numbers or text), "
                            f"not type {y.dtype}")
    if y.ndim != 1:
        raise DataFileError(f"{what} has shape {y.shape}; expected one label per row")
    if len(y) != n:
        raise DataFileError(f"the data has {n} rows but {what} has {len(y)} labels")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        row = int(np.flatnonzero(~np.isfinite(y))[0]) + 1
        raise DataFileError(f"{what}, row {row}: {y[row - 1]} is not a label", row)
    return y


def _column_labels(X: np.ndarray, label_column):
    """Take one column of a headerless array as the labels, when asked."""
    if label_column in (None, "auto"):
        return X, None
    if isinstance(label_column, bool) or not isinstance(label_column, int):
        raise DataFileError(f"an array file has no column names; give label_column as "
                            f"an index, not {label_column!r}")
    d = X.shape[1]
    if not -d <= label_column < d or d < 2:
        raise DataFileError(f"there is no label column {label_column}: the array has "
                            f"{d} column{'s' if d != 1 else ''} and needs one for features")
    j = label_column % d
    return np.delete(X, j, axis=1), X[:, j]


def read_npy(data: bytes, label_column="auto"):
    """(X, labels or None, image_shape) from the bytes of a .npy file."""
    X, image_shape = as_table(_open(data, ".npy"))
    X, labels = _column_labels(X, label_column)
    return X, labels, image_shape


def _pick(names: list[str], wanted: tuple[str, ...]) -> str | None:
    return next((n for n in wanted if n in names), None)


def read_npz(data: bytes, label_column="auto"):
    """(X, labels or None, image_shape): the data named X/data/x (or the only array),
    the labels y/labels/target unless label_column says otherwise."""
    with _open(data, ".npz") as archive:
        names = list(archive.files)
        if not names:
            raise DataFileError("the .npz file holds no arrays")
        x_name = _pick(names, X_NAMES)
        y_name = _pick(names, Y_NAMES)
        if x_name is None:
            others = [n for n in names if n != y_name]
            if len(others) != 1:
                raise DataFileError("the .npz file holds arrays " + ", ".join(names)
                                    + "; name the data X (and the labels y)")
            x_name = others[0]
        X, image_shape = as_table(_read_member(archive, x_name), f"array {x_name!r}")
        if label_column == "auto" and y_name is not None:
            labels = _labels(_read_member(archive, y_name), X.shape[0], f"array {y_name!r}")
            return X, labels, image_shape
        X, labels = _column_labels(X, label_column)
        return X, labels, image_shape
