"""load(): every name gives a sensible Dataset; options are checked; same seed, same data."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset
from engine.params import Param, ParamError

EXPECTED_SHAPES = {
    "iris": (150, 4), "wine": (178, 13), "digits": (1797, 64), "breast_cancer": (569, 30),
    "words": (150, 2), "cities": (18, 2), "text": (250, 2), "short_texts": (80, 384),
    "blobs": (300, 2), "aniso": (300, 2), "varied": (300, 2), "moons": (300, 2),
    "circles": (300, 2), "swiss_roll": (1000, 3), "s_curve": (1000, 3),
    "lines": (300, 2), "boundaries": (300, 2),
    "unequal_noise": (500, 6), "cocktail_party": (2000, 3), "ica_mixture": (1000, 2),
    "ring": (800, 2), "topics": (200, 48), "population": (1000, 30), "sequences": (1500, 60),
}


def test_names_cover_builtin_and_generators():
    assert datasets.names() == tuple(EXPECTED_SHAPES)
    assert datasets.BUILTIN == ("iris", "wine", "digits", "breast_cancer", "words", "cities",
                                "text", "short_texts")
    assert list(datasets.GENERATORS) == list(EXPECTED_SHAPES)[8:]


@pytest.mark.parametrize("name", list(EXPECTED_SHAPES))
def test_load_every_name(name):
    ds = datasets.load(name)
    assert isinstance(ds, Dataset)
    assert ds.X.shape == EXPECTED_SHAPES[name]
    assert ds.has_labels and ds.y.min() == 0
    assert len(ds.feature_names) == ds.d
    assert ds.name and ds.name != name  # a title, not the key
    assert ds.description
    assert ds.source == ("built-in" if name in datasets.BUILTIN else "generated")
    assert np.isfinite(ds.X).all()


def test_builtin_details():
    digits = datasets.load("digits")
    assert digits.image_shape == (8, 8)
    assert digits.target_names == tuple(str(i) for i in range(10))
    assert digits.feature_names[0] == "pixel_0_0"
    iris = datasets.load("iris")
    assert iris.target_names == ("setosa", "versicolor", "virginica")
    assert iris.feature_names[0] == "sepal length (cm)"
    assert datasets.load("breast_cancer").target_names == ("malignant", "benign")
    assert datasets.load("wine").target_names == ("cultivar 1", "cultivar 2", "cultivar 3")


def test_generator_specs_are_params():
    for name, gen in datasets.GENERATORS.items():
        assert gen.name == name and gen.title
        assert all(isinstance(p, Param) for p in gen.params)
        assert [p.name for p in gen.params][-1] == "seed"
        sizes = {"n_samples", "n_steps"} & {p.name for p in gen.params}  # points, time bins
        assert sizes, f"{name} has no size to set"
    assert {"n_centers"} <= {p.name for p in datasets.GENERATORS["blobs"].params}
    assert {"factor", "noise"} <= {p.name for p in datasets.GENERATORS["circles"].params}


def test_options_are_applied_and_recorded():
    ds = datasets.load("blobs", n_samples=120, n_centers=5, n_features=4, seed=3)
    assert ds.X.shape == (120, 4)
    assert ds.n_classes == 5
    assert ds.options == {"n_samples": 120, "n_centers": 5, "n_features": 4,
                          "cluster_std": 1.0, "seed": 3}
    roll = datasets.load("swiss_roll", n_samples=500, bands=3)
    assert roll.X.shape == (500, 3) and set(np.unique(roll.y)) == {0, 1, 2}


@pytest.mark.parametrize(("name", "options", "words"), [
    ("blobs", {"n_samples": -5}, "n_samples: must be between"),
    ("blobs", {"n_centres": 3}, "n_centres: is not a parameter"),
    ("moons", {"noise": "lots"}, "noise: must be a number"),
    ("circles", {"factor": 1.5}, "factor: must be between"),
    ("iris", {"seed": 1}, "seed: is not an option"),
])
def test_bad_options_are_clear_errors(name, options, words):
    with pytest.raises(ParamError) as info:
        datasets.load(name, **options)
    assert words in str(info.value)


@pytest.mark.parametrize("name", list(datasets.GENERATORS))
def test_same_seed_same_data(name):
    a, b = datasets.load(name, seed=11), datasets.load(name, seed=11)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, datasets.load(name, seed=12).X)


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"no data set 'blobbs'.*iris.*moons"):
        datasets.load("blobbs")


def test_file_path_goes_to_the_file_loader(tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    ds = datasets.load(str(path))
    assert ds.source == str(path) and ds.X.shape == (2, 2)
    assert datasets.load(str(path), label_column="b").y.tolist() == [0, 1]
    with pytest.raises(ParamError, match="seed: is not an option for a file"):
        datasets.load(str(path), seed=1)
    with pytest.raises(datasets.DataFileError, match="there is no file"):
        datasets.load(str(tmp_path / "missing.csv"))


def test_import_and_blobs_need_no_sklearn_or_torch():
    code = ("import sys, engine.datasets as d; d.load('blobs'); d.load('swiss_roll');"
            "print(sorted(m for m in ('sklearn', 'torch', 'scipy') if m in sys.modules))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root)
    assert out.stdout.strip() == "[]"


def test_point_names_follow_the_rows_and_must_match_them():
    cities = datasets.load("cities")
    assert cities.names() == cities.point_names and "Lisbon" in cities.point_names
    part = cities.rows(np.array([2, 0]), "two", "selection", "")
    assert part.point_names == (cities.point_names[2], cities.point_names[0])
    with pytest.raises(ValueError, match="2 point names for 3 rows"):
        Dataset("x", np.zeros((3, 2)), point_names=("a", "b"))


def test_a_data_set_without_spread_is_named_and_one_row_apart_is_not():
    same = Dataset("same", np.ones((5, 3)))
    with pytest.raises(ValueError, match="all 5 points are the same: t-SNE"):
        same.require_spread("t-SNE")
    X = np.ones((5, 3))
    X[2, 1] = 2.0  # the first and the last row still equal
    Dataset("one apart", X).require_spread("t-SNE")
