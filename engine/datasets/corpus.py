"""Text corpora as data: each row one document, each column one word, each cell a count.

Tokenising keeps runs of letters of two or more, in lower case, drops scikit-learn's English
stop words and the words found in fewer than `min_df` documents, and keeps the `MAX_WORDS`
most frequent of the rest (scikit-learn's CountVectorizer does it, imported when a corpus is
first made, never at start-up). The document-term counts become X, the vocabulary the
feature names; the documents themselves ride along in `Dataset.documents`.

Three ways to get a corpus: the short texts shipped with the program (four subjects, the
subject as the label), a generator of documents drawn from planted topics (the ground truth
a topic model is tested against), and files: a folder of .txt files (one document each; the
subfolders, when every file lies in one, are the classes) or a CSV with a column of texts.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.data import Dataset
from engine.datasets.errors import DataFileError
from engine.datasets.text_table import is_number

MAX_DOCUMENTS = 5_000  # X is dense: documents × words floats
MAX_WORDS = 2_000  # the most frequent words kept
MIN_DF = 2  # a word in fewer documents than this says nothing about what they share
TOKEN = r"(?u)\b[^\W\d_]{2,}\b"  # words of letters, two or more
SHORT_TEXTS = ("texts", "short_texts.tsv")
SHORT_DESCRIPTION = ("{n} short texts written for this program on four subjects (cooking, "
                     "astronomy, football, music), the subject as the class; the rows are the "
                     "texts' word counts over the {d} words found in two texts or more "
                     "(English stop words left out).")
TEXT_WORDS = 3.0  # a CSV column whose cells hold this many words on average holds texts
DISTINCT_TEXTS = 0.8  # of its cells that differ from each other, at least, in a column of texts
SAMPLE_BYTES = 1 << 16  # of a CSV, read to decide whether it has a column of texts
LABEL_NAMES = ("label", "labels", "class", "category", "topic", "subject", "target", "y")


def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (a list of 318), loaded on first use."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def document_term(documents, min_df: int = MIN_DF, max_words: int = MAX_WORDS
                  ) -> tuple[np.ndarray, tuple[str, ...]]:
    """(counts (n documents, V words), the V words alphabetically)."""
    from sklearn.feature_extraction.text import CountVectorizer

    documents = list(documents)
    min_df = min(min_df, len(documents))
    vectoriser = CountVectorizer(lowercase=True, token_pattern=TOKEN, stop_words="english",
                                 min_df=min_df, max_features=max_words)
    try:
        counts = vectoriser.fit_transform(documents)
    except ValueError:  # "empty vocabulary" or "after pruning, no terms remain"
        raise DataFileError(f"the texts hold no word (other than stop words) found in "
                            f"{min_df} documents or more") from None
    return counts.toarray().astype(np.float64), tuple(vectoriser.get_feature_names_out())


def corpus_dataset(documents, name: str, source: str, description: str, y=None,
                   target_names=None, options: dict | None = None, min_df: int = MIN_DF,
                   note: str = "") -> Dataset:
    """A data set of documents: X their word counts, `documents` the texts."""
    documents = tuple(str(d) for d in documents)
    if not documents:
        raise DataFileError("there are no documents")
    if len(documents) > MAX_DOCUMENTS:
        raise DataFileError(f"{len(documents):,} documents; a corpus may have at most "
                            f"{MAX_DOCUMENTS:,} (its word counts are held in memory)")
    X, words = document_term(documents, min_df)
    empty = np.flatnonzero(X.sum(axis=1) == 0)
    if empty.size:  # said, or they sit as one point at the origin and LDA spreads them evenly
        which = ", ".join(str(i + 1) for i in empty[:5]) + (" …" if empty.size > 5 else "")
        note = (f"{note} " if note else "") + (
            f"{empty.size} of the {len(documents)} documents ({which}) share no word with "
            f"another document: only words in {min(min_df, len(documents))} documents or "
            "more are counted, so their rows are all zero.")
    return Dataset(name=name, X=X, y=y, feature_names=words, target_names=target_names,
                   source=source,  # not str.format: a folder's name may hold braces
                   description=description.replace("{n}", f"{len(documents):,}")
                   .replace("{d}", f"{len(words):,}"),
                   options=dict(options or {}), documents=documents, note=note)


def top_words(X: np.ndarray, words, m: int) -> np.ndarray:
    """The columns of the m most frequent words, most frequent first (ties: alphabetical)."""
    totals = np.asarray(X).sum(axis=0)
    return np.argsort(-totals, kind="stable")[:min(m, len(words))]


# ---------------------------------------------------------------- the shipped texts


def load_short_texts() -> Dataset:
    """The built-in corpus (resources/texts/short_texts.tsv): subject, tab, text a line."""
    from engine.datasets.prose import resource_root

    lines = resource_root().joinpath(*SHORT_TEXTS).read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t", 1) for line in lines if line.strip() and not line.startswith("#")]
    subjects, texts = zip(*pairs, strict=True)
    order = list(dict.fromkeys(subjects))  # classes in the file's order, not alphabetical
    y = np.array([order.index(s) for s in subjects])
    return corpus_dataset(texts, "Short texts", "built-in", SHORT_DESCRIPTION, y=y,
                          target_names=tuple(order))


# ---------------------------------------------------------------- planted topics


# Pseudo-words: consonant–vowel syllables without "e", so none is an English stop word.
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aiou"


@dataclass(frozen=True, eq=False)
class Corpus:
    """A generated corpus: its documents, the vocabulary (alphabetical) and the truth planted
    in it: each topic's word distribution (k, V) and each document's topic mixture (n, k)."""

    documents: tuple[str, ...]
    vocabulary: tuple[str, ...]
    topic_word: np.ndarray
    doc_topic: np.ndarray

    def dataset(self, X: np.ndarray, y: np.ndarray, name: str, description: str,
                options: dict) -> Dataset:
        k = self.topic_word.shape[0]
        return Dataset(name=name, X=X, y=y, feature_names=self.vocabulary,
                       target_names=tuple(f"mostly topic {t + 1}" for t in range(k)),
                       source="generated", description=description, options=options,
                       documents=self.documents)


def pseudo_words(m: int) -> list[str]:
    """m different pronounceable words of three syllables, the same every time."""
    rng = np.random.default_rng(20200)
    found: dict[str, None] = {}
    while len(found) < m:
        c = rng.choice(list(_CONSONANTS), size=3)
        v = rng.choice(list(_VOWELS), size=3)
        found["".join(a + b for a, b in zip(c, v, strict=True))] = None
    return list(found)


def planted_topics(n_samples: int = 200, n_topics: int = 4, words_per_topic: int = 12,
                   doc_length: int = 40, alpha: float = 0.3, seed: int = 0):
    """(X counts, y the main topic of each document, Corpus) of documents drawn as LDA
    supposes: each topic puts 90 % of its weight on its own `words_per_topic` words (unevenly,
    Dirichlet(1)) and 10 % on all words alike; each document draws a topic mixture from a
    symmetric Dirichlet(alpha) and each of its `doc_length` words from its mixture."""
    rng = np.random.default_rng(seed)
    V = n_topics * words_per_topic
    words = pseudo_words(V)
    order = np.argsort(words)  # columns alphabetical, as the vectoriser orders them
    vocabulary = tuple(words[i] for i in order)
    beta = np.full((n_topics, V), 0.1 / V)
    for t in range(n_topics):
        own = slice(t * words_per_topic, (t + 1) * words_per_topic)
        beta[t, own] += 0.9 * rng.dirichlet(np.ones(words_per_topic))
    beta = beta[:, order]
    theta = rng.dirichlet(np.full(n_topics, alpha), size=n_samples)
    X = np.zeros((n_samples, V))
    documents = []
    for d in range(n_samples):
        topics = rng.choice(n_topics, size=doc_length, p=theta[d])
        drawn = [rng.choice(V, p=beta[t]) for t in topics]
        np.add.at(X[d], drawn, 1.0)
        documents.append(" ".join(vocabulary[w] for w in drawn))
    y = theta.argmax(axis=1)
    return X, y, Corpus(tuple(documents), vocabulary, beta, theta)


# ---------------------------------------------------------------- files


def _decode(data: bytes, where: str) -> str:
    from engine.datasets.text_table import decode

    try:
        return decode(data)
    except DataFileError as e:
        raise DataFileError(f"{where}: {e}") from None


def folder_files(root: Path) -> tuple[list[Path], list[Path]]:
    """A corpus folder's .txt files: those in it, then those one subfolder down, each in
    name order (what the corpus reads, and what a session's checksum covers)."""
    top = sorted(p for p in root.glob("*.txt") if p.is_file())
    nested = sorted(p for p in root.glob("*/*.txt") if p.is_file())
    return top, nested


def load_folder(path: str, max_bytes: int) -> Dataset:
    """A folder of .txt files, one document each, in name order. When every file lies in a
    subfolder (one level down), the subfolders are the classes (as scikit-learn's
    load_files reads a folder)."""
    root = Path(path)
    top, nested = folder_files(root)
    files = top + nested
    if not files:
        raise DataFileError(f"the folder {root.name} holds no .txt files (nor do its "
                            "subfolders)")
    if len(files) > MAX_DOCUMENTS:
        raise DataFileError(f"the folder holds {len(files):,} .txt files; a corpus may have "
                            f"at most {MAX_DOCUMENTS:,}")
    total = sum(p.stat().st_size for p in files)
    if total > max_bytes:
        raise DataFileError(f"the folder's .txt files hold {total / 2**20:.1f} MB; the limit "
                            f"is {max_bytes / 2**20:.0f} MB")
    texts = [_decode(p.read_bytes(), p.name) for p in files]
    y = target_names = None
    if nested and not top:
        classes = sorted({p.parent.name for p in nested})
        y = np.array([classes.index(p.parent.name) for p in nested])
        target_names = tuple(classes)
    about = (f"{root.name}: a folder of {{n}} .txt files, one document each"
             + (f", {len(target_names)} subfolders as classes" if y is not None else "")
             + "; the rows are word counts over the {d} words found in two files or more")
    return corpus_dataset(texts, root.name or str(root), os.fspath(root), about, y=y,
                          target_names=target_names, options={"label_column": "auto"})


def _rows(text: str, delimiter: str) -> list[list[str]]:
    """The CSV's rows (quoted cells may hold delimiters and line ends), blank rows dropped."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as e:
        raise DataFileError(f"the file is not well-formed CSV: {e}") from None
    return [r for r in rows if any(c.strip() for c in r)]


def _delimiter(path: str, first_line: str) -> str:
    if Path(path).suffix.lower() == ".tsv" or "\t" in first_line:
        return "\t"
    return ";" if first_line.count(";") > first_line.count(",") else ","


def text_column(rows: list[list[str]]) -> int | None:
    """The column whose cells hold the most words, if they average TEXT_WORDS or more, most
    are not numbers and most differ from each other (labels of a few words, such as "North
    East Region", repeat; texts do not); None when no column holds texts."""
    width = len(rows[0])
    best, most = None, TEXT_WORDS
    for j in range(width):
        cells = [r[j] for r in rows if j < len(r)]
        if not cells or 2 * sum(is_number(c) for c in cells) > len(cells):
            continue
        if len({c.strip() for c in cells}) < DISTINCT_TEXTS * len(cells):
            continue
        mean = float(np.mean([len(c.split()) for c in cells]))
        if mean >= most:
            best, most = j, mean
    return best


def _header(rows: list[list[str]], column: int) -> bool:
    """Whether the first row names the columns: no number in it, and its cell in the text
    column is short (a name, not a text)."""
    first = rows[0]
    return (not any(is_number(c) for c in first if c.strip()) and column < len(first)
            and len(first[column].split()) < TEXT_WORDS and len(rows) > 1)


def _label_column(label_column, names: list[str], rows: list[list[str]], text: int
                  ) -> int | None:
    """The labels' column: by index or name, or ("auto") a column named like labels, else
    the first other column whose values repeat, as classes do."""
    width = len(names)
    if label_column is None:
        return None
    if isinstance(label_column, int) and not isinstance(label_column, bool):
        if not -width <= label_column < width:
            raise DataFileError(f"there is no column {label_column}: the file has {width}")
        j = label_column % width
    elif label_column == "auto":
        lower = [n.lower() for n in names]
        named = [j for j, n in enumerate(lower) if n in LABEL_NAMES and j != text]
        if named:
            return named[0]
        for j in range(width):
            values = [r[j].strip() for r in rows]
            if j != text and len(set(values)) > 1 and 2 * len(set(values)) <= len(values):
                return j
        return None
    else:
        wanted = str(label_column).strip().lower()
        found = [j for j, n in enumerate(names) if n.lower() == wanted]
        if not found:
            raise DataFileError(f"no column named {label_column!r}; the columns are "
                                + ", ".join(names))
        j = found[0]
    if j == text:
        raise DataFileError(f"column {names[j]!r} holds the texts, not labels")
    return j


def csv_corpus(path: str, data: bytes, label_column="auto") -> Dataset | None:
    """A .csv or .tsv file with a column of texts as a corpus (the other columns offer
    the labels); None for any other file, which is read as a table."""
    if Path(path).suffix.lower() not in (".csv", ".tsv"):
        return None
    sample = data[:SAMPLE_BYTES].decode("utf-8", errors="ignore")
    first = sample.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = _delimiter(path, first)
    try:  # a file that is not CSV text is for the table reader to name
        head = _rows(sample, delimiter)
    except DataFileError:
        return None
    head = head[:-1] if len(data) > SAMPLE_BYTES else head  # the last row may be cut
    if len(head) < 2:
        return None
    column = text_column(head[1:])
    if column is None:
        return None
    rows = _rows(_decode(data, Path(path).name), delimiter)
    header = _header(rows, column)
    width = len(rows[0])
    names = ([c.strip() or f"column {j + 1}" for j, c in enumerate(rows[0])] if header
             else [f"column {j + 1}" for j in range(width)])
    body = rows[1:] if header else rows
    for k, r in enumerate(body):
        if len(r) != width:
            raise DataFileError(f"row {k + 1 + header} has {len(r)} cells, the first {width}")
    label = _label_column(label_column, names, body, column)
    y = target_names = None
    if label is not None:
        from engine.datasets.labels import encode_labels

        y, target_names = encode_labels([r[label].strip() for r in body])
    name = Path(path).name
    about = (f"{name}: {{n}} texts from column {names[column]!r}"
             + (f", classes from {names[label]!r}" if label is not None else "")
             + "; the rows are word counts over the {d} words found in two texts or more")
    return corpus_dataset([r[column] for r in body], Path(path).stem or name, path, about,
                          y=y, target_names=target_names,
                          options={"label_column": label_column})
