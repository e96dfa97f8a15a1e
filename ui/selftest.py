"""`--selftest`: every registered method, headless, on a small data set; non-zero on failure."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence

from engine import datasets, registry
from engine.examples import example_data
from engine.protocol import run_to_end

# Small, fast settings per method; anything not named runs with its defaults.
QUICK = {"vae": {"epochs": 3, "hidden": 32}, "char-rnn": {"epochs": 2, "hidden": 32},
         "dictionary": {"epochs": 1, "batch_size": 128},
         "autoencoder": {"epochs": 3, "hidden": 32},
         "denoising-ae": {"epochs": 2, "hidden": 32, "batch_size": 128},
         "made": {"epochs": 2, "hidden": 64, "batch_size": 128},
         "pixelcnn": {"epochs": 1, "channels": 8, "layers": 2, "batch_size": 128},
         "realnvp": {"steps": 60, "layers": 4, "hidden": 32},
         "gan-2d": {"steps": 200, "every": 50, "hidden": 32},
         "gan": {"epochs": 2, "hidden": 64, "batch_size": 128},
         "cgan": {"epochs": 2, "hidden": 64, "batch_size": 128},
         "diffusion-2d": {"T": 20, "train_steps": 100, "hidden": 32, "samples": 100},
         "pix2pix": {"steps": 40, "every": 20, "hidden": 32},
         "cyclegan": {"steps": 40, "every": 20, "hidden": 32},
         "simclr": {"epochs": 2, "hidden": 32, "dims": 8},
         "pretext": {"epochs": 1, "simclr_epochs": 1, "hidden": 16, "dims": 8},
         "pseudo-label": {"rounds": 5}, "entmin": {"steps": 60},
         "mean-teacher": {"steps": 60}, "label-propagation": {"max_iter": 30},
         "arithmetic": {"epochs": 1, "hidden": 16, "shown": 8},
         "gpfa": {"max_iter": 30}, "seqnmf": {"n_iter": 30}, "topic-lda": {"n_iter": 5},
         "nnk-means": {"n_iter": 5}}
# Generator options for methods that take only a few points (the exhaustive search: 12).
OPTIONS = {"exhaustive": {"n_samples": 12}, "isomap": {"n_samples": 500},
           "lle": {"n_samples": 500}}


def selftest(ids: Sequence[str] | None = None) -> int:
    """Run every method (or those named) on its quick case; 1 if any failed."""
    failures = 0
    chosen = registry.all() if ids is None else [registry.get(i) for i in ids]
    for algorithm in chosen:
        name = example_data(algorithm.id)
        failures += _case(algorithm.id, name, lambda a=algorithm, n=name: run_to_end(
            a, datasets.load(n, **OPTIONS.get(a.id, {})), QUICK.get(a.id), seed=0))
    if ids is None:
        failures += _case("tsne (process)", "blobs", _in_a_process_of_its_own)
    print(f"selftest: {failures} failed" if failures else "selftest: all passed", flush=True)
    return 1 if failures else 0


def _case(label: str, data_name: str, run: Callable[[], object]) -> int:
    """Run one case and print its line: time, and the snapshot's type or the traceback.
    1 if it failed."""
    t0 = time.perf_counter()
    try:
        status, failed = f"ok   {type(run()).__name__}", 0
    except Exception:
        status, failed = "FAIL\n" + traceback.format_exc(), 1
    print(f"{label:16s} on {data_name:8s} {time.perf_counter() - t0:6.2f} s  {status}",
          flush=True)
    return failed


def _in_a_process_of_its_own():
    """Large t-SNE runs compute in a process of their own (engine/reduction/streaming.py),
    which an installed program starts as itself: check that one starts and answers."""
    from unittest import mock

    from engine.reduction import tsne

    with mock.patch.object(tsne, "PROCESS_FROM", 0):
        return run_to_end("tsne", datasets.load("blobs", n_samples=60),
                          {"exaggeration_iter": 20, "n_iter": 20}, seed=0)
