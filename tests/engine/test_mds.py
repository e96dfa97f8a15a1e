"""MDS against closed forms and scikit-learn; distance tables loaded from CSV files."""

import numpy as np
import pytest
from scipy.spatial import procrustes
from scipy.spatial.distance import pdist, squareform

from engine import datasets, distances
from engine.big_inputs import subsample
from engine.export import snapshot_tables
from engine.protocol import Scaling, run_to_end
from engine.reduction.mds import (
    SHEPARD_PAIRS,
    Smacof,
    classical,
    negative_share,
    shepard_pairs,
)


def _points(n=30, d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d)) * [3.0, 2.0, 1.0][:d]


def test_classical_mds_recovers_euclidean_coordinates_up_to_rotation():
    X = _points()
    coords, values = classical(squareform(pdist(X)), 3)
    assert procrustes(X, coords)[2] < 1e-10
    np.testing.assert_allclose(squareform(pdist(coords)), squareform(pdist(X)), atol=1e-8)
    assert negative_share(values) == 0.0
    assert np.all(np.abs(values[3:]) < 1e-8 * values[0])  # rank 3: the rest vanish


def test_negative_eigenvalues_appear_for_a_distance_that_is_not_euclidean():
    # A star: three leaves 1 from the centre and 2 from each other. In a Euclidean space the
    # centre would be the midpoint of every pair of leaves at once, which is impossible.
    d = np.array([[0, 1, 1, 1], [1, 0, 2, 2], [1, 2, 0, 2], [1, 2, 2, 0]], float)
    _, values = classical(d, 2)
    assert values.min() < -0.1 and negative_share(values) > 0.05
    snap = run_to_end("mds", datasets.load("blobs", n_samples=20), {"kind": "classical"})
    assert snap.negative_share == 0.0


@pytest.mark.parametrize("kind", ["metric", "non-metric"])
def test_smacof_stress_never_increases(kind):
    snap = run_to_end("mds", datasets.load("blobs", n_samples=60), {"kind": kind, "init": "random",
                                                      "max_iter": 100, "seed": 2})
    assert isinstance(snap, Scaling) and snap.phase == "done"
    assert snap.trace.size > 5
    assert np.all(np.diff(snap.trace) <= 1e-12 * snap.trace[0])
    assert snap.trace[-1] < 0.5 * snap.trace[0]
    assert (snap.shepard_disparities is None) == (kind == "metric")


def test_metric_smacof_ends_at_scikit_learns_stress_from_the_same_start():
    from sklearn.manifold import smacof

    X = _points(40, 3, seed=4)
    d = squareform(pdist(X))
    start = np.random.default_rng(1).uniform(size=(40, 2)) * d.max()
    _, stress, n_iter = smacof(d, metric=True, init=start, n_init=1, max_iter=300, eps=1e-9,
                               normalized_stress=False, return_n_iter=True)
    ours = Smacof(d, start, metric=True)
    steps = 1
    while ours.step() >= 1e-9 and steps < 300:
        steps += 1
    assert steps == n_iter
    assert ours.stress == pytest.approx(stress, rel=1e-6)


def test_the_last_snapshot_holds_quality_and_the_shepard_pairs():
    data = datasets.load("blobs", n_samples=50)
    snap = run_to_end("mds", data, {"kind": "metric", "max_iter": 20})
    d = pdist(data.X)
    np.testing.assert_allclose(snap.shepard_input, d)
    np.testing.assert_allclose(snap.shepard_output, pdist(snap.coords))
    assert snap.quality is not None and snap.quality.n_points == 50
    assert snap.trace_at[0] == 0 and snap.iteration == snap.trace_at[-1]
    tables = snapshot_tables(snap, data)
    assert {"coords", "objective", "quality", "eigenvalues", "shepard"} <= set(tables)
    assert tables["shepard"][0] == ["pair", "input_distance", "embedded_distance"]


def test_strings_are_scaled_by_their_edit_distances():
    words = datasets.load("words")
    snap = run_to_end("mds", words, {"kind": "classical"})
    assert snap.metric == "edit distances"
    edits = squareform(distances.edit_matrix(words.texts), checks=False)
    pairs = shepard_pairs(words.n, 0)
    assert len(pairs) == SHEPARD_PAIRS < len(edits)
    np.testing.assert_allclose(snap.shepard_input, edits[pairs])


def _write_table(path, names, d, delimiter=","):
    lines = [delimiter.join(names)] + [delimiter.join(repr(float(v)) for v in row) for row in d]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_square_symmetric_csv_with_names_is_a_distance_table(tmp_path):
    X = _points(6, 2, seed=3)
    d = squareform(pdist(X)).round(6)
    names = [f"town {i}" for i in range(6)]
    data = datasets.load(str(_write_table(tmp_path / "towns.csv", names, d)))
    np.testing.assert_allclose(data.distances, d)
    assert data.feature_names == ("MDS 1", "MDS 2") and "town 5" in data.description
    snap = run_to_end("mds", data, {"kind": "classical"})
    assert snap.metric == "the loaded distances"
    assert procrustes(X, snap.coords)[2] < 1e-9
    # The rows' 2-D map is what other methods get; a subsample keeps its distances.
    part = subsample(data, 4, seed=1)
    rows = np.sort(np.random.default_rng(1).choice(6, size=4, replace=False))
    np.testing.assert_allclose(part.distances, d[np.ix_(rows, rows)])


def test_tables_that_are_not_distances_stay_tables(tmp_path):
    d = squareform(pdist(_points(5, 2)))
    names = [f"c{i}" for i in range(5)]
    lopsided = d.copy()
    lopsided[0, 1] += 1.0
    assert datasets.load(str(_write_table(tmp_path / "a.csv", names, lopsided))).distances is None
    ones = d + np.eye(5)
    assert datasets.load(str(_write_table(tmp_path / "b.csv", names, ones))).distances is None


def test_the_cities_are_a_table_of_great_circle_distances():
    cities = datasets.load("cities")
    assert cities.n == 18 and cities.distances.shape == (18, 18)
    london_paris = cities.distances[0, 1]
    assert 330 < london_paris < 350  # km
    snap = run_to_end("mds", cities, {"kind": "classical"})
    assert snap.negative_share > 0  # great circles on a sphere are not Euclidean in the plane
    assert snap.quality.trustworthiness > 0.9
