"""CSV tables of NMF and of dictionary learning (engine/export.py registers them)."""

from __future__ import annotations

import numpy as np

from engine.data import Dataset


def factorisation_tables(snap, dataset: Dataset, embedding_tables) -> dict:
    """The codes W per point, the parts H per feature and the error per iteration; the
    last snapshot adds scikit-learn's error beside ours."""
    from engine.export import _feature_names, _indexed, _point_table

    k = snap.coords.shape[1]
    tables = {"codes": _point_table(dataset, [f"w{j + 1}" for j in range(k)],
                                    np.asarray(snap.coords).astype(object)),
              "parts": _indexed("part", _feature_names(dataset, snap.components.shape[1]),
                                snap.components, start=1)}
    objective = embedding_tables(snap, dataset).get("objective")
    if objective is not None:
        tables["objective"] = (["iteration", "frobenius_squared"], objective[1])
    if np.isfinite(snap.reference_error):
        tables["check"] = (["ours_frobenius", "sklearn_frobenius"],
                           [(float(np.sqrt(snap.objective)), float(snap.reference_error))])
    return tables


def sparse_coding_tables(snap, dataset: Dataset) -> dict:
    """The atoms; the objective per mini-batch; once coded, each coder's error against its
    non-zeros and the example row's OMP codes."""
    from engine.export import _feature_names, _indexed

    tables = {"atoms": _indexed("atom", _feature_names(dataset, snap.atoms.shape[1]),
                                snap.atoms, start=1),
              "objective": (["minibatch", "lasso_objective"],
                            [(int(a), float(v)) for a, v in
                             zip(snap.trace_at.tolist(), snap.trace.tolist(), strict=True)])}
    if snap.phase != "done":
        return tables
    rows = [("thresholding_" + snap.thresholding, "", int(s), float(s), float(e))
            for s, e in zip(snap.levels.tolist(), snap.threshold_error.tolist(), strict=True)]
    rows += [("omp", "", int(s), float(s), float(e))
             for s, e in zip(snap.levels.tolist(), snap.omp_error.tolist(), strict=True)]
    rows += [("lasso", float(a), "", float(z), float(e)) for a, z, e in
             zip(snap.lasso_alphas.tolist(), snap.lasso_nonzeros.tolist(),
                 snap.lasso_error.tolist(), strict=True)]
    tables["errors"] = (["coder", "alpha", "max_nonzeros", "mean_nonzeros",
                         "relative_error"], rows)
    if snap.example_codes is not None:
        tables["example"] = _indexed("nonzeros", [f"a{j + 1}" for j in range(snap.k)],
                                     snap.example_codes, start=1)
    return tables
