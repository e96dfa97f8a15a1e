"""umap-learn and PaCMAP compile their numba code on first use; this keeps that compiled code.

Measured here: importing umap on a fresh machine takes about 40 s (pynndescent compiles at
import), the first fit in every new process about 25 s more (most of umap's functions are
compiled without `cache=True`, so nothing is kept), importing PaCMAP about 28 s. numba writes
its cache beside the library's source, which an installed bundle may not be allowed to write:
the window points NUMBA_CACHE_DIR at the user's cache folder (`use_cache_folder`, before numba
is imported), and `load_umap` turns caching on for umap's own functions too
(`Dispatcher.enable_caching`), so a second process fits in a tenth of a second instead of 25 s.

One lock: numba's default threading layer must not run parallel code from two threads at once
(the window's warm-up and a user's run).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

LOCK = threading.RLock()  # held around umap/PaCMAP fits and the warm-up
_UMAP_MODULES = ("umap.umap_", "umap.utils", "umap.layouts", "umap.distances", "umap.sparse",
                 "umap.spectral", "pynndescent.distances", "pynndescent.utils",
                 "pynndescent.rp_trees", "pynndescent.pynndescent_")
_fitted: set[str] = set()  # libraries that have run a fit in this process


def use_cache_folder(folder: str | os.PathLike) -> bool:
    """Point numba's cache at `folder` (created), unless NUMBA_CACHE_DIR is set already or
    numba is imported (it reads the setting once). True if set."""
    if os.environ.get("NUMBA_CACHE_DIR") or "numba" in sys.modules:
        return False
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    return True


def cache_folder() -> Path | None:
    """Where numba keeps compiled code now (None: beside each library's source)."""
    value = os.environ.get("NUMBA_CACHE_DIR")
    return Path(value) if value else None


def has_cached(library: str) -> bool:
    """Whether compiled code of `library` ("umap", "pacmap") is in numba's cache already."""
    import importlib.util

    spec = importlib.util.find_spec(library)
    if spec is None or spec.origin is None:
        return False
    source = Path(spec.origin).parent
    folder = cache_folder()
    if folder is None:
        return any((source / "__pycache__").glob("*.nbi"))
    # NUMBA_CACHE_DIR/<the source folder's path>/*.nbi
    return any(p.parent.name == library for p in folder.rglob("*.nbi"))


def first_run_note(library: str, name: str) -> str:
    """What a run about to start says: nothing once compiled in this process."""
    if library in _fitted:
        return ""
    if has_cached(library):
        return f"loading {name}'s compiled code from the cache (a few seconds)…"
    return (f"first run of {name} on this machine: compiling its numba code, about a minute; "
            "later runs start in seconds…")


def mark_fitted(library: str) -> None:
    _fitted.add(library)


def load_umap():
    """Import umap with caching turned on for every numba function it compiles."""
    import umap  # noqa: F401  (imports its submodules)
    from numba.core.registry import CPUDispatcher

    _release_the_lock_in_epochs(sys.modules["umap.layouts"])
    for name in _UMAP_MODULES:
        module = sys.modules.get(name)
        for value in vars(module).values() if module else ():
            if isinstance(value, CPUDispatcher) and type(value._cache).__name__ == "NullCache":
                value.enable_caching()
    return sys.modules["umap"]


EPOCH_NOGIL = "optimize_layout_euclidean_epoch_nogil"


def _release_the_lock_in_epochs(layouts) -> None:
    """umap compiles its epoch (the one without parallel threads, which a seed picks)
    keeping Python's interpreter lock: on 20,000 points each epoch held it for 75 ms, and
    the window stalled as long at every epoch. The same code compiled with `nogil` releases
    it. Under a name of its own, so that numba's cache, keyed by the function's name and
    bytecode but not its flags, keeps it apart from umap's."""
    import types

    import numba

    if getattr(layouts._nb_optimize_layout_euclidean_single_epoch, "__name__", "") == \
            EPOCH_NOGIL:
        return
    f = layouts._optimize_layout_euclidean_single_epoch
    code = f.__code__.replace(co_name=EPOCH_NOGIL, co_qualname=EPOCH_NOGIL)
    renamed = types.FunctionType(code, f.__globals__, EPOCH_NOGIL, f.__defaults__,
                                 f.__closure__)
    layouts._nb_optimize_layout_euclidean_single_epoch = numba.njit(
        renamed, fastmath=True, parallel=False, nogil=True, cache=True)


def load_pacmap():
    import logging

    import pacmap

    # PaCMAP warns on every fit that a seed is set: we always set one, for reproducibility.
    logging.getLogger("pacmap").setLevel(logging.ERROR)
    return pacmap


def warm(cancelled=lambda: False) -> dict[str, float]:
    """Import umap and PaCMAP and fit each on a tiny set, so the user's first run needs no
    compilation; the seconds each took."""
    import time

    import numpy as np

    X = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
    seconds = {}
    for library, fit in (("umap", _tiny_umap), ("pacmap", _tiny_pacmap),
                         ("umap-large", _umap_above_small_path)):
        if cancelled() or library in _fitted:
            continue
        t0 = time.perf_counter()
        try:
            with LOCK:
                fit(X)
        except Exception:  # warming is a courtesy: the run itself will say what is wrong
            continue
        mark_fitted(library)
        seconds[library] = time.perf_counter() - t0
    return seconds


def _tiny_umap(X):
    umap = load_umap()
    umap.UMAP(n_neighbors=5, n_epochs=11, random_state=0, n_jobs=1).fit_transform(X)


def _umap_above_small_path(X):
    """Above 4,096 points umap finds neighbours by NN-descent: about 45 s more to compile."""
    import numpy as np

    umap = load_umap()
    big = np.random.default_rng(0).normal(size=(4_200, 4)).astype(np.float32)
    umap.UMAP(n_neighbors=5, n_epochs=2, init="random", random_state=0,
              n_jobs=1).fit_transform(big)


def _tiny_pacmap(X):
    pacmap = load_pacmap()
    pacmap.PaCMAP(n_neighbors=5, num_iters=(2, 2, 2), random_state=0).fit_transform(X)
