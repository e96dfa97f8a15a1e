"""Data sets of strings: the word list, text files of one item a line, their 2-D map, and
sessions that bring them back."""

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform

from engine import datasets, distances, registry, session
from engine.datasets import texts
from engine.datasets.errors import DataFileError


def test_classical_mds_recovers_points_of_the_plane():
    xy = np.random.default_rng(1).normal(size=(15, 2))
    coords, values, _ = texts.classical_mds(squareform(pdist(xy)), 2)
    np.testing.assert_allclose(pdist(coords), pdist(xy), atol=1e-9)
    assert values[0] >= values[1] > 0


def test_landmark_map_with_every_string_a_landmark_is_the_exact_map(monkeypatch):
    """Landmark MDS places each landmark at its classical MDS coordinates, so with every
    string a landmark it gives the exact map."""
    items = list(datasets.load("words").texts)
    exact = texts.text_map(items)
    monkeypatch.setattr(texts, "EXACT_ITEMS", 50)
    monkeypatch.setattr(texts, "LANDMARKS", len(items))
    np.testing.assert_allclose(texts.text_map(items), exact, atol=1e-9)


def test_the_word_list_is_a_data_set_of_strings():
    words = datasets.load("words")
    assert words.texts == tuple(sorted(words.texts)) and len(set(words.texts)) == 150
    assert words.X.shape == (150, 2) and words.n_classes == 15
    family = dict(zip(words.texts, words.y, strict=True))
    assert family["cat"] == family["bat"] != family["light"] == family["night"]
    # The map keeps the edit distances: words a letter apart lie closer than unrelated ones.
    d = squareform(pdist(words.X))
    i = {w: k for k, w in enumerate(words.texts)}
    assert d[i["cat"], i["bat"]] < d[i["cat"], i["temple"]]
    sub = words.rows(np.array([3, 1]), "two", "selection", "")
    assert sub.texts == (words.texts[3], words.texts[1])


def test_a_text_file_of_one_item_a_line(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("kitten\n\n  sitting \nmitten\n", encoding="utf-8")
    ds = datasets.load(str(path))
    assert ds.texts == ("kitten", "sitting", "mitten") and ds.X.shape == (3, 2)
    assert ds.name == "names" and "3 items" in ds.description
    np.testing.assert_allclose(squareform(pdist(ds.X)),
                               distances.edit_matrix(ds.texts), atol=0.5)
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("1 2\n3 4\n5 6\n", encoding="utf-8")
    assert datasets.load(str(numbers)).texts is None  # a table stays a table
    labelled = tmp_path / "labelled.txt"
    labelled.write_text("1.0 2.0 cat\n2.0 3.1 dog\n1.5 2.2 cat\n", encoding="utf-8")
    table = datasets.load(str(labelled))  # most lines hold a word, yet it is a table
    assert table.texts is None and table.X.shape == (3, 2)
    assert list(table.target_names) == ["cat", "dog"]
    numbered = tmp_path / "numbered.txt"
    numbered.write_text("1 apple\n2 banana\n3 cherry\n", encoding="utf-8")
    assert datasets.load(str(numbered)).texts == ("1 apple", "2 banana", "3 cherry")
    towns = tmp_path / "towns.txt"
    towns.write_text("New York\nLos Angeles\nSan Diego\n", encoding="utf-8")
    assert datasets.load(str(towns)).texts == ("New York", "Los Angeles", "San Diego")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"\n \n\n", "the file is empty"),
    (b"\x00\x01\x02word\n", "not a text file"),
    (b"short\n" + b"x" * 300 + b"\n", "line 2 has 300 characters"),
])
def test_bad_text_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        datasets.load_file(path)


def test_too_many_lines_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(texts, "MAX_ITEMS", 5)
    path = tmp_path / "long.txt"
    path.write_text("\n".join(f"w{i}a" for i in range(6)), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"6 items.*at most 5"):
        datasets.load_file(path)


def _round_trip(dataset, tmp_path):
    spec = session.data_spec(dataset)
    saved = session.Session(spec, "distances", {"metric": "edit (Levenshtein)"})
    back = session.from_json(session.to_json(saved))
    back.data.check(tmp_path)
    return spec, back.data.load(tmp_path)


def test_sessions_bring_back_words_and_text_files(tmp_path):
    spec, words = _round_trip(datasets.load("words"), tmp_path)
    assert spec.kind == "builtin" and words.texts == datasets.load("words").texts
    path = tmp_path / "list.txt"
    path.write_text("alpha\nbeta\ngamma\n", encoding="utf-8")
    spec, loaded = _round_trip(datasets.load_file(str(path)), tmp_path)
    assert spec.kind == "file" and loaded.texts == ("alpha", "beta", "gamma")
    sub = datasets.load("words").rows(np.arange(4), "four words", "selection", "")
    spec, back = _round_trip(sub, tmp_path)
    assert spec.kind == "inline" and back.texts == sub.texts
    np.testing.assert_array_equal(back.X, sub.X)


def test_long_strings_get_fewer_landmarks_and_a_file_too_slow_to_place_is_refused():
    rng = np.random.default_rng(0)
    short = ["".join(rng.choice(list("abcdef"), 6)) for _ in range(5000)]
    long = ["".join(rng.choice(list("abcdef"), 150)) for _ in range(5000)]
    assert texts.n_landmarks(short) == texts.LANDMARKS
    assert texts.MIN_LANDMARKS <= texts.n_landmarks(long[:1500]) < texts.LANDMARKS
    with pytest.raises(DataFileError, match=r"5,000 items of up to 150 characters .* at most"):
        texts.parse_items("\n".join(long))


def test_only_the_distance_explorer_reads_the_strings_themselves():
    words = datasets.load("words")
    assert "works on a 2-D map of the strings" in registry.get("tsne").input_note(words)
    assert registry.get("distances").input_note(words) == ""
    cities = datasets.load("cities")
    assert registry.get("mds").input_note(cities) == ""
    assert "classical MDS map" in registry.get("kmeans").input_note(cities)
    assert registry.get("kmeans").input_note(datasets.load("iris")) == ""
