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

    def part(self, start: float, end: float, label: str = "") -> RunContext:
        """A context for one part of this run (a method run inside another): it shares the
        cancel, maps its progress into [start, end] of this run's, and prefixes `label`."""
        def progress(fraction: float, message: str) -> None:
            text = f"{label}: {message}" if label and message else (label or message)
            self.progress(start + (end - start) * fraction, text)

        part = RunContext(seed=self.seed, cancel_event=self._cancel, on_progress=progress,
                          device=self._device_choice, threads=self.threads)
        part._device = self._device
        return part

    def torch_device(self):
        """CUDA or MPS when present (and not turned off), else the CPU; imports torch."""
        if self._device is None:
            from engine.generative.torch_setup import pick_device

            self._device = pick_device(self._device_choice)
        return self._device


# ---------------------------------------------------------------- snapshots


def frozen(a, copy: bool = False) -> np.ndarray:
    """The array made read-only, for a snapshot: the window's threads share it, so nothing
    may write to it after. `copy`: freeze a copy (the run goes on changing its own)."""
    a = np.array(a) if copy else np.asarray(a)
    a.flags.writeable = False
    return a


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
    # The ultrametric check, in a finished tree's snapshot (engine/clustering/ultrametric.py):
    # the share of triples whose original distances break d(x,y) ≤ max(d(x,z), d(y,z)), the
    # same for the tree's cophenetic distances (0: they never do), how many triples were
    # checked and whether that was every triple (else a seeded random sample), and the mean
    # of (largest − second largest) / largest of each triple's original distances.
    broken_triples: float = float("nan")
    broken_triples_tree: float = float("nan")
    triples_checked: int = 0
    triples_exact: bool = False
    triples_excess: float = float("nan")

    @property
    def n_leaves(self) -> int:
        return self.linkage.shape[0] + 1

    @property
    def complete(self) -> bool:
        return self.n_merges == self.linkage.shape[0]


@dataclass(frozen=True, kw_only=True, eq=False)
class Spectrum(Snapshot):
    """A linear decomposition: eigenvalues, components and the data's scores on them.

    Reconstruct row i from q components as `mean + scale * (scores[i, :q] @ components[:q])`
    (whitened scores are first multiplied back by √λ). `reconstruction_error[q − 1]` is the
    mean squared error Σᵢ ‖zᵢ − ẑᵢ‖² / (n − 1) of the prepared rows rebuilt from q components:
    the sum of the eigenvalues left out. `whitened`: the scores were divided by √λ.
    `quality` (engine/reduction/quality.py): how well the first two scores keep the prepared
    rows' neighbours and distances, as for every embedding.
    """

    eigenvalues: np.ndarray
    explained_ratio: np.ndarray
    components: np.ndarray
    scores: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    image_shape: tuple[int, int] | None = None
    reconstruction_error: np.ndarray = field(default_factory=lambda: np.empty(0))
    whitened: bool = False
    quality: Any = None

    @property
    def cumulative_ratio(self) -> np.ndarray:
        return np.cumsum(self.explained_ratio)

    def reconstruct(self, rows: np.ndarray, q: int) -> np.ndarray:
        """The chosen rows rebuilt from their first q scores, in the original units."""
        rows = np.asarray(rows)
        scores = self.scores[rows, :q]
        if self.whitened:
            scores = scores * np.sqrt(np.clip(self.eigenvalues[:q], 0.0, None))
        return self.mean + self.scale * (scores @ self.components[:q])


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
    # A β-VAE minimises recon + β·KL per point; `elbo` stays the true ELBO whatever β is.
    beta: float = 1.0
    # Codes z ~ N(0, I) drawn once per run from its seed, the same in every snapshot, so the
    # samples they decode to can be watched sharpening epoch by epoch; None: none drawn.
    prior_z: np.ndarray | None = None
    # The samples judged (engine.generative.judging.Judgement), in the last snapshot of a
    # run on labelled images; None otherwise.
    judgement: Any = None
    # Decoded on the worker, so that the window only draws them (a snapshot without them, as
    # an older file gives, is decoded by the view): `prior_z` decoded (m, d); the latent
    # traversal decoded (latent_dim · steps, d); the (low, high) of some of the codes decoded,
    # one grey scale for every decoded image.
    prior_out: np.ndarray | None = None
    traversal_out: np.ndarray | None = None
    out_range: np.ndarray | None = None

    @property
    def latent_dim(self) -> int:
        return self.codes.shape[1]

    @property
    def minimised(self) -> np.ndarray:
        """What training minimised, per point and epoch: recon + β·KL (−ELBO when β = 1)."""
        return self.recon + self.beta * self.kl

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
    # What the method reads itself when a data set stands in for something else: "distances"
    # (a loaded table of distances), "texts" (the strings of a word list). Other methods work
    # on X, the 2-D map made of them, and the window says so (`input_note`).
    reads: ClassVar[tuple[str, ...]] = ()

    @property
    def frame_name(self) -> str:
        """What the timeline counts: "Step" where a snapshot is one step of the method;
        "Picture" for a network trained by gradient steps, which takes many between two
        snapshots (its message counts those: "Step 40 of 40 — training step 4,000" read as
        two clocks disagreeing)."""
        return "Picture" if "torch" in self.libraries else "Step"

    def input_note(self, dataset: Dataset) -> str:
        """A sentence for beside the form when this method will see only the 2-D map that
        stands in for the data (a distance table's, a word list's), or ""."""
        if dataset.distances is not None and "distances" not in self.reads:
            return (f"{self.name} works on the table's 2-D classical MDS map (MDS 1, MDS 2), "
                    "not on the distances themselves: MDS scales the distances.")
        if dataset.texts is not None and "texts" not in self.reads:
            return (f"{self.name} works on a 2-D map of the strings, not on the strings: the "
                    "distance explorer compares the strings themselves (edit distance).")
        return ""

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        """Raise ValueError with a plain message if this data or these values cannot work."""

    def libraries_for(self, dataset: Dataset, params: Mapping[str, Any]) -> tuple[str, ...]:
        """The heavy libraries a run on this data with these parameters imports in this
        process (a method that runs others, chosen by its parameters, names theirs; one that
        computes in a process of its own on big data does not name what only that uses)."""
        return self.libraries

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

    def defaults(self) -> dict:
        """The parameters' default values (unchecked against any data)."""
        return resolve(self.params, {})

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


