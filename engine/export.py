"""A run's results as tables, and tables as CSV files: what "Results as CSV" writes.

`snapshot_tables` turns a snapshot into named tables (a header and rows of plain Python
numbers), one per array a user would take elsewhere: the labels of each point, the
linkage matrix, the scores and components, the codes, and the objective per step.
Integers stay integers and floats keep their full precision (Python's repr).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from engine.data import Dataset
from engine.protocol import LatentModel, Mixture, Partition, Snapshot, Spectral, Spectrum, Tree

Table = tuple[list[str], list[tuple]]


def snapshot_tables(snapshot: Snapshot, dataset: Dataset, k: int | None = None
                    ) -> dict[str, Table]:
    """The snapshot's arrays as named tables. For a Tree, `k` is the cut (clusters wanted);
    a tree still growing gives the clusters formed so far (-1: a point still alone)."""
    if isinstance(snapshot, Partition):
        return _partition(snapshot, dataset)
    if isinstance(snapshot, Tree):
        return _tree(snapshot, dataset, k)
    if isinstance(snapshot, Spectrum):
        return _spectrum(snapshot, dataset)
    if isinstance(snapshot, LatentModel):
        return _latent(snapshot, dataset)
    if isinstance(snapshot, Spectral):
        return _spectral(snapshot, dataset)
    if isinstance(snapshot, Mixture):
        return _mixture(snapshot, dataset)
    raise TypeError(f"no tables for a {type(snapshot).__name__} snapshot")


def write_csv(path: str | Path, table: Table) -> Path:
    """One table as a CSV file with a header row."""
    header, rows = table
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_tables(path: str | Path, tables: dict[str, Table]) -> list[Path]:
    """Each table beside `path`, named after it: results.csv gives results_labels.csv, ..."""
    path = Path(path)
    stem = path.stem if path.suffix.lower() == ".csv" else path.name
    return [write_csv(path.with_name(f"{stem}_{name}.csv"), table)
            for name, table in tables.items()]


# ---------------------------------------------------------------- one per snapshot type


def _partition(snap: Partition, dataset: Dataset) -> dict[str, Table]:
    tables = {"labels": _point_table(dataset, ["cluster"], snap.labels[:, None])}
    if snap.centres is not None:
        centres = np.asarray(snap.centres)
        tables["centres"] = _indexed("cluster", _feature_names(dataset, centres.shape[1]),
                                     centres)
    if snap.trace.size:
        tables["objective"] = _indexed("step", [snap.objective_name], snap.trace[:, None])
    if snap.restarts is not None:
        tables["restarts"] = _indexed("run", [snap.objective_name], snap.restarts[:, None],
                                      start=1)
    if snap.elbow is not None:
        tables["elbow"] = _indexed("k", [snap.objective_name], snap.elbow[:, None], start=1)
    tables["scores"] = scores_table(snap.labels, dataset)
    return tables


def _tree(snap: Tree, dataset: Dataset, k: int | None) -> dict[str, Table]:
    from engine.clustering import hierarchical

    z = np.asarray(snap.linkage, dtype=np.float64)
    if snap.complete:
        if k is None:
            raise ValueError("a finished tree needs k, the number of clusters to cut it into")
        labels = hierarchical.cut(z, k)
    else:
        labels = hierarchical.partial_labels(z, snap.n_merges)
    done = z[: snap.n_merges]
    merges = [(i, int(a), int(b), float(h), int(size))
              for i, (a, b, h, size) in enumerate(done.tolist())]
    header = ["merge", "cluster_a", "cluster_b", "distance", "size"]
    return {"labels": _point_table(dataset, ["cluster"], labels[:, None]),
            "linkage": (header, merges), "scores": scores_table(labels, dataset)}


def _spectrum(snap: Spectrum, dataset: Dataset) -> dict[str, Table]:
    q = snap.scores.shape[1]
    ratio = np.asarray(snap.explained_ratio, dtype=np.float64)
    variance = np.column_stack([snap.eigenvalues[: ratio.size], ratio, np.cumsum(ratio)])
    components = np.asarray(snap.components)
    return {
        "scores": _point_table(dataset, [f"PC{j + 1}" for j in range(q)], snap.scores),
        "components": _indexed("component", _feature_names(dataset, components.shape[1]),
                               components, start=1),
        "variance": _indexed("component", ["eigenvalue", "explained_ratio", "cumulative_ratio"],
                             variance, start=1),
    }


def _latent(snap: LatentModel, dataset: Dataset) -> dict[str, Table]:
    codes = np.asarray(snap.codes)
    losses = np.column_stack([snap.elbo, snap.recon, snap.kl])
    return {
        "codes": _point_table(dataset, [f"z{j + 1}" for j in range(codes.shape[1])], codes),
        "losses": _indexed("epoch", ["elbo", "reconstruction", "kl"], losses, start=1),
    }


def _mixture(snap: Mixture, dataset: Dataset) -> dict[str, Table]:
    """Labels and responsibilities per point; weight, mean and covariance per component
    (the covariance's upper triangle, named by feature pair); log-likelihood per E step."""
    k, d = snap.means.shape
    per_point = np.column_stack([snap.labels.astype(object),
                                 np.asarray(snap.responsibilities, np.float64).astype(object)])
    names = _feature_names(dataset, d)
    iu = np.triu_indices(d)
    columns = (["weight"] + [f"mean {f}" for f in names]
               + [f"cov {names[i]} {names[j]}" for i, j in zip(*iu, strict=True)])
    values = np.column_stack([snap.weights, snap.means, snap.covariances[:, iu[0], iu[1]]])
    tables = {
        "labels": _point_table(dataset, ["cluster", *(f"r{j}" for j in range(k))],
                               per_point),
        "components": _indexed("component", columns, values),
        "log_likelihood": _indexed("e_step", ["log_likelihood"], snap.trace[:, None],
                                   start=1),
    }
    if snap.bic is not None:
        tables["criteria"] = _indexed("K", ["bic", "aic"],
                                      np.column_stack([snap.bic, snap.aic]), start=1)
    if snap.labels.size and snap.labels.min() >= 0:
        tables["scores"] = scores_table(snap.labels, dataset)
    return tables


def _spectral(snap: Spectral, dataset: Dataset) -> dict[str, Table]:
    """Each point's cluster, eigenvector coordinates and plain k-means's cluster; the scores;
    the eigenvalues; J per k-means step."""
    names, values = ["cluster"], np.asarray(snap.labels)[:, None].astype(object)
    if snap.embedding is not None:
        k = snap.embedding.shape[1]
        names += [f"u{j + 1}" for j in range(k)]
        values = np.column_stack([values, np.asarray(snap.embedding).astype(object)])
    if snap.kmeans_labels is not None:
        names.append("kmeans_on_data")
        values = np.column_stack([values, np.asarray(snap.kmeans_labels).astype(object)])
    tables = {"labels": _point_table(dataset, names, values)}
    if snap.labels.size and snap.labels.min() >= 0:
        tables["scores"] = scores_table(snap.labels, dataset)
    if snap.eigenvalues.size:
        rows = [(i + 1, v, int(i + 1 == snap.eigengap_k))
                for i, v in enumerate(snap.eigenvalues.tolist())]
        tables["eigenvalues"] = (["index", "eigenvalue", "eigengap_after"], rows)
    if snap.trace.size:
        tables["objective"] = _indexed("step", ["J"], snap.trace[:, None])
    return tables


# ---------------------------------------------------------------- helpers


def scores_table(labels: np.ndarray, dataset: Dataset) -> Table:
    """The clustering's scores, the same numbers the window shows (same seeded subsample).
    Any snapshot with labels can add it to its tables."""
    from engine.clustering.scores import compute_scores

    return compute_scores(dataset.X, labels, dataset.y).table()


def _point_table(dataset: Dataset, names: list[str], values: np.ndarray) -> Table:
    """One row per data point: its index, the values, and its class when the data has one."""
    values = np.asarray(values)
    if values.shape[0] != dataset.n:
        raise ValueError(f"{values.shape[0]} rows of results for {dataset.n} data points")
    columns = [np.arange(dataset.n), *values.T]
    header = ["point", *names]
    if dataset.y is not None:
        columns.append(dataset.y)
        header.append("class")
    return header, list(zip(*(c.tolist() for c in columns), strict=True))


def _indexed(index: str, names: list[str], values: np.ndarray, start: int = 0) -> Table:
    """One row per row of values, numbered from `start` in a first column."""
    values = np.asarray(values)
    rows = [(start + i, *row) for i, row in enumerate(values.tolist())]
    return [index, *names], rows


def _feature_names(dataset: Dataset, d: int) -> list[str]:
    names = list(dataset.feature_names)
    return names if len(names) == d else [f"x{j + 1}" for j in range(d)]
