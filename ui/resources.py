"""Where the program's own files are, the same from source and from a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """`resources/` beside main.py, or inside the bundle PyInstaller unpacked."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return base / "resources"


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


def explanation(algorithm_id: str) -> str:
    """The short HTML explanation of a method; empty if it has none."""
    path = resource_path("explanations", f"{algorithm_id}.html")
    return path.read_text(encoding="utf-8") if path.exists() else ""
