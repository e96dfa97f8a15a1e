"""The contract between algorithms and everything that shows them.

An `Algorithm.run(dataset, params, ctx)` is a generator of `Snapshot`s: plain frozen
dataclasses of numpy arrays, one type per kind of picture. The window draws them; a
test or a notebook just iterates: `[s for s in algorithm.run(dataset, params, ctx)]`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from engine.data import Dataset
from engine.params import Param, resolve


class Cancelled(Exception):
    """Raised by `RunContext.check()` when the user cancelled the run."""


class TooManyPoints(ValueError):
    """This many points would not fit in memory (or would take far too long) for this run:
    `limit` points would. The window offers a random subsample of `limit` points instead."""

    def __init__(self, message: str, n: int, limit: int):
        super().__init__(message)
        self.n, self.limit = int(n), int(limit)


class RunContext:
    """What a run may ask of its host: cancellation, progress, randomness, a torch device and
    how many CPU threads it may use (a window keeps a core free to draw; None: all of them)."""

    def __init__(
        self,
        seed: int = 0,
        cancel_event: threading.Event | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        device: str = "auto",
        threads: int | None = None,
    ):
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        self._cancel = cancel_event or threading.Event()
        self._on_progress = on_progress
        self._device_choice = device
        self._device = None
        self.threads = max(1, int(threads)) if threads else max(1, os.cpu_count() or 1)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def thread_limits(self):
        """A context in which BLAS and OpenMP pools use at most `threads` threads.

        The host wraps a run in it; threadpoolctl (which comes with scikit-learn) is only
        imported when a limit is needed.
        """
        if self.threads >= (os.cpu_count() or 1):
            return contextlib.nullcontext()
        from threadpoolctl import threadpool_limits

        return threadpool_limits(limits=self.threads)

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Call between small steps of a long loop; stops the run at once when cancelled."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, fraction: float, message: str = "") -> None:
        if self._on_progress is not None:
            self._on_progress(min(max(float(fraction), 0.0), 1.0), message)

    def torch_device(self):
        """CUDA or MPS when present (and not turned off), else the CPU; imports torch."""
        if self._device is None:
            from engine.generative.torch_setup import pick_device

            self._device = pick_device(self._device_choice)
        return self._device


# ---------------------------------------------------------------- snapshots


@dataclass(frozen=True, kw_only=True, eq=False)
class Snapshot:
    """One state of a run. `step` counts snapshots; `message` says what the step did."""

    step: int = 0
    message: str = ""


@dataclass(frozen=True, kw_only=True, eq=False)
class Partition(Snapshot):
    """Hard clusters: a label per point, optional centres, and the objective so far.

    `trace` holds the objective at every snapshot up to this one (for the curve);
    `centre_path` the centres at every snapshot so far, shape (steps, k, d) (for trails).
    """

    labels: np.ndarray
    centres: np.ndarray | None = None
    objective: float = float("nan")
    objective_name: str = "J"
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    centre_path: np.ndarray | None = None
    phase: str = ""
    changed: int = 0
    converged: bool = False
    # k-means++ seeding: each point's probability (∝ D²) of being drawn as the next centre.
    seed_weights: np.ndarray | None = None
    # Restarts: the final objective of each run so far, and which one is the best.
    restarts: np.ndarray | None = None
    best_run: int = 0
    # Elbow: the final objective for k = 1, 2, ..., len(elbow).
    elbow: np.ndarray | None = None

    @property
    def k(self) -> int:
        return int(self.labels.max()) + 1 if self.labels.size else 0


@dataclass(frozen=True, kw_only=True, eq=False)
class Tree(Snapshot):
    """A hierarchy as a scipy linkage matrix, of which the first `n_merges` rows are done."""

    linkage: np.ndarray
    n_merges: int
    method: str = ""
    metric: str = ""
    cophenetic: float = float("nan")

    @property
    def n_leaves(self) -> int:
        return self.linkage.shape[0] + 1

    @property
    def complete(self) -> bool:
        return self.n_merges == self.linkage.shape[0]


@dataclass(frozen=True, kw_only=True, eq=False)
class Spectrum(Snapshot):
    """A linear decomposition: eigenvalues, components and the data's scores on them.

    Reconstruct row i from q components as `mean + scale * (scores[i, :q] @ components[:q])`.
    """

    eigenvalues: np.ndarray
    explained_ratio: np.ndarray
    components: np.ndarray
    scores: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    image_shape: tuple[int, int] | None = None

    @property
    def cumulative_ratio(self) -> np.ndarray:
        return np.cumsum(self.explained_ratio)

    def reconstruct(self, rows: np.ndarray, q: int) -> np.ndarray:
        """The chosen rows rebuilt from their first q scores, in the original units."""
        rows = np.asarray(rows)
        return self.mean + self.scale * (self.scores[rows, :q] @ self.components[:q])


@dataclass(frozen=True, eq=False)
class MLP:
    """A copy of a small network's weights that runs in numpy, so a snapshot can decode
    without torch, from any thread, as it was at that step."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    hidden: str = "relu"
    output: str = "identity"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        h = np.atleast_2d(np.asarray(z, dtype=np.float64))
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w.T + b
            if i < last:
                h = np.maximum(h, 0.0) if self.hidden == "relu" else np.tanh(h)
        if self.output == "sigmoid":
            h = 0.5 * (1.0 + np.tanh(0.5 * h))
        return h


