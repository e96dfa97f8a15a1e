"""The classic small data sets that ship with scikit-learn, as Datasets."""

from __future__ import annotations

from engine.data import Dataset

_TABLE = {
    # name: (title, sklearn loader, description)
    "iris": ("Iris", "load_iris",
             "Fisher's irises: 150 flowers, 4 measurements of petals and sepals, 3 species."),
    "wine": ("Wine", "load_wine",
             "178 Italian wines, 13 chemical measurements, 3 cultivars."),
    "digits": ("Digits", "load_digits",
               "1797 handwritten digits, each an 8 × 8 image of grey levels 0–16."),
    "breast_cancer": ("Breast cancer", "load_breast_cancer",
                      "569 breast tumour biopsies, 30 features of cell nuclei, "
                      "malignant or benign."),
}

# scikit-learn names the wine classes class_0, class_1, class_2; they are the three cultivars.
_CLASS_NAMES = {"wine": ("cultivar 1", "cultivar 2", "cultivar 3")}

# The word list (engine/datasets/words.py) is a data set of strings, not a table; the cities
# (engine/datasets/distance_table.py) a table of distances; the text (engine/datasets/prose.py)
# a running text, for the char-RNN.
BUILTIN: tuple[str, ...] = (*_TABLE, "words", "cities", "text", "short_texts")


def load_builtin(name: str) -> Dataset:
    """Load one of BUILTIN; scikit-learn is imported here, on first use only."""
    if name == "words":
        from engine.datasets.texts import load_words

        return load_words()
    if name == "cities":
        from engine.datasets.distance_table import load_cities

        return load_cities()
    if name == "text":
        from engine.datasets.prose import load_text

        return load_text()
    if name == "short_texts":  # a corpus of short documents (engine/datasets/corpus.py)
        from engine.datasets.corpus import load_short_texts

        return load_short_texts()
    from sklearn import datasets

    title, loader, description = _TABLE[name]
    bunch = getattr(datasets, loader)()
    return Dataset(
        name=title,
        X=bunch.data,
        y=bunch.target,
        feature_names=tuple(str(f) for f in bunch.feature_names),
        target_names=_CLASS_NAMES.get(name, tuple(str(t) for t in bunch.target_names)),
        image_shape=(8, 8) if name == "digits" else None,
        source="built-in",
        description=description,
        options={},
    )
