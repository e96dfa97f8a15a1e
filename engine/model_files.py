"""A trained generative model on disk: its final snapshot's arrays as torch tensors, and a small
JSON of everything else (which algorithm, its parameters, the data set, the snapshot's shape).

One torch file holds `{"settings": <JSON text>, "arrays": {name: tensor}}`, so that
`torch.load(path, weights_only=True)` reads it: no pickled Python objects, nothing that runs
code. The snapshot (a frozen dataclass of numpy arrays, plain values and small numpy networks)
is flattened field by field; the JSON names each nested object's type, and loading builds only
types on an allow-list made from the code — the snapshot types of the registered generative
algorithms and the dataclasses their fields are declared to hold — never one named by the
file alone. Every problem with a file is a ModelFileError naming the file and what is wrong.

torch is imported only when a file is written or read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import os
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine import registry
from engine.data import Dataset
from engine.params import ParamError, resolve
from engine.protocol import Snapshot, frozen
from engine.session import FORMAT as SESSION_FORMAT
from engine.session import atomic_write

FORMAT = "unsupervised-explorer-model"
VERSION = 1
SUFFIX = ".uemodel.pt"
FAMILY = "Generative models"
_ZIP = b"PK\x03\x04"  # torch.save writes a zip archive
_ARRAY_KINDS = "biufc"  # bool, integers, floats, complex: what a tensor can hold
_FINGERPRINT_VALUES = 2**20


class ModelFileError(ValueError):
    """What is wrong with a model file; `where` names the file."""

    def __init__(self, message: str, where: str = ""):
        self.message, self.where = message, where
        super().__init__(f"{where}: {message}" if where else message)

    def located(self, where: str) -> ModelFileError:
        return ModelFileError(self.message, where)


@dataclass(frozen=True)
class DataInfo:
    """Enough of a data set to tell another one from it: name, size, a sample's checksum."""

    name: str
    n: int
    d: int
    fingerprint: str

    def describe(self) -> str:
        return f"{self.name} ({self.n:,} × {self.d})"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True, eq=False)
class SavedModel:
    """A model read back: the algorithm and its (checked) parameters, the data it was trained
    on, and the final snapshot rebuilt."""

    algorithm_id: str
    params: dict
    data: DataInfo
    snapshot: Snapshot


def can_save(algorithm) -> bool:
    """Only the generative models' snapshots are models worth keeping."""
    return algorithm is not None and algorithm.family == FAMILY


# ---------------------------------------------------------------- the data set