@dataclass(frozen=True, kw_only=True, eq=False)
class Distances(Snapshot):
    """The distance explorer: one metric's n × n distance matrix, and its seriation.

    `matrix` holds d(xᵢ, xⱼ) in data order; `metric` names it for people ("Minkowski,
    r = 3"), `r` is its Minkowski exponent (∞ for Chebyshev; nan for a metric that is no
    norm's, which has no unit ball), `ball` the unit circle {x : ‖x‖_r = 1} in the plane
    (None without one). Once the tree is built, `linkage` (scipy's (n−1, 4) format) is the
    `linkage_name` hierarchy of the matrix and `order` its leaves left to right (optimal
    leaf ordering when `optimal`): the seriation, the rows and columns of the ordered
    heatmap. `adjacent` is the mean distance between neighbouring rows, in data order and
    in the seriation (what the ordering makes small).
    """

    matrix: np.ndarray
    metric: str
    r: float = float("nan")
    ball: np.ndarray | None = None
    linkage: np.ndarray | None = None
    linkage_name: str = ""
    order: np.ndarray | None = None
    optimal: bool = False
    adjacent: tuple[float, float] = (float("nan"), float("nan"))
    phase: str = ""  # "matrix", then "seriation"


@dataclass(frozen=True, kw_only=True, eq=False)
class SpanningTree(Snapshot):
    """A minimum spanning tree growing in Kruskal's order, then cut into k trees.

    `edges` (n − 1, 2) and `weights` are the whole tree, shortest edge first (the same arrays
    in every snapshot); the first `n_edges` are grown so far and the last `n_cut` are cut.
    `labels` are the trees so far: −1 for a point not yet joined while growing; after the
    cut, the k clusters (single linkage's). `phase`: "grow", "cut" or "done"."""

    edges: np.ndarray
    weights: np.ndarray
    n_edges: int
    n_cut: int = 0
    labels: np.ndarray
    metric: str = ""
    n_clusters: int = 0
    total_weight: float = float("nan")
    phase: str = ""

    @property
    def kept(self) -> np.ndarray:
        """The edges drawn solid: grown and not cut."""
        return self.edges[: min(self.n_edges, len(self.edges) - self.n_cut)]

    @property
    def cut(self) -> np.ndarray:
        """The edges cut (drawn dashed): the n_cut longest."""
        return self.edges[len(self.edges) - self.n_cut:] if self.n_cut else self.edges[:0]


