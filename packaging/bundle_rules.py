"""What goes into the bundle and what is stripped: plain rules shared by the spec and build.py.

No PyInstaller import here, so the tests can check the rules without building anything.
Paths are the bundle's destination paths with "/" separators, as `norm` makes them.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "Unsupervised Explorer"
EXE_NAME = "unsupervised-explorer"
BUNDLE_ID = "org.unsupervised-explorer.app"

# Qt bindings we use: QtCore, QtGui, QtWidgets; pyqtgraph 0.14 also imports QtOpenGL and
# QtOpenGLWidgets for every plot, and QtSvg for its SVG export. Everything else goes.
QT_EXCLUDES = [
    f"PySide6.{name}" for name in (
        "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
        "QtAxContainer", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization",
        "QtDBus", "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer",
        "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth",
        "QtNfc", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
        "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
        "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort",
        "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvgWidgets", "QtTest",
        "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore",
        "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
    )
]
# Python modules the program never loads (checked: sys.modules after --selftest and a VAE run
# in the window). torch's hook collects all of torch and the optional helpers of its compiler
# and distributed tools; rich and pygments come from the developer tools when installed.
# If a new method needs one of these, take it off this list: the bundle's --selftest fails
# with ModuleNotFoundError until then.
PY_EXCLUDES = [
    "tkinter", "PyQt5", "PyQt6", "PySide2", "IPython", "matplotlib", "pandas", "h5py",
    "OpenGL", "pyqtgraph.examples", "pyqtgraph.opengl", "pyqtgraph.jupyter",
    "pyqtgraph.flowchart", "pytest", "_pytest", "setuptools", "pip", "Cython",
    "rich", "pygments", "markdown_it", "mdurl", "networkx", "fsspec", "jinja2", "filelock",
    "functorch", "pydoc_data", "sqlite3", "readline",
    # No network, ever: without ssl and _hashlib, OpenSSL's libraries stay out too.
    "ssl", "_ssl", "_hashlib",
    "scipy.signal", "scipy.io._fast_matrix_market._fmm_core",
    "torch.utils.tensorboard", "torch.utils.benchmark", "torch.utils.bottleneck",
    "torch._inductor.codegen", "torch._inductor.fx_passes", "torch._inductor.kernel",
    "torch._vendor.quack", "torch.distributed.checkpoint", "torch.distributed.elastic",
    "torch.distributed.pipelining", "torch.distributed._tools", "torch._export.serde",
    "torch.ao.pruning", "torch.ao.ns", "torch.testing._internal.common_methods_invocations",
    "torch.testing._internal.distributed", "torch.testing._internal.opinfo",
    "torch.testing._internal.optests", "torch.testing._internal.generated",
]

# Qt libraries that only the plug-ins and modules dropped below need. Not QtDBus: QtGui
# links to it on Linux.
_QT_LIB = re.compile(
    r"(^|/)(lib)?Qt6?(Quick|Qml|Labs|VirtualKeyboard|Pdf|Designer|Help|Sql|Test|UiTools|"
    r"Lottie|WaylandCompositor|WaylandEgl|WlShell|EglFS|Network|Concurrent|PrintSupport|"
    r"Xml|StateMachine|ShaderTools|Multimedia|SvgWidgets)[^/]*$",
    re.IGNORECASE,
)
_QT_FRAMEWORK = re.compile(
    r"(^|/)Qt(Quick|Qml|Labs|VirtualKeyboard|Pdf|Designer|Help|Sql|Test|UiTools|Lottie|"
    r"Network|Concurrent|PrintSupport|Xml|StateMachine|ShaderTools|Multimedia|"
    r"SvgWidgets)[^/]*\.framework/",
)
_QT_PLUGIN_DIRS = (
    "designer", "qmltooling", "qmllint", "sqldrivers", "tls", "networkinformation",
    "printsupport", "vectorimageformats", "egldeviceintegrations", "generic",
    "wayland-graphics-integration-server", "position", "multimedia", "sensors",
)
_QT_PLUGIN_FILES = (
    "platforms/*eglfs*", "platforms/*linuxfb*", "platforms/*minimalegl*", "platforms/*vnc*",
    "platforms/*vkkhrdisplay*", "platforminputcontexts/*virtualkeyboard*",
    "imageformats/*pdf*", "wayland-shell-integration/*wl-shell*",
    # The GTK theme pulls the build machine's GTK stack (pango, cairo …) into the bundle,
    # to be mixed with the user's own GTK at run time: Qt's own theme does instead.
    "platformthemes/*gtk3*",
)
_TORCH_DROP = (
    "torch/test/*", "torch/include/*", "torch/share/*", "torch/utils/model_dump/*",
    "torchgen/packaged/*", "torch/_inductor/codegen/aoti_runtime/*",
    "*/jitbackend_test.*", "*/libjitbackend_test.*", "*/backend_with_compiler.*",
    "*/libbackend_with_compiler.*", "*/torchbind_test.*", "*/libtorchbind_test.*",
    "*/aoti_custom_ops.*", "*/libaoti_custom_ops.*",
)
# Files no running program reads: headers, sources, static and import libraries, stubs.
_ANYWHERE_DROP = ("*.a", "*.lib", "*.h", "*.hpp", "*.cuh", "*.cpp", "*.cu", "*.pyi",
                  "*.cmake", "*.pxd")
# Their ELF files must keep their symbols: stripping them breaks numpy at import.
NO_STRIP_DIRS = ("numpy.libs", "scipy.libs", "scikit_learn.libs")


def read_version(root: Path = ROOT) -> str:
    """`engine.__version__`, read from the source without importing the package."""
    tree = ast.parse((root / "engine" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError("engine/__init__.py sets no __version__")


def icon_path(platform: str, root: Path = ROOT) -> Path:
    """The icon each system's bundle takes (`platform` as in sys.platform)."""
    name = {"win32": "icon.ico", "darwin": "icon.icns"}.get(platform, "icon.png")
    return root / "resources" / "icon" / name