def fingerprint(dataset: Dataset) -> str:
    """A checksum of the data's shape, at most a million of its values spread evenly over X
    (reading 400 MB would take seconds for a digit-sized difference no one makes), and the
    running text a text model learnt from."""
    flat = np.ravel(dataset.X)
    step = max(1, flat.size // _FINGERPRINT_VALUES)
    h = hashlib.sha256(repr(tuple(dataset.X.shape)).encode())
    h.update(np.ascontiguousarray(flat[::step], dtype="<f8").tobytes())
    if dataset.raw_text is not None:
        h.update(dataset.raw_text.encode("utf-8"))
    return h.hexdigest()


def data_info(dataset: Dataset) -> DataInfo:
    return DataInfo(dataset.name, dataset.n, dataset.d, fingerprint(dataset))


def check_data(saved: DataInfo, dataset: Dataset | None) -> None:
    """The model's per-point arrays belong to the data it was trained on: refuse any other."""
    if dataset is None:
        raise ModelFileError(f"choose the data set it was trained on first: {saved.describe()}")
    now = data_info(dataset)
    if (saved.name, saved.n, saved.d) != (now.name, now.n, now.d):
        raise ModelFileError(f"it was trained on {saved.describe()}; the data set now is "
                             f"{now.describe()}. Choose {saved.name} first.")
    if saved.fingerprint != now.fingerprint:
        raise ModelFileError(f"it was trained on other values of {saved.describe()} than the "
                             f"data set now has (other options, or a changed file)")


# ---------------------------------------------------------------- which types may be built


def _type_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _classes_in(hint) -> list[type]:
    """The classes a type hint names, through unions, tuples and other generics."""
    if isinstance(hint, type) and not typing.get_args(hint):
        return [hint]
    return [cls for arg in typing.get_args(hint) for cls in _classes_in(arg)]


def _field_types(cls: type) -> list[type]:
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an annotation that does not resolve: its field adds no type
        return []
    return [c for f in dataclasses.fields(cls) for c in _classes_in(hints.get(f.name, Any))]


def _extra_types() -> tuple[type, ...]:
    """Types that fields declared `Any` hold: LatentModel.judgement is a Judgement, but
    engine.protocol cannot import engine.generative to say so."""
    from engine.generative.judging import Judgement

    return (Judgement,)


def allowed_types() -> dict[str, type]:
    """Every dataclass a model file may name, by "module:qualname": the snapshot types of the
    registered generative algorithms and the dataclasses reachable from their fields' types."""
    todo = [a.snapshot_type for a in registry.all() if a.family == FAMILY]
    todo += _extra_types()
    found: dict[str, type] = {}
    while todo:
        cls = todo.pop()
        if not dataclasses.is_dataclass(cls) or _type_name(cls) in found:
            continue
        found[_type_name(cls)] = cls
        todo.extend(_field_types(cls))
    return found


# ---------------------------------------------------------------- flattening


def _tensor(array: np.ndarray, path: str):
    import torch

    if array.dtype.kind not in _ARRAY_KINDS:
        raise ModelFileError(f"cannot save {path}: an array of {array.dtype} (only numbers "
                             f"and true/false can be saved)")
    native = array.astype(array.dtype.newbyteorder("="), copy=True)  # writable, contiguous
    try:
        return torch.from_numpy(native)
    except TypeError as exc:
        raise ModelFileError(f"cannot save {path}: {exc}") from None


def _float(value: float):
    return value if math.isfinite(value) else {"float": repr(value)}


def _encode(value, path: str, arrays: dict, allowed: dict[str, type]):
    """The JSON for one value; its arrays go into `arrays` under their path."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.ndarray):
        arrays[path] = _tensor(value, path)
        return {"array": path}
    if isinstance(value, np.generic) and value.dtype.kind in _ARRAY_KINDS:
        item = value.item()
        return {"scalar": value.dtype.str,
                "value": _float(item) if isinstance(item, float) else
                [item.real, item.imag] if isinstance(item, complex) else item}
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, tuple | list):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {kind: [_encode(v, f"{path}.{i}", arrays, allowed) for i, v in enumerate(value)]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: _encode(v, f"{path}.{k}", arrays, allowed) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = _type_name(type(value))
        if allowed.get(name) is not type(value):
            raise ModelFileError(f"cannot save {path}: a {name} is not a part of any model "
                                 f"this program knows how to load")
        return {"type": name, "fields": {
            f.name: _encode(getattr(value, f.name), f"{path}.{f.name}" if path else f.name,
                            arrays, allowed)
            for f in dataclasses.fields(value) if f.init}}
    raise ModelFileError(f"cannot save {path}: a {type(value).__name__} is neither an array, "
                         f"a plain value nor a known part of a model")


def to_bytes(snapshot: Snapshot, algorithm_id: str, params: dict, dataset: Dataset) -> bytes:
    """The file's bytes (see the module's docstring)."""
    import torch

    from engine import __version__

    algorithm = registry.get(algorithm_id)
    if not can_save(algorithm):
        raise ModelFileError(f"{algorithm.name} is not a generative model: it has no model "
                             f"to save")
    arrays: dict = {}
    tree = _encode(snapshot, "", arrays, allowed_types())
    settings = {"format": FORMAT, "version": VERSION, "app_version": __version__,
                "algorithm": {"id": algorithm.id, "name": algorithm.name,
                              "params": dict(params)},
                "dataset": data_info(dataset).to_dict(), "snapshot": tree}
    buffer = io.BytesIO()
    torch.save({"settings": json.dumps(settings, allow_nan=False), "arrays": arrays}, buffer)
    return buffer.getvalue()


def save(path: str | os.PathLike, snapshot: Snapshot, algorithm_id: str, params: dict,
         dataset: Dataset) -> str:
    """Write the model whole or not at all; returns the file's sha256. A snapshot that cannot
    be saved raises ModelFileError before anything is written."""
    data = to_bytes(snapshot, algorithm_id, params, dataset)
    atomic_write(path, data)
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- reading


def _what_it_is(head: bytes) -> str:
    """Why bytes that are not a torch archive are not a model, in words."""
    if not head:
        return "it is empty"
    text = head.lstrip()
    if text.startswith(b"{") and SESSION_FORMAT.encode() in head:
        return "it is a session, not a model: open it with File ▸ Open session…"
    if text.startswith((b"{", b"[")):
        return "it is a JSON text, not a model saved by Unsupervised Explorer"
    return "it is not a model saved by Unsupervised Explorer (not a torch file)"


def load_file(path: str | os.PathLike):
    """What torch.load(weights_only=True) reads from the file; ModelFileError (naming the
    file) if it is missing, not a torch archive, damaged, or holds more than weights."""
    name = Path(path).name
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except FileNotFoundError:
        raise ModelFileError("there is no such file", name) from None
    except OSError as exc:
        raise ModelFileError(f"cannot read it: {exc.strerror or exc}", name) from None
    if not head.startswith(_ZIP):
        raise ModelFileError(_what_it_is(head), name)
    import pickle

    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise ModelFileError("it holds Python objects besides weights, which are not loaded "
                             "since loading them could run code: it is not a model saved by "
                             "Unsupervised Explorer", name) from None
    except RuntimeError as exc:
        damaged = "central directory" in str(exc) or "failed reading" in str(exc)
        raise ModelFileError("it is damaged or cut short: the torch archive does not read"
                             if damaged else "it is a zip archive, not a torch file", name
                             ) from None
    except Exception as exc:  # anything else torch trips on: the file is damaged
        raise ModelFileError(f"it is damaged: {str(exc).splitlines()[0] if str(exc) else exc!r}",
                             name) from None


def _settings(contents) -> dict:
    if not isinstance(contents, dict) or not isinstance(contents.get("settings"), str):
        raise ModelFileError("it is a torch file, but not a model saved by Unsupervised "
                             "Explorer (no settings)")
    try:
        settings = json.loads(contents["settings"])
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"its settings are not valid JSON: {exc.msg}") from None
    if not isinstance(settings, dict) or settings.get("format") != FORMAT:
        raise ModelFileError(f"it is a torch file, but not a model saved by Unsupervised "
                             f"Explorer (its format should be {FORMAT!r})")
    version = settings.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"its version should be a whole number, not {version!r}")
    if version > VERSION:
        raise ModelFileError(f"it was saved by a newer version of the program (model format "
                             f"{version}; this one reads up to {VERSION})")
    return settings


def _part(d, key: str, types, where: str):
    value = d.get(key) if isinstance(d, dict) else None
    if isinstance(value, bool) or not isinstance(value, types):  # no setting is a bool
        raise ModelFileError(f"its settings are damaged: {where}{key} is missing or wrong")
    return value


def _algorithm(settings: dict, expected: str | None):
    """The algorithm the model is of (checked against the one asked for) and its parameters."""
    entry = _part(settings, "algorithm", dict, "")
    saved_id = _part(entry, "id", str, "algorithm.")
    try:
        algorithm = registry.get(saved_id)
    except KeyError:
        raise ModelFileError(f"it is a model of {saved_id!r}, which this version of the "
                             f"program does not know") from None
    if expected is not None and expected != saved_id:
        wanted = registry.get(expected)
        raise ModelFileError(f"it is a model of {algorithm.name} ({saved_id}), not of "
                             f"{wanted.name} ({expected})")
    if not can_save(algorithm):
        raise ModelFileError(f"{algorithm.name} is not a generative model")
    try:
        params = resolve(algorithm.params, _part(entry, "params", dict, "algorithm."))
    except ParamError as exc:
        raise ModelFileError(f"its setting {exc.name!r} does not fit: {exc}") from None
    return algorithm, params


def _data(settings: dict) -> DataInfo:
    entry = _part(settings, "dataset", dict, "")
    return DataInfo(_part(entry, "name", str, "dataset."), _part(entry, "n", int, "dataset."),
                    _part(entry, "d", int, "dataset."),
                    _part(entry, "fingerprint", str, "dataset."))


def _decode(node, path: str, arrays: dict, allowed: dict[str, type]):
    """One value back from its JSON; builds only allowed types."""
    if node is None or isinstance(node, bool | str | int | float):
        return node
    if not isinstance(node, dict):
        raise ModelFileError(f"its settings are damaged at {path or 'the snapshot'}")
    keys = set(node)
    if keys == {"array"}:
        return _array(arrays.get(node["array"]), path)
    if keys == {"float"} and node["float"] in ("nan", "inf", "-inf"):
        return float(node["float"])
    if keys == {"scalar", "value"}:
        return _scalar(node, path)
    if keys in ({"tuple"}, {"list"}) and isinstance(next(iter(node.values())), list):
        kind, items = next(iter(node.items()))
        values = [_decode(v, f"{path}.{i}", arrays, allowed) for i, v in enumerate(items)]
        return tuple(values) if kind == "tuple" else values
    if keys == {"dict"} and isinstance(node["dict"], dict):
        return {k: _decode(v, f"{path}.{k}", arrays, allowed) for k, v in node["dict"].items()}
    if keys == {"type", "fields"} and isinstance(node["fields"], dict):
        return _build(node, path, arrays, allowed)
    raise ModelFileError(f"its settings are damaged at {path or 'the snapshot'}")


def _array(tensor, path: str) -> np.ndarray:
    import torch

    if not isinstance(tensor, torch.Tensor):
        raise ModelFileError(f"it is damaged: the array {path} is missing")
    try:
        return frozen(tensor.numpy())
    except (TypeError, RuntimeError):
        raise ModelFileError(f"it is damaged: the array {path} is of {tensor.dtype}") from None


def _scalar(node: dict, path: str):
    try:
        dtype = np.dtype(node["scalar"])
    except TypeError:
        dtype = None
    value = node["value"]
    if dtype is None or dtype.kind not in _ARRAY_KINDS:
        raise ModelFileError(f"its settings are damaged at {path}: no number type "
                             f"{node['scalar']!r}")
    if isinstance(value, dict):
        value = _decode(value, path, {}, {})
    elif isinstance(value, list) and len(value) == 2:
        value = complex(*value)
    try:
        return dtype.type(value)
    except (TypeError, ValueError, OverflowError):
        raise ModelFileError(f"its settings are damaged at {path}: {value!r}") from None


def _build(node: dict, path: str, arrays: dict, allowed: dict[str, type]):
    """An instance of an allowed dataclass from its fields; never a type the file alone names."""
    cls = allowed.get(node["type"]) if isinstance(node["type"], str) else None
    if cls is None:
        raise ModelFileError(f"it names a type {node['type']!r} at {path or 'its top'} that is "
                             f"no part of any model this program knows; nothing was loaded")
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(node["fields"]) - fields)
    if unknown:
        raise ModelFileError(f"its {cls.__name__} has fields this version does not know: "
                             f"{', '.join(unknown)}")
    values = {k: _decode(v, f"{path}.{k}" if path else k, arrays, allowed)
              for k, v in node["fields"].items()}
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"its {cls.__name__} does not build: {exc}") from None


def from_contents(contents, dataset: Dataset | None, algorithm_id: str | None = None,
                  check: bool = True) -> SavedModel:
    """The model from what load_file read, checked against the algorithm asked for (None: any
    generative one) and, unless `check` is False, against the data set, before anything is
    built."""
    settings = _settings(contents)
    algorithm, params = _algorithm(settings, algorithm_id)
    data = _data(settings)
    if check:
        check_data(data, dataset)
    arrays = contents.get("arrays")
    if not isinstance(arrays, dict):
        raise ModelFileError("it is damaged: it holds no arrays")
    allowed = allowed_types()
    tree = settings.get("snapshot")
    cls = allowed.get(tree.get("type")) if isinstance(tree, dict) else None
    if cls is None or not issubclass(cls, algorithm.snapshot_type):
        raise ModelFileError(f"its snapshot is not one of {algorithm.name}'s")
    return SavedModel(algorithm.id, params, data, _decode(tree, "", arrays, allowed))


def read(path: str | os.PathLike, dataset: Dataset | None, algorithm_id: str | None = None,
         check: bool = True) -> SavedModel:
    """A saved model, checked (see from_contents); every problem a ModelFileError that names
    the file."""
    contents = load_file(path)
    try:
        return from_contents(contents, dataset, algorithm_id, check)
    except ModelFileError as exc:
        raise exc.located(Path(path).name) from None
