"""Models on disk: every generative model's final snapshot is saved and read back the same; a file
that is not such a model gives a plain message naming the file, and nothing is built from it."""

import dataclasses
import io
import json
import sys
import zipfile

import numpy as np
import pytest

from engine import datasets, model_files, registry
from engine.generative.char_rnn import CharNet
from engine.generative.diffusion import EpsilonNet
from engine.generative.realnvp import NumpyFlow
from engine.model_files import SUFFIX, ModelFileError
from engine.protocol import MLP, LatentModel
from engine.session import Session, sha256_file
from tests.quick import quick_run

GENERATIVE = [a for a in registry.all() if a.family == model_files.FAMILY]


def final(algorithm_id: str):
    """(dataset, params, final snapshot) of the quick case, run once per test session."""
    dataset, params, snapshots = quick_run(algorithm_id)
    return dataset, params, snapshots[-1]


# What each kind of numpy network is asked, to compare a rebuilt one with the original.
PROBES = {
    MLP: lambda net, rng: net(rng.normal(size=(5, net.weights[0].shape[1]))),
    EpsilonNet: lambda net, rng: net(rng.normal(size=(5, 2)), 1),  # points of the plane
    NumpyFlow: lambda flow, rng: flow.log_density(rng.normal(size=(5, 2))),
    CharNet: lambda net, rng: net.logits(net.step(net.initial_state(2), np.array([0, 1]))),
    LatentModel: lambda m, rng: m.decode(rng.normal(size=(5, m.latent_dim))),
}


