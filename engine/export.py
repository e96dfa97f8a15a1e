"""A run's results as tables, and tables as CSV files: what "Results as CSV" writes.

`snapshot_tables` turns a snapshot into named tables (a header and rows of plain Python
numbers), one per array a user would take elsewhere: the labels of each point, the
linkage matrix, the scores and components, the codes, and the objective per step.
Integers stay integers and floats keep their full precision (Python's repr).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from engine import export_generative as generative
from engine import export_learning as learning
from engine import export_time as timed
from engine.clustering.nnk_means import NNKDictionary
from engine.compression.arithmetic import ArithmeticCoding
from engine.compression.huffman import HuffmanCode
from engine.data import Dataset
from engine.export_linear import discriminant_tables, separation_tables
from engine.export_reduction import factorisation_tables, sparse_coding_tables
from engine.generative.autoencoder import Autoencoding
from engine.generative.autoregressive import AutoregressiveModel
from engine.generative.char_rnn import CharModel
from engine.generative.diffusion import Diffusion
from engine.generative.gan import GANModel
from engine.generative.gan2d import AdversarialPlane
from engine.generative.realnvp import FlowModel
from engine.generative.translation import CycleTranslation, PairedTranslation
from engine.protocol import (
    AdaptivePCA,
    Comparison,
    DensityScan,
    DensityTree,
    Discriminant,
    Distances,
    Divisive,
    Embedding,
    Experts,
    Factorisation,
    FactorModel,
    LatentModel,
    Mixture,
    OptimalPartition,
    Partition,
    Scaling,
    Separation,
    Snapshot,
    SpanningTree,
    SparseCoding,
    Spectral,
    Spectrum,
    Tree,
)
from engine.selfsup.pretext import PretextTasks
from engine.selfsup.simclr import Contrastive
from engine.semisup.common import SemiSupervised
from engine.timeseries.dpca import Demixing
from engine.timeseries.seqnmf import Sequences
from engine.topics.lda import TopicModel

Table = tuple[list[str], list[tuple]]


def snapshot_tables(snapshot: Snapshot, dataset: Dataset, k: int | None = None
                    ) -> dict[str, Table]:
    """The snapshot's arrays as named tables. For a Tree, `k` is the cut (clusters wanted);
    a tree still growing gives the clusters formed so far (-1: a point still alone)."""
    if isinstance(snapshot, Tree):  # the divisive tree too: it is cut like any other
        return _tree(snapshot, dataset, k)
    for kind in type(snapshot).__mro__:
        if kind in _TABLES:
            return _TABLES[kind](snapshot, dataset)
    raise TypeError(f"no tables for a {type(snapshot).__name__} snapshot")


def has_tables(snapshot: Snapshot) -> bool:
    """Whether `snapshot_tables` knows this kind of snapshot."""
    return isinstance(snapshot, Tree) or any(kind in _TABLES for kind in type(snapshot).__mro__)


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
    if k is None and isinstance(snap, Divisive):
        k = snap.n_clusters
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
    tables = {"labels": _point_table(dataset, ["cluster"], labels[:, None]),
              "linkage": (header, merges), "scores": scores_table(labels, dataset)}
    if snap.triples_checked:
        tables["ultrametric"] = _ultrametric(snap)
    if isinstance(snap, Divisive):
        from engine.clustering.divisive import cluster_means

        tables["centres"] = _indexed("cluster", _feature_names(dataset, dataset.X.shape[1]),
                                     cluster_means(dataset.X, labels))
        tables["sse"] = _indexed("step", ["total_sse"], snap.trace[:, None], start=1)
    return tables


def _ultrametric(snap: Tree) -> Table:
    """The cophenetic correlation and the share of triples breaking the ultrametric
    inequality, in the data's distances and in the tree's."""
    header = ["cophenetic_correlation", "triples_broken_data", "triples_broken_tree",
              "triples_checked", "all_triples", "mean_relative_excess"]
    return header, [(float(snap.cophenetic), float(snap.broken_triples),
                     float(snap.broken_triples_tree), int(snap.triples_checked),
                     int(snap.triples_exact), float(snap.triples_excess))]


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
        **({"reconstruction_error": _indexed("q", ["mean_squared_error"],
                                             snap.reconstruction_error[:, None], start=1)}
           if snap.reconstruction_error.size else {}),
    }


def _latent(snap: LatentModel, dataset: Dataset) -> dict[str, Table]:
    codes = np.asarray(snap.codes)
    losses = np.column_stack([snap.elbo, snap.recon, snap.kl])
    return {
        "codes": _point_table(dataset, [f"z{j + 1}" for j in range(codes.shape[1])], codes),
        "losses": _indexed("epoch", ["elbo", "reconstruction", "kl"], losses, start=1),
        **generative.latent_extras(snap, dataset),
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


def _distances(snap, dataset: Dataset) -> dict[str, Table]:
    """The distance matrix in data order (a row per point, with its text for strings);
    once seriated, the leaf order and the linkage."""
    texts = dataset.texts
    n = snap.matrix.shape[0]
    lead = ["point"] + (["text"] if texts is not None else [])
    ids = [(i, texts[i]) if texts is not None else (i,) for i in range(n)]
    matrix = (lead + [f"d{j}" for j in range(n)],
              [(*ids[i], *row) for i, row in enumerate(snap.matrix.tolist())])
    tables = {"distances": matrix}
    if snap.order is not None:
        tables["order"] = (["position", *lead], [(k, *ids[i]) for k, i in
                                                 enumerate(snap.order.tolist())])
        merges = [(i, int(a), int(b), float(h), int(size))
                  for i, (a, b, h, size) in enumerate(snap.linkage.tolist())]
        tables["linkage"] = (["merge", "cluster_a", "cluster_b", "distance", "size"], merges)
    return tables


def _spanning_tree(snap, dataset: Dataset) -> dict[str, Table]:
    """Each point's tree (−1: not yet joined); the edges grown so far in Kruskal's order with
    their lengths and whether they are cut; the scores once the tree is cut."""
    m = len(snap.weights)
    rows = [(i + 1, int(a), int(b), float(w), int(i >= m - snap.n_cut))
            for i, ((a, b), w) in enumerate(zip(snap.edges.tolist(), snap.weights.tolist(),
                                                 strict=True)) if i < snap.n_edges]
    tables = {"labels": _point_table(dataset, ["cluster"], snap.labels[:, None]),
              "edges": (["edge", "point_a", "point_b", "length", "cut"], rows)}
    if snap.labels.size and snap.labels.min() >= 0:
        tables["scores"] = scores_table(snap.labels, dataset)
    return tables


def _optimal_partition(snap, dataset: Dataset) -> dict[str, Table]:
    """The best partition and k-means's from each seed per point; each seed's J beside the
    optimum's; the best J after each batch of the search; the scores."""
    km = np.asarray(snap.kmeans_labels)
    values = np.column_stack([snap.labels, km.T]).astype(object)
    names = ["optimal", *(f"kmeans_seed_{int(s)}" for s in snap.kmeans_seeds)]
    tol = 1e-9 * max(1.0, abs(snap.objective))
    runs = [(int(s), float(j), int(j <= snap.objective + tol))
            for s, j in zip(snap.kmeans_seeds.tolist(), snap.kmeans_objective.tolist(),
                            strict=True)]
    search = [(int(n), float(j)) for n, j in zip(snap.searched_trace.tolist(),
                                                 snap.trace.tolist(), strict=True)]
    return {"labels": _point_table(dataset, names, values),
            "kmeans": (["seed", "J", "reached_optimum"],
                       [*runs, ("optimum", float(snap.objective), 1)]),
            "search": (["partitions_searched", "best_J"], search),
            "scores": scores_table(snap.labels, dataset)}


