"""Embedding quality measures against scikit-learn's trustworthiness and closed forms."""

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform
from sklearn.manifold import trustworthiness

from engine.reduction.quality import measure


def _data(n=300, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X[:, :2] + 0.3 * rng.normal(size=(n, 2))


@pytest.mark.parametrize("k", [5, 10])
def test_trustworthiness_is_scikit_learns_and_continuity_its_converse(k):
    X, Y = _data()
    q = measure(X, Y, k=k)
    assert q.trustworthiness == pytest.approx(trustworthiness(X, Y, n_neighbors=k), abs=1e-12)
    assert q.continuity == pytest.approx(trustworthiness(Y, X, n_neighbors=k), abs=1e-12)
    assert 0 < q.knn_preservation < 1 and 0 < q.stress < 1


def test_a_scaled_rotated_copy_is_perfect():
    X, _ = _data(d=2)
    rot = np.array([[0.6, -0.8], [0.8, 0.6]])
    q = measure(X, 3.0 * X @ rot)
    assert (q.trustworthiness, q.continuity, q.knn_preservation) == (1.0, 1.0, 1.0)
    assert q.stress == pytest.approx(0.0, abs=1e-12)


def test_knn_preservation_counts_shared_neighbours_by_hand():
    # On a line, each inner point's 1-NN is ambiguous; use uneven gaps so it is not.
    X = np.array([[0.0], [1.0], [3.0], [6.0], [10.0], [15.0], [21.0]])
    Y = X[[1, 0, 2, 3, 4, 5, 6]]  # points 0 and 1 swap places
    q = measure(X, np.c_[Y, np.zeros(7)], k=1)
    near_x = [1, 0, 1, 2, 3, 4, 5]
    d = squareform(pdist(Y))
    np.fill_diagonal(d, np.inf)
    near_y = d.argmin(axis=1)
    assert q.knn_preservation == pytest.approx(np.mean(near_y == near_x))


def test_stress_uses_the_best_scale():
    X, Y = _data()
    d, e = pdist(X), pdist(Y)
    best = min(np.sqrt(((d - s * e) ** 2).sum() / (d ** 2).sum())
               for s in np.linspace(0.1, 5, 4000))
    assert measure(X, Y).stress == pytest.approx(best, abs=1e-4)
    assert measure(X, 7.0 * Y).stress == pytest.approx(measure(X, Y).stress)


def test_large_inputs_use_a_seeded_subsample_and_given_distances_replace_euclid():
    X, Y = _data(n=500)
    a, b = measure(X, Y, max_points=200, seed=1), measure(X, Y, max_points=200, seed=1)
    assert a == b and a.n_used == 200 and a.n_points == 500
    assert "200 of 500 points" in a.summary()
    given = measure(X, Y, input_distances=squareform(pdist(X)))
    assert given == measure(X, Y)


def test_too_few_points_is_clear():
    with pytest.raises(ValueError, match="at least 3 points"):
        measure(np.zeros((2, 2)), np.zeros((2, 2)))