@dataclass(frozen=True, kw_only=True, eq=False)
class OptimalPartition(Snapshot):
    """The exhaustive search for the partition of a tiny set with the least k-means J.

    `labels`, `centres` and `objective` are the best partition found so far, after `searched`
    of the `total` partitions (S(n, K), a Stirling number of the second kind); `trace` the
    best J after each batch, at `searched_trace` partitions. `kmeans_labels` (seeds, n) and
    `kmeans_objective` (seeds,) are k-means's answers from `kmeans_seeds`, for comparison."""

    labels: np.ndarray
    centres: np.ndarray
    objective: float
    searched: int
    total: int
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    searched_trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    kmeans_labels: np.ndarray
    kmeans_objective: np.ndarray
    kmeans_seeds: np.ndarray
    phase: str = ""  # "search" or "done"

    @property
    def k(self) -> int:
        return len(self.centres)

    @property
    def complete(self) -> bool:
        return self.searched == self.total


@dataclass(frozen=True, kw_only=True, eq=False)
class DensityScan(Snapshot):
    """DBSCAN growing its clusters point by point.

    `core` marks the points with at least `min_samples` points (themselves included) within
    `eps`. `labels` are the clusters so far (−1: not reached, or noise). The outer scan has
    looked at points 0 … `scanned` − 1; `current` is the core point just expanded (−1:
    none), `frontier` the points waiting in the queue, `new_cores` the last few core points
    expanded, oldest first (their eps-balls are drawn). `k_distances` is every point's distance to
    its `min_samples`-th nearest point (itself the first): a point is core exactly when it
    is at most eps. `phase`: "neighbourhoods", "grow" or "done"."""

    labels: np.ndarray
    core: np.ndarray
    scanned: int = 0
    current: int = -1
    frontier: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    new_cores: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    eps: float
    min_samples: int
    metric: str = "euclidean"
    k_distances: np.ndarray
    n_clusters: int = 0
    phase: str = ""

    def kinds(self) -> np.ndarray:
        """Each point's part: CORE (0), BORDER (1), NOISE (2) or UNSEEN (3) so far. A point
        the scan has passed unreached is noise for now; a later cluster may make it border."""
        kinds = np.full(len(self.labels), UNSEEN, dtype=np.int8)
        reached = self.labels >= 0
        kinds[reached & self.core] = CORE
        kinds[reached & ~self.core] = BORDER
        kinds[:self.scanned][~reached[:self.scanned]] = NOISE
        return kinds


CORE, BORDER, NOISE, UNSEEN = 0, 1, 2, 3


@dataclass(frozen=True, kw_only=True, eq=False)
class DensityTree(Snapshot):
    """HDBSCAN in stages: core distances, the minimum spanning tree of the mutual
    reachability distance, its condensed tree, and the clusters chosen from it.

    `core_distances` are each point's distance to its `min_samples`-th nearest point (itself
    the first). `mst_edges` (n − 1, 2) and `mst_weights` are the tree, shortest edge first;
    the first `n_edges` are shown. The condensed tree is one row per (parent, child): cluster
    ids from n up (n is the root), a child below n is a point; `tree_lambda` is 1/distance
    where the child left the parent, `tree_size` its size. `stability` holds one value per
    cluster id n, n + 1, …; `selected` the ids chosen. `labels` and `probabilities` are
    scikit-learn's (−1: noise), in the last stage only (before: −1 and 0).
    `phase`: "core", "mst", "condensed" or "done"."""

    core_distances: np.ndarray
    mst_edges: np.ndarray
    mst_weights: np.ndarray
    n_edges: int = 0
    tree_parent: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    tree_child: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    tree_lambda: np.ndarray = field(default_factory=lambda: np.empty(0))
    tree_size: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    stability: np.ndarray = field(default_factory=lambda: np.empty(0))
    selected: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    labels: np.ndarray
    probabilities: np.ndarray
    min_cluster_size: int
    min_samples: int
    metric: str = "euclidean"
    selection: str = "eom"
    phase: str = ""

    @property
    def n_clusters(self) -> int:
        return int(self.labels.max()) + 1 if self.labels.size else 0


