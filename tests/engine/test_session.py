"""Session files: a round trip keeps everything; every bad file names what is wrong and where."""

import json

import numpy as np
import pytest

from engine import datasets, session
from engine.data import Dataset
from engine.session import (
    BuiltinData,
    FileData,
    GeneratedData,
    InlineData,
    ModelRef,
    Session,
    SessionError,
    ViewSettings,
)


def _session(data, **kw) -> Session:
    return Session(data, "kmeans", {"n_clusters": 4, "seed": 7}, **kw)


def test_round_trip_keeps_method_params_view_and_data():
    s = _session(GeneratedData("moons", {"n_samples": 50, "noise": 0.1, "seed": 3}),
                 view=ViewSettings((1, 0), timeline=4, cut_k=3, components=2), ran=True,
                 model=ModelRef("x.model.pt", "ab"))
    back = session.from_json(session.to_json(s))
    assert back == s
    assert back.view.mode == (1, 0)


def test_inline_data_comes_back_exactly():
    X = np.array([[0.1, 1 / 3], [2.5, -7.0], [1e-9, 4.0]])
    ds = Dataset(name="drawing", X=X, y=[0, 3, 3], feature_names=("x", "y"),
                 target_names=tuple("abcd"), source="drawn")
    back = session.from_json(session.to_json(_session(InlineData(ds)))).data.load()
    np.testing.assert_array_equal(back.X, X)
    np.testing.assert_array_equal(back.y, [0, 3, 3])
    assert (back.source, back.target_names, back.name) == ("drawn", tuple("abcd"), "drawing")


@pytest.mark.parametrize("n", [3, 20])  # short arrays inline, long ones a row a line
def test_what_stands_behind_inline_rows_comes_back(n):
    """A typed text, a table of distances, the rows' names and a corpus's documents: without
    them a text method or MDS on the distances had nothing to read after a session was
    opened."""
    rng = np.random.default_rng(0)
    points = rng.standard_normal((n, 2))
    D = np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1))
    ds = Dataset(name="typed", X=points, feature_names=("MDS 1", "MDS 2"), source="typed",
                 raw_text="Ein Text, typed.\nTwo lines.", distances=D,
                 point_names=tuple(f"p{i}" for i in range(n)), note="a note",
                 documents=tuple(f"document {i}, with a comma" for i in range(n)))
    back = session.from_json(session.to_json(_session(InlineData(ds)))).data.load()
    assert back.raw_text == ds.raw_text and back.point_names == ds.point_names
    assert back.documents == ds.documents
    np.testing.assert_array_equal(back.distances, D)
    assert back.note == "a note"


def test_a_large_inline_data_set_is_written_a_row_a_line_in_parts():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    ds = Dataset(name="sample", X=X, y=rng.integers(0, 4, 1000), source="selection",
                 feature_names=("a", "b", "c"))
    s = _session(InlineData(ds))
    parts = list(session.json_parts(s))
    text = "".join(parts)
    assert len(parts) > 1000 // session.ROWS_PER_PART  # a writer may pause between them
    assert json.loads(text) == json.loads(json.dumps(s.to_dict()))
    assert "  " + json.dumps(X[5].tolist()) + ",\n" in text  # row 5 on a line of its own
    back = session.from_json(text).data.load()
    np.testing.assert_array_equal(back.X, X)
    np.testing.assert_array_equal(back.y, ds.y)
    odd = Dataset(name="\0X", X=X, source="selection", feature_names=("\0y", "\\u0000X", "c"))
    back = session.from_json(session.to_json(_session(InlineData(odd)))).data.load()
    assert back.name == "\0X" and back.feature_names == odd.feature_names  # not the marks
    np.testing.assert_array_equal(back.X, X)


def test_data_spec_names_generated_builtin_file_and_drawn(tmp_path):
    gen = datasets.load("blobs", n_samples=30, seed=2)
    assert session.data_spec(gen) == GeneratedData("blobs", dict(gen.options))
    iris_like = Dataset(name="Iris", X=np.ones((2, 2)), source="built-in")
    assert session.data_spec(iris_like) == BuiltinData("iris")
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    spec = session.data_spec(datasets.load_file(path, label_column=None))
    assert spec == FileData(str(path), session.sha256_file(path), None)
    drawn = Dataset(name="drawing", X=np.zeros((1, 2)), source="drawn")
    assert isinstance(session.data_spec(drawn), InlineData)


