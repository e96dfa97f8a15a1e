"""Post-build work on the Linux bundle's ELF libraries: strip, prune, check the Qt links.

Uses binutils' `strip` and `readelf`, which come with any Linux build toolchain.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import bundle_rules as rules

_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


def is_elf(path: Path) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def elf_files(bundle: Path) -> list[Path]:
    return [p for p in sorted(bundle.rglob("*")) if is_elf(p)]


@functools.cache
def needed(path: Path) -> tuple[str, ...]:
    """The libraries an ELF file names as its dependencies (DT_NEEDED)."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return tuple(_NEEDED.findall(out))


def strip_libraries(bundle: Path) -> int:
    """`strip --strip-unneeded` every shared library but the ones numpy needs intact.

    The executable is left alone: PyInstaller appends its archive to it. Returns bytes saved.
    """
    saved = 0
    for path in elf_files(bundle):
        if ".so" not in path.name or rules.keep_symbols(str(path.relative_to(bundle))):
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def _prunable(path: Path) -> bool:
    """A top-level system library PyInstaller pulled in, not one Python loads by itself."""
    name = path.name
    return (name.startswith("lib") and ".so" in name and not name.startswith("libpython")
            and ".cpython-" not in name and ".abi3." not in name)


def prune_orphans(contents: Path) -> list[str]:
    """Remove top-level libraries that nothing left in the bundle links to.

    Dropping Qt plug-ins in the spec leaves behind the system libraries only they needed
    (the GTK stack of the gtk3 theme, D-Bus and systemd, Kerberos): mixing those with the
    user's own versions is a known source of crashes, and they weigh megabytes.
    """
    removed = []
    while True:
        wanted = {name for path in elf_files(contents) for name in needed(path)}
        orphans = [p for p in sorted(contents.iterdir())
                   if _prunable(p) and p.name not in wanted
                   and (p.is_symlink() or p.is_file())]
        if not orphans:
            return removed
        for path in orphans:
            path.unlink()
            removed.append(path.name)


def missing_qt_links(bundle: Path) -> list[str]:
    """`file needs libQt6X` for every Qt library a bundled file links to but the bundle lacks."""
    present = {p.name for p in bundle.rglob("*") if p.exists()}
    return [f"{path.relative_to(bundle)} needs {name}"
            for path in elf_files(bundle) for name in needed(path)
            if name.startswith("libQt6") and name not in present]


# glibc's own libraries: every Linux system has them, matched to its loader.
_GLIBC = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux[-\w]*)\.so")
# What every X11 or Wayland desktop has; anything else the bundle should carry.
_DESKTOP = re.compile(r"^(libxcb\.so|libGL\.so|libEGL\.so|libwayland-)")


def system_needs(bundle: Path) -> dict[str, list[str]]:
    """Libraries the bundle links to but does not carry (beyond glibc), with the bundled
    files that need them: the user's system must have these."""
    present = {p.name for p in bundle.rglob("*") if p.exists()}
    users: dict[str, set[str]] = {}
    for path in elf_files(bundle):
        for name in needed(path):
            if name not in present and not _GLIBC.match(name):
                users.setdefault(name, set()).add(path.name)
    return {name: sorted(users[name]) for name in sorted(users)}


def beyond_a_desktop(needs: dict[str, list[str]]) -> list[str]:
    """The ones a desktop may lack: the build machine should have had them, to bundle them."""
    return [name for name in needs if not _DESKTOP.match(name)]