@dataclass(frozen=True, kw_only=True, eq=False)
class Experts(Snapshot):
    """A mixture of experts during EM: linear or logistic regressions and their softmax gate.

    Rows of `coefficients` and `gating` (k, 1 + p) hold an intercept, then a weight per input
    (linear experts: every column but the last, which is the target; logistic experts: every
    column, the labels being the two classes). The gate is π_i(x) = softmax_i(ξ_iᵀ(1, x)),
    its last row zero. `variances` (k,) are the linear experts' noise variances (None for
    logistic ones). `responsibilities` (n, k) float32, `labels` their argmax. `objective` is
    the log-likelihood minus the L2 penalty (`objective_name` says which), `trace` it after
    the initial fit and after every M step: EM never lowers it."""

    kind: str = "linear"  # "linear" or "logistic"
    coefficients: np.ndarray
    variances: np.ndarray | None = None
    gating: np.ndarray
    responsibilities: np.ndarray
    labels: np.ndarray
    log_likelihood: float = float("nan")
    objective: float = float("nan")
    objective_name: str = "log-likelihood"
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    phase: str = ""  # "init", "E" or "M"
    iteration: int = 0
    converged: bool = False

    @property
    def k(self) -> int:
        return len(self.coefficients)


@dataclass(frozen=True, kw_only=True, eq=False)
class Divisive(Tree):
    """Divisive clustering (bisecting k-means): the tree split so far, top down.

    `linkage` is complete (scipy format): the points of each current cluster are joined at
    height 0 (nothing below the leaves is computed) and each split sits at the SSE of the
    cluster it split, so cutting it into `n_clusters` gives the current clusters. `labels`
    are those clusters, numbered left to right as the dendrogram draws them; `centres` their
    means; `objective` the total SSE now and `trace` the total SSE after each step so far."""

    labels: np.ndarray
    centres: np.ndarray
    objective: float = float("nan")
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    strategy: str = ""
    n_clusters: int = 0

    @property
    def k(self) -> int:
        return self.n_clusters


@dataclass(frozen=True, kw_only=True, eq=False)
class Embedding(Snapshot):
    """Points placed in a few dimensions by a reduction method (MDS, Isomap, t-SNE, UMAP,
    …), as it goes: every method that outputs coordinates shows them through this one type,
    so one view, one export and one comparison serve them all.

    `coords` (n, m) are the points now (views draw the first two; m = 1 gets a zero second
    axis). `trace` is `objective_name` at the iterations `trace_at` (stress, KL divergence,
    …); `marks` are (iteration, label) lines on that curve ("early exaggeration ends").
    `edges` (e, 2) are rows joined by a graph the method built (a k-nearest-neighbour graph),
    drawn on the data; `flagged` marks the edges to show apart (short circuits across a
    manifold). `quality` (engine/reduction/quality.py) only in the last snapshot.
    """

    coords: np.ndarray
    axis_names: tuple[str, str] = ("dimension 1", "dimension 2")
    objective_name: str = ""
    objective: float = float("nan")
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    trace_at: np.ndarray = field(default_factory=lambda: np.empty(0))
    marks: tuple[tuple[float, str], ...] = ()
    phase: str = ""
    iteration: int = 0
    n_iter: int = 0
    iteration_name: str = "iteration"  # what an iteration is called: UMAP's are epochs
    edges: np.ndarray | None = None
    flagged: np.ndarray | None = None
    quality: Any = None  # engine.reduction.quality.Quality in the last snapshot