def _experts(snap, dataset: Dataset) -> dict[str, Table]:
    """Each point's expert and responsibilities; per expert its intercept and weights (and
    noise variance), its gate ξ; the log-likelihood after the start and every M step."""
    k, q = snap.coefficients.shape
    inputs = _feature_names(dataset, dataset.d)
    inputs = inputs[:-1] if snap.kind == "linear" else inputs
    inputs = inputs if len(inputs) == q - 1 else [f"x{j + 1}" for j in range(q - 1)]
    per_point = np.column_stack([snap.labels.astype(object),
                                 np.asarray(snap.responsibilities, np.float64).astype(object)])
    names = ["intercept", *(f"w {f}" for f in inputs)]
    values = np.asarray(snap.coefficients)
    if snap.variances is not None:
        names.append("noise_variance")
        values = np.column_stack([values, snap.variances])
    gate_names = ["gate intercept", *(f"gate {f}" for f in inputs)]
    tables = {
        "labels": _point_table(dataset, ["expert", *(f"r{j}" for j in range(k))], per_point),
        "experts": _indexed("expert", names + gate_names,
                            np.column_stack([values, snap.gating])),
        "log_likelihood": _indexed("m_step", [snap.objective_name.replace(" ", "_")],
                                   np.asarray(snap.trace)[:, None]),
    }
    tables["scores"] = scores_table(snap.labels, dataset)
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