def assert_same(back, original, where="snapshot"):
    """Equal arrays (dtype and values, read-only), equal plain values, the same types all
    the way down, and nested networks that answer alike."""
    assert type(back) is type(original), where
    if isinstance(original, np.ndarray):
        assert back.dtype == original.dtype, where
        np.testing.assert_array_equal(back, original, err_msg=where)
        assert not back.flags.writeable, where
    elif dataclasses.is_dataclass(original):
        for f in dataclasses.fields(original):
            assert_same(getattr(back, f.name), getattr(original, f.name), f"{where}.{f.name}")
        probe = PROBES.get(type(original))
        if probe is not None:
            a, b = probe(back, np.random.default_rng(0)), probe(original, np.random.default_rng(0))
            np.testing.assert_array_equal(a, b, err_msg=f"{where} answers otherwise")
    elif isinstance(original, tuple | list):
        assert len(back) == len(original), where
        for i, (x, y) in enumerate(zip(back, original, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(original, float) and np.isnan(original):
        assert np.isnan(back), where
    else:
        assert back == original, where


@pytest.mark.parametrize("algorithm", GENERATIVE, ids=[a.id for a in GENERATIVE])
def test_a_saved_model_comes_back_the_same(algorithm, tmp_path):
    import torch

    dataset, params, snapshot = final(algorithm.id)
    path = tmp_path / f"m{SUFFIX}"
    assert model_files.save(path, snapshot, algorithm.id, params, dataset) == sha256_file(path)
    contents = torch.load(path, weights_only=True)  # tensors and plain values only
    settings = json.loads(contents["settings"])
    assert settings["format"] == model_files.FORMAT and settings["version"] == model_files.VERSION
    assert settings["algorithm"]["id"] == algorithm.id
    assert settings["algorithm"]["params"] == params
    assert (settings["dataset"]["name"], settings["dataset"]["n"], settings["dataset"]["d"]) \
        == (dataset.name, dataset.n, dataset.d)
    assert settings["snapshot"]["type"].endswith(f":{type(snapshot).__qualname__}")
    assert all(isinstance(t, torch.Tensor) for t in contents["arrays"].values())
    back = model_files.read(path, dataset, algorithm.id)
    assert (back.algorithm_id, back.params) == (algorithm.id, params)
    assert_same(back.snapshot, snapshot)


def test_the_allow_list_holds_the_models_parts_and_nothing_else():
    allowed = set(model_files.allowed_types().values())
    assert {a.snapshot_type for a in GENERATIVE} <= allowed
    assert {MLP, CharNet, EpsilonNet, NumpyFlow} <= allowed
    assert Session not in allowed and not any(c.__module__.startswith("ui") for c in allowed)


# ---------------------------------------------------------------- files that are not models


@pytest.fixture
def saved(tmp_path):
    """A small model on disk (an autoencoder on moons), with its data set."""
    dataset, params, snapshot = final("autoencoder")
    path = tmp_path / f"ae{SUFFIX}"
    model_files.save(path, snapshot, "autoencoder", params, dataset)
    return path, dataset


def _refused(path, dataset, *words, algorithm_id=None):
    with pytest.raises(ModelFileError) as info:
        model_files.read(path, dataset, algorithm_id)
    text = str(info.value)
    assert text.startswith(f"{path.name}: "), text
    for word in words:
        assert word in text, text
    return text


def test_files_that_are_no_torch_archive_say_what_they_are(tmp_path, saved):
    _, dataset = saved
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(np.random.default_rng(0).bytes(600))
    _refused(garbage, dataset, "not a model saved by Unsupervised Explorer")
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    _refused(empty, dataset, "empty")
    other_json = tmp_path / "other.json"
    other_json.write_text(json.dumps({"format": "something else", "a": [1, 2]}))
    _refused(other_json, dataset, "JSON")
    a_session = tmp_path / "s.uesession.json"
    a_session.write_text(json.dumps({"format": "unsupervised-explorer-session", "version": 1}))
    _refused(a_session, dataset, "session", "Open session")
    _refused(tmp_path / "nowhere.uemodel.pt", dataset, "no such file")


def test_a_zip_or_a_cut_short_model_is_damaged_not_a_crash(tmp_path, saved):
    path, dataset = saved
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "hello")
    _refused(archive, dataset, "zip archive")
    cut = tmp_path / "cut.uemodel.pt"
    cut.write_bytes(path.read_bytes()[:-200])
    _refused(cut, dataset, "damaged")


def test_a_torch_file_of_another_kind_is_refused(tmp_path, saved):
    import torch

    _, dataset = saved
    state = tmp_path / "state.pt"
    torch.save({"decoder.0.weight": torch.zeros(3, 2)}, state)
    _refused(state, dataset, "torch file, but not a model saved by Unsupervised Explorer")


class _Opens:
    """Pickled, it would create a file when unpickled: weights_only must refuse it."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return open, (self.target, "w")


def test_pickled_objects_are_never_run(tmp_path, saved):
    import torch

    _, dataset = saved
    evil, marker = tmp_path / "evil.pt", tmp_path / "was-run"
    torch.save({"settings": "{}", "arrays": {"x": _Opens(marker)}}, evil)
    _refused(evil, dataset, "Python objects")
    assert not marker.exists()


def _forged(tmp_path, saved, change) -> object:
    """The saved model with its settings changed by `change(settings)`."""
    import torch

    path, _ = saved
    contents = torch.load(path, weights_only=True)
    settings = json.loads(contents["settings"])
    change(settings)
    contents["settings"] = json.dumps(settings)
    forged = tmp_path / f"forged{SUFFIX}"
    buffer = io.BytesIO()
    torch.save(contents, buffer)
    forged.write_bytes(buffer.getvalue())
    return forged


def test_a_type_not_on_the_allow_list_is_never_imported_nor_built(tmp_path, saved):
    _, dataset = saved
    assert "json.tool" not in sys.modules

    def name(settings, type_name):
        settings["snapshot"]["fields"]["encoder"]["type"] = type_name

    for type_name in ("json.tool:main", "engine.session:Session", "builtins:dict"):
        path = _forged(tmp_path, saved, lambda s, t=type_name: name(s, t))
        _refused(path, dataset, repr(type_name), "no part of any model")
    assert "json.tool" not in sys.modules


def test_a_model_of_another_algorithm_or_a_newer_version_is_refused(tmp_path, saved):
    path, dataset = saved
    _refused(path, dataset, "a model of Autoencoder (autoencoder), not of",
             "(diffusion-2d)", algorithm_id="diffusion-2d")

    def newer(settings):
        settings["version"] = model_files.VERSION + 1

    _refused(_forged(tmp_path, saved, newer), dataset, "newer version")


def test_a_model_for_another_data_set_names_both(saved):
    path, dataset = saved
    other = datasets.load("moons", n_samples=81)
    text = _refused(path, other, f"{dataset.n} × {dataset.d}", f"{other.n} × {other.d}")
    assert text.count(dataset.name) >= 2  # the model's and the one on show
    _refused(path, datasets.load("blobs", n_samples=80, n_features=2), "Blobs")
    noisier = datasets.load("moons", n_samples=80, noise=0.3)
    assert noisier.name == dataset.name
    _refused(path, noisier, "other values")
    _refused(path, None, "choose the data set it was trained on first")


def test_a_snapshot_that_cannot_be_flattened_is_refused_before_writing(tmp_path, saved):
    _, dataset = saved
    _, params, snapshot = final("autoencoder")
    odd = dataclasses.replace(snapshot, loss_name=object())
    path = tmp_path / f"odd{SUFFIX}"
    with pytest.raises(ModelFileError, match="loss_name"):
        model_files.save(path, odd, "autoencoder", params, dataset)
    assert not path.exists()
    with pytest.raises(ModelFileError, match="not a generative model"):
        model_files.save(path, snapshot, "kmeans", {}, dataset)
