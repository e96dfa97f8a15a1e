"""Test settings shared by the whole suite: offscreen Qt, no leftover threads or timers."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTORCH_NO_CUDA_MEMORY_CACHING", "1")


def _isolate_user_folders() -> None:
    """Settings, recovery files and saved lessons go to a throw-away folder, never the real
    user's: Qt's test mode for QStandardPaths, and QSettings' own paths pointed there too."""
    import tempfile

    home = tempfile.mkdtemp(prefix="ue-test-home-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
    os.environ["XDG_CACHE_HOME"] = os.path.join(home, "cache")
    try:
        from PySide6.QtCore import QSettings, QStandardPaths
    except ImportError:  # engine-only environments
        return
    QStandardPaths.setTestModeEnabled(True)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, os.path.join(home, "settings"))


_isolate_user_folders()
