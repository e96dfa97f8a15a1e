"""Every algorithm, by family. Listing them imports no scikit-learn, torch or Qt."""

from __future__ import annotations

import importlib

from engine.protocol import Algorithm

# Modules that define algorithms; each must keep heavy imports inside `run`.
_MODULES = (
    "engine.clustering.kmeans",
    "engine.clustering.hierarchical",
    "engine.clustering.divisive",
    "engine.clustering.spectral",
    "engine.clustering.gmm",
    "engine.clustering.experts",
    "engine.clustering.mst",
    "engine.clustering.exhaustive",
    "engine.clustering.distance_explorer",
    "engine.clustering.dbscan",
    "engine.clustering.hdbscan",
    "engine.reduction.pca",
    "engine.reduction.adaptive_pca",
    "engine.reduction.factor_analysis",
    "engine.reduction.discriminant",
    "engine.reduction.ica",
    "engine.reduction.mds",
    "engine.reduction.isomap",
    "engine.reduction.lle",
    "engine.reduction.nmf",
    "engine.reduction.dictionary",
    "engine.reduction.tsne",
    "engine.reduction.umap_layout",
    "engine.reduction.pacmap_layout",
    "engine.generative.autoencoder",
    "engine.generative.vae",
    "engine.generative.gan2d",
    "engine.generative.gan",
    "engine.generative.translation",
    "engine.generative.realnvp",
    "engine.generative.diffusion",
    "engine.generative.autoregressive",
    "engine.generative.char_rnn",
    # issue 8: self-supervised, semi-supervised, compression
    "engine.selfsup.simclr",
    "engine.selfsup.pretext",
    "engine.semisup.pseudo_label",
    "engine.semisup.entmin",
    "engine.semisup.label_propagation",
    "engine.semisup.mean_teacher",
    "engine.compression.huffman",
    "engine.compression.arithmetic",
    # issue 9: text and time
    "engine.topics.lda",
    "engine.clustering.nnk_means",
    "engine.timeseries.lds",
    "engine.timeseries.gpfa",
    "engine.timeseries.dpca",
    "engine.timeseries.seqnmf",
    "engine.reduction.compare",  # last: it runs the methods above
)

FAMILIES = ("Clustering", "Dimensionality reduction", "Generative models", "Self-supervised",
            "Semi-supervised", "Compression", "Topic models", "Time series")

_registry: dict[str, Algorithm] = {}


def register(cls: type[Algorithm]) -> type[Algorithm]:
    """Class decorator: add one instance of the algorithm to the registry."""
    if cls.id in _registry and type(_registry[cls.id]) is not cls:
        raise ValueError(f"two algorithms share the id {cls.id!r}")
    if cls.family not in FAMILIES:
        raise ValueError(f"{cls.id}: unknown family {cls.family!r}")
    _registry[cls.id] = cls()
    return cls


def _load() -> None:
    for name in _MODULES:
        importlib.import_module(name)


def all() -> list[Algorithm]:
    """Every registered algorithm, in family order, then as registered."""
    _load()
    return sorted(_registry.values(), key=lambda a: FAMILIES.index(a.family))


def get(algorithm_id: str) -> Algorithm:
    _load()
    try:
        return _registry[algorithm_id]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise KeyError(f"no algorithm {algorithm_id!r} (known: {known})") from None


def by_family() -> dict[str, list[Algorithm]]:
    out: dict[str, list[Algorithm]] = {f: [] for f in FAMILIES}
    for algorithm in all():
        out[algorithm.family].append(algorithm)
    return {f: algs for f, algs in out.items() if algs}
