"""Loading data files: good files give the right table, bad ones say what and where."""

import numpy as np
import pytest

from engine.datasets.files import DataFileError, load_file


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(path, **options) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        load_file(path, **options)
    return info.value


# --- good files -------------------------------------------------------------------------

def test_csv_with_header_and_string_labels(tmp_path):
    path = write(tmp_path, "flowers.csv",
                 "sepal length,sepal width,species\n"
                 "5.1,3.5,setosa\n"
                 "7.0,3.2,versicolor\n"
                 "6.3,3.3,virginica\n"
                 "4.9,3.0,setosa\n")
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, [[5.1, 3.5], [7.0, 3.2], [6.3, 3.3], [4.9, 3.0]])
    assert ds.feature_names == ("sepal length", "sepal width")
    assert ds.target_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(ds.y, [0, 1, 2, 0])
    assert ds.name == "flowers"
    assert ds.source == str(path)
    assert "species" in ds.description


def test_label_column_found_by_name_anywhere(tmp_path):
    path = write(tmp_path, "t.csv", "class,a,b\n2,1.5,2.5\n1,3.5,4.5\n2,5,6\n")
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, [[1.5, 2.5], [3.5, 4.5], [5, 6]])
    assert ds.target_names == ("1", "2")
    np.testing.assert_array_equal(ds.y, [1, 0, 1])


def test_label_column_by_name_index_or_none(tmp_path):
    path = write(tmp_path, "t.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,3\n")
    assert load_file(path).y is None  # numeric last column, no label name: all features
    by_name = load_file(path, label_column="c")
    by_index = load_file(path, label_column=-1)
    np.testing.assert_array_equal(by_name.X, [[1, 2], [4, 5], [7, 8]])
    np.testing.assert_array_equal(by_name.y, by_index.y)
    np.testing.assert_array_equal(by_name.y, [0, 1, 0])
    assert by_name.target_names == ("3", "6")


def test_label_column_none_keeps_text_column_as_error(tmp_path):
    path = write(tmp_path, "s.csv", "a,b,species\n1,2,x\n4,5,y\n")
    err = error_of(path, label_column=None)
    assert (err.line, err.column) == (2, 3)
    assert "'x' is not a number" in str(err)


def test_unknown_label_column_names_the_columns(tmp_path):
    path = write(tmp_path, "t.csv", "a,b,c\n1,2,3\n")
    err = error_of(path, label_column="kind")
    assert "no column named 'kind'" in str(err) and "a, b, c" in str(err)
    assert "no column 5" in str(error_of(path, label_column=5))


def test_y_is_a_label_only_without_x(tmp_path):
    assert load_file(write(tmp_path, "a.csv", "x,y\n1,2\n3,4\n")).y is None
    ds = load_file(write(tmp_path, "b.csv", "u,v,y\n1,2,0\n3,4,1\n"))
    np.testing.assert_array_equal(ds.y, [0, 1])


def test_tsv(tmp_path):
    path = write(tmp_path, "t.tsv", "x\ty\tlabel\n1\t2\tA\n3\t4\tB\n")
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4]])
    assert ds.feature_names == ("x", "y")
    assert ds.target_names == ("A", "B")


def test_semicolons_and_whitespace(tmp_path):
    ds = load_file(write(tmp_path, "s.csv", "a;b\n1;2\n3;4\n"))
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4]])
    ds = load_file(write(tmp_path, "w.txt", "  1.0   2.0 3\n4\t5    6\n"))
    np.testing.assert_array_equal(ds.X, [[1, 2, 3], [4, 5, 6]])


def test_headerless_with_blank_lines_comments_and_crlf(tmp_path):
    path = write(tmp_path, "h.csv", b"# measured on Monday\r\n1,2\r\n\r\n3,4\r\n5,6\r\n\r\n")
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4], [5, 6]])
    assert ds.feature_names == ("x1", "x2")
    assert ds.y is None


def test_headerless_with_string_labels_last(tmp_path):
    ds = load_file(write(tmp_path, "h.csv", "1,2,cat\n3,4,dog\n5,6,cat\n"))
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4], [5, 6]])
    assert ds.target_names == ("cat", "dog")


def test_quoted_cells_and_bom(tmp_path):
    text = '\ufeff"name one","name, two","label"\n"1.5","2",a\n3,"4",b\n'
    ds = load_file(write(tmp_path, "q.csv", text))
    assert ds.feature_names == ("name one", "name, two")
    np.testing.assert_array_equal(ds.X, [[1.5, 2], [3, 4]])


