"""A long library call run aside, on a helper thread or in a process of its own."""

import multiprocessing
import os
import platform
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from engine import datasets, registry
from engine.protocol import RunContext, run_to_end
from engine.reduction import tsne
from engine.reduction.streaming import stream, stream_in_process

FAST = {"exaggeration_iter": 40, "n_iter": 60}
ROOT = Path(__file__).resolve().parents[2]


def count_to(channel, n: int, pause_s: float = 0.0):
    """Emits 0 … n − 1 and returns n; its live state is how far it got."""
    state = {"at": 0}
    channel.watch(lambda: state["at"])
    for i in range(n):
        state["at"] = i
        if channel.emit(i):
            return None
        time.sleep(pause_s)
    return n


def watch_then_stop(channel, pause_s: float):
    """Peeked while it waits, then not: the state it watched is final."""
    channel.watch(lambda: "live")
    time.sleep(pause_s)
    channel.watch(None)
    channel.emit("final")
    time.sleep(pause_s)
    return "done"


def sum_of(channel, X: np.ndarray, scale: float = 1.0):
    return float(X.sum()) * scale, X.dtype.str, X.shape


def fail(channel, error: BaseException):
    raise error


def die(channel, code: int):
    os._exit(code)


def never_ends(channel):
    channel.emit("started")
    while True:
        time.sleep(0.01)


@pytest.mark.parametrize("aside", [
    lambda work: stream(work, lambda: False),
    lambda work: stream_in_process(work, lambda: False, threads=1)], ids=["thread", "process"])
def test_items_then_the_result_arrive_in_order(aside):
    got = list(aside(partial(count_to, n=5)))
    assert got == [("item", i) for i in range(5)] + [("done", 5)]


@pytest.mark.parametrize("aside", [
    lambda work: stream(work, lambda: False, peek_every_s=0.05),
    lambda work: stream_in_process(work, lambda: False, threads=1, peek_every_s=0.05)],
    ids=["thread", "process"])
def test_between_slow_items_the_live_state_is_peeked(aside):
    got = list(aside(partial(count_to, n=3, pause_s=0.4)))
    peeks = [value for kind, value in got if kind == "peek"]
    assert peeks and set(peeks) <= {0, 1, 2}
    assert [value for kind, value in got if kind == "item"] == [0, 1, 2]


@pytest.mark.parametrize("aside", [
    lambda work: stream(work, lambda: False, peek_every_s=0.05),
    lambda work: stream_in_process(work, lambda: False, threads=1, peek_every_s=0.05)],
    ids=["thread", "process"])
def test_watching_nothing_stops_the_peeks(aside):
    got = list(aside(partial(watch_then_stop, pause_s=0.5)))
    final = got.index(("item", "final"))
    assert ("peek", "live") in got[:final]
    assert got[final + 1:] == [("done", "done")]


