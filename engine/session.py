"""A session file: the data set, the method and its parameters, and the view, as versioned JSON.

Reopening a session reloads the data and re-runs the method with the saved parameters (the
seed among them), so the pictures come back the same. A data file is named by its path and a
sha256 checksum, so a file changed since is caught rather than silently giving other pictures;
a drawn (or otherwise made-up) data set is stored inline. Every problem raises SessionError,
which names the file and the field. A trained generative model is kept beside the session
(`save_model` / `load_model`, through engine/model_files.py); torch is imported only there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine import datasets, registry
from engine.data import Dataset
from engine.datasets.corpus import folder_files
from engine.params import ParamError, resolve
from engine.protocol import MLP, LatentModel

FORMAT = "unsupervised-explorer-session"
VERSION = 1
SUFFIX = ".uesession.json"
MODEL_SUFFIX = ".model.pt"
_SNIFF_BYTES = 256


class SessionError(ValueError):
    """What is wrong with a session, and where: the file and the field."""

    def __init__(self, message: str, field: str = "", where: str = ""):
        self.message, self.field, self.where = message, field, where
        super().__init__(self._text())

    def _text(self) -> str:
        at = ": ".join(p for p in (self.where, self.field) if p)
        return f"{at}: {self.message}" if at else self.message

    def located(self, where: str) -> SessionError:
        """The same error, said to be in file `where`."""
        return SessionError(self.message, self.field, where)


# ---------------------------------------------------------------- the data set


def sha256_file(path: str | os.PathLike, chunk: int = 2**20) -> str:
    """The file's sha256; for a folder of texts (a corpus), of its .txt files' names and
    contents, in the order the corpus reads them."""
    h = hashlib.sha256()
    if os.path.isdir(path):
        root = Path(path)
        top, nested = folder_files(root)
        for file in top + nested:
            h.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(bytes.fromhex(sha256_file(file)))
        return h.hexdigest()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class BuiltinData:
    name: str
    kind = "builtin"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name}

    def check(self, base: Path | None = None) -> None:
        if self.name not in datasets.BUILTIN:
            raise SessionError(f"no built-in data set {self.name!r} (known: "
                               f"{', '.join(datasets.BUILTIN)})", "dataset.name")

    def load(self, base: Path | None = None) -> Dataset:
        return datasets.load(self.name)


@dataclass(frozen=True)
class GeneratedData:
    name: str
    options: dict = field(default_factory=dict)
    kind = "generator"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "options": dict(self.options)}

    def check(self, base: Path | None = None) -> None:
        gen = datasets.GENERATORS.get(self.name)
        if gen is None:
            raise SessionError(f"no generator {self.name!r} (known: "
                               f"{', '.join(datasets.GENERATORS)})", "dataset.name")
        try:
            resolve(gen.params, self.options)
        except ParamError as exc:
            raise SessionError(str(exc), f"dataset.options.{exc.name}") from None

    def load(self, base: Path | None = None) -> Dataset:
        return datasets.load(self.name, **self.options)


@dataclass(frozen=True)
class FileData:
    path: str
    sha256: str
    label_column: Any = "auto"
    kind = "file"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "path": self.path, "sha256": self.sha256,
                "label_column": self.label_column}

    def resolved(self, base: Path | None = None) -> Path:
        """The file: its saved path, or failing that one of that name beside the session."""
        path = Path(self.path)
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.exists() and base is not None and (base / path.name).exists():
            path = base / path.name
        return path

    def check(self, base: Path | None = None) -> None:
        path = self.resolved(base)
        if not path.exists():  # a file, or a folder of texts
            raise SessionError(f"the data file {self.path} is not there", "dataset.path")
        try:
            digest = sha256_file(path)
        except OSError as exc:
            raise SessionError(f"cannot read {path}: {exc.strerror or exc}",
                               "dataset.path") from None
        if digest != self.sha256:
            raise SessionError(f"the data file {path} has changed since the session was saved "
                               f"(its checksum differs)", "dataset.sha256")

    def load(self, base: Path | None = None) -> Dataset:
        return datasets.load_file(self.resolved(base), label_column=self.label_column)


@dataclass(frozen=True, eq=False)
class InlineData:
    """A data set held in the session itself: a drawing, or anything not from a file."""

    dataset: Dataset
    kind = "inline"

    def to_dict(self, lists: bool = True) -> dict:
        """`lists` False leaves X and y numpy arrays, for json_parts to turn into text a
        few rows at a time."""
        ds = self.dataset
        X, y = (ds.X.tolist(), None if ds.y is None else ds.y.tolist()) if lists else (ds.X, ds.y)
        return {"kind": self.kind, "name": ds.name, "source": ds.source, "X": X, "y": y,
                "feature_names": list(ds.feature_names),
                "target_names": None if ds.target_names is None else list(ds.target_names),
                "image_shape": None if ds.image_shape is None else list(ds.image_shape),
                "texts": None if ds.texts is None else list(ds.texts),
                # what stands behind the rows: a typed text, a table of distances
                "raw_text": ds.raw_text,
                "distances": None if ds.distances is None else (
                    ds.distances.tolist() if lists else ds.distances),
                "point_names": None if ds.point_names is None else list(ds.point_names),
                "documents": None if ds.documents is None else list(ds.documents),
                "note": ds.note}

    def check(self, base: Path | None = None) -> None:
        pass

    def load(self, base: Path | None = None) -> Dataset:
        return self.dataset


DataSpec = BuiltinData | GeneratedData | FileData | InlineData


def _builtin_name(dataset: Dataset) -> str | None:
    key = dataset.name.lower().replace(" ", "_")
    return key if key in datasets.BUILTIN else None


def _generator_name(dataset: Dataset) -> str | None:
    for name, gen in datasets.GENERATORS.items():
        if gen.title == dataset.name:
            return name
    return None


def data_spec(dataset: Dataset, checksum=sha256_file) -> DataSpec:
    """How a session names this data set: by name and options, by file, or inline. A file
    is known by its absolute path (the data panel loads files so); any other `source` is a
    tag ("drawn", "selection", …), even where a file of that name lies in the current folder."""
    if dataset.source == "built-in" and _builtin_name(dataset):
        return BuiltinData(_builtin_name(dataset))
    if dataset.source == "generated" and _generator_name(dataset):
        return GeneratedData(_generator_name(dataset), dict(dataset.options))
    if os.path.isabs(dataset.source) and os.path.exists(dataset.source):  # not a tag
        return FileData(dataset.source, checksum(dataset.source),
                        dataset.options.get("label_column", "auto"))
    return InlineData(dataset)


# ---------------------------------------------------------------- the session


@dataclass(frozen=True)
class ViewSettings:
    """`mode`: "pca" or (i, j) features; `timeline`: the step shown; `cut_k`: the dendrogram's
    cut; `components`: the principal components kept for reconstructions."""

    mode: str | tuple[int, int] = "pca"
    timeline: int | None = None
    cut_k: int | None = None
    components: int | None = None

    def to_dict(self) -> dict:
        mode = list(self.mode) if isinstance(self.mode, tuple) else self.mode
        return {"mode": mode, "timeline": self.timeline, "cut_k": self.cut_k,
                "components": self.components}


@dataclass(frozen=True)
class ModelRef:
    """A trained model saved beside the session, with its checksum."""

    file: str
    sha256: str

    def to_dict(self) -> dict:
        return {"file": self.file, "sha256": self.sha256}


@dataclass(frozen=True)
class Session:
    data: DataSpec
    method: str
    params: dict
    view: ViewSettings = ViewSettings()
    ran: bool = False  # the method had run: reopening runs it again to the end
    model: ModelRef | None = None

    def to_dict(self, lists: bool = True) -> dict:
        """`lists` False: an inline data set's arrays stay numpy arrays (see json_parts)."""
        from engine import __version__

        data = self.data.to_dict(lists) if isinstance(self.data, InlineData) else \
            self.data.to_dict()
        return {"format": FORMAT, "version": VERSION, "app_version": __version__,
                "dataset": data,
                "method": {"id": self.method, "params": dict(self.params)},
                "view": self.view.to_dict(), "ran": self.ran,
                "model": None if self.model is None else self.model.to_dict()}