@dataclass(frozen=True, kw_only=True, eq=False)
class LatentModel(Snapshot):
    """A trained (or training) latent-variable model: the data's codes and a decoder.

    `decode(z)` maps codes (m, latent_dim) to points in data space (m, d).
    Loss curves are per epoch so far; `elbo = -(recon + kl)` per data point.
    """

    codes: np.ndarray
    decoder: MLP
    epoch: int
    n_epochs: int
    elbo: np.ndarray
    recon: np.ndarray
    kl: np.ndarray
    out_mean: np.ndarray
    out_scale: np.ndarray
    image_shape: tuple[int, int] | None = None

    @property
    def latent_dim(self) -> int:
        return self.codes.shape[1]

    def decode(self, z: np.ndarray) -> np.ndarray:
        return self.out_mean + self.out_scale * self.decoder(z)


# ---------------------------------------------------------------- algorithms


class Algorithm:
    """One method. Subclasses set the class attributes and write `run` as a generator.

    `run` gets checked parameters (see `engine.params.resolve`) and yields snapshots
    as it goes, the last one final. It checks `ctx.cancelled()` or calls `ctx.check()`
    often enough that a cancel stops it within a fraction of a second.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    summary: ClassVar[str]
    objective: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    snapshot_type: ClassVar[type[Snapshot]] = Snapshot
    # Heavy libraries a run imports on first use (module names): a host says it is loading
    # them, since a first import of torch or scikit-learn takes seconds.
    libraries: ClassVar[tuple[str, ...]] = ()

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        """Raise ValueError with a plain message if this data or these values cannot work."""

    def max_points(self, dataset: Dataset, params: Mapping[str, Any]) -> int | None:
        """Methods whose cost grows as n² (an n×n matrix): the most points a run with these
        parameters may take on this machine (engine.big_inputs); None: no limit."""
        return None

    def too_many_points(self, n: int, params: Mapping[str, Any]) -> str:
        """Why n points are more than `max_points`, in a sentence that names the cost."""
        return f"{self.name} cannot run on {n:,} points on this machine."

    def check_size(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        """Raise TooManyPoints before a run that would not fit in memory."""
        limit = self.max_points(dataset, params)
        if limit is not None and dataset.n > limit:
            raise TooManyPoints(f"{self.too_many_points(dataset.n, params)} Use at most "
                                f"{limit:,} points (a random subsample).", dataset.n, limit)

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[Snapshot]:
        raise NotImplementedError

    def resolve(self, dataset: Dataset, values: Mapping[str, Any] | None = None) -> dict:
        """Defaults filled in and every value checked, against the specs and this data; the
        size last, so a problem a subsample cannot mend is named first."""
        params = resolve(self.params, values)
        self.check(dataset, params)
        self.check_size(dataset, params)
        return params

    def start(self, dataset: Dataset, values: Mapping[str, Any] | None = None,
              ctx: RunContext | None = None) -> Iterator[Snapshot]:
        """Check the parameters now (raising at once), then return the run's generator."""
        params = self.resolve(dataset, values)
        if ctx is None:
            ctx = RunContext(seed=params.get("seed", 0))
        return self.run(dataset, params, ctx)


