"""Importing torch once, the way this program needs it: one CPU thread, device picked."""

from __future__ import annotations

_ready = False


def import_torch():
    """Import torch on first use with one intra-op thread.

    Two CPU threads stalled the window for hundreds of milliseconds while a model trained,
    and one thread was also faster for models this small.
    """
    global _ready
    import torch

    if not _ready:
        torch.set_num_threads(1)
        _ready = True
    return torch


def pick_device(choice: str = "auto"):
    """`auto`: CUDA, else Apple's MPS, else the CPU; or the named device."""
    torch = import_torch()
    if choice != "auto":
        return torch.device(choice)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
