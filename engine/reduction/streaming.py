"""Run a long library optimisation aside and watch it: its callbacks hand items over a queue.

openTSNE and umap-learn optimise in one long call that reports through a callback on its own
thread. `stream` runs that call on a helper thread (through `call_cancellable`, so a process
waits for it before exiting) and yields what the callback emits, as it arrives; between
items it can yield a peek at the live state (a reader the work hands to `channel.watch`), so
a slow step still redraws a few times a second. A cancel, or closing the generator, returns
at once; the callback then answers "stop" at its next call and the helper ends on its own.

`stream_in_process` runs the same kind of work in a process of its own and yields the same
items. A library whose compiled loops keep Python's interpreter lock for tens of
milliseconds (openTSNE's FFT gradient) then cannot hold up the window: a repaint re-enters
Python hundreds of times and waited for the lock at each. A cancel ends the process at once.
The process keeps the memory it frees (`_keep_freed_memory`): openTSNE's iterations would
otherwise fault in new pages at every step.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from engine.cancellable import call_cancellable

POLL_S = 0.05
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
_ITEM, _PEEK, _DONE, _ERROR = 0, 1, 2, 3


class Stream:
    """What the work function gets: `emit(item)` sends an item and says whether to stop;
    `watch(reader)` names how to read the live state between items."""

    def __init__(self, cancelled: Callable[[], bool]):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._cancelled = cancelled
        self.reader: Callable[[], Any] | None = None

    def emit(self, item: Any) -> bool:
        self._queue.put((_ITEM, item))
        return self.stopped()

    def watch(self, reader: Callable[[], Any] | None) -> None:
        self.reader = reader  # None: no more peeks

    def stopped(self) -> bool:
        return self._stop.is_set() or self._cancelled()


def stream(work: Callable[[Stream], Any], cancelled: Callable[[], bool],
           peek_every_s: float = 0.1) -> Iterator[tuple[str, Any]]:
    """Yield ("item", x) for each emitted x, ("peek", reader()) when nothing came for
    `peek_every_s`, and ("done", work's result) last. Errors in `work` reach the caller;
    a cancel ends the generator without "done"."""
    channel = Stream(cancelled)

    def drive():
        try:
            done, value = call_cancellable(lambda: work(channel), channel.stopped)
            channel._queue.put((_DONE, (done, value)))
        except BaseException as exc:  # handed to the generator's thread
            channel._queue.put((_ERROR, exc))

    threading.Thread(target=drive, name="stream-driver", daemon=True).start()
    last = time.monotonic()
    try:
        while True:
            if cancelled():
                return
            try:
                kind, value = channel._queue.get(timeout=POLL_S)
            except queue.Empty:
                reader = channel.reader
                if reader is not None and time.monotonic() - last >= peek_every_s:
                    last = time.monotonic()
                    yield "peek", reader()
                continue
            if kind == _ERROR:
                raise value
            if kind == _DONE:
                done, result = value
                if done and not cancelled():
                    yield "done", result
                return
            last = time.monotonic()
            yield "item", value
    finally:
        channel._stop.set()


def stream_in_process(work: Callable[..., Any], cancelled: Callable[[], bool], threads: int,
                      peek_every_s: float = 0.1, arrays: Mapping[str, np.ndarray] | None = None,
                      ) -> Iterator[tuple[str, Any]]:
    """`stream`, with `work` (picklable: a module's function, or a partial of one) run in a
    new process whose BLAS and OpenMP pools use at most `threads` threads, and called as
    work(channel, **arrays). The arrays go through .npy files in a temporary folder: pickled
    with the process's arguments, 440 MB of data held the interpreter for seconds."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")  # forking a process with Qt's threads is unsafe
    with tempfile.TemporaryDirectory(prefix="stream-") as folder:
        paths = {name: os.path.join(folder, f"{name}.npy") for name in arrays or {}}
        for name, path in paths.items():
            np.save(path, arrays[name])  # writes without holding the interpreter
        yield from _run_aside(spawn, (work, paths, threads, peek_every_s), cancelled)


def _run_aside(spawn, args: tuple, cancelled: Callable[[], bool]) -> Iterator[tuple[str, Any]]:
    ours, theirs = spawn.Pipe(duplex=False)
    process = spawn.Process(target=_serve, args=(theirs, *args), name="stream-process",
                            daemon=True)
    try:
        process.start()
    finally:
        theirs.close()  # ours alone reads; the child has its own copy
    try:
        while not cancelled():
            try:
                if not ours.poll(POLL_S):
                    continue
                kind, value = ours.recv()
            except (EOFError, OSError):  # it died: killed, out of memory, crashed in a
                process.join()  # library (Windows: a broken pipe already at poll)
                raise RuntimeError(f"the process computing this run ended without an answer "
                                   f"(exit code {process.exitcode})") from None
            if kind == _ERROR:
                raise value
            if kind == _DONE:
                yield "done", value
                return
            yield ("item" if kind == _ITEM else "peek"), value
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        ours.close()


class _Pipe:
    """The process's side of `stream_in_process`: items go up the pipe, and a thread sends a
    peek when no item went for `peek_every_s`. Only the parent ends the run (it kills us)."""

    def __init__(self, conn, peek_every_s: float):
        self._conn, self._lock = conn, threading.Lock()
        self._sent = time.monotonic()
        self._ended = threading.Event()
        self.reader: Callable[[], Any] | None = None
        threading.Thread(target=self._peek, args=(peek_every_s,), daemon=True).start()

    def emit(self, item: Any) -> bool:
        self.send(_ITEM, item)
        return False

    def watch(self, reader: Callable[[], Any] | None) -> None:
        self._sent = time.monotonic()  # the first peek one interval from now; None: none
        self.reader = reader

    def stopped(self) -> bool:
        return False

    def send(self, kind: int, value: Any) -> None:
        with self._lock:
            self._conn.send((kind, value))
            self._sent = time.monotonic()

    def end(self) -> None:
        self._ended.set()
        with self._lock:
            self._conn.close()

    def _peek(self, every_s: float) -> None:
        while not self._ended.wait(every_s / 4):
            reader = self.reader  # once: the work may stop the peeks meanwhile
            if reader is not None and time.monotonic() - self._sent >= every_s:
                value = reader()
                with self._lock:  # an item may have gone meanwhile: this peek is older
                    if (not self._ended.is_set()
                            and time.monotonic() - self._sent >= every_s):
                        self._conn.send((_PEEK, value))
                        self._sent = time.monotonic()


def _serve(conn, work: Callable[..., Any], paths: Mapping[str, str], threads: int,
           peek_every_s: float) -> None:
    """The new process's whole life: run `work`, send its items, then its result or error."""
    from engine.protocol import RunContext

    _keep_freed_memory()
    channel = _Pipe(conn, peek_every_s)
    try:
        arrays = {name: np.load(path) for name, path in paths.items()}
        with RunContext(threads=threads).thread_limits():
            result = work(channel, **arrays)
        channel.send(_DONE, result)
    except BaseException as exc:  # sent to the parent, which raises it
        channel.send(_ERROR, _picklable(exc))
    finally:
        channel.end()


def _keep_freed_memory() -> None:
    """Have glibc's allocator keep the memory this process frees, for its next iteration.

    openTSNE allocates and frees its buffers at every iteration, and glibc gave blocks that
    large back to the system at once, so each iteration touched new pages: 852,000 page
    faults in a run on 20,000 points (3.5 s in the kernel). Kept, the same run faulted 10,700
    times and took 57 s instead of 62. Where the machine is a virtual one that hands freed
    memory back to its host (free page reporting), each of those pages came back from the
    host, slowly, and the window's thread on the other core ran slower meanwhile: its paints
    took two to four times as long. The process ends with the run, and what it kept with it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # another C library than glibc: left as it is
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # blocks up to 32 MB (glibc's most) from the heap
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)  # and the heap's free top not given back


def _picklable(exc: BaseException) -> BaseException:
    """The error itself when it survives the pipe, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
