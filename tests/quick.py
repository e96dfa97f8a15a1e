"""Small, fast settings per method for tests that run every registered algorithm."""

import functools

from engine import datasets, registry
from engine.examples import example_data

QUICK_PARAMS = {"vae": {"epochs": 2, "hidden": 16},
                "pseudo-label": {"rounds": 5}, "entmin": {"steps": 40},
                "label-propagation": {"max_iter": 20, "every": 5},
                "mean-teacher": {"steps": 40},
                "simclr": {"epochs": 2, "hidden": 32, "dims": 8},
                "pretext": {"epochs": 1, "simclr_epochs": 1, "hidden": 16, "dims": 8},
                "realnvp": {"steps": 20, "layers": 2, "hidden": 8, "batch_size": 64},
                "made": {"epochs": 2, "hidden": 16, "batch_size": 256},
                "pixelcnn": {"epochs": 1, "channels": 4, "layers": 1, "batch_size": 256},
                "char-rnn": {"epochs": 2, "hidden": 16, "seq_len": 32, "batch_size": 64},
                "arithmetic": {"epochs": 1, "hidden": 8, "held_out": 0.05, "shown": 8},
                "autoencoder": {"epochs": 3, "hidden": 16},
                "denoising-ae": {"epochs": 1, "hidden": 16, "batch_size": 256},
                "gan-2d": {"steps": 20, "every": 10, "hidden": 16}, "gmm": {"k_max": 3},
                "gan": {"epochs": 2, "hidden": 16, "batch_size": 256},
                "cgan": {"epochs": 2, "hidden": 16, "batch_size": 256},
                "pix2pix": {"steps": 20, "every": 10, "hidden": 16},
                "cyclegan": {"steps": 20, "every": 10, "hidden": 16},
                "diffusion-2d": {"T": 10, "hidden": 16, "train_steps": 20, "batch_size": 32,
                                 "samples": 20},
                "exhaustive": {"n_seeds": 3}, "mix-logreg": {"restarts": 2},
                "divisive": {"n_clusters": 4}, "mds": {"max_iter": 30},
                "nmf": {"n_components": 4, "n_iter": 10},
                "dictionary": {"n_components": 8, "epochs": 1, "batch_size": 256,
                               "max_nonzeros": 3},
                "lda": {"grid": 40}, "qda": {"grid": 40}, "ica": {"epochs": 5},
                "tsne": {"exaggeration_iter": 30, "n_iter": 40},
                "umap": {"n_epochs": 30},
                "pacmap": {"phase1": 10, "phase2": 10, "phase3": 10},
                "seqnmf": {"n_factors": 2, "lags": 8, "n_iter": 10},
                "lds": {"max_iter": 5, "n_latents": 2},
                "gpfa": {"max_iter": 5, "n_latents": 2},
                "topic-lda": {"n_topics": 3, "n_iter": 3},
                "nnk-means": {"n_atoms": 6, "n_neighbors": 3, "n_iter": 3},
                "compare": {"pca": True, "mds": True, "isomap": False, "tsne": False}}
# Sizes of each method's example data set (engine.examples) that keep a run short.
QUICK_OPTIONS = {
    "autoencoder": {"n_samples": 80},
    "pseudo-label": {"n_samples": 80},
    "entmin": {"n_samples": 80},
    "label-propagation": {"n_samples": 80},
    "mean-teacher": {"n_samples": 80},
    "realnvp": {"n_samples": 80},
    "diffusion-2d": {"n_samples": 80},
    "gan-2d": {"n_samples": 80},
    "ica": {"n_samples": 300},
    "fa": {"n_samples": 150},
    "spectral": {"n_samples": 80},
    "exhaustive": {"n_samples": 10},
    "mix-linreg": {"n_samples": 60},
    "mix-logreg": {"n_samples": 60},
    "dbscan": {"n_samples": 80},
    "hdbscan": {"n_samples": 80},
    "isomap": {"n_samples": 120},
    "lle": {"n_samples": 120},
    "dpca": {"n_channels": 10, "n_trials": 3, "n_steps": 20},
    "seqnmf": {"n_neurons": 20, "n_steps": 200, "motif_length": 8},
    "lds": {"n_channels": 8, "n_conditions": 2, "n_trials": 2, "n_steps": 15},
    "gpfa": {"n_channels": 8, "n_conditions": 2, "n_trials": 2, "n_steps": 15},
    "topic-lda": {"n_samples": 40, "n_topics": 3, "doc_length": 20},
    "nnk-means": {"n_samples": 60},
}


def quick_case(algorithm_id: str):
    """(dataset, params) that run this algorithm in well under a second or two."""
    name = example_data(algorithm_id)
    default = {"n_samples": 60} if name == "blobs" else {}
    options = QUICK_OPTIONS.get(algorithm_id, default)
    return datasets.load(name, **options), dict(QUICK_PARAMS.get(algorithm_id, {}))


@functools.cache
def quick_run(algorithm_id: str):
    """(dataset, resolved params, every snapshot) of the quick case with seed 0: run once per
    test session and shared by the tests that only read it (snapshots are frozen)."""
    algorithm = registry.get(algorithm_id)
    dataset, values = quick_case(algorithm_id)
    params = algorithm.resolve(dataset, values)
    return dataset, params, tuple(algorithm.start(dataset, params))
