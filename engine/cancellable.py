"""Run one long library call on a helper thread, so a cancel stops the run at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POLL_S = 0.05
_helpers: set[threading.Thread] = set()  # helper threads still running, dropped or not
_helpers_lock = threading.Lock()


def call_cancellable(fn: Callable[[], object], cancelled: Callable[[], bool],
                     poll_s: float = POLL_S) -> tuple[bool, object]:
    """(True, fn()) or, when cancelled first, (False, None) within `poll_s`.

    For calls that cannot be interrupted (fastcluster, k-means++): on a cancel the helper
    thread finishes on its own and its result is dropped. Errors reach the caller.
    """
    if cancelled():
        return False, None
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc
        finally:
            with _helpers_lock:
                _helpers.discard(threading.current_thread())

    worker = threading.Thread(target=target, name="cancellable-call", daemon=True)
    with _helpers_lock:
        _helpers.add(worker)
    worker.start()
    while worker.is_alive():
        worker.join(poll_s)
        if worker.is_alive() and cancelled():
            return False, None
    if "error" in box:
        raise box["error"]
    return True, box["value"]


def wait_for_helpers(timeout_s: float | None = None) -> bool:
    """Wait for dropped calls still running; True if none is left.

    A process must not exit while one runs: a thread killed inside C++ code (fastcluster)
    aborts the whole process ("terminate called without an active exception").
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        with _helpers_lock:
            left = next(iter(_helpers), None)
        if left is None:
            return True
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return False
        left.join(remaining)