def test_a_changed_data_file_is_caught_by_its_checksum(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    spec = FileData(str(path), session.sha256_file(path))
    spec.check()
    path.write_text("a,b\n1,2\n3,5\n")
    with pytest.raises(SessionError) as err:
        spec.check()
    assert err.value.field == "dataset.sha256" and "changed" in err.value.message


def test_a_folder_of_texts_is_named_by_its_path_and_its_texts_checksum(tmp_path):
    """A corpus from a folder is saved by path, not as a table of counts in the session;
    changing one of its texts is caught like a changed file."""
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "a.txt").write_text("the cat sat on the mat with the hat")
    (folder / "b.txt").write_text("the dog sat on the mat with the cat")
    ds = datasets.load_file(str(folder))
    spec = session.data_spec(ds)
    assert isinstance(spec, FileData) and spec.path == str(folder)
    back = session.from_json(session.to_json(_session(spec))).data
    back.check()
    assert back.load().documents == ds.documents
    (folder / "b.txt").write_text("the dog sat on the mat with the bat")
    with pytest.raises(SessionError, match="changed"):
        back.check()


def test_a_moved_data_file_is_found_beside_the_session(tmp_path):
    (tmp_path / "d.csv").write_text("a,b\n1,2\n3,4\n")
    spec = FileData("/nowhere/d.csv", session.sha256_file(tmp_path / "d.csv"), None)
    spec.check(tmp_path)
    assert spec.load(tmp_path).n == 2


def _bad(d) -> SessionError:
    with pytest.raises(SessionError) as err:
        session.from_json(json.dumps(d))
    return err.value


def _good() -> dict:
    return session.to_json(_session(BuiltinData("iris")))


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda d: d.pop("format"), "format", "not an Unsupervised Explorer session"),
    (lambda d: d.update(version=2), "version", "newer version"),
    (lambda d: d.update(version="1"), "version", "whole number"),
    (lambda d: d["method"].update(id="nope"), "method.id", "no algorithm"),
    (lambda d: d["method"]["params"].update(n_clusters=0), "method.params.n_clusters",
     "between"),
    (lambda d: d["method"]["params"].update(colour=1), "method.params.colour",
     "not a parameter"),
    (lambda d: d["dataset"].update(kind="tape"), "dataset.kind", "unknown kind"),
    (lambda d: d["dataset"].update(name="irises"), "dataset.name", "no built-in"),
    (lambda d: d.pop("dataset"), "dataset", "missing"),
    (lambda d: d["view"].update(mode="tsne"), "view.mode", "pca"),
    (lambda d: d["view"].update(cut_k=-1), "view.cut_k", "whole number"),
    (lambda d: d.update(ran="yes"), "ran", "true or false"),
])
def test_bad_fields_are_named(change, field, words):
    d = json.loads(_good())
    change(d)
    err = _bad(d)
    assert err.field == field and words in err.message, str(err)


def test_bad_generator_options_and_inline_data_are_named():
    d = json.loads(session.to_json(_session(GeneratedData("blobs", {"n_samples": 5}))))
    d["dataset"]["options"]["n_samples"] = -3
    assert _bad(d).field == "dataset.options.n_samples"
    ds = Dataset(name="drawing", X=np.zeros((2, 2)), source="drawn")
    d = json.loads(session.to_json(_session(InlineData(ds))))
    d["dataset"]["X"] = [[0, 1], [2, "three"]]
    assert _bad(d).field == "dataset.X"
    d["dataset"]["X"] = [[0, 1], [2, 3]]
    d["dataset"]["y"] = [0]
    err = _bad(d)
    assert err.field == "dataset.X" and "1 labels for 2 rows" in err.message


def test_foreign_and_corrupt_files_name_the_file(tmp_path):
    foreign = tmp_path / "package.json"
    foreign.write_text('{"name": "left-pad", "version": "1.3.0"}')
    with pytest.raises(SessionError, match=r"^package\.json: format: this is not an Unsup"):
        session.read(foreign)
    corrupt = tmp_path / "s.uesession.json"
    corrupt.write_text(_good()[:40])
    bad_json = r"^s\.uesession\.json: not valid JSON: .*\(line \d+, column \d+\)"
    with pytest.raises(SessionError, match=bad_json):
        session.read(corrupt)
    binary = tmp_path / "b.ues"
    binary.write_bytes(b"\x89PNG\xff\xfe")
    with pytest.raises(SessionError, match="not text"):
        session.read(binary)


def test_write_is_atomic_and_is_session_file_sniffs(tmp_path):
    s = _session(BuiltinData("wine"))
    path = tmp_path / "odd-name.json"
    session.write(s, path)
    assert session.read(path) == s
    assert session.is_session_file(path)
    assert session.is_session_file(tmp_path / "anything.uesession.json")
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n")
    assert not session.is_session_file(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "odd-name.json"]  # no temp
    assert session.model_path(tmp_path / "a.uesession.json").name == "a.model.pt"


