"""Big inputs: how many points a method whose memory grows as n² may take on this machine,
and the random subsample offered instead.

A run that would need more memory than the machine has free would swap for minutes or be
killed; the window asks first (ui/big_inputs.py) and a script gets a `TooManyPoints`
(engine/protocol.py) from `Algorithm.resolve`. Free memory is read from the system (psutil
when installed, else `os.sysconf` or, on Windows, GlobalMemoryStatusEx); when it cannot be
read, a modest guess stands in.
"""

from __future__ import annotations

import math
import os
import re

import numpy as np

from engine.data import Dataset

FALLBACK_BYTES = 4 * 2**30  # when free memory cannot be read
MEMORY_SHARE = 0.5  # a run may take at most this share of the memory free when it starts
_SUFFIX = re.compile(r" \((selection|random subsample) of [\d,]+\)$")


def available_bytes() -> int:
    """Memory free for a new run now, in bytes (physical memory not in use)."""
    try:
        import psutil
    except ImportError:
        pass
    else:
        return int(psutil.virtual_memory().available)
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        pass
    return _windows_available() or FALLBACK_BYTES


def _windows_available() -> int | None:
    try:
        import ctypes
        from ctypes import wintypes
    except ImportError:
        return None

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("dwLength", wintypes.DWORD), ("dwMemoryLoad", wintypes.DWORD),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    try:
        status = MemoryStatus()
        status.dwLength = ctypes.sizeof(MemoryStatus)
        if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return None
        return int(status.ullAvailPhys)
    except (AttributeError, OSError):
        return None


def points_that_fit(bytes_per_pair: float, cap: int) -> int:
    """The most points n whose n² · `bytes_per_pair` bytes fit in the memory share a run may
    take, and never more than `cap` (past it the time, not the memory, is the limit)."""
    budget = MEMORY_SHARE * available_bytes()
    return max(2, min(int(cap), int(math.sqrt(budget / bytes_per_pair))))


def size_text(n_bytes: float) -> str:
    """Bytes as a person says them: 20 GB, 800 MB, 12 kB."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= size:
            value = n_bytes / size
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{n_bytes:.0f} bytes"


def subsample(dataset: Dataset, size: int, seed: int = 0) -> Dataset:
    """`size` rows drawn at random without replacement (same seed, same rows), kept in their
    original order, with the data set's labels, names and image shape."""
    if not 1 <= size <= dataset.n:
        raise ValueError(f"a subsample of {size:,} points from {dataset.n:,} is not possible")
    rows = np.sort(np.random.default_rng(seed).choice(dataset.n, size=size, replace=False))
    base = _SUFFIX.sub("", dataset.name)
    return dataset.rows(rows, f"{base} (random subsample of {size:,})", "subsample",
                        f"{size:,} of the {dataset.n:,} points of {dataset.name}, drawn at "
                        f"random (seed {seed})")
