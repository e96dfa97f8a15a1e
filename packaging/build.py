"""Build the bundle for this system, check it, and wrap it in this system's installer.

    python packaging/build.py                  bundle, strip (Linux), --selftest, installer
    python packaging/build.py --no-installer   bundle and self-test only
    python packaging/build.py --no-trim        the plain bundle, to measure what trimming saves

Fails (non-zero) if PyInstaller fails, or the bundled program's --selftest does, or its window
does not open offscreen. Prints the bundle's size and its biggest parts. The installer lands in
dist/installers/: a .tar.xz with a .desktop file on Linux, a setup .exe from Inno Setup on
Windows (needs Inno Setup 6), a .dmg on macOS.
"""

from __future__ import annotations

import argparse
import contextlib
import lzma
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_rules as rules
import linux_libs

ROOT = rules.ROOT
SPEC = ROOT / "packaging" / "unsupervised_explorer.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
INSTALLERS = DIST / "installers"
SELFTEST_TIMEOUT_S = 600
# A blank 1400 x 880 window compresses to a few kB; one with plots drawn is far larger.
SMOKE_MIN_PNG_BYTES = 40_000
MB = 1024 * 1024
XZ_PRESET = 6  # xz's own default level


def run_pyinstaller(trim: bool) -> None:
    env = dict(os.environ, UE_NO_TRIM="0" if trim else "1")
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
           "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def bundle_dir() -> Path:
    """The folder a user gets: the .app on macOS, the one-folder bundle elsewhere."""
    if sys.platform == "darwin":
        return DIST / f"{rules.APP_NAME}.app"
    return DIST / rules.EXE_NAME


def executable(console: bool = True) -> Path:
    if sys.platform == "darwin":
        return bundle_dir() / "Contents" / "MacOS" / rules.EXE_NAME
    if sys.platform == "win32":
        name = rules.EXE_NAME + ("-console" if console else "")
        return bundle_dir() / f"{name}.exe"
    return bundle_dir() / rules.EXE_NAME


def trim_linux(bundle: Path) -> None:
    """Prune the libraries only dropped plug-ins needed, strip the rest, check Qt's links."""
    before = tree_size(bundle)
    removed = linux_libs.prune_orphans(bundle / "_internal")
    print(f"pruned {len(removed)} libraries nothing links to: {' '.join(removed)}")
    saved = linux_libs.strip_libraries(bundle)
    print(f"pruned and stripped: {before / MB:.0f} MB -> {tree_size(bundle) / MB:.0f} MB"
          f" (strip saved {saved / MB:.0f} MB)")
    missing = linux_libs.missing_qt_links(bundle)
    if missing:
        raise SystemExit("Qt libraries dropped but still needed:\n  " + "\n  ".join(missing))
    needs = linux_libs.system_needs(bundle)
    print("libraries the user's system must provide (beyond glibc):")
    for name, users in needs.items():
        print(f"  {name}  (for {', '.join(users[:3])})")
    unusual = linux_libs.beyond_a_desktop(needs)
    if unusual:
        print(f"WARNING: not every desktop has {' '.join(unusual)}: install the packages that "
              "provide them on this machine (README, Packaging) and build again to bundle them")


def tree_size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def biggest_parts(bundle: Path, count: int = 10) -> list[tuple[int, str]]:
    """The biggest folders two levels into the bundle's library folder, and the biggest files."""
    inner = next((p for p in (bundle / "_internal", bundle / "Contents" / "Frameworks")
                  if p.is_dir()), bundle)
    parts = []
    for top in inner.iterdir():
        parts.append((tree_size(top), str(top.relative_to(bundle))))
        if top.is_dir() and not top.is_symlink():
            parts += [(tree_size(sub), str(sub.relative_to(bundle))) for sub in top.iterdir()
                      if sub.is_dir() and not sub.is_symlink()]
    files = [(p.stat().st_size, str(p.relative_to(bundle))) for p in bundle.rglob("*")
             if p.is_file() and not p.is_symlink()]
    return sorted(parts, reverse=True)[:count], sorted(files, reverse=True)[:count]


def report_size(bundle: Path) -> int:
    total = tree_size(bundle)
    folders, files = biggest_parts(bundle)
    print(f"\nbundle: {bundle} — {total / MB:.0f} MB")
    print("biggest folders:")
    for size, name in folders:
        print(f"  {size / MB:7.1f} MB  {name}")
    print("biggest files:")
    for size, name in files:
        print(f"  {size / MB:7.1f} MB  {name}")
    return total


def selftest() -> None:
    """Run the bundled program's --selftest offscreen; raise if it fails."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [str(executable(console=True)), "--selftest"]
    print("+", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, env=env, timeout=SELFTEST_TIMEOUT_S)
    if result.returncode != 0:
        raise SystemExit(f"the bundle's --selftest failed (exit {result.returncode})")


def window_smoke() -> Path:
    """Open the window offscreen, run k-means, save a screenshot: --selftest never loads Qt.

    Raises unless the program exits cleanly with a PNG that holds more than a blank window.
    """
    out = ROOT / "build" / "bundle-screenshot.png"
    out.unlink(missing_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [str(executable(console=True)), "--screenshot", str(out),
           "--dataset", "blobs", "--algorithm", "kmeans", "--run"]
    print("+", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, env=env, timeout=SELFTEST_TIMEOUT_S)
    if result.returncode != 0 or not out.is_file():
        raise SystemExit(f"the bundle's window did not open (exit {result.returncode})")
    if out.stat().st_size < SMOKE_MIN_PNG_BYTES:
        raise SystemExit(f"the bundle's window looks blank: {out} is {out.stat().st_size} bytes")
    print(f"window screenshot: {out} ({out.stat().st_size // 1024} KB)")
    return out


def linux_tarball(bundle: Path, version: str) -> Path:
    """bundle + .desktop file + icon + install script, as one .tar.xz: a third smaller than
    gzip -9 made it (215 MB against 320 MB here), and every Linux's tar opens it."""
    arch = platform.machine() or "x86_64"
    name = f"{rules.EXE_NAME}-{version}-linux-{arch}"
    linux = ROOT / "packaging" / "linux"
    INSTALLERS.mkdir(parents=True, exist_ok=True)
    out = INSTALLERS / f"{name}.tar.xz"
    try:
        with open(out, "wb") as sink, xz_stream(sink) as stream, \
                tarfile.open(fileobj=stream, mode="w|") as tar:
            tar.add(bundle, arcname=f"{name}/{rules.EXE_NAME}")
            tar.add(linux / f"{rules.EXE_NAME}.desktop",
                    arcname=f"{name}/{rules.EXE_NAME}.desktop")
            tar.add(rules.icon_path("linux"), arcname=f"{name}/{rules.EXE_NAME}.png")
            tar.add(linux / "install.sh", arcname=f"{name}/install.sh")
            tar.add(linux / "INSTALL.txt", arcname=f"{name}/INSTALL.txt")
    except BaseException:
        out.unlink(missing_ok=True)  # no half-written installer left to be mistaken for one
        raise
    return out


@contextlib.contextmanager
def xz_stream(sink):
    """A stream that xz-compresses into `sink`: the system's xz on every core where there is
    one (3.5 minutes for the bundle on two cores), else Python's lzma on one."""
    xz = shutil.which("xz")
    if xz is None:
        with lzma.LZMAFile(sink, "w", preset=XZ_PRESET) as stream:
            yield stream
        return
    proc = subprocess.Popen([xz, "-T0", f"-{XZ_PRESET}", "-c"], stdin=subprocess.PIPE,
                            stdout=sink)
    try:
        yield proc.stdin
    finally:
        with contextlib.suppress(BrokenPipeError):  # xz died: its exit status says why
            proc.stdin.close()
        if proc.wait() != 0:
            raise SystemExit(f"xz failed (exit status {proc.returncode})")


def find_iscc() -> str:
    """Inno Setup's compiler: on PATH, or where its installer (and choco) puts it."""
    found = shutil.which("iscc")
    default = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"))
    default = default / "Inno Setup 6" / "ISCC.exe"
    if found or default.is_file():
        return found or str(default)
    raise SystemExit("Inno Setup's iscc was not found (choco install innosetup)")


def windows_setup(version: str) -> Path:
    iscc = find_iscc()
    script = ROOT / "packaging" / "windows" / "installer.iss"
    subprocess.run([iscc, f"/DAppVersion={version}", f"/DSourceDir={bundle_dir()}",
                    f"/DOutputDir={INSTALLERS}", f"/DIconFile={rules.icon_path('win32')}",
                    str(script)], check=True)
    return INSTALLERS / f"{rules.EXE_NAME}-{version}-setup.exe"


def macos_dmg(version: str) -> Path:
    out = INSTALLERS / f"{rules.EXE_NAME}-{version}-macos.dmg"
    subprocess.run(["bash", str(ROOT / "packaging" / "macos" / "make_dmg.sh"),
                    str(bundle_dir()), str(out)], check=True)
    return out


def make_installer(bundle: Path, version: str) -> Path:
    if sys.platform == "win32":
        return windows_setup(version)
    if sys.platform == "darwin":
        return macos_dmg(version)
    return linux_tarball(bundle, version)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--no-trim", action="store_true", help="build the plain, untrimmed bundle")
    p.add_argument("--no-installer", action="store_true", help="stop after the self-test")
    p.add_argument("--no-build", action="store_true", help="reuse the bundle in dist/")
    args = p.parse_args(argv)
    version = rules.read_version()
    t0 = time.perf_counter()
    if not args.no_build:
        run_pyinstaller(trim=not args.no_trim)
    bundle = bundle_dir()
    print(f"\nbuilt {bundle} ({rules.APP_NAME} {version}) in {time.perf_counter() - t0:.0f} s")
    if sys.platform.startswith("linux") and not args.no_trim and not args.no_build:
        trim_linux(bundle)
    report_size(bundle)
    selftest()
    window_smoke()
    if not args.no_installer:
        t1 = time.perf_counter()
        out = make_installer(bundle, version)
        print(f"\ninstaller: {out} — {out.stat().st_size / MB:.0f} MB "
              f"({time.perf_counter() - t1:.0f} s)")
    print(f"done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
