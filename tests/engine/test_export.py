"""Results as tables and CSV: the right rows and columns, the values of the snapshot."""

import csv
import functools

import numpy as np
import pytest

from engine import datasets, registry
from engine.clustering import hierarchical
from engine.data import Dataset
from engine.export import snapshot_tables, write_csv, write_tables
from engine.protocol import MLP, LatentModel, Snapshot, run_to_end
from tests.quick import quick_run


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


# ---------------------------------------------------------------- every registered method

ALGORITHMS = registry.all()


@functools.cache
def _final(algorithm_id: str):
    """(dataset, last snapshot) of a quick run, once per test session."""
    dataset, _, snapshots = quick_run(algorithm_id)
    return dataset, snapshots[-1]


def _plain(value) -> bool:
    return type(value) in (int, float, str)


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=[a.id for a in ALGORITHMS])
def test_every_method_has_tables_of_plain_values(algorithm, tmp_path):
    """A method added without tables fails here, not in a user's File → Export."""
    dataset, final = _final(algorithm.id)
    tables = snapshot_tables(final, dataset, k=3)  # k: the cut, for trees only
    assert tables and all(rows for _, rows in tables.values()), f"empty: {tables.keys()}"
    for name, (header, rows) in tables.items():
        assert all(isinstance(h, str) and h for h in header), name
        assert all(len(row) == len(header) for row in rows), name
        bad = next((v for row in rows for v in row if not _plain(v)), None)
        assert bad is None, f"{name}: {bad!r} ({type(bad).__name__}) is not a plain value"
    paths = write_tables(tmp_path / "run.csv", tables)
    assert [p.name for p in paths] == [f"run_{name}.csv" for name in tables]
    with paths[0].open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, first = next(iter(tables.values()))
    assert rows[0] == header and len(rows) == len(first) + 1


# ---------------------------------------------------------------- generative models


def _column(table, name):
    header, rows = table
    return [row[header.index(name)] for row in rows]


def test_gan_samples_are_the_snapshots_with_class_and_noise():
    dataset, final = _final("cgan")
    tables = snapshot_tables(final, dataset)
    header, rows = tables["samples"]
    k, m, d = final.samples.shape
    z = final.noise.shape[1]
    assert header[:2 + z] == ["sample", "class", *(f"z{j + 1}" for j in range(z))]
    assert header[2 + z:] == list(dataset.feature_names) and len(rows) == k * m
    np.testing.assert_array_equal(np.array([r[2 + z:] for r in rows]),
                                  final.samples.reshape(k * m, d))
    assert _column(tables["samples"], "class")[m] == final.class_names[1]
    np.testing.assert_array_equal(np.array([r[2:2 + z] for r in rows[m:2 * m]]), final.noise)
    assert _column(tables["losses"], "loss_d") == final.loss_d.tolist()
    assert _column(tables["losses"], "step")[0] == 1
    measures = _column(tables["judgement"], "measure")
    assert measures[0].startswith("Fréchet") and "samples judged" in measures
    assert _column(tables["judgement"], "samples")[0] == final.judgement.fid
    assert "" in _column(tables["judgement"], "real_digits")  # NaN: an empty cell


def test_autoencoder_codes_reconstructions_and_curve():
    dataset, final = _final("autoencoder")
    tables = snapshot_tables(final, dataset)
    header, rows = tables["codes"]
    assert header == ["point", "z1", "class"] and len(rows) == dataset.n
    np.testing.assert_array_equal(_column(tables["codes"], "z1"), final.codes[:, 0])
    assert tables["losses"][0] == ["epoch", "squared_error"]
    header, rows = tables["reconstructions"]
    assert header == ["point", "image", *dataset.feature_names]
    assert [r[1] for r in rows] == ["clean"] * len(final.rows) + ["reconstruction"] * len(
        final.rows)
    np.testing.assert_array_equal(np.array([r[2:] for r in rows[len(final.rows):]]),
                                  final.outputs)
    assert len(tables["curve"][1]) == len(final.curve)


def test_gan_on_the_plane_tables_hold_the_discriminator_and_the_modes():
    dataset, final = _final("gan-2d")
    tables = snapshot_tables(final, dataset)
    header, rows = tables["discriminator"]
    assert header == ["x", "y", "D"] and len(rows) == final.d_grid.size
    np.testing.assert_array_equal([r[2] for r in rows], final.d_grid.ravel())
    xmin, xmax, ymin, ymax = final.box
    assert xmin < rows[0][0] < rows[-1][0] < xmax and ymin < rows[0][1] < rows[-1][1] < ymax
    assert rows[1][1] == rows[0][1] and rows[1][0] > rows[0][0]  # along x first, as the grid
    assert _column(tables["modes"], "samples") == final.mode_counts.tolist()
    assert tables["modes_covered"][1] == list(zip(final.trace_at.tolist(),
                                                  final.modes_trace.tolist(), strict=True))
    assert len(tables["samples"][1]) == len(final.generated)


def test_char_rnn_bits_surprise_and_a_written_text():
    from engine.export_generative import CHAR_SAMPLE_LENGTH, CHAR_SAMPLE_TEMPERATURE

    dataset, final = _final("char-rnn")
    tables = snapshot_tables(final, dataset)
    assert _column(tables["bits"], "held_out_bits_per_char") == final.held_out_bits.tolist()
    assert _column(tables["bits"], "epoch") == list(range(1, final.epoch + 1))
    assert "".join(_column(tables["surprise"], "character")) == final.held_out_text
    header, rows = tables["sample"]
    assert header == ["text"]
    assert "\n".join(r[0] for r in rows) == final.net.sample(
        CHAR_SAMPLE_LENGTH, CHAR_SAMPLE_TEMPERATURE, seed=0)


def test_autoregressive_samples_are_pixels_of_zero_and_one():
    dataset, final = _final("pixelcnn")
    tables = snapshot_tables(final, dataset)
    header, rows = tables["samples"]
    assert header == ["sample", *dataset.feature_names]
    np.testing.assert_array_equal(np.array([r[1:] for r in rows]),
                                  final.samples.reshape(len(final.samples), -1))
    assert _column(tables["order"], "pixel") == final.order.tolist()
    assert len(tables["probabilities"][1]) == final.n_pixels
    assert _column(tables["nll"], "held_out_bits_per_image") == final.held_out_nll.tolist()


def test_flow_and_diffusion_give_their_points():
    dataset, final = _final("realnvp")
    tables = snapshot_tables(final, dataset)
    assert sum(_column(tables["points"], "held_out")) == len(final.test_rows)
    np.testing.assert_allclose(_column(tables["points"], "log_density"),
                               final.flow.log_density(dataset.X))
    np.testing.assert_array_equal(np.array([r[1:] for r in tables["samples"][1]]),
                                  final.samples)
    assert _column(tables["log_likelihood"], "step") == final.trace_at.tolist()
    assert len(tables["density"][1]) == final.log_density.size

    dataset, final = _final("diffusion-2d")
    tables = snapshot_tables(final, dataset)
    np.testing.assert_array_equal(np.array([r[1:3] for r in tables["samples"][1]]),
                                  final.paths[0])
    assert _column(tables["distance"], "step")[-1] == final.train_step
    assert len(tables["schedule"][1]) == final.T + 1
