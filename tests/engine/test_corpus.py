"""Corpora as data: the built-in short texts, the generated corpus, a folder of .txt files and
a CSV column of texts become document-term counts with their vocabulary and documents."""

import numpy as np
import pytest

from engine import datasets
from engine.datasets.corpus import document_term, planted_topics, stop_words


def test_short_texts_are_counts_of_words_without_stop_words():
    ds = datasets.load("short_texts")
    assert ds.n == 80 and ds.documents is not None and len(ds.documents) == 80
    assert ds.target_names == ("cooking", "astronomy", "football", "music")
    assert np.bincount(ds.y).tolist() == [20, 20, 20, 20]
    assert not set(ds.feature_names) & stop_words()
    assert all(w.isalpha() and w.islower() for w in ds.feature_names)
    assert (ds.X >= 2).sum(0).min() >= 0 and ((ds.X > 0).sum(0) >= 2).all()  # min_df 2
    col = ds.feature_names.index("goal")
    assert ds.X[40, col] == ds.documents[40].lower().split().count("goal")
    assert "documents" in ds.summary()


def test_generated_corpus_counts_match_its_documents():
    X, _, corpus = planted_topics(n_samples=30, n_topics=3, doc_length=25, seed=2)
    again, words = document_term(corpus.documents, min_df=1)
    assert words == corpus.vocabulary  # no made-up word is a stop word
    np.testing.assert_array_equal(again, X)
    assert X.sum(1).tolist() == [25] * 30
    np.testing.assert_allclose(corpus.topic_word.sum(1), 1.0)
    ds = datasets.load("topics", n_samples=30, n_topics=3, doc_length=25, seed=2)
    np.testing.assert_array_equal(ds.X, X)
    assert ds.documents == corpus.documents and ds.feature_names == corpus.vocabulary
    sub = ds.rows(np.array([3, 1]), "two", "test", "")
    assert sub.documents == (corpus.documents[3], corpus.documents[1])


def test_folder_of_text_files(tmp_path):
    for sub, texts in (("space", ["The stars and the planets shine.", "A comet and stars."]),
                       ("food", ["Bake the bread and the cake.", "Bread with butter."])):
        (tmp_path / sub).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / sub / f"{i}.txt").write_text(text, encoding="utf-8")
    ds = datasets.load(str(tmp_path))
    assert ds.n == 4 and ds.target_names == ("food", "space")
    assert ds.y.tolist() == [0, 0, 1, 1]
    assert set(ds.feature_names) == {"bread", "stars"}  # in two documents or more
    assert ds.documents[0] == "Bake the bread and the cake."


def test_documents_left_without_a_word_are_named_in_the_note(tmp_path):
    texts = ["The stars and the planets shine.", "Stars and planets.", "A lonely kettle."]
    for i, text in enumerate(texts):
        (tmp_path / f"{i}.txt").write_text(text, encoding="utf-8")
    ds = datasets.load(str(tmp_path))
    assert ds.X[2].sum() == 0
    assert "1 of the 3 documents (3) share no word with another document" in ds.note


def test_empty_folder_is_named(tmp_path):
    with pytest.raises(datasets.DataFileError, match=r"no \.txt files"):
        datasets.load_file(tmp_path)


def test_csv_with_a_column_of_texts(tmp_path):
    path = tmp_path / "reviews.csv"
    rows = ["id,review,stars"]
    for i in range(12):
        good = i % 2 == 0
        text = ("a wonderful film, great acting and a great story" if good
                else "a dull film, poor acting and a boring story")
        rows.append(f'{i},"{text} number {i}",{5 if good else 1}')
    path.write_text("\n".join(rows), encoding="utf-8")
    ds = datasets.load_file(path)
    assert ds.n == 12 and ds.documents[0].startswith("a wonderful film")
    assert ds.target_names == ("1", "5") and ds.y.tolist() == [1, 0] * 6
    assert "great" in ds.feature_names and "film" in ds.feature_names
    none = datasets.load_file(path, label_column=None)
    assert none.y is None


def test_numeric_csv_with_a_bad_cell_is_still_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,oops\n", encoding="utf-8")
    with pytest.raises(datasets.DataFileError, match="line 3"):
        datasets.load_file(path)


def test_a_table_with_a_label_of_several_words_stays_a_table(tmp_path):
    """Labels of three words repeat, as labels do: the numbers are kept, not dropped for a
    corpus of five words."""
    rows = ["height,weight,region"] + [
        f"{150 + i},{50 + i},{'North East Region' if i % 2 else 'South West Region'}"
        for i in range(10)]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows))
    ds = datasets.load_file(path)
    assert ds.documents is None and ds.X.shape == (10, 2)
    assert ds.target_names == ("North East Region", "South West Region")
