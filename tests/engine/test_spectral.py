"""Spectral clustering against scikit-learn's graph, embedding and partition, and scipy's eigh."""

import warnings

import numpy as np
import pytest
from scipy.linalg import eigh
from scipy.sparse.csgraph import laplacian
from sklearn.cluster import SpectralClustering as SkSpectral
from sklearn.manifold import spectral_embedding
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.pairwise import rbf_kernel

from engine import datasets, registry
from engine.clustering import spectral
from engine.data import Dataset
from engine.protocol import RunContext, Spectral, run_to_end

ALG = registry.get("spectral")
SK_AFFINITY = {"nearest neighbours": "nearest_neighbors", "rbf": "rbf"}


def moons(n=120, noise=0.05):
    return datasets.load("moons", n_samples=n, noise=noise)


def test_rbf_affinity_is_scikit_learns_kernel_without_self_loops():
    X = moons(60).X
    expected = rbf_kernel(X, gamma=3.0)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(spectral.rbf_affinity(X, 3.0), expected, atol=1e-12)


def test_knn_affinity_is_scikit_learns_symmetrised_connectivity():
    X = moons(80).X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sk = SkSpectral(2, affinity="nearest_neighbors", n_neighbors=7, random_state=0).fit(X)
    expected = sk.affinity_matrix_.toarray()
    np.fill_diagonal(expected, 0.0)  # scipy's Laplacian ignores the self-loops
    np.testing.assert_array_equal(spectral.knn_affinity(X, 7).toarray(), expected)


def test_laplacian_and_eigenvalues_match_scipy():
    A = spectral.rbf_affinity(moons(70).X, 5.0)
    L = spectral.normalised_laplacian(A)
    np.testing.assert_allclose(L, laplacian(A, normed=True), atol=1e-12)
    values, vectors = spectral.smallest_eigenpairs(A, 0.0, 6)
    np.testing.assert_allclose(values, eigh(L, eigvals_only=True)[:6], atol=1e-10)
    np.testing.assert_allclose(L @ vectors, vectors * values, atol=1e-9)


def test_eigenvectors_are_scikit_learns_embedding_up_to_sign():
    """scikit-learn returns the eigenvectors of the normalised Laplacian divided by √degree."""
    A = spectral.rbf_affinity(moons(90, noise=0.1).X, 4.0)
    _, vectors = spectral.smallest_eigenpairs(A, 0.0, 4)
    ours = vectors / np.sqrt(A.sum(axis=1))[:, None]
    theirs = spectral_embedding(A, n_components=4, drop_first=False, random_state=0)
    for j in range(4):
        sign = np.sign(ours[:, j] @ theirs[:, j])
        np.testing.assert_allclose(sign * ours[:, j], theirs[:, j], atol=1e-6, err_msg=j)


@pytest.mark.parametrize("affinity", ["nearest neighbours", "rbf"])
def test_lanczos_and_dense_solvers_agree_with_regularisation(affinity, monkeypatch):
    data = moons(150)
    A = (spectral.knn_affinity(data.X, 8) if affinity != "rbf"
         else spectral.rbf_affinity(data.X, 20.0))
    tau_added = 2.0 / data.n
    dense = eigh(spectral.normalised_laplacian(A, tau_added), eigvals_only=True)[:5]
    monkeypatch.setattr(spectral, "DENSE_MAX", 10)
    values, vectors = spectral.smallest_eigenpairs(A, tau_added, 5, seed=1)
    np.testing.assert_allclose(values, dense, atol=1e-8)
    L = spectral.normalised_laplacian(A, tau_added)
    np.testing.assert_allclose(L @ vectors, vectors * values, atol=1e-7)


def test_regularisation_lifts_the_zero_eigenvalues_of_a_split_graph():
    """Two components give λ₁ = λ₂ = 0; τ > 0 joins them weakly, so λ₂ rises above 0."""
    A = spectral.knn_affinity(moons(100, noise=0.02).X, 5)
    plain, _ = spectral.smallest_eigenpairs(A, 0.0, 3)
    regular, _ = spectral.smallest_eigenpairs(A, 5.0 / 100, 3)
    assert plain[1] < 1e-8 < 1e-3 < regular[1]
    assert abs(regular[0]) < 1e-8