def test_one_column(tmp_path):
    ds = load_file(write(tmp_path, "one.txt", "value\n1\n2\n3\n"))
    assert ds.X.shape == (3, 1) and ds.feature_names == ("value",)


def test_npy(tmp_path):
    X = np.arange(12.0).reshape(4, 3)
    path = tmp_path / "a.npy"
    np.save(path, X)
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, X)
    assert ds.y is None and ds.name == "a"
    with_labels = load_file(path, label_column=0)
    np.testing.assert_array_equal(with_labels.X, X[:, 1:])
    np.testing.assert_array_equal(with_labels.y, [0, 1, 2, 3])


def test_npy_stack_of_images(tmp_path):
    images = np.random.default_rng(0).random((5, 4, 3))
    path = tmp_path / "img.npy"
    np.save(path, images)
    ds = load_file(path)
    assert ds.X.shape == (5, 12) and ds.image_shape == (4, 3)


def test_npz_with_text_labels(tmp_path):
    X = np.random.default_rng(0).normal(size=(6, 2))
    y = np.array(["b", "a", "b", "c", "a", "a"])
    path = tmp_path / "d.npz"
    np.savez(path, data=X, labels=y)
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, X)
    assert ds.target_names == ("a", "b", "c")
    np.testing.assert_array_equal(ds.y, [1, 0, 1, 2, 0, 0])


def test_npz_single_unnamed_array(tmp_path):
    path = tmp_path / "d.npz"
    np.savez_compressed(path, np.ones((3, 2), dtype=np.int32))
    ds = load_file(path)
    np.testing.assert_array_equal(ds.X, np.ones((3, 2)))


# --- bad text files: the message names the problem and the place ------------------------

@pytest.mark.parametrize(("content", "line", "column", "message"), [
    ("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,2,3\n4,5,6\n7,8,abc\n", 7, 3,
     "line 7, column 3: 'abc' is not a number"),
    ("a,b\n1,2\n3,4\n5,\n", 4, 2, "line 4, column 2: empty cell"),
    ("1,2,3\n4,5,6\n\n7,8,nan\n", 4, 3,
     "line 4, column 3: 'nan' — missing values are not supported"),
    ("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,2,NA\n", 5, 3,
     "line 5, column 3: 'NA' — missing values are not supported"),
    ("a b\n1 2\n3 inf\n", 3, 2, "line 3, column 2: 'inf' is not a finite number"),
    ("a,b,c,d\n" + "1,2,3,4\n" * 7 + "1,2,3\n", 9, None, "line 9 has 3 cells, the header has 4"),
    ("1,2\n3,4,5\n", 2, None, "line 2 has 3 cells, line 1 has 2"),
    ("a,b,label\n1,2,x\n3,4,\n", 3, 3, "line 3, column 3: empty label"),
    ('a,b\n1,"2\n3,4\n', 2, None, "line 2: a quote is not closed"),
])
def test_bad_cells_say_where(tmp_path, content, line, column, message):
    err = error_of(write(tmp_path, "bad.csv", content))
    assert str(err) == message
    assert (err.line, err.column) == (line, column)


def test_first_bad_cell_in_reading_order(tmp_path):
    err = error_of(write(tmp_path, "bad.csv", "a,b,c\n1,2,x\n4,y,6\n"), label_column=None)
    assert (err.line, err.column) == (2, 3)


def test_header_only(tmp_path):
    err = error_of(write(tmp_path, "h.csv", "a,b,c\n"))
    assert "header row but no data" in str(err)


@pytest.mark.parametrize("content", [b"", b"   \n\n  \r\n"])
def test_empty_file(tmp_path, content):
    err = error_of(write(tmp_path, "e.csv", content))
    assert str(err) == "the file is empty"
    assert (err.line, err.column) == (None, None)


def test_binary_file(tmp_path):
    err = error_of(write(tmp_path, "b.csv", b"1,2,3\n4,5,\x00\x01\x02"))
    assert str(err) == "this is not a text file (binary content at byte 10)"


def test_missing_file_and_folder(tmp_path):
    assert "there is no file" in str(error_of(tmp_path / "nope.csv"))
    assert "folder" in str(error_of(tmp_path))


def test_size_is_checked_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(200 * 2**20)  # sparse: takes no disk space, and is all NUL bytes
    err = error_of(path)
    assert str(err) == "the file is 200.0 MB; the limit is 100 MB"
    small = write(tmp_path, "small.csv", "1,2\n" * 1000)
    assert str(error_of(small, max_bytes=1000)) == "the file is 3.9 KB; the limit is 1000 bytes"


