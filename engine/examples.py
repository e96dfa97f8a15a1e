"""The data set each method is checked on, by its id: the self-test (`--selftest`, also in the
bundle) runs every method on its example, and the test suite on a small version of the same
one. A method not named here is checked on blobs."""

from __future__ import annotations

EXAMPLE_DATA = {
    "pca": "iris", "pca-sequential": "iris", "lda": "iris", "qda": "iris",
    "ica": "cocktail_party", "fa": "unequal_noise", "mix-linreg": "lines",
    "mix-logreg": "boundaries", "mds": "cities", "isomap": "swiss_roll", "lle": "s_curve",
    "nmf": "digits", "dictionary": "digits", "distances": "words",
    "spectral": "moons", "dbscan": "moons", "hdbscan": "moons",
    "vae": "digits", "autoencoder": "moons", "denoising-ae": "digits", "made": "digits",
    "pixelcnn": "digits", "realnvp": "moons", "gan-2d": "ring", "gan": "digits",
    "cgan": "digits", "diffusion-2d": "moons", "pix2pix": "digits", "cyclegan": "digits",
    "char-rnn": "text", "simclr": "digits", "pretext": "digits", "pseudo-label": "moons",
    "entmin": "moons", "label-propagation": "moons", "mean-teacher": "moons",
    "huffman": "text", "arithmetic": "text", "lds": "population", "gpfa": "population",
    "dpca": "population", "seqnmf": "sequences", "topic-lda": "topics",
}


def example_data(algorithm_id: str) -> str:
    """The name of the data set (for `engine.datasets.load`) this method is checked on."""
    return EXAMPLE_DATA.get(algorithm_id, "blobs")
