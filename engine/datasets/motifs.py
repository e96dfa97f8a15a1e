"""A spike raster with planted sequences, for seqNMF to find (Mackevicius et al. 2019).

Each motif is a handful of neurons that fire one after another, in a fixed order and with
fixed lags, over `motif_length` time bins; each motif plays at random times through the
recording, and every neuron also fires now and then at random (background noise). Rows of X
are time bins, columns neurons: one long trial (`Dataset.series` has one trial), so the
methods of time see the rows in order and in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.data import Series

TITLE = "Spike raster with sequences"
BIN_SECONDS = 0.01  # the width of a time bin


@dataclass(frozen=True, eq=False)
class Planted:
    """The truth behind a raster: `patterns` (motifs, neurons, lags), 1 where a neuron
    fires at that lag of the motif; `onsets` (motifs, time bins), 1 where a motif starts."""

    patterns: np.ndarray
    onsets: np.ndarray


def plant(n_neurons: int, n_steps: int, n_motifs: int, motif_neurons: int,
          motif_length: int, occurrences: int, rng: np.random.Generator) -> Planted:
    """Draw the motifs (which neurons, at which lag) and when each one plays."""
    patterns = np.zeros((n_motifs, n_neurons, motif_length))
    size = min(motif_neurons, n_neurons)
    pool = rng.permutation(n_neurons)  # motifs take disjoint neurons while there are enough
    for m in range(n_motifs):
        start = (m * size) % n_neurons
        members = np.resize(np.roll(pool, -start), size)
        lags = np.round(np.linspace(0, motif_length - 1, size)).astype(int)
        patterns[m, members, lags] = 1.0
    onsets = np.zeros((n_motifs, n_steps))
    last = max(n_steps - motif_length, 1)
    for m in range(n_motifs):
        count = min(occurrences, last)
        onsets[m, rng.choice(last, size=count, replace=False)] = 1.0
    return Planted(patterns=patterns, onsets=onsets)


def play(planted: Planted, n_steps: int) -> np.ndarray:
    """(neurons, time bins): each motif's pattern written at each of its onsets, as 0/1."""
    n_motifs, n_neurons, length = planted.patterns.shape
    raster = np.zeros((n_neurons, n_steps))
    for m in range(n_motifs):
        for t in np.flatnonzero(planted.onsets[m]):
            end = min(t + length, n_steps)
            raster[:, t:end] += planted.patterns[m, :, : end - t]
    return np.minimum(raster, 1.0)


def sequences(n_neurons: int = 60, n_steps: int = 1500, n_motifs: int = 3,
              motif_neurons: int = 10, motif_length: int = 20, occurrences: int = 15,
              noise: float = 0.005, seed: int = 0, with_truth: bool = False):
    """(X, y, series): X (time bins, neurons) of 0/1 spikes, y all 0 (one recording), the
    Series of one trial in seconds; with `with_truth`, the Planted motifs too."""
    if noise < 0 or noise > 1:
        raise ValueError(f"noise must be a probability between 0 and 1, got {noise}")
    rng = np.random.default_rng(seed)
    planted = plant(n_neurons, n_steps, n_motifs, motif_neurons, motif_length, occurrences,
                    rng)
    raster = play(planted, n_steps)
    background = rng.random((n_neurons, n_steps)) < noise
    X = np.maximum(raster, background).T.astype(np.float64)
    series = Series(trial=np.zeros(n_steps), time=np.arange(n_steps) * BIN_SECONDS,
                    condition=np.zeros(n_steps), condition_names=("recording",))
    y = np.zeros(n_steps, dtype=np.int64)
    return (X, y, series, planted) if with_truth else (X, y, series)


def truth_for(dataset) -> Planted | None:
    """The planted motifs of a data set this generator made (regenerated from its options,
    and checked against its rows); None for any other data set."""
    if dataset.source != "generated" or dataset.name != TITLE:
        return None
    try:
        X, _, _, planted = sequences(**dataset.options, with_truth=True)
    except TypeError:
        return None
    return planted if X.shape == dataset.X.shape and np.array_equal(X, dataset.X) else None
