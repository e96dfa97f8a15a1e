"""wait_for_helpers: a call dropped by a cancel can still be waited for before exiting."""

import threading

from engine.cancellable import call_cancellable, wait_for_helpers


def test_the_dropped_call_can_be_awaited():
    release, cancel = threading.Event(), threading.Event()
    threading.Timer(0.05, cancel.set).start()
    assert call_cancellable(lambda: release.wait(10), cancel.is_set, 0.01) == (False, None)
    assert not wait_for_helpers(0.01)  # the dropped call is still running
    release.set()
    assert wait_for_helpers(5)
