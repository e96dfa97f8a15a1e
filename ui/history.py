"""The recorded snapshots of the last run, for the timeline, kept within a memory budget."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np

from engine.protocol import Snapshot


def snapshot_bytes(snapshot: Snapshot) -> int:
    """Bytes held by the snapshot's arrays, also those inside its nested dataclasses, tuples
    and lists (a generative model's numpy copy of its networks holds most of its bytes); an
    array shared with an earlier snapshot is counted again: an upper bound."""
    return _bytes(snapshot, set())


def _bytes(value, seen: set[int]) -> int:
    if id(value) in seen:
        return 0
    if isinstance(value, np.ndarray):
        seen.add(id(value))
        return value.nbytes
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        seen.add(id(value))
        return sum(_bytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return sum(_bytes(v, seen) for v in value)
    return 0


class History:
    """Snapshots in order. Over budget, every other middle snapshot is dropped, so a long run
    on big data keeps an evenly thinned record with its first and latest steps."""

    def __init__(self, budget_bytes: int = 768 * 2**20):
        self.budget = budget_bytes
        self._lock = threading.Lock()
        self._items: list[Snapshot] = []
        self._sizes: list[int] = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __getitem__(self, i: int) -> Snapshot:
        with self._lock:
            return self._items[i]

    def append(self, snapshot: Snapshot) -> None:
        """Called by the worker thread; the timeline reads from the main thread."""
        with self._lock:
            self._append(snapshot)

    def _append(self, snapshot: Snapshot) -> None:
        self._items.append(snapshot)
        self._sizes.append(snapshot_bytes(snapshot))
        while sum(self._sizes) > self.budget and len(self._items) > 2:
            keep = [0, *range(2, len(self._items) - 1, 2), len(self._items) - 1]
            self._items = [self._items[i] for i in keep]
            self._sizes = [self._sizes[i] for i in keep]
