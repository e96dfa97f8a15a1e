"""UMAP and PaCMAP: each ends exactly where its library ends, and is shown on the way.

Few tests on purpose: each new process compiles umap's numba code once (the cache keeps it
for the next run; engine/reduction/numba_setup.py)."""

import sys
import threading

import numpy as np
import pytest

from engine import datasets, registry
from engine.cancellable import wait_for_helpers
from engine.data import Dataset
from engine.protocol import RunContext, run_to_end
from engine.reduction import numba_setup
from engine.reduction.pacmap_layout import pacmap_settings
from engine.reduction.umap_layout import umap_settings

UMAP_FAST = {"n_epochs": 40, "n_neighbors": 10}
PACMAP_FAST = {"phase1": 10, "phase2": 10, "phase3": 20}


@pytest.fixture(scope="module")
def blobs():
    return datasets.load("blobs", n_samples=120, seed=3)


def test_umap_shows_its_epochs_and_ends_as_umap_learn(blobs):
    umap = numba_setup.load_umap()
    algorithm = registry.get("umap")
    params = algorithm.resolve(blobs, UMAP_FAST)
    snaps = list(algorithm.start(blobs, params))
    reference = umap.UMAP(**umap_settings(params, blobs.n)).fit_transform(
        blobs.X.astype(np.float32))
    np.testing.assert_array_equal(snaps[-1].coords, reference)
    epochs = [s.iteration for s in snaps[:-1]]
    assert epochs[0] == 0 and epochs[-1] == 40 and epochs == sorted(set(epochs))
    assert len(snaps) > 10 and not np.allclose(snaps[1].coords, snaps[-1].coords)
    assert snaps[-1].trace[-1] < snaps[-1].trace[0]  # the graph's edges pulled together
    assert snaps[-1].quality.trustworthiness > 0.9


def test_umap_epochs_release_the_interpreter_lock_and_lay_out_as_umaps_own(blobs,
                                                                            monkeypatch):
    """Compiled with nogil, under a name of its own (numba_setup): the same layout."""
    import numba

    umap = numba_setup.load_umap()
    layouts = sys.modules["umap.layouts"]
    ours = layouts._get_optimize_layout_euclidean_single_epoch_fn(False)
    assert ours.__name__ == numba_setup.EPOCH_NOGIL and ours.targetoptions["nogil"]
    numba_setup.load_umap()
    assert layouts._nb_optimize_layout_euclidean_single_epoch is ours  # not made again
    settings = umap_settings(registry.get("umap").resolve(blobs, UMAP_FAST), blobs.n)
    X = blobs.X.astype(np.float32)
    with_ours = umap.UMAP(**settings).fit_transform(X)
    monkeypatch.setattr(layouts, "_nb_optimize_layout_euclidean_single_epoch", numba.njit(
        layouts._optimize_layout_euclidean_single_epoch, fastmath=True, parallel=False))
    np.testing.assert_array_equal(umap.UMAP(**settings).fit_transform(X), with_ours)


def test_umap_cancel_stops_inside_the_epochs(blobs):
    algorithm = registry.get("umap")
    cancel = threading.Event()
    run = algorithm.run(blobs, algorithm.resolve(blobs, {"n_epochs": 2000}),
                        RunContext(cancel_event=cancel))
    first = next(run)
    cancel.set()
    assert list(run) == []
    assert wait_for_helpers(10)  # umap's loop was stopped, not left to finish
    assert first.iteration < 2000
    # and tqdm's write lock, which the stop raised through, is free for the next run
    from tqdm import tqdm

    lock = tqdm.get_lock()
    other = threading.Thread(target=lambda: (lock.acquire(), lock.release()), daemon=True)
    other.start()
    other.join(5)
    assert not other.is_alive()


def test_pacmap_replays_its_kept_layouts_and_ends_as_pacmap(blobs):
    pacmap = numba_setup.load_pacmap()
    algorithm = registry.get("pacmap")
    params = algorithm.resolve(blobs, PACMAP_FAST)
    snaps = list(algorithm.start(blobs, params))
    settings = {**pacmap_settings(params, blobs.n), "intermediate": False}
    reference = pacmap.PaCMAP(**settings).fit_transform(blobs.X.astype(np.float32), init="pca")
    np.testing.assert_allclose(snaps[-1].coords, reference, rtol=1e-6)
    assert [s.iteration for s in snaps] == [*range(0, 40, 5), 40]
    assert [m[0] for m in snaps[-1].marks] == [10.0, 20.0]
    assert snaps[-1].quality.trustworthiness > 0.9
    again = run_to_end(algorithm, blobs, PACMAP_FAST)
    np.testing.assert_array_equal(again.coords, snaps[-1].coords)


def test_the_first_run_note_speaks_of_compiling_only_before_a_fit():
    numba_setup.mark_fitted("umap")
    assert numba_setup.first_run_note("umap", "UMAP") == ""


def test_the_cache_folder_is_left_alone_once_numba_is_imported(tmp_path):
    import numba  # noqa: F401

    assert not numba_setup.use_cache_folder(tmp_path / "numba")


@pytest.mark.parametrize("algorithm_id", ["tsne", "pacmap", "ica", "umap", "isomap", "lle"])
def test_points_all_the_same_are_refused_before_the_library_fails(algorithm_id):
    same = Dataset(X=np.ones((40, 3)), name="same")
    with pytest.raises(ValueError, match="all 40 points are the same"):
        registry.get(algorithm_id).resolve(same)
