"""Stepped k-means against scikit-learn's KMeans, and its snapshots against direct sums."""

import subprocess
import sys
import threading

import numpy as np
import pytest

from engine.cancellable import call_cancellable
from engine.clustering.kmeans import (
    KMeans,
    initial_centres,
    lloyd_steps,
    numpy_kernels,
    sklearn_kernels,
)
from engine.data import Dataset
from engine.protocol import RunContext, run_to_end

ALG = KMeans()


def blobs(n=300, k=4, seed=0, spread=1.5):
    rng = np.random.default_rng(seed)
    means = rng.uniform(-10, 10, size=(k, 2))
    return means[rng.integers(k, size=n)] + spread * rng.normal(size=(n, 2))


def run_all(X, **params):
    dataset = Dataset("test", X)
    return list(ALG.start(dataset, params))


def direct_J(X, centres, labels):
    return float(((X - centres[labels]) ** 2).sum())


def nearest_J(X, centres):
    return float(((X[:, None, :] - centres[None]) ** 2).sum(axis=2).min(axis=1).sum())


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_result_as_sklearn_from_the_same_centres(init, seed):
    from sklearn.cluster import KMeans as SkKMeans

    X = blobs(400, k=5, seed=seed, spread=3.0)  # overlapping: several iterations
    centres = initial_centres(X, 5, init, seed)
    final = run_all(X, n_clusters=5, init=init, seed=seed)[-1]
    sk = SkKMeans(5, init=centres, n_init=1, algorithm="lloyd", tol=0, max_iter=100).fit(X)
    assert final.converged
    np.testing.assert_array_equal(final.labels, sk.labels_)
    np.testing.assert_allclose(final.centres, sk.cluster_centers_, rtol=1e-10, atol=1e-12)
    assert final.objective == pytest.approx(sk.inertia_, rel=1e-10)
    seeding = 5 if init == "k-means++" else 0  # k-means++ shows each centre being chosen
    # init, then assign/update, last update dropped
    assert final.step == seeding + 1 + 2 * sk.n_iter_ - 1


def test_stopping_at_max_iter_matches_sklearn_and_reassigns():
    from sklearn.cluster import KMeans as SkKMeans

    X = blobs(400, k=5, seed=3, spread=3.0)
    centres = initial_centres(X, 5, "random", 3)
    snaps = list(lloyd_steps(X, centres, max_iter=2))
    assert [s.phase for s in snaps] == ["init", "assign", "update", "assign", "update", "assign"]
    sk = SkKMeans(5, init=centres, n_init=1, algorithm="lloyd", tol=0, max_iter=2).fit(X)
    final = snaps[-1]
    np.testing.assert_array_equal(final.labels, sk.labels_)
    np.testing.assert_allclose(final.centres, sk.cluster_centers_, rtol=1e-10, atol=1e-12)
    assert final.converged == (final.changed == 0)
    assert not final.converged  # this data needs more than two rounds


def lloyd_only(snaps):
    """The snapshots after the k-means++ seeding ones."""
    return [s for s in snaps if s.phase != "seed"]


def test_every_snapshot_J_equals_a_direct_sum():
    X = blobs(200, k=3, seed=4, spread=2.5)
    snaps = lloyd_only(run_all(X, n_clusters=4, seed=5))
    init = snaps[0]
    assert init.phase == "init" and (init.labels == -1).all()
    assert init.objective == pytest.approx(nearest_J(X, init.centres), rel=1e-10)
    for s in snaps[1:]:
        assert s.objective == pytest.approx(direct_J(X, s.centres, s.labels), rel=1e-10)


def test_J_never_increases():
    X = blobs(500, k=6, seed=6, spread=3.0)
    snaps = run_all(X, n_clusters=6, init="random", seed=1)
    J = np.array([s.objective for s in snaps])
    assert len(J) > 5
    assert np.all(np.diff(J) <= 1e-9 * J[:-1])
    updates = [i for i, s in enumerate(snaps) if s.phase == "update"]
    assert updates and all(J[i] < J[i - 1] for i in updates)


def test_snapshots_carry_their_history():
    X = blobs(150, k=3, seed=7)
    every = run_all(X, n_clusters=3, seed=2)
    for i, s in enumerate(every, start=1):
        assert s.step == i
        np.testing.assert_array_equal(s.trace, [t.objective for t in every[:i]])
    snaps = lloyd_only(every)
    for i, s in enumerate(snaps, start=1):
        assert s.centre_path.shape == (i, 3, 2)
        np.testing.assert_array_equal(s.centre_path[-1], s.centres)
        assert s.labels.dtype.kind == "i" and s.labels.min() >= -1
    first_assign = snaps[1]
    assert first_assign.changed == 150 and first_assign.message.startswith("assignment 1")
    assert "J fell from" in snaps[2].message


def test_labels_are_not_shared_between_assignments():
    X = blobs(300, k=5, seed=8, spread=3.0)
    seen = [(s.labels, s.labels.copy()) for s in run_all(X, n_clusters=5, seed=0)]
    assert all(np.array_equal(a, b) for a, b in seen)  # no later step changed an earlier one
    changed = [s for s in run_all(X, n_clusters=5, seed=0) if s.phase == "assign" and s.changed]
    assert len({id(s.labels) for s in changed}) == len(changed)