def test_arrays_reach_the_process_whole_and_their_files_are_removed(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    X = np.arange(12.0).reshape(4, 3)
    got = list(stream_in_process(partial(sum_of, scale=2.0), lambda: False, threads=1,
                                 arrays={"X": X}))
    assert got == [("done", (132.0, X.dtype.str, (4, 3)))]
    assert list(tmp_path.iterdir()) == []


def test_an_error_in_the_process_reaches_the_caller_as_itself():
    with pytest.raises(ValueError, match="perplexity too large"):
        list(stream_in_process(partial(fail, error=ValueError("perplexity too large")),
                               lambda: False, threads=1))


def test_a_process_that_dies_is_reported_with_its_exit_code():
    with pytest.raises(RuntimeError, match=r"ended without an answer.*exit code 3"):
        list(stream_in_process(partial(die, code=3), lambda: False, threads=1))


def test_a_cancel_ends_the_process_at_once():
    cancel = threading.Event()
    run = stream_in_process(never_ends, cancel.is_set, threads=1)
    assert next(run) == ("item", "started")
    cancel.set()
    t0 = time.perf_counter()
    assert list(run) == []
    assert time.perf_counter() - t0 < 5  # killed, not waited for
    assert not [p for p in multiprocessing.active_children() if p.name == "stream-process"]


@pytest.fixture(scope="module")
def blobs():
    return datasets.load("blobs", n_samples=150, seed=2)


def test_tsne_in_a_process_of_its_own_gives_the_same_run(blobs, monkeypatch):
    algorithm = registry.get("tsne")
    on_thread = list(algorithm.start(blobs, FAST))
    monkeypatch.setattr(tsne, "PROCESS_FROM", 0)
    in_process = list(algorithm.start(blobs, FAST))
    assert [s.phase for s in in_process[:2]] == ["init", "early exaggeration"]
    assert in_process[-1].phase == "done" and in_process[-1].quality is not None
    np.testing.assert_array_equal(in_process[-1].coords, on_thread[-1].coords)
    np.testing.assert_array_equal(in_process[-1].trace, on_thread[-1].trace)
    assert in_process[-1].message == on_thread[-1].message


def test_tsne_in_a_process_stops_on_a_cancel(blobs, monkeypatch):
    monkeypatch.setattr(tsne, "PROCESS_FROM", 0)
    algorithm = registry.get("tsne")
    cancel = threading.Event()
    run = algorithm.run(blobs, algorithm.resolve(blobs, {"n_iter": 5000}),
                        RunContext(cancel_event=cancel))
    first = [next(run), next(run)]
    cancel.set()
    assert list(run) == []
    assert first[0].phase == "init"
    assert not [p for p in multiprocessing.active_children() if p.name == "stream-process"]


def test_tsne_above_the_size_line_takes_the_process(blobs, monkeypatch):
    """The line itself is used: a run at it starts a process, one below it does not."""
    started = []
    real = tsne.stream_in_process
    monkeypatch.setattr(tsne, "stream_in_process",
                        lambda *a, **k: started.append(1) or real(*a, **k))
    monkeypatch.setattr(tsne, "PROCESS_FROM", blobs.n + 1)
    run_to_end("tsne", blobs, FAST)
    assert not started
    monkeypatch.setattr(tsne, "PROCESS_FROM", blobs.n)
    run_to_end("tsne", blobs, FAST)
    assert started == [1]


def test_tsne_in_a_process_leaves_opentsne_out_of_this_one():
    """Importing openTSNE here too would hold the interpreter while the first views paint:
    a run from the line on neither names it nor imports it in this process."""
    code = (
        "import sys\n"
        "from engine import datasets, registry\n"
        "from engine.protocol import run_to_end\n"
        "from engine.reduction import tsne\n"
        "tsne.PROCESS_FROM = 50\n"
        "data = datasets.load('blobs', n_samples=60, seed=0)\n"
        "algorithm = registry.get('tsne')\n"
        "print(algorithm.libraries_for(data, {}), "
        "algorithm.libraries_for(datasets.load('blobs', n_samples=40, seed=0), {}))\n"
        "last = run_to_end(algorithm, data, {'n_iter': 50, 'exaggeration_iter': 20})\n"
        "print(last.phase, 'openTSNE' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.splitlines()
    assert out == ["() ('openTSNE', 'sklearn')", "done False"]


def faults_of_two_allocations(channel) -> tuple[int, int]:
    """Page faults taken by allocating (and filling) 16 MB, and by doing it again after
    freeing it."""
    import resource

    def faults() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    start = faults()
    np.ones(2 << 20)
    between = faults()
    np.ones(2 << 20)
    return between - start, faults() - between


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator")
def test_the_process_keeps_the_memory_it_frees_for_its_next_iteration():
    # Given back, the second 16 MB would be new pages again, as many faults as the first
    (kind, (first, second)), = stream_in_process(faults_of_two_allocations, lambda: False,
                                                 threads=1)
    assert kind == "done" and first > 0
    assert second <= first // 10
