"""Run a long library optimisation aside and watch it: its callbacks hand items over a queue.

openTSNE and umap-learn optimise in one long call that reports through a callback on its own
thread. `stream` runs that call on a helper thread (through `call_cancellable`, so a process
waits for it before exiting) and yields what the callback emits, as it arrives; between
items it can yield a `peek()` of the live state, so a slow step still redraws a few times a
second. A cancel, or closing the generator, returns at once; the callback then answers
"stop" at its next call and the helper ends on its own.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from engine.cancellable import call_cancellable

POLL_S = 0.05
_ITEM, _DONE, _ERROR = 0, 1, 2


class Stream:
    """What the work function gets: `emit(item)` sends an item and says whether to stop."""

    def __init__(self, cancelled: Callable[[], bool]):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._cancelled = cancelled

    def emit(self, item: Any) -> bool:
        self._queue.put((_ITEM, item))
        return self.stopped()

    def stopped(self) -> bool:
        return self._stop.is_set() or self._cancelled()


def stream(work: Callable[[Stream], Any], cancelled: Callable[[], bool],
           peek: Callable[[], Any] | None = None, peek_every_s: float = 0.1,
           ) -> Iterator[tuple[str, Any]]:
    """Yield ("item", x) for each emitted x, ("peek", peek()) when nothing came for
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
                if peek is not None and time.monotonic() - last >= peek_every_s:
                    last = time.monotonic()
                    yield "peek", peek()
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
