"""CSV tables of the methods of text and time (engine/export.py registers them): demixed PCA,
seqNMF, the topic models and NNK-means.
"""

from __future__ import annotations

import numpy as np

from engine.data import Dataset


def _indexed(index: str, names: list[str], values: np.ndarray, start: int = 0) -> tuple:
    from engine.export import _indexed as indexed

    return indexed(index, names, values, start)


def demixing_tables(snap, dataset: Dataset) -> dict:
    """Each component (dPCA's, then PCA's): its part, variance shares and explained share;
    each dPCA component's time course per condition; the decoders."""
    components = []
    for method, shares, explained, parts in (
            ("dpca", snap.shares, snap.explained,
             [snap.margins[int(m)] for m in snap.component_margin]),
            ("pca", snap.pca_shares, snap.pca_explained, [""] * len(snap.pca_explained))):
        for k in range(len(explained)):
            components.append((method, k + 1, parts[k], *np.asarray(shares[k]).tolist(),
                               float(explained[k])))
    header = ["method", "component", "fitted for", *(f"{m} share" for m in snap.margins),
              "explained"]
    courses = [("dpca", k + 1, snap.condition_names[c], float(t), float(v))
               for k in range(snap.courses.shape[0])
               for c in range(snap.courses.shape[1])
               for t, v in zip(snap.times, snap.courses[k, c], strict=True)]
    names = list(dataset.feature_names) if len(dataset.feature_names) == \
        snap.decoders.shape[1] else [f"x{j + 1}" for j in range(snap.decoders.shape[1])]
    return {"components": (header, components),
            "courses": (["method", "component", "condition", "time", "value"], courses),
            "decoders": _indexed("component", names, snap.decoders, start=1)}


def sequences_tables(snap, dataset: Dataset) -> dict:
    """seqNMF's factors (one row per factor, neuron and lag), its loadings over time, and
    the cost per iteration."""
    W = np.asarray(snap.factors)
    factors = [(k + 1, n + 1, lag, float(W[k, n, lag]))
               for k in range(W.shape[0]) for n in range(W.shape[1])
               for lag in range(W.shape[2]) if W[k, n, lag] != 0.0]
    loadings = np.column_stack([snap.times, np.asarray(snap.loadings).T])
    cost = np.column_stack([snap.cost, snap.penalty])
    return {"factors": (["factor", "neuron", "lag", "weight"], factors),
            "loadings": _indexed("bin", ["time", *(f"factor {k + 1}" for k in range(len(W)))],
                                 loadings),
            "cost": _indexed("iteration", ["cost", "penalty"], cost)}


def topic_tables(snap, dataset: Dataset) -> dict:
    """Each topic's top words with their probabilities (LDA and the matched NMF topic),
    each document's topic mixture, the perplexity per pass."""
    from engine.export import _point_table

    words = list(dataset.feature_names)
    top = []
    for k in range(snap.k):
        for rank, (j, n) in enumerate(zip(snap.top[k], snap.nmf_top[k], strict=True)):
            top.append((k + 1, rank + 1, words[int(j)], float(snap.topic_word[k, int(j)]),
                        words[int(n)], float(snap.nmf_topic_word[k, int(n)])))
    header = ["topic", "rank", "lda word", "lda probability", "nmf word", "nmf weight"]
    mixture = _point_table(dataset, [f"topic {k + 1}" for k in range(snap.k)], snap.doc_topic)
    return {"topics": (header, top), "mixtures": mixture,
            "perplexity": _indexed("pass", ["perplexity"],
                                   np.asarray(snap.perplexity)[:, None], start=1)}


def nnk_tables(snap, dataset: Dataset) -> dict:
    """NNK's atoms and k-means's centres, each point's atoms and weights, and the errors per
    iteration."""
    from engine.export import _feature_names, _point_table

    names = _feature_names(dataset, snap.atoms.shape[1])
    q = snap.neighbours.shape[1]
    codes = np.hstack([snap.neighbours, snap.weights, snap.labels[:, None]]).astype(object)
    codes[:, :q] = snap.neighbours.astype(int)
    codes[:, -1] = snap.labels.astype(int)
    errors = np.column_stack([snap.nnk_kernel_error, snap.kmeans_kernel_error,
                              snap.nnk_squared_error, snap.kmeans_squared_error])
    return {"atoms": _indexed("atom", names, snap.atoms),
            "centres": _indexed("centre", names, snap.centres),
            "codes": _point_table(dataset, [*(f"atom {i + 1}" for i in range(q)),
                                            *(f"weight {i + 1}" for i in range(q)),
                                            "k-means centre"], codes),
            "errors": _indexed("iteration", ["nnk kernel error", "k-means kernel error",
                                             "nnk squared error", "k-means squared error"],
                               errors)}