def _embedding(snap, dataset: Dataset) -> dict[str, Table]:
    """Each point's coordinates; the objective per iteration; the graph's edges; the quality
    measures at the end."""
    m = snap.coords.shape[1]
    names = [f"dim{j + 1}" for j in range(m)]
    tables = {"coords": _point_table(dataset, names, np.asarray(snap.coords).astype(object))}
    if snap.trace.size:
        at = snap.trace_at if snap.trace_at.size == snap.trace.size else np.arange(
            snap.trace.size)
        name = snap.objective_name or "objective"
        tables["objective"] = (["iteration", name],
                               [(int(i), float(v)) for i, v in zip(at, snap.trace, strict=True)])
    if snap.edges is not None:
        flagged = (np.zeros(len(snap.edges), bool) if snap.flagged is None
                   else np.asarray(snap.flagged, bool))
        tables["edges"] = (["from", "to", "flagged"],
                           [(int(a), int(b), int(f))
                            for (a, b), f in zip(np.asarray(snap.edges), flagged, strict=True)])
    if snap.quality is not None:
        tables["quality"] = snap.quality.table()
    return tables


def _scaling(snap, dataset: Dataset) -> dict[str, Table]:
    """MDS: the embedding's tables, B's eigenvalues and the Shepard diagram's pairs."""
    tables = _embedding(snap, dataset)
    tables["eigenvalues"] = _indexed("index", ["eigenvalue"], snap.eigenvalues[:, None], 1)
    columns = [snap.shepard_input, snap.shepard_output]
    names = ["input_distance", "embedded_distance"]
    if snap.shepard_disparities is not None:
        columns.append(snap.shepard_disparities)
        names.append("disparity")
    tables["shepard"] = _indexed("pair", names, np.column_stack(columns))
    return tables

def _density_scan(snap, dataset: Dataset) -> dict[str, Table]:
    """DBSCAN: each point's cluster (−1: noise or not reached yet), its part (core, border,
    noise, unseen) and k-distance; the scores once done."""
    parts = np.array(["core", "border", "noise", "unseen"], dtype=object)[snap.kinds()]
    values = np.column_stack([np.asarray(snap.labels).astype(object), parts,
                              np.asarray(snap.k_distances).astype(object)])
    tables = {"labels": _point_table(dataset, ["cluster", "part", "k_distance"], values)}
    if snap.phase == "done":
        tables["scores"] = scores_table(snap.labels, dataset)
    return tables


def _density_tree(snap, dataset: Dataset) -> dict[str, Table]:
    """HDBSCAN: each point's cluster, membership probability and core distance; the
    spanning tree's edges; the condensed tree with each cluster's stability and choice."""
    values = np.column_stack([np.asarray(snap.labels).astype(object),
                              np.asarray(snap.probabilities).astype(object),
                              np.asarray(snap.core_distances).astype(object)])
    tables = {"labels": _point_table(dataset, ["cluster", "probability", "core_distance"],
                                     values)}
    if snap.n_edges:
        edges = [(i, int(a), int(b), float(w)) for i, ((a, b), w) in
                 enumerate(zip(snap.mst_edges[:snap.n_edges].tolist(),
                               snap.mst_weights[:snap.n_edges].tolist(), strict=True))]
        tables["spanning_tree"] = (["edge", "point_a", "point_b", "mutual_reachability"],
                                   edges)
    if snap.tree_parent.size:
        rows = list(zip(snap.tree_parent.tolist(), snap.tree_child.tolist(),
                        snap.tree_lambda.tolist(), snap.tree_size.tolist(), strict=True))
        tables["condensed_tree"] = (["parent", "child", "lambda", "size"], rows)
        n, chosen = len(snap.labels), set(snap.selected.tolist())
        tables["stability"] = (["cluster", "stability", "chosen"],
                               [(n + i, v, int(n + i in chosen))
                                for i, v in enumerate(snap.stability.tolist())])
    if snap.phase == "done":
        tables["scores"] = scores_table(snap.labels, dataset)
    return tables