def torch_collection_modes(torch_dir: Path) -> dict[str, str]:
    """torch's modules into the compressed archive only, without the 47 MB of sources its hook
    adds for TorchScript, except the config modules, which read their own source at import.
    """
    modes = {"torch": "pyz"}
    for path in sorted(torch_dir.rglob("*.py")):
        rel = path.relative_to(torch_dir.parent)
        text = path.read_text(encoding="utf-8", errors="replace")
        if (rel.parts[1] != "testing" and "install_config_module(" in text
                and "def install_config_module" not in text):
            modes[".".join(rel.with_suffix("").parts)] = "pyz+py"
    return modes


def norm(dest: str) -> str:
    """A destination path with "/" separators, whatever system wrote it."""
    path = dest.replace("\\", "/")
    return path[2:] if path.startswith("./") else path


def _qt_relative(path: str) -> str | None:
    """The path below PySide6's Qt folder (or PySide6/ on Windows), if it is Qt's."""
    for prefix in ("PySide6/Qt/", "PySide6/"):
        if path.startswith(prefix):
            return path[len(prefix):]
    return None


def drop_qt(path: str) -> bool:
    rel = _qt_relative(path)
    if rel is None:
        return False
    if rel.startswith("translations/") or _QT_LIB.search(rel) or _QT_FRAMEWORK.search(rel):
        return True
    if not rel.startswith("plugins/"):
        return False
    plugin = rel[len("plugins/"):]
    return (plugin.split("/", 1)[0] in _QT_PLUGIN_DIRS
            or any(fnmatch.fnmatch(plugin, p) for p in _QT_PLUGIN_FILES))


def drop_torch(path: str) -> bool:
    if path.startswith("torch/bin/"):
        return not path.rsplit("/", 1)[-1].startswith("torch_shm_manager")
    return any(fnmatch.fnmatch(path, p) for p in _TORCH_DROP)


def drop(dest: str) -> bool:
    """True for a file the bundle does without."""
    path = norm(dest)
    name = path.rsplit("/", 1)[-1]
    if name == "pyconfig.h":  # sysconfig reads it
        return False
    return (drop_qt(path) or drop_torch(path)
            or any(fnmatch.fnmatch(name, p) for p in _ANYWHERE_DROP))


def keep_symbols(rel_path: str) -> bool:
    """True for a library `strip` must leave alone (the wheels' vendored numeric libraries)."""
    return any(part in NO_STRIP_DIRS for part in norm(rel_path).split("/"))