def to_json(session: Session) -> str:
    return "".join(json_parts(session))


LONG_LIST = 16  # an inline data set's lists longer than this are written compactly
ROWS_PER_PART = 50  # rows of an array per part of json_parts
ITEMS_PER_LINE = 1000  # items of a flat list (the labels) per line


def json_parts(session: Session) -> Iterator[str]:
    """The session as indented JSON, in parts: an inline data set's arrays are written a row
    to a line by json's C encoder (the indenting encoder is pure Python: seconds on 20,000
    rows), a few dozen rows a part, converted from numpy as they go, so no step holds the
    interpreter for long and a writer thread can pause between parts for the window."""
    d = session.to_dict(lists=False)
    data = {key: value.tolist() if isinstance(value, np.ndarray) and len(value) <= LONG_LIST
            else value for key, value in d["dataset"].items()}
    long = {key: value for key, value in data.items()
            if isinstance(value, list | np.ndarray) and len(value) > LONG_LIST}
    tag = "\\u0000"  # JSON's escape of a NUL character
    while tag in json.dumps(d | {"dataset": data | dict.fromkeys(long)}):
        tag += "\\u0000"  # a name holds the mark: lengthen it until none does
    marks = {key: f'"{tag}{key}"' for key in long}
    skeleton = d | {"dataset": data | {k: json.loads(marks[k]) for k in long}}
    text = json.dumps(skeleton, indent=1, allow_nan=False)
    for key, value in long.items():
        before, text = text.split(marks[key], 1)
        yield before + "[\n  "
        if np.ndim(value[0]) or isinstance(value[0], list):
            for start in range(0, len(value), ROWS_PER_PART):
                rows = value[start:start + ROWS_PER_PART]
                rows = rows.tolist() if isinstance(rows, np.ndarray) else rows
                yield (",\n  " if start else "") + ",\n  ".join(
                    json.dumps(row, allow_nan=False) for row in rows)
        else:
            for start in range(0, len(value), ITEMS_PER_LINE):
                items = value[start:start + ITEMS_PER_LINE]
                items = items.tolist() if isinstance(items, np.ndarray) else items
                yield (",\n  " if start else "") + json.dumps(items, allow_nan=False)[1:-1]
        yield "\n ]"
    yield text + "\n"


