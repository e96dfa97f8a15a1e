"""CSV tables of the self-supervised, semi-supervised and compression methods (engine/export.py
registers them): what a user would take elsewhere from each run.
"""

from __future__ import annotations

import math

import numpy as np

from engine.data import Dataset


def _helpers():
    from engine import export

    return export._point_table, export._indexed


def _blank(value):
    """NaN as an empty cell: a spreadsheet reads "" as missing, "nan" as text."""
    return "" if isinstance(value, float) and math.isnan(value) else value


def _rows(header: list[str], columns: list) -> tuple:
    values = [np.asarray(c).tolist() for c in columns]
    return header, [tuple(_blank(v) for v in row) for row in zip(*values, strict=True)]


def contrastive_tables(snap, dataset: Dataset) -> dict:
    """SimCLR: each digit's representation on the plane, the loss per step, the probe per
    epoch beside raw pixels and PCA."""
    point_table, indexed = _helpers()
    epochs = np.arange(1, len(snap.accuracy) + 1)
    probe = _rows(["epoch", "simclr", "raw pixels", "pca"],
                  [epochs, snap.accuracy, np.full(len(epochs), snap.raw_accuracy),
                   np.full(len(epochs), snap.pca_accuracy)])
    return {"embedding": point_table(dataset, ["pc1", "pc2"], snap.embedding),
            "loss": indexed("step", ["nt_xent"], np.asarray(snap.loss)[:, None], start=1),
            "probe": probe}


def pretext_tables(snap, dataset: Dataset) -> dict:
    """The pretext tasks: the table of probes, and each task's loss per epoch."""
    probes = _rows(["representation", "linear probe", "nearest-neighbour probe"],
                   [list(snap.table_names), snap.linear, snap.nearest])
    from engine.selfsup.pretext import LOSS_NAMES, TASKS

    rows = [(task, name, epoch + 1, float(value))
            for task, name, losses in zip(TASKS, LOSS_NAMES, snap.losses, strict=True)
            for epoch, value in enumerate(np.asarray(losses).tolist())]
    return {"probes": probes, "losses": (["task", "loss", "epoch", "value"], rows)}


def semisupervised_tables(snap, dataset: Dataset) -> dict:
    """Each point's label given (if any), the method's class and the baseline's; the
    accuracy on the unlabelled rest per recorded step."""
    point_table, _ = _helpers()
    given = np.full(dataset.n, -1, np.int64)
    given[np.asarray(snap.labelled)] = snap.labelled_classes
    values = np.column_stack([given, snap.predictions, snap.baseline]).astype(object)
    trace = [snap.trace_x, snap.trace, snap.baseline_trace]
    header = [snap.step_name, "accuracy", "labelled-only accuracy"]
    if snap.student_trace is not None and len(snap.student_trace) == len(snap.trace_x):
        trace.append(snap.student_trace)
        header.append("student accuracy")
    return {"points": point_table(dataset, ["label given (-1 none)", "method class",
                                            "labelled-only class"], values),
            "accuracy": _rows(header, trace)}


def huffman_tables(snap, dataset: Dataset) -> dict:
    """The code table: each character, its count and probability, its codeword."""
    counts = np.asarray(snap.counts)
    p = counts / max(1, counts.sum())
    code = _rows(["character", "code point", "count", "probability", "codeword", "length"],
                 [list(snap.alphabet), [ord(c) for c in snap.alphabet], counts, p,
                  list(snap.codewords), [len(w) for w in snap.codewords]])
    summary = (["measure", "bits per character"],
               [("entropy", snap.entropy), ("huffman average length", snap.average_length),
                ("fixed length", snap.fixed_length)])
    return {"code": code, "summary": summary}


def arithmetic_tables(snap, dataset: Dataset) -> dict:
    """Every model's bits for the message beside Huffman's and a fixed-length code's, and
    the chosen model's narrowing step by step."""
    n = max(1, snap.n_chars)
    models = [(name, float(info), int(bits), bits / n, "yes" if ok else "no")
              for name, info, bits, ok in zip(snap.model_names, np.asarray(snap.information),
                                              np.asarray(snap.coded_bits).tolist(),
                                              snap.round_trip, strict=True)]
    models += [("huffman", "", snap.huffman_bits, snap.huffman_bits / n, "yes"),
               ("fixed length", "", snap.fixed_bits, snap.fixed_bits / n, "yes")]
    header = ["model", "information (bits)", "code length (bits)", "bits per character",
              "decodes back"]
    tables = {"models": (header, models)}
    shown = min(snap.n_steps, len(snap.step_symbols))
    if shown:
        symbols = [snap.alphabet[int(s)] for s in np.asarray(snap.step_symbols)[:shown]]
        tables["narrowing"] = _rows(
            ["step", "character", "interval width (bits)", "bits settled"],
            [np.arange(1, shown + 1), symbols, np.asarray(snap.step_width_bits)[:shown],
             list(snap.step_settled[:shown])])
    return tables
