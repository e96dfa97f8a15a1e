"""Comparing embeddings: each chosen method runs with its defaults, its coordinates and
measures land in one snapshot per method, and the measures are those of quality.measure."""

import dataclasses

import numpy as np
import pytest

from engine import datasets, export, registry
from engine.protocol import Cancelled, Comparison, RunContext, run_to_end
from engine.reduction import compare, quality

ALG = registry.get("compare")


def _only(*ids, seed=0):
    return {c: c in ids for c in compare.CANDIDATES} | {"seed": seed}


def test_every_candidate_is_a_registered_method_with_coordinates():
    for c in compare.CANDIDATES:
        method = registry.get(c)
        assert method.family == "Dimensionality reduction"
        assert method.snapshot_type is compare.Spectrum or issubclass(method.snapshot_type,
                                                                      compare.Embedding)


def test_a_method_that_fails_or_gives_no_finite_map_is_named_and_the_rest_run(monkeypatch):
    data = datasets.load("swiss_roll", n_samples=150, seed=0)
    mds, isomap = registry.get("mds"), registry.get("isomap")

    def broken(self, dataset, params, ctx):
        raise RuntimeError("the library broke")
        yield

    monkeypatch.setattr(type(mds), "run", broken)
    last = list(ALG.start(data, _only("pca", "mds", "isomap")))[-1]
    assert last.ids == ("pca", "isomap")
    assert last.refused == ("Multidimensional scaling (MDS): the library broke",)

    monkeypatch.undo()
    real = type(isomap).run

    def not_finite(self, dataset, params, ctx):
        for snap in real(self, dataset, params, ctx):
            yield dataclasses.replace(snap, coords=np.full_like(snap.coords, np.nan))

    monkeypatch.setattr(type(isomap), "run", not_finite)
    last = list(ALG.start(data, _only("pca", "mds", "isomap")))[-1]
    assert last.ids == ("pca", "mds") and last.refused[0].startswith("Isomap: its map has "
                                                                     "coordinates that are not")


def test_one_snapshot_per_method_with_its_coordinates_and_measures():
    data = datasets.load("blobs", n_samples=80, n_features=4, seed=2)
    snaps = list(ALG.start(data, _only("pca", "mds")))
    assert [len(s.names) for s in snaps] == [1, 2] and all(isinstance(s, Comparison)
                                                           for s in snaps)
    last = snaps[-1]
    assert last.ids == ("pca", "mds") and last.pending == () and "all done" in last.message
    assert snaps[0].pending == (registry.get("mds").name,)
    pca = run_to_end("pca", data)
    np.testing.assert_allclose(last.coords[0], pca.scores[:, :2])
    assert last.qualities[0] == quality.measure(data.X, pca.scores[:, :2])
    seeded = list(ALG.start(data, _only("pca", "mds") | {"seed": 4}))[-1]
    assert seeded.qualities[0] == quality.measure(data.X, pca.scores[:, :2], seed=4)
    mds = run_to_end("mds", data)
    np.testing.assert_allclose(last.coords[1], mds.coords[:, :2])
    assert all(s >= 0 for s in last.seconds)


def test_fewer_than_two_methods_is_clear():
    data = datasets.load("blobs", n_samples=30, seed=0)
    with pytest.raises(ValueError, match="at least two methods"):
        ALG.resolve(data, _only("pca"))


def test_a_method_that_refuses_the_data_is_named_and_the_others_run():
    data = datasets.load("blobs", n_samples=60, seed=0)  # three far blobs: Isomap's graph breaks
    with pytest.raises(ValueError, match="falls into"):
        run_to_end("isomap", data)
    last = list(ALG.start(data, _only("pca", "isomap", "mds")))[-1]
    assert last.ids == ("pca", "mds")
    assert len(last.refused) == 1 and last.refused[0].startswith("Isomap: ")
    assert "not run: Isomap" in last.message
    with pytest.raises(ValueError, match="fewer than two of the chosen methods could run"):
        list(ALG.start(data, _only("pca", "isomap")))


def test_cancel_between_methods_stops():
    data = datasets.load("blobs", n_samples=60, seed=0)
    ctx = RunContext()
    run = ALG.run(data, ALG.resolve(data, _only("pca", "mds")), ctx)
    next(run)
    ctx.cancel()
    with pytest.raises(Cancelled):
        next(run)


def test_the_libraries_named_are_those_of_the_chosen_methods():
    iris = datasets.load("iris")
    names = ALG.libraries_for(iris, ALG.resolve(iris, _only("pca", "tsne")))
    assert set(registry.get("pca").libraries) <= set(names)
    assert set(registry.get("tsne").libraries) <= set(names)


def test_the_export_holds_each_methods_coordinates_and_measures():
    data = datasets.load("blobs", n_samples=40, seed=1)
    last = list(ALG.start(data, _only("pca", "mds")))[-1]
    tables = export.snapshot_tables(last, data)
    header, rows = tables["coords"]
    assert header == ["point", "pca_dim1", "pca_dim2", "mds_dim1", "mds_dim2", "class"]
    np.testing.assert_allclose(np.array([r[3:5] for r in rows], float), last.coords[1])
    header, rows = tables["quality"]
    assert header == ["measure", "pca", "mds"]
    assert rows[0] == ("trustworthiness", last.qualities[0].trustworthiness,
                       last.qualities[1].trustworthiness)
    assert rows[-1] == ("seconds", *last.seconds)
