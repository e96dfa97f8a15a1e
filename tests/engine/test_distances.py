"""engine/distances.py (every metric against scipy, Levenshtein, the unit ball, `check`) and
the distance explorer built on it, against scipy's linkage and leaf orders."""

import itertools

import numpy as np
import pytest
from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import pdist as scipy_pdist
from scipy.spatial.distance import squareform

from engine import datasets, distances
from engine.clustering.distance_explorer import OPTIMAL_MAX, adjacent_mean
from engine.data import Dataset
from engine.protocol import Distances, run_to_end

RNG = np.random.default_rng(7)
X = RNG.normal(size=(12, 4))
BINARY = (RNG.random((10, 6)) < 0.5).astype(float)


# ---------------------------------------------------------------- vector metrics


@pytest.mark.parametrize("metric", distances.VECTOR_METRICS)
def test_every_metric_matches_scipy(metric):
    data = BINARY if metric == "hamming" else X
    kwargs = {"p": 3.0} if metric == "minkowski" else {}
    expected = scipy_pdist(data, distances.scipy_name(metric), **kwargs)
    np.testing.assert_allclose(distances.pdist(data, metric, r=3.0), expected)
    np.testing.assert_allclose(distances.square(data, metric, r=3.0), squareform(expected))


def test_minkowski_runs_from_manhattan_to_chebyshev():
    np.testing.assert_allclose(distances.pdist(X, "minkowski", 1.0), scipy_pdist(X, "cityblock"))
    np.testing.assert_allclose(distances.pdist(X, "minkowski", 2.0), scipy_pdist(X))
    np.testing.assert_allclose(distances.pdist(X, "minkowski", np.inf),
                               scipy_pdist(X, "chebyshev"))
    assert distances.minkowski_r("chebyshev") == np.inf
    assert distances.minkowski_r("minkowski", 3.5) == 3.5


def test_check_names_the_row_and_column():
    with pytest.raises(ValueError, match=r"row 3, column 2 holds 0.5"):
        bad = BINARY.copy()
        bad[2, 1] = 0.5
        distances.check(bad, "hamming")
    with pytest.raises(ValueError, match=r"origin \(row 2\)"):
        distances.check(np.array([[1.0, 2.0], [0.0, 0.0]]), "cosine")
    with pytest.raises(ValueError, match=r"all equal \(row 1\)"):
        distances.check(np.array([[3.0, 3.0], [1.0, 2.0]]), "correlation")
    with pytest.raises(ValueError, match="unknown metric"):
        distances.check(X, "levenshtein")
    distances.check(BINARY, "hamming")  # binary data passes
    with pytest.raises(ValueError, match="Words data set or a text file"):
        distances.check_texts(None)


# ---------------------------------------------------------------- the edit distance


@pytest.mark.parametrize(("a", "b", "d"), [
    ("kitten", "sitting", 3), ("sitting", "kitten", 3), ("flaw", "lawn", 2),
    ("saturday", "sunday", 3), ("", "abc", 3), ("abc", "", 3), ("", "", 0),
    ("same", "same", 0), ("intention", "execution", 5), ("café", "cafe", 1),
    ("abc", "cab", 2), ("ab", "ba", 2),
])
def test_levenshtein_of_known_pairs(a, b, d):
    assert distances.levenshtein(a, b) == d


def test_edit_distance_closed_forms():
    # n distinct letters against none: n; against a string of other letters: max length.
    for n in range(6):
        assert distances.levenshtein("x" * n, "") == n
        assert distances.levenshtein("a" * n, "b" * (n + 2)) == n + 2
    # Inserting k letters anywhere costs k; a prefix kept costs the rest.
    assert distances.levenshtein("word", "wxoyrzd") == 3
    assert distances.levenshtein("prefix", "prefixes") == 2


def test_edit_matrix_is_a_metric_and_matches_the_pairs():
    words = ["cat", "bat", "cart", "", "tack", "attack", "cat", "scatter"]
    d = distances.edit_matrix(words)
    expected = [[distances.levenshtein(a, b) for b in words] for a in words]
    np.testing.assert_array_equal(d, expected)
    np.testing.assert_array_equal(d, d.T)
    assert (np.diag(d) == 0).all() and d[0, 6] == 0  # equal strings, distance 0
    off = ~np.eye(len(words), dtype=bool)
    assert (d[off & (np.array(words)[:, None] != np.array(words)[None, :])] > 0).all()
    for i, j, k in itertools.permutations(range(len(words)), 3):
        assert d[i, k] <= d[i, j] + d[j, k]


def test_edit_matrix_stops_when_cancelled():
    assert distances.edit_matrix(["a", "b", "c"], cancelled=lambda: True) is None


def test_edit_matrix_of_the_word_list_is_quick_and_exact():
    words = datasets.load("words").texts
    d = distances.edit_matrix(words)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, len(words), size=(40, 2)):
        assert d[i, j] == distances.levenshtein(words[i], words[j]) == _plain(words[i],
                                                                               words[j])