def _adaptive_pca(snap: AdaptivePCA, dataset: Dataset) -> dict[str, Table]:
    """The components found with their variance and eigh's; the angle and Rayleigh quotient
    per recorded step; the scores at the end."""
    names = _feature_names(dataset, snap.true_components.shape[1])
    k = len(snap.found)
    rows = [(i + 1, *w.tolist(), float(snap.found_values[i]), float(snap.true_values[i]))
            for i, w in enumerate(np.asarray(snap.found))]
    tables = {"components": (["component", *names, "variance", "eigh_eigenvalue"], rows),
              "steps": (["at", "component", "angle_degrees", "rayleigh_quotient"],
                        list(zip(snap.trace_at.tolist(), (snap.trace_component + 1).tolist(),
                                 snap.angles.tolist(), snap.rayleigh.tolist(), strict=True)))}
    if snap.scores is not None:
        tables["scores"] = _point_table(dataset, [f"PC{j + 1}" for j in range(k)], snap.scores)
    return tables


def _factor_model(snap: FactorModel, dataset: Dataset) -> dict[str, Table]:
    """FA's and PCA's loadings per feature, each feature's noise variance ψ, the
    log-likelihood per EM iteration, and the factor scores at the end."""
    d = snap.loadings.shape[1]
    names = _feature_names(dataset, d)
    header = ["feature", *(f"FA_factor{j + 1}" for j in range(len(snap.loadings))),
              *(f"PCA_component{j + 1}" for j in range(len(snap.pca_loadings))),
              "noise_variance"]
    rows = [(names[i], *snap.loadings[:, i].tolist(), *snap.pca_loadings[:, i].tolist(),
             float(snap.noise_variance[i])) for i in range(d)]
    tables = {"loadings": (header, rows),
              "log_likelihood": _indexed("iteration", ["log_likelihood"], snap.trace[:, None],
                                         start=1)}
    if snap.scores is not None:
        tables["scores"] = _point_table(
            dataset, [f"factor{j + 1}" for j in range(snap.scores.shape[1])], snap.scores)
    return tables


def _comparison(snap, dataset: Dataset) -> dict[str, Table]:
    """Every method's 2-D coordinates side by side; its measures and seconds, a column each."""
    names = [f"{i}_dim{j}" for i in snap.ids for j in (1, 2)]
    coords = np.hstack(snap.coords) if snap.coords else np.zeros((dataset.n, 0))
    rows = [(label, *(q.rows()[r][1] for q in snap.qualities))
            for r, (label, _, _) in enumerate(snap.qualities[0].rows())] if snap.qualities else []
    rows.append(("seconds", *snap.seconds))
    return {"coords": _point_table(dataset, names, coords.astype(object)),
            "quality": (["measure", *snap.ids], rows)}


# Each kind of snapshot's tables (trees apart: they take the cut).
_TABLES: dict[type[Snapshot], Callable[[Any, Dataset], dict[str, Table]]] = {
    Partition: _partition,
    Spectrum: _spectrum,
    LatentModel: _latent,
    Mixture: _mixture,
    Spectral: _spectral,
    Distances: _distances,
    SpanningTree: _spanning_tree,
    OptimalPartition: _optimal_partition,
    Embedding: _embedding,
    Scaling: _scaling,
    Experts: _experts,
    Factorisation: lambda snap, data: factorisation_tables(snap, data, _embedding),
    SparseCoding: sparse_coding_tables,
    DensityScan: _density_scan,
    DensityTree: _density_tree,
    AdaptivePCA: _adaptive_pca,
    FactorModel: _factor_model,
    Discriminant: discriminant_tables,
    Separation: lambda snap, data: separation_tables(snap, data, _embedding),
    Comparison: _comparison,
    Autoencoding: generative.autoencoding_tables,
    GANModel: generative.gan_tables,
    AdversarialPlane: generative.adversarial_plane_tables,
    CharModel: generative.char_model_tables,
    AutoregressiveModel: generative.autoregressive_tables,
    FlowModel: generative.flow_tables,
    Diffusion: generative.diffusion_tables,
    PairedTranslation: generative.paired_translation_tables,
    CycleTranslation: generative.cycle_translation_tables,
    Contrastive: learning.contrastive_tables,
    PretextTasks: learning.pretext_tables,
    SemiSupervised: learning.semisupervised_tables,
    HuffmanCode: learning.huffman_tables,
    ArithmeticCoding: learning.arithmetic_tables,
    Demixing: timed.demixing_tables,
    Sequences: timed.sequences_tables,
    TopicModel: timed.topic_tables,
    NNKDictionary: timed.nnk_tables,
}