@dataclass(frozen=True, kw_only=True, eq=False)
class Comparison(Snapshot):
    """Several embeddings of the same data, one per method run so far: each method's 2-D
    coordinates, its quality measures and the seconds it took; `pending` names those still
    to run, `refused` those that cannot run on this data and why."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    coords: tuple[np.ndarray, ...]
    qualities: tuple[Any, ...]  # engine.reduction.quality.Quality, one per method
    seconds: tuple[float, ...]
    pending: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()  # "method: why", for chosen methods the data rules out


@dataclass(frozen=True, kw_only=True, eq=False)
class Factorisation(Embedding):
    """Non-negative matrix factorisation X ≈ W H as it iterates: `coords` are the codes W
    (n, k), `components` the parts H (k, d), both ≥ 0; `trace` is ‖X − WH‖²_F (Frobenius,
    squared) after each iteration, `trace_at` its iteration numbers (0: the initial guess).
    `reference_error`, in the last snapshot only, is scikit-learn's NMF ‖X − WH‖_F with the
    same init, solver and iterations, for comparison (nan: not computed)."""

    components: np.ndarray
    image_shape: tuple[int, int] | None = None
    solver: str = ""
    init: str = ""
    reference_error: float = float("nan")

    def reconstruct(self, rows: np.ndarray) -> np.ndarray:
        """The chosen rows rebuilt from their codes: W[rows] H."""
        return self.coords[np.asarray(rows)] @ self.components


@dataclass(frozen=True, kw_only=True, eq=False)
class SparseCoding(Snapshot):
    """Dictionary learning, then sparse coding with the learnt atoms.

    `atoms` (k, d), unit rows, in the data's units divided by `scale` (after subtracting
    `mean`). While learning (`phase` "learn"), `trace` is the lasso objective
    ½‖x − aD‖² + α‖a‖₁ averaged over a fixed sample of training rows, at `trace_at` mini-
    batches. Once coded ("done"): for held-out rows `test_rows`, the mean relative error
    ‖x − x̂‖² / ‖x‖² of each coder: thresholding and OMP at `levels` non-zeros
    (`threshold_error`, `omp_error`), the lasso at `lasso_alphas` (its mean non-zeros in
    `lasso_nonzeros`, its error in `lasso_error`). `example_row` is one held-out row coded
    by OMP with 1, 2, … non-zeros: `example_codes` (levels, k)."""

    atoms: np.ndarray
    image_shape: tuple[int, int] | None = None
    mean: np.ndarray
    scale: float = 1.0
    alpha: float = 1.0
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    trace_at: np.ndarray = field(default_factory=lambda: np.empty(0))
    iteration: int = 0
    n_iter: int = 0
    phase: str = ""  # "learn", then "done"
    thresholding: str = "hard"
    test_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    levels: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    threshold_error: np.ndarray = field(default_factory=lambda: np.empty(0))
    omp_error: np.ndarray = field(default_factory=lambda: np.empty(0))
    lasso_alphas: np.ndarray = field(default_factory=lambda: np.empty(0))
    lasso_nonzeros: np.ndarray = field(default_factory=lambda: np.empty(0))
    lasso_error: np.ndarray = field(default_factory=lambda: np.empty(0))
    example_row: int = -1
    example_codes: np.ndarray | None = None

    @property
    def k(self) -> int:
        return self.atoms.shape[0]


@dataclass(frozen=True, kw_only=True, eq=False)
class Scaling(Embedding):
    """Multidimensional scaling: an Embedding with what says how well distances are kept.

    `eigenvalues` are those of B = −½ H D² H, largest first (all n of them): negative ones
    say D is not Euclidean, and their share of the absolute total (`negative_share`) how
    far from it. The Shepard diagram is drawn from `shepard_input` (input distances of a
    seeded sample of pairs), `shepard_output` (those pairs' distances in the embedding now)
    and, for non-metric MDS, `shepard_disparities` (the monotone fit of the output on the
    input that the stress compares against; None for metric and classical MDS). `kind` is
    "classical", "metric" or "non-metric"; `metric` names the input distances."""

    kind: str = "classical"
    metric: str = ""
    eigenvalues: np.ndarray = field(default_factory=lambda: np.empty(0))
    negative_share: float = 0.0
    shepard_input: np.ndarray = field(default_factory=lambda: np.empty(0))
    shepard_output: np.ndarray = field(default_factory=lambda: np.empty(0))
    shepard_disparities: np.ndarray | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class AdaptivePCA(Snapshot):
    """Principal components found one at a time, by power iteration with deflation or by
    Oja's rule, in the prepared (centred, perhaps scaled) units.

    `vector` is the unit vector being turned towards component `component` (0-based) now;
    `found` (k, d) the components finished so far and `found_values` their variances
    (Rayleigh quotients). `true_components` (q, d) and `true_values` are the reference
    (eigh of the covariance). Traces, one value per recorded step at `trace_at` (iterations,
    or epochs for Oja): `angles`, the angle in degrees between the vector and its true
    eigenvector (sign ignored), `rayleigh`, wᵀSw, and `trace_component`, which component
    the step belongs to. Reconstruct a direction in data units as `scale * w`."""

    method: str = ""
    component: int = 0
    vector: np.ndarray
    found: np.ndarray
    found_values: np.ndarray = field(default_factory=lambda: np.empty(0))
    true_components: np.ndarray
    true_values: np.ndarray
    total_variance: float = float("nan")
    angles: np.ndarray = field(default_factory=lambda: np.empty(0))
    rayleigh: np.ndarray = field(default_factory=lambda: np.empty(0))
    trace_at: np.ndarray = field(default_factory=lambda: np.empty(0))
    trace_component: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    mean: np.ndarray
    scale: np.ndarray
    phase: str = ""  # "learn" or "done"
    scores: np.ndarray | None = None  # (n, k) on the components found, in the last snapshot


@dataclass(frozen=True, kw_only=True, eq=False)
class FactorModel(Snapshot):
    """Factor analysis x = μ + Wᵀz + ε, ε ~ N(0, diag ψ), during its EM (SVD) iterations,
    beside PCA on the same data.

    `loadings` (k, d) is W now (rotated in the last snapshot when a rotation was asked for),
    `noise_variance` (d,) ψ; `log_likelihood` per iteration so far in `trace`.
    `pca_loadings` (k, d) are PCA's components × √λ, the same units, for comparison; each
    row of both is signed so its largest entry is positive. `scores` (n, k): the factor
    scores E[z | x], in the last snapshot."""

    loadings: np.ndarray
    noise_variance: np.ndarray
    pca_loadings: np.ndarray
    mean: np.ndarray
    log_likelihood: float = float("nan")
    trace: np.ndarray = field(default_factory=lambda: np.empty(0))
    iteration: int = 0
    converged: bool = False
    rotation: str = "none"
    phase: str = ""  # "em" or "done"
    scores: np.ndarray | None = None
    quality: Any = None  # of the first two factor scores as a map, in the last snapshot


@dataclass(frozen=True, kw_only=True, eq=False)
class Discriminant(Embedding):
    """LDA or QDA fitted to labelled data: the points in a plane (`coords` (n, 2): LDA's
    discriminant axes, or the data's own two features), the classifier's boundaries drawn
    in that plane (`boundaries` (m, 2, 2) segments, from its predictions on a grid), each
    class's mean and covariance seen in the plane (`means` (C, 2), `covariances` (C, 2, 2);
    LDA's are one shared covariance). `plane_exact`: the boundaries in the plane are the
    classifier's own (False: a slice through the grand mean of a space of more dimensions).
    `data_boundaries` are drawn over the data's own features when it has exactly two (None
    otherwise). `predictions` are the training points' classes, `accuracy` their share
    right, `class_accuracy` per class; `explained_ratio` LDA's between-class variance per
    discriminant axis."""

    kind: str = "lda"
    plane: str = ""  # what the plane is, in words
    plane_exact: bool = True
    boundaries: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    data_boundaries: np.ndarray | None = None
    predictions: np.ndarray
    accuracy: float = float("nan")
    class_accuracy: np.ndarray = field(default_factory=lambda: np.empty(0))
    explained_ratio: np.ndarray = field(default_factory=lambda: np.empty(0))


@dataclass(frozen=True, kw_only=True, eq=False)
class Separation(Embedding):
    """ICA (FastICA or Infomax) as it iterates, beside PCA on the same data.

    `coords` (n, k) are the recovered sources, unit variance; where the true sources are
    known (a generated mixture) they are put in the true ones' order and sign (Hungarian
    matching on |correlation|). `unmixing` (k, d) maps centred data to them,
    s = (x − mean) unmixingᵀ; `mixing` (d, k) the estimated mixing matrix, whose columns are
    each source's direction in data space. `true_sources` (n, k') and `true_mixing` (d, k')
    with `source_names`, when known; `amari` the Amari index of unmixing · true_mixing (0:
    perfect; nan: unknown), `correlations` |r| of each true source with its match. The
    `pca_*` fields are the same for whitened PCA. `trace` is the Amari index per recorded
    step where the truth is known, else the method's own convergence measure."""

    method: str = "fastica"
    contrast: str = ""
    unmixing: np.ndarray
    mixing: np.ndarray
    mean: np.ndarray
    true_sources: np.ndarray | None = None
    true_mixing: np.ndarray | None = None
    source_names: tuple[str, ...] = ()
    amari: float = float("nan")
    correlations: np.ndarray = field(default_factory=lambda: np.empty(0))
    pca_sources: np.ndarray
    pca_unmixing: np.ndarray
    pca_amari: float = float("nan")
    pca_correlations: np.ndarray = field(default_factory=lambda: np.empty(0))
    converged: bool = False
