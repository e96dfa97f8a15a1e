"""CSV tables of LDA/QDA and of ICA (engine/export.py registers them)."""

from __future__ import annotations

import numpy as np

from engine.data import Dataset


def discriminant_tables(snap, dataset: Dataset) -> dict:
    """Each point's plane coordinates and predicted class; accuracy per class; the
    boundaries' segments in the plane."""
    from engine.export import _point_table

    names = [n.replace(" ", "_") for n in snap.axis_names]
    values = np.column_stack([np.asarray(snap.coords[:, :2]).astype(object),
                              np.asarray(snap.predictions).astype(object)])
    rows = [("all", float(snap.accuracy))]
    rows += [(str(c), float(v)) for c, v in enumerate(snap.class_accuracy.tolist())]
    tables = {"points": _point_table(dataset, [*names, "predicted"], values),
              "accuracy": (["class", "training_accuracy"], rows),
              "boundaries": (["segment", "x0", "y0", "x1", "y1"],
                             [(i, *s.ravel().tolist())
                              for i, s in enumerate(np.asarray(snap.boundaries))])}
    if snap.explained_ratio.size:
        tables["axes"] = (["axis", "between_class_share"],
                          [(j + 1, v) for j, v in enumerate(snap.explained_ratio.tolist())])
    return tables


def separation_tables(snap, dataset: Dataset, embedding_tables) -> dict:
    """Each point's recovered sources and PCA's; the unmixing matrix; the Amari index and
    each source's |r| where the truth is known; the measure per step."""
    from engine.export import _feature_names, _indexed, _point_table

    k = snap.coords.shape[1]
    values = np.column_stack([snap.coords, snap.pca_sources]).astype(object)
    names = [f"ica{j + 1}" for j in range(k)] + [f"pca{j + 1}" for j in range(k)]
    d = snap.unmixing.shape[1]
    tables = {"sources": _point_table(dataset, names, values),
              "unmixing": _indexed("source", _feature_names(dataset, d), snap.unmixing, 1)}
    objective = embedding_tables(snap, dataset).get("objective")
    if objective is not None:
        tables["steps"] = objective
    if snap.true_sources is not None:
        truth = snap.source_names or tuple(f"s{j + 1}" for j in range(len(snap.correlations)))
        rows = [("amari_index", snap.amari, snap.pca_amari)]
        rows += [(f"abs_r_{name}", float(a), float(b)) for name, a, b in
                 zip(truth, snap.correlations.tolist(), snap.pca_correlations.tolist(),
                     strict=False)]
        tables["scores"] = (["measure", "ica", "pca"], rows)
    return tables