def test_windows_1252_text_still_loads(tmp_path):
    ds = load_file(write(tmp_path, "w.csv", "caf\xe9,b\n1,2\n".encode("cp1252")))
    assert ds.feature_names == ("café", "b")


# --- bad array files --------------------------------------------------------------------

def test_pickled_object_npy_is_refused(tmp_path):
    path = tmp_path / "obj.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    err = error_of(path)
    assert "pickled" in str(err) and "not loaded" in str(err)


class _Trap:
    """Unpickling this would create a folder: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        import os

        return os.mkdir, (self.marker,)


@pytest.mark.parametrize("suffix", [".npy", ".npz", ".csv", ".pkl"])
def test_pickle_is_refused_and_never_run(tmp_path, suffix):
    import pickle

    marker = tmp_path / "code-ran"
    path = tmp_path / f"evil{suffix}"
    path.write_bytes(pickle.dumps(_Trap(marker)))
    error_of(path)
    assert not marker.exists()
    np.save(tmp_path / "evil2.npy", np.array([_Trap(marker)], dtype=object), allow_pickle=True)
    assert "pickled" in str(error_of(tmp_path / "evil2.npy"))
    assert not marker.exists()


def test_object_array_in_npz_is_refused(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, X=np.ones((2, 2)), y=np.array([None, 1], dtype=object))
    assert "pickled" in str(error_of(path))


def test_npy_non_finite_value_says_row_and_column(tmp_path):
    X = np.ones((5, 4))
    X[3, 2] = np.nan
    path = tmp_path / "n.npy"
    np.save(path, X)
    err = error_of(path)
    assert str(err) == "row 4, column 3: nan — missing values are not supported"
    assert (err.line, err.column) == (4, 3)


@pytest.mark.parametrize(("array", "words"), [
    (np.float64(3.0), "single value"),
    (np.zeros((2, 2, 2, 2)), "4 dimensions"),
    (np.zeros((0, 3)), "empty"),
    (np.array(["a", "b"]), "text"),
    (np.ones(3, dtype=complex), "complex"),
])
def test_npy_wrong_shape_or_type(tmp_path, array, words):
    path = tmp_path / "w.npy"
    np.save(path, array)
    assert words in str(error_of(path))


def test_npz_length_mismatch(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, X=np.ones((5, 2)), y=np.arange(4))
    assert "5 rows but array 'y' has 4 labels" in str(error_of(path))


def test_npz_without_recognised_names(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, a=np.ones((5, 2)), b=np.ones((5, 2)))
    assert "name the data X" in str(error_of(path))


def test_truncated_npy(tmp_path):
    path = tmp_path / "t.npy"
    np.save(path, np.ones((100, 3)))
    path.write_bytes(path.read_bytes()[:200])
    assert "not a valid .npy file" in str(error_of(path))


def test_garbage_never_escapes_as_another_error(tmp_path):
    """Whatever the bytes, the only error is a DataFileError."""
    rng = np.random.default_rng(0)
    pieces = ["1", "2.5", ",", ";", "\t", " ", "\n", "\r\n", '"', "a", "nan", "#", "", "é"]
    for k in range(300):
        text = "".join(rng.choice(pieces, size=rng.integers(0, 40)))
        suffix = (".csv", ".txt", ".npy", ".npz")[k % 4]
        path = write(tmp_path, f"g{k}{suffix}", text)
        try:
            ds = load_file(path)
        except DataFileError:
            continue
        assert np.isfinite(ds.X).all()


def test_a_distance_table_with_row_names_is_read_as_distances(tmp_path):
    text = ",A,B,C,D\nA,0,3,4,5\nB,3,0,5,4\nC,4,5,0,3\nD,5,4,3,0\n"
    ds = load_file(write(tmp_path, "d.csv", text))
    assert ds.distances is not None and ds.point_names == ("A", "B", "C", "D")
    np.testing.assert_array_equal(ds.distances[0], [0, 3, 4, 5])


def test_a_nearly_symmetric_square_table_says_why_it_is_not_distances(tmp_path):
    text = "A,B,C,D\n0,3,4,5\n3,0,5,4\n4,5,0,3\n5,4,3.1,0\n"
    ds = load_file(write(tmp_path, "n.csv", text))
    assert ds.distances is None and ds.X.shape == (4, 4)
    assert ds.note == ("A square table with named columns, read as points and features, not "
                       "as distances: it is not symmetric (row 3, column 4: 3, but row 4, "
                       "column 3: 3.1).")
    assert "negative" in load_file(write(tmp_path, "m.csv", text.replace("3.1", "-3"))).note