@pytest.mark.parametrize("name", ["moons", "circles"])
@pytest.mark.parametrize("affinity", ["nearest neighbours", "rbf"])
def test_partition_is_scikit_learns_on_moons_and_circles(name, affinity):
    data = datasets.load(name, n_samples=200)
    snap = run_to_end(ALG, data, {"affinity": affinity})
    with warnings.catch_warnings():  # its kNN graph of the moons has two components: right
        warnings.simplefilter("ignore", UserWarning)
        sk = SkSpectral(2, affinity=SK_AFFINITY[affinity], n_neighbors=10, gamma=50.0,
                        random_state=0).fit(data.X)
    assert adjusted_rand_score(sk.labels_, snap.labels) == 1.0
    assert adjusted_rand_score(data.y, snap.labels) == 1.0
    assert snap.eigengap_k == 2


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_kmeans_beside_fails_where_spectral_succeeds(name):
    data = datasets.load(name, n_samples=200)
    snap = run_to_end(ALG, data, {})
    kmeans = run_to_end("kmeans", data, {"n_clusters": 2, "elbow": 0})
    # The last snapshot's plain k-means is the k-means method's own answer, same seed.
    np.testing.assert_array_equal(snap.kmeans_labels, kmeans.labels)
    assert adjusted_rand_score(data.y, snap.kmeans_labels) < 0.6
    assert adjusted_rand_score(data.y, snap.labels) == 1.0
    agree = round(adjusted_rand_score(snap.labels, snap.kmeans_labels), 2) + 0.0
    assert f"agrees with them by ARI {agree:.2f}" in snap.message


def test_eigengap_suggests_the_number_of_blobs():
    data = datasets.load("blobs", n_samples=150)
    snap = run_to_end(ALG, data, {"n_clusters": 3})
    assert snap.eigengap_k == 3
    assert adjusted_rand_score(data.y, snap.labels) == 1.0


def test_eigengap_reads_ratios_not_differences():
    assert spectral.eigengap(np.array([0, 0, 0.002, 0.0022, 0.0072, 0.0089, 0.0323])) == 2
    assert spectral.eigengap(np.array([0, 0.001, 0.3, 0.32])) == 2
    assert spectral.eigengap(np.array([0, 0.1, 0.5, 0.52])) == 2  # k = 1 is never suggested
    assert spectral.eigengap(np.array([0, 0, 0, 0.2, 0.25])) == 3


def test_snapshots_go_graph_spectrum_then_kmeans_steps():
    data = moons(200)
    snaps = list(ALG.start(data, {}))
    assert all(isinstance(s, Spectral) for s in snaps)
    assert [s.phase for s in snaps[:3]] == ["affinity", "spectrum", "init"]
    assert snaps[-1].phase == "done" and (snaps[0].labels == -1).all()
    assert "eigenvalues" in snaps[1].message and "suggesting k = 2" in snaps[1].message
    last = snaps[-1]
    # k-means's labels are each embedded point's nearest centre, and J never rises.
    d = ((last.embedding[:, None, :] - last.centres[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(last.labels, d.argmin(axis=1))
    assert np.all(np.diff(last.trace) <= 1e-12)
    np.testing.assert_allclose(np.linalg.norm(last.embedding, axis=1), 1.0)


def test_bad_values_are_clear():
    with pytest.raises(ValueError, match="at most 9"):
        ALG.resolve(Dataset("x", np.random.default_rng(0).normal(size=(10, 2))),
                    {"n_clusters": 10})
    with pytest.raises(ValueError, match="neighbours"):
        ALG.resolve(Dataset("x", np.zeros((8, 2)) + np.arange(8)[:, None]),
                    {"n_neighbors": 9})


def test_cancelled_while_solving_stops():
    data = moons(100)
    ctx = RunContext()
    run = ALG.run(data, ALG.resolve(data, {}), ctx)
    next(run)
    ctx.cancel()
    assert list(run) == []


def test_csv_tables_hold_labels_embedding_eigenvalues_and_objective(tmp_path):
    from engine.export import snapshot_tables, write_tables

    data = moons(60)
    snap = run_to_end(ALG, data, {"n_neighbors": 6})
    tables = snapshot_tables(snap, data)
    assert set(tables) == {"labels", "scores", "eigenvalues", "objective"}
    header, rows = tables["labels"]
    assert header == ["point", "cluster", "u1", "u2", "kmeans_on_data", "class"]
    assert len(rows) == data.n
    assert [r[4] for r in rows] == snap.kmeans_labels.tolist()
    assert [r[1] for r in rows] == snap.labels.tolist()
    assert all(type(r[1]) is int for r in rows)
    np.testing.assert_array_equal([r[2:4] for r in rows], snap.embedding)
    header, rows = tables["eigenvalues"]
    assert [r[1] for r in rows] == snap.eigenvalues.tolist()
    assert [r[0] for r in rows if r[2]] == [snap.eigengap_k]
    files = write_tables(tmp_path / "out.csv", tables)
    assert sorted(f.name for f in files) == ["out_eigenvalues.csv", "out_labels.csv",
                                              "out_objective.csv", "out_scores.csv"]
    run = ALG.start(data, {"n_neighbors": 6})
    first = snapshot_tables(next(run), data)
    run.close()
    assert set(first) == {"labels"} and first["labels"][0] == ["point", "cluster", "class"]
