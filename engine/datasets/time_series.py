"""A table with a time column read as time series: each row a time bin, the other numeric
columns its channels, optional `trial` and `condition` columns splitting the rows into trials
(sorted by trial, then time) of conditions; without a trial column, the file is one trial.

The time column is found by its header: with a trial column, a clear name (time, seconds,
ms, timestamp …) must increase within every trial, or the file is refused with the line that
breaks it. Without one, a time column that does not increase (t, s, or a follow-up time in a
clinical table) is a feature like any other, and the table stays a plain table. A label
column that changes within a trial is a class per time bin, not a condition.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from engine.data import Dataset, Series
from engine.datasets.errors import DataFileError

CLEAR_TIME = ("time", "times", "seconds", "second", "secs", "sec", "ms", "msec",
              "milliseconds", "timestamp", "time_s", "time_ms", "t_s", "t_ms")
SHORT_TIME = ("t", "s")
TRIAL_NAMES = ("trial", "trials", "trial_id", "trial_number", "repeat", "episode")
CONDITION_NAMES = ("condition", "conditions", "cond", "stimulus")
NOT_A_SERIES = "Read as a plain table, not as time series"  # a note's start: why not


def _key(name: str) -> str:
    """'Time (s)' → 'time'; 'time_ms' stays: the name's first word, lower case."""
    name = name.strip().lower()
    bare = re.split(r"[\s(\[]", name, maxsplit=1)[0]
    return bare or name


def _find(names: list[str], wanted: tuple[str, ...]) -> int | None:
    keys = [_key(n) for n in names]
    for w in wanted:
        if w in keys:
            return keys.index(w)
    return None


def _line(path: str, row: int) -> int:
    """The file's line number of data row `row` (0-based, after the header)."""
    from engine.datasets.text_table import _content_lines, decode

    _, numbers = _content_lines(decode(Path(path).read_bytes()))
    return numbers[row + 1]


def _first_break(times: np.ndarray, trial: np.ndarray) -> int | None:
    """The first row (in this order) whose time does not exceed the previous one's in its
    trial, or None."""
    same = trial[1:] == trial[:-1]
    bad = np.flatnonzero(same & (np.diff(times) <= 0))
    return int(bad[0]) + 1 if bad.size else None


def _codes(values) -> tuple[np.ndarray, tuple[str, ...]]:
    """Condition codes 0..C−1 and their names, from numbers or text."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        names, codes = np.unique(values, return_inverse=True)
        return codes, tuple(str(int(v)) if float(v).is_integer() else str(v) for v in names)
    names, codes = np.unique(values.astype(str), return_inverse=True)
    return codes, tuple(names)


def _constant_in_trials(codes: np.ndarray, trial: np.ndarray) -> bool:
    """Whether each trial's rows (in trial order) share one code: then it is a condition."""
    same = trial[1:] == trial[:-1]
    return not np.any(same & (np.diff(codes) != 0))


def read(path: str, X: np.ndarray, feature_names, labels, label_name, kind: str,
         options: dict) -> tuple[Dataset | None, str]:
    """(the table as a Dataset of time series, "") or, when it is none, (None, a note for the
    plain table: why a column named like time is not read as one, or "")."""
    names = list(feature_names)
    at = _find(names, CLEAR_TIME)
    clear = at is not None
    if at is None:
        at = _find(names, SHORT_TIME)
    if at is None:
        return None, ""
    trial_at = _find(names, TRIAL_NAMES)
    condition_at = _find(names, CONDITION_NAMES)
    times = X[:, at]
    trial = X[:, trial_at] if trial_at is not None else np.zeros(len(X))
    if trial_at is not None and not np.array_equal(trial, np.round(trial)):
        row = int(np.flatnonzero(trial != np.round(trial))[0])
        raise DataFileError(f"line {_line(path, row)}: the trial column {names[trial_at]!r} "
                            "must hold whole numbers", _line(path, row))
    order = np.lexsort((times, trial)) if trial_at is not None else np.arange(len(X))
    broken = _first_break(times[order], trial[order])
    if broken is not None:
        row, before = int(order[broken]), int(order[broken - 1])
        if not clear or trial_at is None:  # a feature named like time, not a clock
            return None, (f"{NOT_A_SERIES}: column {names[at]!r} "
                          f"does not increase (line {_line(path, row)}: {times[row]:g} after "
                          f"{times[before]:g}). Sort the rows by time, or add a trial "
                          "column, to read it as time series.") if clear else ""
        line = _line(path, row)
        what = ("repeats a time of its trial" if trial_at is not None else
                f"has time {times[row]:g} after {times[before]:g}: times must increase "
                "(add a trial column to split the file into trials)")
        raise DataFileError(f"line {line}: {what} (column {names[at]!r})", line)
    row_labels = None  # labels that change within a trial: a class per time bin
    if condition_at is not None:
        conditions = X[:, condition_at]
        source = names[condition_at]
    elif labels is not None and (_key(str(label_name)) in CONDITION_NAMES or  # said so
                                 _constant_in_trials(_codes(labels)[0][order], trial[order])):
        conditions, source = np.asarray(labels), label_name
    else:
        row_labels = None if labels is None else _codes(labels)
        conditions, source = np.zeros(len(X)), None
    codes, condition_names = _codes(conditions)
    if source is None:
        condition_names = ("all",)
    codes = codes[order]
    changes = np.flatnonzero((trial[order][1:] == trial[order][:-1]) & (np.diff(codes) != 0))
    if changes.size:
        row = int(order[changes[0] + 1])
        line = _line(path, row)
        raise DataFileError(f"line {line}: trial {trial[row]:g} changes condition midway "
                            f"(column {source!r})", line)
    skip = {at, trial_at, condition_at} - {None}
    channels = [j for j in range(len(names)) if j not in skip]
    if not channels:
        raise DataFileError("the file has a time column but no other numeric column: no "
                            "channels to read")
    _, trial_codes = np.unique(trial[order], return_inverse=True)
    series = Series(trial=trial_codes, time=times[order], condition=codes,
                    condition_names=condition_names)
    name = Path(path).name
    parts = [f"time from column {names[at]!r}"]
    parts.append(f"{series.n_trials} trials from {names[trial_at]!r}, sorted by trial then "
                 "time" if trial_at is not None else "one trial (no trial column)")
    if source is not None:
        parts.append(f"{series.n_conditions} conditions from {source!r}")
    elif row_labels is not None:
        parts.append(f"a class per time bin from {label_name!r} (it changes within trials, "
                     "so it is no condition)")
    note = (f"Read as time series: {'; '.join(parts)}; {len(channels)} channel"
            f"{'s' * (len(channels) != 1)}.")
    return Dataset(name=Path(path).stem or name, X=X[order][:, channels],
                   y=codes if source is not None else (
                       None if row_labels is None else row_labels[0][order]),
                   feature_names=tuple(names[j] for j in channels),
                   target_names=condition_names if source is not None else (
                       None if row_labels is None else row_labels[1]),
                   source=path, series=series, options=options, note=note,
                   description=f"{name}: {kind}, time series of {len(X)} time bins × "
                               f"{len(channels)} channels in {series.n_trials} trial"
                               f"{'s' * (series.n_trials != 1)}"), ""
