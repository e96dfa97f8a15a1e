"""Run one long library call on a helper thread, so a cancel stops the run at once."""

from __future__ import annotations

import threading
from collections.abc import Callable

POLL_S = 0.05


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

    worker = threading.Thread(target=target, name="cancellable-call", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(poll_s)
        if worker.is_alive() and cancelled():
            return False, None
    if "error" in box:
        raise box["error"]
    return True, box["value"]