def _plain(a: str, b: str) -> int:
    """The textbook table, cell by cell, as the reference."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# ---------------------------------------------------------------- the unit ball


@pytest.mark.parametrize("r", [1.0, 1.5, 2.0, 3.0, 8.0, np.inf])
def test_unit_ball_points_have_norm_one(r):
    ball = distances.unit_ball(r, 100)
    assert ball.shape == (105, 2)  # rounded up to 104 angles, closed
    np.testing.assert_allclose(np.linalg.norm(ball, ord=r, axis=1), 1.0)
    np.testing.assert_allclose(ball[0], ball[-1])


def test_unit_ball_shapes():
    diamond, circle, square = (distances.unit_ball(r, 64) for r in (1.0, 2.0, np.inf))
    np.testing.assert_allclose(np.abs(diamond).sum(axis=1), 1.0)
    np.testing.assert_allclose(np.hypot(*circle.T), 1.0)
    assert np.any(np.all(np.isclose(square, [1.0, 1.0]), axis=1))  # the square's corner
    assert np.any(np.all(np.isclose(diamond, [0.0, 1.0]), axis=1))  # the diamond's


# ---------------------------------------------------------------- the explorer


def _run(dataset, **params):
    return run_to_end("distances", dataset, params)


def test_explorer_matches_scipy_linkage_and_optimal_order():
    data = datasets.load("blobs", n_samples=40, seed=2)
    snap = _run(data, metric="minkowski", r=3.0, linkage="complete")
    assert isinstance(snap, Distances) and snap.phase == "seriation"
    y = scipy_pdist(data.X, "minkowski", p=3.0)
    np.testing.assert_allclose(snap.matrix, squareform(y))
    z = optimal_leaf_ordering(linkage(y, "complete"), y)
    np.testing.assert_allclose(snap.linkage, z)
    np.testing.assert_array_equal(snap.order, leaves_list(z))
    assert snap.adjacent[1] < snap.adjacent[0]
    assert snap.adjacent == (adjacent_mean(snap.matrix, np.arange(40)),
                             adjacent_mean(snap.matrix, snap.order))
    np.testing.assert_allclose(np.linalg.norm(snap.ball, ord=3.0, axis=1), 1.0)
    assert "Minkowski, r = 3" in snap.metric


def test_chebyshev_is_r_infinity_and_cosine_has_no_ball():
    data = datasets.load("moons", n_samples=30)
    cheb = _run(data, metric="chebyshev", optimal=False)
    assert cheb.r == np.inf and "r = ∞" in cheb.metric
    np.testing.assert_allclose(cheb.matrix, squareform(scipy_pdist(data.X, "chebyshev")))
    np.testing.assert_array_equal(cheb.order, leaves_list(linkage(scipy_pdist(
        data.X, "chebyshev"), "average")))
    cos = _run(data, metric="cosine")
    assert cos.ball is None and np.isnan(cos.r)


def test_words_use_the_edit_distance_and_seriation_gathers_families():
    words = datasets.load("words")
    first = next(iter(_start(words)))
    assert first.phase == "matrix" and "edit (Levenshtein)" in first.message
    snap = _run(words)
    np.testing.assert_array_equal(snap.matrix, distances.edit_matrix(words.texts))
    assert snap.ball is None
    # Alphabetically the families are scattered; in the seriation most neighbours share one.
    same = words.y[snap.order[:-1]] == words.y[snap.order[1:]]
    assert same.mean() > 0.8 > np.mean(words.y[:-1] == words.y[1:])


def _start(dataset, **params):
    from engine import registry

    return registry.get("distances").start(dataset, params)


def test_plain_data_has_no_texts_for_the_edit_distance():
    with pytest.raises(ValueError, match="table of numbers"):
        _start(datasets.load("blobs", n_samples=20), metric="edit (Levenshtein)")


def test_hamming_on_non_binary_data_names_the_cell():
    with pytest.raises(ValueError, match=r"row 1, column 1 holds"):
        _start(datasets.load("blobs", n_samples=20), metric="hamming")
    snap = _run(Dataset(name="bits", X=BINARY), metric="hamming")
    np.testing.assert_allclose(snap.matrix, squareform(scipy_pdist(BINARY, "hamming")))


def test_ward_needs_euclidean_distances():
    data = datasets.load("blobs", n_samples=20)
    with pytest.raises(ValueError, match="Ward linkage needs Euclidean"):
        _start(data, metric="manhattan", linkage="ward")
    _start(data, metric="minkowski", r=2.0, linkage="ward")


def test_optimal_ordering_is_skipped_on_many_points(monkeypatch):
    from engine.clustering import distance_explorer

    monkeypatch.setattr(distance_explorer, "OPTIMAL_MAX", 10)
    snap = _run(datasets.load("blobs", n_samples=30))
    assert not snap.optimal and "only up to 10 points" in snap.message
    assert OPTIMAL_MAX >= 500


def test_too_many_points_names_the_matrix(monkeypatch):
    from engine import big_inputs
    from engine.protocol import TooManyPoints

    monkeypatch.setattr(big_inputs, "available_bytes", lambda: 2_000_000)
    with pytest.raises(TooManyPoints, match="n×n distance matrix"):
        _start(datasets.load("blobs", n_samples=500))


def test_csv_tables_hold_the_matrix_order_and_words(tmp_path):
    from engine.export import snapshot_tables, write_tables

    words = datasets.load("words").rows(np.arange(6), "six words", "selection", "")
    snap = _run(words)
    tables = snapshot_tables(snap, words)
    header, rows = tables["distances"]
    assert header[:3] == ["point", "text", "d0"] and len(rows) == 6
    assert rows[1][:2] == (1, words.texts[1]) and list(rows[1][2:]) == snap.matrix[1].tolist()
    assert [r[1] for r in tables["order"][1]] == snap.order.tolist()
    assert len(tables["linkage"][1]) == 5
    paths = write_tables(tmp_path / "run.csv", tables)
    assert [p.name for p in paths] == ["run_distances.csv", "run_order.csv", "run_linkage.csv"]
    first = snapshot_tables(next(iter(_start(words))), words)
    assert list(first) == ["distances"]  # before the tree, the matrix alone