def test_same_seed_same_run_and_seeds_differ():
    X = blobs(300, k=5, seed=9, spread=3.0)
    a, b = run_all(X, n_clusters=5, seed=11), run_all(X, n_clusters=5, seed=11)
    assert len(a) == len(b)
    for s, t in zip(a, b, strict=True):
        np.testing.assert_array_equal(s.labels, t.labels)
        np.testing.assert_array_equal(s.centres, t.centres)
    other = run_all(X, n_clusters=5, seed=12)
    assert not np.array_equal(a[0].centres, other[0].centres)


def test_random_init_picks_distinct_points():
    X = blobs(50, seed=10)
    centres = initial_centres(X, 7, "random", 3)
    rows = [np.flatnonzero(np.all(c == X, axis=1)) for c in centres]
    assert all(r.size == 1 for r in rows) and len({int(r[0]) for r in rows}) == 7


def test_cancel_stops_the_run():
    dataset = Dataset("test", blobs(500, k=6, seed=11, spread=3.0))
    params = ALG.resolve(dataset, {"n_clusters": 6})
    ctx = RunContext()
    run = ALG.run(dataset, params, ctx)
    next(run)
    next(run)
    ctx.cancel()
    assert list(run) == []
    ctx = RunContext()
    ctx.cancel()
    assert list(ALG.run(dataset, params, ctx)) == []


def test_numpy_fallback_equals_the_kernel():
    X = blobs(700, k=6, seed=12, spread=3.0)
    centres = initial_centres(X, 6, "k-means++", 4)
    fast = list(lloyd_steps(X, centres, 100, kernels=sklearn_kernels()))
    slow = list(lloyd_steps(X, centres, 100, kernels=numpy_kernels()))
    assert [s.phase for s in fast] == [s.phase for s in slow]
    for s, t in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(s.labels, t.labels)
        np.testing.assert_allclose(s.centres, t.centres, rtol=1e-10, atol=1e-12)
        assert s.objective == pytest.approx(t.objective, rel=1e-10)


@pytest.mark.parametrize("kernels", [sklearn_kernels, numpy_kernels])
def test_an_empty_cluster_takes_the_farthest_point(kernels):
    X = blobs(200, k=3, seed=13)
    far_away = np.array([[1e3, 1e3]])  # no point is nearest to it
    centres = np.vstack([initial_centres(X, 3, "k-means++", 0), far_away])
    snaps = list(lloyd_steps(X, centres, 100, kernels=kernels()))
    first_update = snaps[2]
    assert first_update.phase == "update" and "cluster 3 had no points" in first_update.message
    assert not np.allclose(first_update.centres[3], far_away[0])
    on_point = np.isclose(X, first_update.centres[3], rtol=0, atol=1e-12).all(axis=1)
    assert on_point.sum() == 1  # moved onto one data point
    for s in snaps[1:]:
        assert s.objective == pytest.approx(direct_J(X, s.centres, s.labels), rel=1e-10)
    assert np.unique(snaps[-1].labels).size == 4


def test_fallback_relocates_like_the_kernel():
    X = blobs(200, k=3, seed=14)
    centres = np.vstack([initial_centres(X, 3, "random", 1), [[-500.0, 40.0]]])
    fast = list(lloyd_steps(X, centres, 100, kernels=sklearn_kernels()))
    slow = list(lloyd_steps(X, centres, 100, kernels=numpy_kernels()))
    for s, t in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(s.labels, t.labels)
        np.testing.assert_allclose(s.centres, t.centres, rtol=1e-10, atol=1e-12)


def test_too_many_clusters_is_a_clear_error():
    with pytest.raises(ValueError, match="at most 5"):
        ALG.resolve(Dataset("five", np.arange(10.0).reshape(5, 2)), {"n_clusters": 6})


def test_run_to_end_on_one_cluster():
    final = run_to_end(ALG, Dataset("x", blobs(40)), {"n_clusters": 1})
    assert final.converged and (final.labels == 0).all()
    np.testing.assert_allclose(final.centres[0], blobs(40).mean(axis=0))


def test_importing_these_modules_and_listing_loads_no_sklearn():
    code = (
        "import sys, engine.clustering.kmeans, engine.clustering.hierarchical\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'sklearn', 'fastcluster', 'torch'}\n"
        "assert not heavy, heavy\n"
        "assert 'scipy.cluster' not in sys.modules\n"
        "import engine.registry as r; r.all()\n"
        "assert 'sklearn' not in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_a_long_call_is_left_behind_on_cancel():
    release, polls = threading.Event(), []

    def cancelled():
        polls.append(1)
        return len(polls) > 2

    assert call_cancellable(lambda: release.wait(5) and "late", cancelled, 0.01) == (False, None)
    release.set()
    assert call_cancellable(lambda: 42, lambda: False) == (True, 42)
    with pytest.raises(ZeroDivisionError):
        call_cancellable(lambda: 1 / 0, lambda: False)
