"""Results as tables and CSV: the right rows and columns, the values of the snapshot."""

import csv

import numpy as np
import pytest

from engine import datasets
from engine.clustering import hierarchical
from engine.data import Dataset
from engine.export import snapshot_tables, write_csv, write_tables
from engine.protocol import MLP, LatentModel, Snapshot, run_to_end


@pytest.fixture(scope="module")
def blobs():
    return datasets.load("blobs", n_samples=40, seed=3)


def test_partition_labels_centres_and_objective(blobs):
    final = run_to_end("kmeans", blobs, {"n_clusters": 3})
    tables = snapshot_tables(final, blobs)
    assert set(tables) == {"labels", "centres", "objective", "restarts", "elbow", "scores"}
    header, rows = tables["labels"]
    assert header == ["point", "cluster", "class"]
    assert len(rows) == blobs.n
    assert [r[1] for r in rows] == final.labels.tolist()
    assert [r[2] for r in rows] == blobs.y.tolist()
    header, rows = tables["centres"]
    assert header == ["cluster", *blobs.feature_names] and len(rows) == 3
    np.testing.assert_array_equal(np.array([r[1:] for r in rows]), final.centres)
    header, rows = tables["objective"]
    assert header == ["step", "J"] and len(rows) == len(final.trace)


def test_tree_labels_at_the_cut_and_the_linkage(blobs):
    final = run_to_end("agglomerative", blobs, {"n_clusters": 3, "linkage": "average"})
    tables = snapshot_tables(final, blobs, k=4)
    header, rows = tables["labels"]
    assert len(rows) == blobs.n
    assert [r[1] for r in rows] == hierarchical.cut(final.linkage, 4).tolist()
    header, rows = tables["linkage"]
    assert header == ["merge", "cluster_a", "cluster_b", "distance", "size"]
    assert len(rows) == blobs.n - 1
    np.testing.assert_array_equal(np.array([r[1:] for r in rows]), final.linkage)
    assert isinstance(rows[0][1], int) and isinstance(rows[0][3], float)
    with pytest.raises(ValueError, match="needs k"):
        snapshot_tables(final, blobs)


def test_spectrum_scores_components_and_variance():
    data = Dataset("small", np.random.default_rng(0).normal(size=(25, 4)))
    final = run_to_end("pca", data, {"n_components": 3})
    tables = snapshot_tables(final, data)
    header, rows = tables["scores"]
    assert header == ["point", "PC1", "PC2", "PC3"] and len(rows) == 25  # no class column
    np.testing.assert_allclose(np.array([r[1:] for r in rows]), final.scores)
    header, rows = tables["components"]
    assert header == ["component", "x1", "x2", "x3", "x4"] and len(rows) == 3
    assert rows[0][0] == 1
    header, rows = tables["variance"]
    assert len(rows) == 4
    assert rows[-1][3] == pytest.approx(1.0)


def test_latent_codes_and_losses(blobs):
    codes = np.random.default_rng(1).normal(size=(blobs.n, 2))
    snap = LatentModel(codes=codes, decoder=MLP((np.eye(2),), (np.zeros(2),)), epoch=3,
                       n_epochs=3, elbo=-np.arange(3.0), recon=np.ones(3), kl=np.zeros(3),
                       out_mean=np.zeros(2), out_scale=np.ones(2))
    tables = snapshot_tables(snap, blobs)
    header, rows = tables["codes"]
    assert header == ["point", "z1", "z2", "class"] and len(rows) == blobs.n
    assert rows[5][1:3] == tuple(codes[5])
    header, rows = tables["losses"]
    assert header == ["epoch", "elbo", "reconstruction", "kl"] and len(rows) == 3


def test_a_snapshot_without_tables_and_a_wrong_size_are_refused(blobs):
    with pytest.raises(TypeError):
        snapshot_tables(Snapshot(), blobs)
    final = run_to_end("kmeans", blobs, {"n_clusters": 2})
    other = datasets.load("blobs", n_samples=10, seed=3)
    with pytest.raises(ValueError, match="10 data points"):
        snapshot_tables(final, other)


def test_csv_files_read_back(tmp_path, blobs):
    final = run_to_end("kmeans", blobs, {"n_clusters": 3})
    tables = snapshot_tables(final, blobs)
    paths = write_tables(tmp_path / "run.csv", tables)
    assert [p.name for p in paths] == ["run_labels.csv", "run_centres.csv", "run_objective.csv",
                                       "run_restarts.csv", "run_elbow.csv", "run_scores.csv"]
    with paths[0].open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["point", "cluster", "class"] and len(rows) == blobs.n + 1
    assert [int(r[1]) for r in rows[1:]] == final.labels.tolist()
    with write_csv(tmp_path / "c.csv", tables["centres"]).open(newline="") as f:
        centres = np.array([[float(v) for v in r[1:]] for r in list(csv.reader(f))[1:]])
    np.testing.assert_array_equal(centres, final.centres)  # full precision
