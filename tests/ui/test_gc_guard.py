"""The main-thread collector: no automatic collection, and libraries leave the full scans."""

import gc
import sys
import types
import weakref

from ui.gc_guard import NEW_MODULES, collect_on_main_thread


def test_collection_is_manual_and_a_loaded_library_is_frozen(qapp):
    collector = collect_on_main_thread()
    assert not gc.isenabled()
    collector.check()  # whatever start-up imported is frozen now
    frozen = gc.get_freeze_count()
    collector.check()
    assert gc.get_freeze_count() == frozen  # nothing new: nothing frozen
    names = [f"_fake_library_{i}" for i in range(NEW_MODULES)]
    for name in names:
        module = types.ModuleType(name)
        module.table = {i: [i] for i in range(50)}
        sys.modules[name] = module
    try:
        collector.check()
        assert gc.get_freeze_count() > frozen + 50 * NEW_MODULES
    finally:
        for name in names:
            del sys.modules[name]


def test_garbage_cycles_made_later_are_still_collected(qapp):
    collector = collect_on_main_thread()
    collector.check()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    padding = [[i] for i in range(2 * gc.get_threshold()[0])]  # past the first threshold
    assert gone() is not None  # collection is manual: nothing has freed the cycle yet
    collector.check()
    assert gone() is None
    del padding


def test_a_full_collection_runs_at_most_every_full_every_s(qapp, monkeypatch):
    """Checked every 0.1 s, the counts call for a full scan ten times as often as they did
    once a second; a full scan of a run's objects took 110 ms."""
    from ui import gc_guard

    collector = collect_on_main_thread()
    done = []
    monkeypatch.setattr(gc_guard.gc, "get_count", lambda: (10_000, 100, 100))
    monkeypatch.setattr(gc_guard.gc, "collect", lambda generation=2: done.append(generation))
    monkeypatch.setattr(collector, "modules", len(sys.modules))  # nothing new to freeze
    monkeypatch.setattr(collector, "last_full", gc_guard.time.monotonic())
    collector.check()
    assert done == [0, 1]  # the young generations only: a full one ran just now
    collector.last_full -= gc_guard.FULL_EVERY_S
    collector.check()
    collector.check()
    assert done == [0, 1, 0, 1, 2, 0, 1]  # one full collection, then none so soon again
