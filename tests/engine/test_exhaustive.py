"""The exhaustive search: every partition once (Stirling numbers), the true optimum of J
(brute force agrees), and never worse than k-means from any seed."""

import itertools

import numpy as np
import pytest

from engine import datasets
from engine.clustering import exhaustive as ex
from engine.data import Dataset
from engine.protocol import Cancelled, OptimalPartition, RunContext, TooManyPoints, run_to_end

# S(n, k) from the table in Graham, Knuth and Patashnik, Concrete Mathematics, 6.1.
KNOWN = {(4, 2): 7, (5, 3): 25, (6, 3): 90, (7, 4): 350, (10, 3): 9330, (12, 3): 86526,
         (12, 4): 611501, (12, 6): 1323652}


@pytest.mark.parametrize(("n", "k"), sorted(KNOWN))
def test_stirling_numbers(n, k):
    assert ex.stirling2(n, k) == KNOWN[n, k]


@pytest.mark.parametrize(("n", "k"), [(1, 1), (4, 2), (5, 3), (6, 1), (6, 6), (7, 4), (9, 3)])
def test_every_partition_once_in_canonical_form(n, k):
    P = ex.partitions(n, k)
    assert len(P) == ex.stirling2(n, k)
    # Restricted growth: starts at 0, each label at most one above the largest before it.
    assert np.all(P[:, 0] == 0)
    running = np.maximum.accumulate(P, axis=1)
    assert np.all(P[:, 1:] <= running[:, :-1] + 1)
    assert np.all(running[:, -1] == k - 1)  # exactly k clusters
    assert len({row.tobytes() for row in P}) == len(P)


def test_the_count_of_a_big_set_is_told_as_a_power_of_ten():
    assert ex.count_text(12, 3) == "86,526"
    assert ex.count_text(300, 3) == "about 10^142"


def test_vectorised_j_equals_the_direct_sum():
    X = np.random.default_rng(2).normal(size=(8, 3)) + 100.0
    P = ex.partitions(8, 3)
    direct = [ex.j_of(X, p.astype(int), 3) for p in P[::50]]
    np.testing.assert_allclose(ex.objectives(X, P[::50], 3), direct, rtol=1e-9)
    wide = np.random.default_rng(3).normal(size=(6, 20))  # more features than points
    P = ex.partitions(6, 2)
    np.testing.assert_allclose(ex.objectives(wide, P, 2),
                               [ex.j_of(wide, p.astype(int), 2) for p in P], rtol=1e-9)


def _dataset(X):
    return Dataset(X=np.asarray(X, float), name="tiny")


def test_hand_checked_optimum_on_a_line():
    # {0, 1} and {10, 11, 12}: J = 0.5 + 2 = 2.5; no other split of five points comes close.
    last = run_to_end("exhaustive", _dataset([[0.0], [1], [10], [11], [12]]),
                      {"n_clusters": 2, "n_seeds": 3})
    assert last.labels.tolist() == [0, 0, 1, 1, 1]
    assert last.objective == pytest.approx(2.5)
    assert last.searched == last.total == 15 and last.phase == "done"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_brute_force_over_every_labelling(seed):
    X = np.random.default_rng(seed).normal(size=(7, 2))
    best = min(ex.j_of(X, np.array(lab), 3) for lab in itertools.product(range(3), repeat=7)
               if len(set(lab)) == 3)
    last = run_to_end("exhaustive", _dataset(X), {"n_clusters": 3, "n_seeds": 2})
    assert last.objective == pytest.approx(best, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 4, 9])
def test_never_worse_than_kmeans_from_any_seed(seed):
    data = datasets.load("blobs", n_samples=11, seed=seed)
    last = run_to_end("exhaustive", data, {"n_clusters": 4, "n_seeds": 10, "seed": seed})
    assert isinstance(last, OptimalPartition) and len(last.kmeans_objective) == 10
    assert np.all(last.objective <= last.kmeans_objective * (1 + 1e-9))
    assert last.kmeans_labels.shape == (10, 11)
    reached = int(np.sum(np.isclose(last.kmeans_objective, last.objective)))
    assert f"from {reached} of 10 seeds" in last.message


def test_snapshots_show_progress_with_the_best_j_never_rising():
    data = datasets.load("blobs", n_samples=10, seed=1)
    snaps = list(ex.ExhaustivePartition().start(data, {"n_clusters": 3, "n_seeds": 2}))
    assert 2 <= len(snaps) <= ex.FRAMES + 1
    searched = [s.searched for s in snaps]
    assert searched == sorted(searched) and searched[-1] == ex.stirling2(10, 3)
    assert np.all(np.diff(snaps[-1].trace) <= 0)
    assert all(s.phase == "search" for s in snaps[:-1])


def test_more_than_twelve_points_are_refused_naming_n_with_a_subsample_offered():
    data = datasets.load("blobs", n_samples=40)
    with pytest.raises(TooManyPoints, match=r"n = 40 points into 3 clusters") as info:
        ex.ExhaustivePartition().resolve(data, {})
    assert info.value.limit == 12


def test_a_cancel_stops_the_search_between_batches():
    data = datasets.load("blobs", n_samples=12)
    ctx = RunContext()
    run = ex.ExhaustivePartition().run(data, ex.ExhaustivePartition().resolve(
        data, {"n_clusters": 5, "n_seeds": 1}), ctx)
    next(run)
    ctx.cancel()
    with pytest.raises(Cancelled):
        next(run)


def test_kmeans_labels_are_renumbered_to_match_the_optimum():
    reference = np.array([0, 0, 1, 1, 2, 2])
    assert ex.aligned(np.array([2, 2, 0, 0, 1, 1]), reference, 3).tolist() == reference.tolist()
    assert ex.aligned(np.array([1, 1, 1, 0, 2, 2]), reference, 3).tolist() == [0, 0, 0, 1, 2, 2]


def test_csv_tables_hold_both_partitions_and_each_seeds_j():
    from engine.export import snapshot_tables

    data = datasets.load("blobs", n_samples=10, seed=3)
    last = run_to_end("exhaustive", data, {"n_clusters": 3, "n_seeds": 4})
    tables = snapshot_tables(last, data)
    header, rows = tables["labels"]
    assert header[:6] == ["point", "optimal", "kmeans_seed_0", "kmeans_seed_1",
                          "kmeans_seed_2", "kmeans_seed_3"]
    assert [r[1] for r in rows] == last.labels.tolist()
    header, rows = tables["kmeans"]
    assert [r[1] for r in rows[:4]] == last.kmeans_objective.tolist()
    assert rows[-1] == ("optimum", last.objective, 1)
    assert tables["search"][1][-1] == (last.total, last.trace[-1])
