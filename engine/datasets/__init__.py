"""Every data set the window offers: built-in, generated, or loaded from a file.

Importing this package imports neither scikit-learn nor torch: the built-in sets
load scikit-learn on first use, and the generators are plain numpy.
"""

from __future__ import annotations

import os

import numpy as np

from engine.data import Dataset
from engine.datasets.builtin import BUILTIN, load_builtin
from engine.datasets.corpus import Corpus
from engine.datasets.errors import DataFileError
from engine.datasets.files import load_file
from engine.datasets.generators import GENERATORS, Generator
from engine.params import ParamError, resolve

__all__ = ["BUILTIN", "GENERATORS", "DataFileError", "Generator", "load", "load_file", "names"]

_FILE_OPTIONS = ("label_column", "max_bytes")


def names() -> tuple[str, ...]:
    """The built-in sets, then the generators."""
    return BUILTIN + tuple(GENERATORS)


def _generate(name: str, options: dict) -> Dataset:
    gen = GENERATORS[name]
    values = resolve(gen.params, options)
    X, y, *series = gen.make(**values)  # a generator of time series adds their Series
    settings = ", ".join(f"{p.title} {values[p.name]}" for p in gen.params)
    series = series[0] if series else None
    if isinstance(series, Corpus):  # a generated corpus: its documents and vocabulary
        return series.dataset(X, y, gen.title, f"{gen.description} ({settings})", values)
    names = gen.target_names if series is None else series.condition_names
    if names is not None and len(y):  # a generator's names for its largest setting (bands)
        names = names[:int(np.max(y)) + 1]
    return Dataset(name=gen.title, X=X, y=y, target_names=names,
                   feature_names=gen.feature_names, series=series,
                   source="generated", description=f"{gen.description} ({settings})",
                   options=values)


def _from_file(path: str, options: dict) -> Dataset:
    unknown = sorted(set(options) - set(_FILE_OPTIONS))
    if unknown:
        raise ParamError(unknown[0], "is not an option for a file "
                         f"(known: {', '.join(_FILE_OPTIONS)})")
    return load_file(path, **options)


def _looks_like_path(name: str) -> bool:
    return os.sep in name or "/" in name or "." in name or os.path.exists(name)


def load(name: str, **options) -> Dataset:
    """A data set by name (see names()) or by file path; options are checked against
    the generator's parameters, and unknown ones are an error."""
    if name in BUILTIN:
        if options:
            raise ParamError(sorted(options)[0], f"is not an option: {name} takes none")
        return load_builtin(name)
    if name in GENERATORS:
        return _generate(name, options)
    if not _looks_like_path(name):
        raise ValueError(f"there is no data set {name!r}: give a file path or one of "
                         + ", ".join(names()))
    return _from_file(name, options)