def run_to_end(algorithm: Algorithm | str, dataset: Dataset,
               params: Mapping[str, Any] | None = None, seed: int = 0) -> Snapshot:
    """Run headless and return the final snapshot."""
    if isinstance(algorithm, str):
        from engine import registry

        algorithm = registry.get(algorithm)
    values = dict(params or {})
    if any(p.name == "seed" for p in algorithm.params):
        values.setdefault("seed", seed)
    last = None
    for snapshot in algorithm.start(dataset, values, RunContext(seed=values.get("seed", seed))):
        last = snapshot
    if last is None:
        raise RuntimeError(f"{algorithm.id} yielded no snapshot")
    return last


@dataclass(frozen=True, kw_only=True, eq=False)
class Mixture(Snapshot):
    """A mixture of Gaussians during EM: its parameters and each point's responsibilities.

    `covariances` are always k full (d, d) matrices, whatever `covariance_type` the model
    has, so views draw every type alike. `responsibilities` (n, k) are float32 (they are the
    snapshot's bulk); `labels` their argmax. `log_likelihood` is the total of the parameters
    the responsibilities came from (an M step's new parameters are scored at the next E
    step), `trace` that value at every E step so far (EM never lowers it). `bic` and `aic`,
    over K = 1, 2, …, only in a run's final snapshot.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str = "full"
    responsibilities: np.ndarray
    labels: np.ndarray
    log_likelihood: float = float("nan")
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    phase: str = ""  # "init", "E", "M" or "criteria"
    iteration: int = 0
    converged: bool = False
    bic: np.ndarray | None = None
    aic: np.ndarray | None = None

    @property
    def k(self) -> int:
        return len(self.weights)


@dataclass(frozen=True, kw_only=True, eq=False)
class Spectral(Snapshot):
    """Spectral clustering: the graph, its Laplacian's spectrum, the points in its first k
    eigenvectors and k-means there.

    `affinity` is the n×n adjacency A without the regularising constant (a dense array for
    RBF, a scipy sparse matrix for k nearest neighbours); the run's graph is A + `tau_added`
    everywhere (tau / n). `eigenvalues` are the smallest of the symmetric normalised
    Laplacian, ascending; `eigengap_k` the k after the largest gap among them. `embedding`
    (n, k) is the rows of the first k eigenvectors scaled to unit length (Ng, Jordan and
    Weiss); `centres` the k-means centres there. `labels` are -1 until k-means has assigned.
    `kmeans_labels`, in the last snapshot only, are plain k-means's clusters of the data
    itself (same k and seed), to show beside: on moons and circles it cuts across the shapes.
    """

    affinity: Any
    affinity_name: str = ""
    tau_added: float = 0.0
    eigenvalues: np.ndarray = field(default_factory=lambda: np.empty(0))
    eigengap_k: int = 0
    embedding: np.ndarray | None = None
    labels: np.ndarray
    centres: np.ndarray | None = None
    objective: float = float("nan")
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    phase: str = ""  # "affinity", "spectrum", then k-means's "init", "assign", "update"; "done"
    n_clusters: int = 0
    kmeans_labels: np.ndarray | None = None  # k-means on the data itself, in the last snapshot

    @property
    def k(self) -> int:
        return self.n_clusters