# ---------------------------------------------------------------- reading, field by field


def _get(d: Mapping, key: str, where: str, types, optional: bool = False):
    if key not in d:
        if optional:
            return None
        raise SessionError("is missing", f"{where}{key}")
    value = d[key]
    if value is None and optional:
        return None
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
        names = " or ".join(t.__name__ for t in _tuple(types))
        raise SessionError(f"should be {names}, not {type(value).__name__}", f"{where}{key}")
    return value


def _tuple(types) -> tuple:
    return types if isinstance(types, tuple) else (types,)


def _inline(d: Mapping) -> InlineData:
    X = _get(d, "X", "dataset.", list)
    try:
        arr = np.array(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise SessionError("should be a table of numbers", "dataset.X") from None
    shape = _get(d, "image_shape", "dataset.", list, optional=True)
    try:
        ds = Dataset(name=_get(d, "name", "dataset.", str), X=arr,
                     y=_get(d, "y", "dataset.", list, optional=True),
                     feature_names=tuple(_get(d, "feature_names", "dataset.", list)),
                     target_names=_names(_get(d, "target_names", "dataset.", list, True)),
                     image_shape=tuple(shape) if shape else None,
                     source=_get(d, "source", "dataset.", str, optional=True) or "session",
                     texts=_names(_get(d, "texts", "dataset.", list, True)),
                     raw_text=_get(d, "raw_text", "dataset.", str, optional=True),
                     point_names=_names(_get(d, "point_names", "dataset.", list, True)),
                     documents=_names(_get(d, "documents", "dataset.", list, True)),
                     note=_get(d, "note", "dataset.", str, optional=True) or "")
    except (TypeError, ValueError) as exc:
        raise SessionError(str(exc), "dataset.X") from None
    distances = _get(d, "distances", "dataset.", list, optional=True)
    if distances is not None:
        try:
            ds = dataclasses.replace(ds, distances=np.array(distances, dtype=np.float64))
        except (TypeError, ValueError) as exc:
            raise SessionError(str(exc), "dataset.distances") from None
    return InlineData(ds)


def _names(values):
    return None if values is None else tuple(str(v) for v in values)


def _data(d: Mapping) -> DataSpec:
    kind = _get(d, "kind", "dataset.", str)
    if kind == "builtin":
        spec = BuiltinData(_get(d, "name", "dataset.", str))
    elif kind == "generator":
        spec = GeneratedData(_get(d, "name", "dataset.", str),
                             dict(_get(d, "options", "dataset.", dict)))
    elif kind == "file":
        label = d.get("label_column", "auto")
        if isinstance(label, bool) or not (label is None or isinstance(label, str | int)):
            raise SessionError(f"should be auto, null, a column number or name; not {label!r}",
                               "dataset.label_column")
        spec = FileData(_get(d, "path", "dataset.", str), _get(d, "sha256", "dataset.", str),
                        label)
    elif kind == "inline":
        return _inline(d)
    else:
        raise SessionError(f"unknown kind {kind!r} (known: builtin, generator, file, inline)",
                           "dataset.kind")
    if not isinstance(spec, FileData):  # a file is checked on opening, beside the session
        spec.check()
    return spec


def _method(d: Mapping) -> tuple[str, dict]:
    method_id = _get(d, "id", "method.", str)
    try:
        algorithm = registry.get(method_id)
    except KeyError as exc:
        raise SessionError(exc.args[0], "method.id") from None
    params = dict(_get(d, "params", "method.", dict))
    try:
        resolve(algorithm.params, params)
    except ParamError as exc:
        raise SessionError(str(exc), f"method.params.{exc.name}") from None
    return method_id, params


def _view(d: Mapping) -> ViewSettings:
    mode = d.get("mode", "pca")
    if isinstance(mode, list) and len(mode) == 2 and all(_whole(v) for v in mode):
        mode = (int(mode[0]), int(mode[1]))
    elif mode != "pca":
        raise SessionError(f"should be \"pca\" or two feature numbers, not {mode!r}",
                           "view.mode")
    return ViewSettings(mode, *(_count(d, key) for key in ("timeline", "cut_k", "components")))


def _whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _count(d: Mapping, key: str) -> int | None:
    value = d.get(key)
    if value is not None and not _whole(value):
        raise SessionError(f"should be a whole number ≥ 0 or null, not {value!r}", f"view.{key}")
    return value


def _model(d: Mapping | None) -> ModelRef | None:
    if d is None:
        return None
    if not isinstance(d, dict):
        raise SessionError("should be an object or null", "model")
    return ModelRef(_get(d, "file", "model.", str), _get(d, "sha256", "model.", str))


def from_dict(d: Any) -> Session:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise SessionError(f"this is not an Unsupervised Explorer session (its \"format\" "
                           f"field should be {FORMAT!r})", "format")
    version = d.get("version")
    if not _whole(version) or version < 1:
        raise SessionError(f"should be a whole number, not {version!r}", "version")
    if version > VERSION:
        raise SessionError(f"the session was saved by a newer version of the program "
                           f"(session format {version}; this one reads up to {VERSION})",
                           "version")
    ran = d.get("ran", False)
    if not isinstance(ran, bool):
        raise SessionError(f"should be true or false, not {ran!r}", "ran")
    method, params = _method(_get(d, "method", "", dict))
    return Session(_data(_get(d, "dataset", "", dict)), method, params,
                   _view(_get(d, "view", "", dict, optional=True) or {}), ran,
                   _model(d.get("model")))


def from_json(text: str) -> Session:
    """Parse and check a session; SessionError says what is wrong and in which field."""
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column "
                           f"{exc.colno})") from None
    return from_dict(d)


