"""The resource helper finds the program's files from source and from a frozen bundle, and every
resource the code names is in resources/."""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

from ui import resources

ROOT = Path(__file__).resolve().parent.parent
CODE = [ROOT / "main.py", *sorted(p for d in ("engine", "widgets", "ui")
                                  for p in (ROOT / d).rglob("*.py"))]


def test_resource_path_from_source():
    assert not hasattr(sys, "_MEIPASS")
    assert resources.resource_root() == ROOT / "resources"
    path = resources.resource_path("explanations", "kmeans.html")
    assert path == ROOT / "resources" / "explanations" / "kmeans.html"
    assert "k-means" in resources.explanation("kmeans").lower()


def test_resource_path_in_a_bundle(tmp_path, monkeypatch):
    """PyInstaller unpacks `resources/` under sys._MEIPASS (`_internal/` beside the program)."""
    bundled = tmp_path / "_internal" / "resources" / "explanations"
    bundled.mkdir(parents=True)
    (bundled / "pca.html").write_text("<b>bundled PCA</b>", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert resources.resource_root() == tmp_path / "_internal" / "resources"
    assert resources.explanation("pca") == "<b>bundled PCA</b>"
    assert resources.explanation("kmeans") == ""  # not in this bundle: empty, no error


def literal_resource_calls(path: Path) -> list[tuple[str, ...]]:
    """The arguments of every resource_path("a", "b") call written with literal strings."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", None))
        args = node.args
        if name == "resource_path" and args and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            calls.append(tuple(a.value for a in args))
    return calls


def test_every_resource_the_code_names_exists():
    named = {(path.name, parts) for path in CODE for parts in literal_resource_calls(path)}
    missing = [f"{source}: resources/{'/'.join(parts)}" for source, parts in sorted(named)
               if not resources.resource_path(*parts).exists()]
    assert not missing, missing


def test_the_literal_scan_sees_calls(tmp_path):
    """The scan above must not pass by finding nothing: check it on a known snippet."""
    probe = tmp_path / "probe.py"
    probe.write_text('from ui.resources import resource_path\n'
                     'ICON = resource_path("icon", "icon.png")\n'
                     'x = resources.resource_path("explanations", name)\n')
    assert literal_resource_calls(probe) == [("icon", "icon.png")]


def test_icon_files_hold_the_sizes_each_system_uses():
    icon = ROOT / "resources" / "icon"
    assert (icon / "icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ico = (icon / "icon.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    sides = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert (reserved, kind) == (0, 1)
    assert {16, 32, 48, 256} <= set(sides)
    icns = (icon / "icon.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    types, offset = set(), 8
    while offset < len(icns):
        types.add(icns[offset:offset + 4].decode())
        offset += struct.unpack(">I", icns[offset + 4:offset + 8])[0]
    assert {"icp4", "ic07", "ic08", "ic09", "ic10"} <= types  # 16, 128, 256, 512, 1024 px
