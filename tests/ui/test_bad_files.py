"""Each bad file gives a message that says what and where, and the loaded data set stays."""

import numpy as np
import pytest

BAD_FILES = {
    "non_numeric.csv": ("a,b,c\n1,2,3\n4,x,6\n", ["line 3", "column 2"]),
    "empty_cell.csv": ("a,b,c\n1,2,3\n4,,6\n", ["line 3", "column 2"]),
    "nan_cell.csv": ("a,b,c\n1,2,3\n4,5,nan\n", ["line 3", "column 3"]),
    "ragged.csv": ("a,b,c\n1,2,3\n4,5\n", ["line 3"]),
    "empty.csv": ("", ["empty"]),
    "binary.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["not a text file"]),
}


def _write(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_keeps_the_data_set(qtbot, window, tmp_path, name):
    content, words = BAD_FILES[name]
    path = tmp_path / name
    _write(path, content)
    before = window.dataset
    with qtbot.waitSignal(window.data_panel.load_failed, timeout=10000):
        window.data_panel.load_path(str(path))
    message = window.data_panel.error.text()
    for word in words:
        assert word in message, message
    assert window.dataset is before
    assert window.data_view.scatter.point_count() == before.n


def test_too_large_a_file_is_refused_without_reading_it(qtbot, window, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(200 * 2**20)  # a sparse 200 MB file: nothing is written
    before = window.dataset
    with qtbot.waitSignal(window.data_panel.load_failed, timeout=10000):
        window.data_panel.load_path(str(path))
    assert "200" in window.data_panel.error.text() and "MB" in window.data_panel.error.text()
    assert window.dataset is before


def test_a_good_csv_loads_after_a_bad_one(qtbot, window, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,zz,3\n")
    good = tmp_path / "good.csv"
    rows = np.random.default_rng(0).normal(size=(30, 3))
    lines = ["f1,f2,f3,class"] + [f"{a},{b},{c},{'ab'[i % 2]}" for i, (a, b, c) in enumerate(rows)]
    good.write_text("\n".join(lines) + "\n")
    with qtbot.waitSignal(window.data_panel.load_failed, timeout=10000):
        window.data_panel.load_path(str(bad))
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=10000):
        window.data_panel.load_path(str(good))
    assert window.dataset.n == 30 and window.dataset.d == 3 and window.dataset.n_classes == 2
    assert window.data_panel.error.text() == ""


def test_loading_a_file_never_unpickles(qtbot, window, tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    before = window.dataset
    with qtbot.waitSignal(window.data_panel.load_failed, timeout=10000):
        window.data_panel.load_path(str(path))
    assert window.dataset is before