def test_vae_model_restores_its_final_snapshot_without_training(tmp_path):
    ds = datasets.load("moons", n_samples=40, seed=0)
    final, params = _final_vae(ds, epochs=2)
    path = tmp_path / "m.model.pt"
    digest = session.save_model(final, path, "vae", params, ds)
    back = session.load_model(path, digest, ds, "vae")
    np.testing.assert_array_equal(back.codes, final.codes)
    np.testing.assert_array_equal(back.elbo, final.elbo)
    z = np.array([[0.3, -1.0]])
    np.testing.assert_allclose(back.decode(z), final.decode(z))
    assert (back.epoch, back.n_epochs, back.image_shape) == (2, 2, None)
    with pytest.raises(SessionError, match="changed"):
        session.load_model(path, "0" * 64, ds, "vae")
    with pytest.raises(SessionError, match=r"trained on Two moons \(40 × 2\)"):
        session.load_model(path, digest, datasets.load("moons", n_samples=41, seed=0), "vae")
    with pytest.raises(SessionError, match="not of"):
        session.load_model(path, digest, ds, "gan-2d")


def _old_vae_file(snapshot, path) -> str:
    """A VAE saved as older versions did: a bare state_dict with "meta"; its sha256."""
    import hashlib
    import io

    import torch

    state = {}
    for i, (w, b) in enumerate(zip(snapshot.decoder.weights, snapshot.decoder.biases,
                                   strict=True)):
        state[f"decoder.{2 * i}.weight"] = torch.from_numpy(np.array(w))
        state[f"decoder.{2 * i}.bias"] = torch.from_numpy(np.array(b))
    for key in ("codes", "elbo", "recon", "kl", "out_mean", "out_scale"):
        state[key] = torch.from_numpy(np.array(getattr(snapshot, key), dtype=np.float64))
    state["meta"] = {"hidden": snapshot.decoder.hidden, "output": snapshot.decoder.output,
                     "epoch": snapshot.epoch, "n_epochs": snapshot.n_epochs,
                     "step": snapshot.step, "message": snapshot.message, "image_shape": []}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    path.write_bytes(buffer.getvalue())
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def test_a_vae_saved_by_an_older_version_still_reads(tmp_path):
    ds = datasets.load("moons", n_samples=30, seed=0)
    final, _ = _final_vae(ds)
    path = tmp_path / "old.model.pt"
    digest = _old_vae_file(final, path)
    back = session.load_model(path, digest, ds, "vae")
    np.testing.assert_array_equal(back.codes, final.codes)
    np.testing.assert_allclose(back.decode(back.codes[:3]), final.decode(final.codes[:3]))


def test_a_tag_is_not_taken_for_a_file_of_that_name_in_the_current_folder(tmp_path,
                                                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    for tag in ("selection", "drawn", "session"):
        (tmp_path / tag).write_text("a,b\n1,2\n")
        ds = Dataset(name="some points", X=np.zeros((2, 2)), source=tag)
        assert isinstance(session.data_spec(ds), InlineData), tag


def _mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_written_files_get_the_normal_mode_not_mkstemps_0600(tmp_path, monkeypatch):
    """A session saved into a shared folder must be readable by others, as any file is."""
    import os

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.uesession.json"
        session.write(_session(BuiltinData("iris")), fresh)
        assert _mode(fresh) == 0o644
        kept = tmp_path / "kept.uesession.json"
        kept.write_text("old")
        os.chmod(kept, 0o640)
        session.atomic_write(kept, b"new")
        assert _mode(kept) == 0o640 and kept.read_bytes() == b"new"
    finally:
        os.umask(old)


def _final_vae(ds, epochs=1):
    """A VAE's final snapshot on ds, and the parameters it ran with."""
    from engine.protocol import RunContext

    vae = session.registry.get("vae")
    params = vae.resolve(ds, {"epochs": epochs, "hidden": 8, "batch_size": 16})
    return list(vae.run(ds, params, RunContext(seed=0)))[-1], params


def test_a_model_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    import os

    ds = datasets.load("moons", n_samples=30, seed=0)
    final, params = _final_vae(ds)
    path = tmp_path / "m.model.pt"
    old = os.umask(0o022)
    try:
        digest = session.save_model(final, path, "vae", params, ds)
    finally:
        os.umask(old)
    assert digest == session.sha256_file(path) and _mode(path) == 0o644
    path.unlink()

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session.os, "replace", fail)
    with pytest.raises(OSError):
        session.save_model(final, path, "vae", params, ds)
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind
