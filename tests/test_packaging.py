"""The packaging rules, without building anything (`make bundle` builds; too slow for the suite)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


@pytest.fixture(scope="module")
def rules():
    sys.path.insert(0, str(PACKAGING))
    try:
        yield importlib.import_module("bundle_rules")
    finally:
        sys.path.remove(str(PACKAGING))


@pytest.fixture(scope="module")
def linux_libs(rules):
    sys.path.insert(0, str(PACKAGING))
    try:
        yield importlib.import_module("linux_libs")
    finally:
        sys.path.remove(str(PACKAGING))


def test_version_is_read_from_engine(rules):
    assert rules.read_version() == engine.__version__


def test_version_is_written_in_one_place_only():
    """The spec, the installers and the workflow take it from engine.__version__."""
    spec = (PACKAGING / "unsupervised_explorer.spec").read_text(encoding="utf-8")
    ast.parse(spec)
    assert "VERSION = rules.read_version(ROOT)" in spec
    version = re.compile(rf"(?<![\d.]){re.escape(engine.__version__)}(?![\d.])")
    files = [p for p in PACKAGING.rglob("*") if p.is_file() and p.suffix in
             (".py", ".spec", ".iss", ".sh", ".desktop", ".txt")]
    files.append(ROOT / ".github" / "workflows" / "installers.yml")
    holding = [str(p.relative_to(ROOT)) for p in files
               if version.search(p.read_text(encoding="utf-8"))]
    assert not holding, holding


def test_read_version_fails_without_one(rules, tmp_path):
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "__init__.py").write_text('"""No version here."""\n')
    with pytest.raises(LookupError):
        rules.read_version(tmp_path)


@pytest.mark.parametrize("dest", [
    "torch/bin/torch_shm_manager",  # import torch fails without it
    "torch/lib/libtorch_cpu.so",
    "PySide6/Qt/lib/libQt6OpenGL.so.6",  # pyqtgraph 0.14 imports QtOpenGL for every plot
    "PySide6/Qt/lib/libQt6OpenGLWidgets.so.6",
    "PySide6/Qt/lib/libQt6DBus.so.6",  # QtGui links to it on Linux
    "PySide6/Qt/lib/libQt6Svg.so.6",
    "PySide6\\Qt6OpenGL.dll",
    "PySide6/Qt/lib/QtOpenGL.framework/Versions/A/QtOpenGL",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6\\plugins\\platforms\\qwindows.dll",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "numpy.libs/libscipy_openblas64_-32a4b2a6.so",
    "python3.11/config-3.11-x86_64-linux-gnu/pyconfig.h",
])
def test_kept(rules, dest):
    assert not rules.drop(dest)


@pytest.mark.parametrize("dest", [
    "torch/bin/test_api",
    "torch/bin/protoc-3.13.0.0",
    "torch/test/test_jit",
    "torch/include/ATen/ATen.h",
    "torch/lib/libtorchbind_test.so",
    "torch\\lib\\torchbind_test.dll",
    "torch/lib/dnnl.lib",
    "torch/share/cmake/Torch/TorchConfig.cmake",
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6\\translations\\qtbase_de.qm",
    "PySide6/Qt/lib/libQt6Quick.so.6",
    "PySide6/Qt/lib/libQt6Network.so.6",
    "PySide6\\Qt6Qml.dll",
    "PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
])
def test_dropped(rules, dest):
    assert rules.drop(dest)


def test_numpy_and_scipy_libraries_keep_their_symbols(rules):
    for rel in ("numpy.libs/libscipy_openblas64_-32a4b2a6.so",
                "_internal/scipy.libs/libgfortran-040039e1-0352e75f.so.5.0.0",
                "scikit_learn.libs/libgomp-a34b3233.so.1.0.0"):
        assert rules.keep_symbols(rel), rel
    for rel in ("torch/lib/libtorch_cpu.so", "numpy/_core/_multiarray_umath.so",
                "PySide6/Qt/lib/libQt6Core.so.6"):
        assert not rules.keep_symbols(rel), rel


def test_qt_modules_we_use_are_not_excluded(rules):
    for name in ("QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets", "QtSvg"):
        assert f"PySide6.{name}" not in rules.QT_EXCLUDES


def imported_modules() -> set[str]:
    names = set()
    for path in [ROOT / "main.py", *(p for d in ("engine", "widgets", "ui")
                                     for p in (ROOT / d).rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_no_excluded_module_is_imported_by_our_code(rules):
    """An exclusion the program needs would only fail inside the bundle: catch it here."""
    excluded = rules.QT_EXCLUDES + rules.PY_EXCLUDES
    clashes = sorted(f"{name} (excluded: {ex})" for name in imported_modules() for ex in excluded
                     if name == ex or name.startswith(ex + "."))
    assert not clashes, clashes


def test_the_import_scan_sees_heavy_imports():
    names = imported_modules()
    assert {"torch", "PySide6.QtWidgets", "pyqtgraph"} <= names


def test_torch_config_modules_keep_their_source(rules, tmp_path):
    """torch's config modules read their own source at import (inspect.getsource)."""
    torch = tmp_path / "torch"
    for rel, text in {
        "__init__.py": "",
        "_dynamo/config.py": "install_config_module(sys.modules[__name__])\n",
        "utils/_config_module.py": "def install_config_module(module): ...\n",
        "testing/_internal/fake_config_module.py": "install_config_module(x)\n",
        "nn/functional.py": "def relu(x): ...\n",
    }.items():
        (torch / rel).parent.mkdir(parents=True, exist_ok=True)
        (torch / rel).write_text(text)
    assert rules.torch_collection_modes(torch) == {
        "torch": "pyz", "torch._dynamo.config": "pyz+py"}


def test_icon_per_system(rules):
    assert rules.icon_path("win32").name == "icon.ico"
    assert rules.icon_path("darwin").name == "icon.icns"
    assert rules.icon_path("linux").name == "icon.png"
    assert all(rules.icon_path(p).is_file() for p in ("win32", "darwin", "linux"))


def test_prune_orphans_follows_chains(linux_libs, tmp_path, monkeypatch):
    """A library only a pruned one needed goes too; Python's own modules stay."""
    links = {
        "unsupervised-explorer": (),
        "QtGui.abi3.so": ("libQt6Gui.so.6",),
        "libQt6Gui.so.6": ("libfontconfig.so.1",),
        "libfontconfig.so.1": (),
        "libpango-1.0.so.0": ("libharfbuzz.so.0",),  # was for the dropped GTK theme
        "libharfbuzz.so.0": (),
        "libpython3.11.so.1.0": (),  # loaded by the bootloader, linked by nothing
        "_fastcluster.cpython-311-x86_64-linux-gnu.so": (),
    }
    for name in links:
        (tmp_path / name).write_bytes(b"\x7fELF")
    (tmp_path / "libQt6Network.so.6").symlink_to("PySide6/Qt/lib/libQt6Network.so.6")
    monkeypatch.setattr(linux_libs, "needed", lambda path: links[path.name])
    removed = linux_libs.prune_orphans(tmp_path)
    assert sorted(removed) == ["libQt6Network.so.6", "libharfbuzz.so.0", "libpango-1.0.so.0"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        set(links) - {"libpango-1.0.so.0", "libharfbuzz.so.0"})


def test_desktop_entry_names_the_installed_icon_and_program(rules):
    entry = (PACKAGING / "linux" / f"{rules.EXE_NAME}.desktop").read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert fields["Icon"] == rules.EXE_NAME  # install.sh copies the icon under this name
    assert fields["Exec"].split()[0] == rules.EXE_NAME
    assert fields["Name"] == rules.APP_NAME


def test_libraries_a_desktop_may_lack_are_named(linux_libs):
    needs = {"libxcb.so.1": ["libQt6XcbQpa.so.6"], "libGL.so.1": ["QtGui.abi3.so"],
             "libwayland-client.so.0": ["libQt6WaylandClient.so.6"],
             "libxcb-icccm.so.4": ["libQt6XcbQpa.so.6"]}
    assert linux_libs.beyond_a_desktop(needs) == ["libxcb-icccm.so.4"]


@pytest.fixture(scope="module")
def build(rules):
    """packaging/build.py under a name of its own ("build" is also PyInstaller's work folder
    and a PyPI package), put back as it was found: it adds packaging/ to sys.path itself."""
    path = list(sys.path)
    spec = importlib.util.spec_from_file_location("packaging_build", PACKAGING / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path[:] = path


@pytest.mark.parametrize("system_xz", [True, False])
def test_the_linux_installer_is_a_tar_xz_of_the_bundle_and_its_desktop_files(
        build, tmp_path, monkeypatch, system_xz):
    import shutil
    import tarfile

    if system_xz and shutil.which("xz") is None:
        pytest.skip("no xz on this machine")
    if not system_xz:
        monkeypatch.setattr(build.shutil, "which", lambda name: None)
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "lib.so").write_bytes(b"\0" * 4096)
    monkeypatch.setattr(build, "INSTALLERS", tmp_path / "installers")
    out = build.linux_tarball(bundle, "9.9")
    assert out.name.endswith("-9.9-linux-" + (build.platform.machine() or "x86_64") + ".tar.xz")
    with tarfile.open(out, "r:xz") as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        assert f"{top}/unsupervised-explorer/_internal/lib.so" in names
        assert {f"{top}/install.sh", f"{top}/unsupervised-explorer.desktop",
                f"{top}/unsupervised-explorer.png", f"{top}/INSTALL.txt"} <= set(names)
        member = tar.extractfile(f"{top}/unsupervised-explorer/_internal/lib.so")
        assert member.read() == b"\0" * 4096