def read(path: str | os.PathLike) -> Session:
    """A session from a file; every problem is a SessionError naming the file."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SessionError("this is not a session: it is not text (UTF-8)", where=name) from None
    except OSError as exc:
        raise SessionError(f"cannot read it: {exc.strerror or exc}", where=name) from None
    try:
        return from_json(text)
    except SessionError as exc:
        raise exc.located(name) from None


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it, then put it back
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, data: bytes | str | Iterable[bytes]) -> None:
    """Write through a temporary file and os.replace, so a crash never leaves half a file.
    The file gets the mode a plain open() would give it (or keeps the one it had): mkstemp
    makes it 0600, and a session in a shared folder must stay readable by others. `data` may
    come in parts (recovery.py writes a large session so, never holding the interpreter
    for one long encoding)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, str | bytes):
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            else:
                f.writelines(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


write_text = atomic_write  # the name engine/lessons.py writes a lesson by


def write(session: Session, path: str | os.PathLike) -> None:
    atomic_write(path, to_json(session))


def is_session_file(path: str | os.PathLike) -> bool:
    """By its name (…uesession.json, .ues) or, failing that, by the start of its content."""
    name = str(path).lower()
    if name.endswith((SUFFIX, ".ues")):
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and FORMAT.encode() in head


def model_path(session_path: str | os.PathLike) -> Path:
    """NAME.model.pt beside NAME.uesession.json."""
    path = Path(session_path)
    stem = path.name[:-len(SUFFIX)] if path.name.lower().endswith(SUFFIX) else path.stem
    return path.with_name(stem + MODEL_SUFFIX)


# ---------------------------------------------------------------- a trained model


def save_model(snapshot, path: str | os.PathLike, algorithm_id: str, params: dict,
               dataset: Dataset) -> str:
    """Save a generative model's final snapshot beside the session (engine/model_files.py);
    returns the file's sha256."""
    from engine import model_files

    return model_files.save(path, snapshot, algorithm_id, params, dataset)


def load_model(path: str | os.PathLike, sha256: str, dataset: Dataset, algorithm_id: str):
    """The final snapshot saved beside the session, without retraining; SessionError if the
    file is missing, changed, not a model of this method, or does not fit the data set.
    A VAE saved by an older version (a bare state_dict with "meta") still reads."""
    name = Path(path).name
    if not Path(path).is_file():
        raise SessionError(f"the model file {name} is not there", "model.file")
    if sha256_file(path) != sha256:
        raise SessionError(f"the model file {name} has changed since the session was saved",
                           "model.sha256")
    from engine import model_files

    try:
        contents = model_files.load_file(path)
        if algorithm_id == "vae" and isinstance(contents, dict) and "meta" in contents:
            return _latent_from_state(contents, dataset)
        return model_files.from_contents(contents, dataset, algorithm_id).snapshot
    except model_files.ModelFileError as exc:
        raise SessionError(f"the model {name}: {exc.message}", "model.file") from None
    except SessionError:
        raise
    except Exception as exc:  # a damaged old file: say so rather than fail somewhere later
        raise SessionError(f"cannot read the model {name}: {exc}", "model.file") from None


def _latent_from_state(state: dict, dataset: Dataset) -> LatentModel:
    """A VAE from the state_dict older versions saved (decoder layers, codes, curves, meta)."""
    meta = state["meta"]
    layers = sorted(int(k.split(".")[1]) for k in state if k.endswith(".weight"))
    weights = tuple(state[f"decoder.{i}.weight"].double().numpy() for i in layers)
    biases = tuple(state[f"decoder.{i}.bias"].double().numpy() for i in layers)
    arrays = {k: state[k].double().numpy() for k in ("codes", "elbo", "recon", "kl",
                                                     "out_mean", "out_scale")}
    if arrays["codes"].shape[0] != dataset.n or weights[-1].shape[0] != dataset.d:
        raise SessionError(f"the model was trained on {arrays['codes'].shape[0]} points × "
                           f"{weights[-1].shape[0]} features, the data set has {dataset.n} × "
                           f"{dataset.d}", "model.file")
    shape = tuple(meta["image_shape"]) or None
    prior_z = state["prior_z"].double().numpy() if "prior_z" in state else None
    return LatentModel(step=meta["step"], message=meta["message"], codes=arrays["codes"],
                       decoder=MLP(weights, biases, meta["hidden"], meta["output"]),
                       epoch=meta["epoch"], n_epochs=meta["n_epochs"], elbo=arrays["elbo"],
                       recon=arrays["recon"], kl=arrays["kl"], out_mean=arrays["out_mean"],
                       out_scale=arrays["out_scale"], image_shape=shape,
                       beta=float(meta.get("beta", 1.0)), prior_z=prior_z)

