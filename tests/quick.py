"""Small, fast settings per method for tests that run every registered algorithm."""

from engine import datasets

QUICK_PARAMS = {"vae": {"epochs": 2, "hidden": 16}, "gmm": {"k_max": 3},
                "exhaustive": {"n_seeds": 3}, "mix-logreg": {"restarts": 2},
                "divisive": {"n_clusters": 4}}
QUICK_DATA = {"distances": ("words", {}), "vae": ("digits", {}), "pca": ("iris", {}),
              "spectral": ("moons", {"n_samples": 80}), "exhaustive": ("blobs", {"n_samples": 10}),
              "mix-linreg": ("lines", {"n_samples": 60}),
              "mix-logreg": ("boundaries", {"n_samples": 60}),
              "dbscan": ("moons", {"n_samples": 80}), "hdbscan": ("moons", {"n_samples": 80})}


def quick_case(algorithm_id: str):
    """(dataset, params) that run this algorithm in well under a second or two."""
    name, options = QUICK_DATA.get(algorithm_id, ("blobs", {"n_samples": 60}))
    return datasets.load(name, **options), dict(QUICK_PARAMS.get(algorithm_id, {}))
