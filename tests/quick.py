"""Small, fast settings per method for tests that run every registered algorithm."""

from engine import datasets

QUICK_PARAMS = {"vae": {"epochs": 2, "hidden": 16}, "gmm": {"k_max": 3}}
QUICK_DATA = {"vae": ("digits", {}), "pca": ("iris", {}),
              "spectral": ("moons", {"n_samples": 80})}


def quick_case(algorithm_id: str):
    """(dataset, params) that run this algorithm in well under a second or two."""
    name, options = QUICK_DATA.get(algorithm_id, ("blobs", {"n_samples": 60}))
    return datasets.load(name, **options), dict(QUICK_PARAMS.get(algorithm_id, {}))
