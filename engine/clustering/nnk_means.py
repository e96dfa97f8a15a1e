"""NNK-means (Shekkizhar and Ortega): a dictionary of atoms that summarises a data set, each
point coded by non-negative kernel regression (NNK) on its nearest atoms; beside it k-means
with as many centroids, from the same start.

Each iteration:
1. Coding. Under the Gaussian kernel κ(x, y) = exp(−‖x − y‖² / 2σ²) each point x takes its
   `n_neighbors` nearest atoms S and the non-negative weights θ that best rebuild φ(x) from
   their images in the kernel's feature space:
   min_θ≥0 ‖φ(x) − Φ_S θ‖² = κ(x, x) − 2 θᵀk_S + θᵀK_SS θ.
   The solve is exact coordinate descent on this small quadratic (each weight in turn set to
   its non-negative minimiser), for every point at once. Atoms that lie on the far side of
   an atom already used get weight zero: the code is sparse and local, as in the NNK graph.
2. Atoms. Each atom becomes the weighted mean of the points it codes, Σᵢ θᵢⱼ xᵢ / Σᵢ θᵢⱼ
   (with one neighbour the weight is κ(x, d), so this is a kernel-weighted k-means update,
   not k-means's own); an atom no point uses stays.

The coding step is exact, so for fixed atoms no code could do better. The atom update is
not the exact minimiser of the kernel-space error (that minimiser lies in feature space and
need not be the image of any point), so the objective is not guaranteed to fall at every
iteration; it falls in practice and the run reports each iteration's value. σ is fixed at
the start: `width` times the median distance from a point to its nearest initial atom, so
the errors of all iterations are comparable.

Both errors are shown for both methods: the kernel-space error above (k-means codes each
point with its one centroid at the best weight κ(x, c), so its error is 1 − κ(x, c)²) and
the squared error in data space of the reconstruction Σ θⱼ dⱼ / Σ θⱼ (k-means: the centroid).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

MAX_SWEEPS = 500  # coordinate-descent sweeps of one solve; it stops when the weights settle
TOLERANCE = 1e-12
NEGLIGIBLE = 1e-6  # of a point's largest weight: a smaller one is no link


@dataclass(frozen=True, kw_only=True, eq=False)
class NNKDictionary(Snapshot):
    """NNK-means and k-means after `iteration` iterations. `atoms` (M, d) and each point's
    `neighbours` (n, q) atom indices with their NNK `weights` (n, q), zero where unused;
    k-means's `centres` (M, d) and `labels` (n,). Per iteration (0: the shared start): the
    mean kernel-space error and the mean squared data-space error of each method."""

    atoms: np.ndarray
    neighbours: np.ndarray
    weights: np.ndarray
    centres: np.ndarray
    labels: np.ndarray
    nnk_kernel_error: np.ndarray
    kmeans_kernel_error: np.ndarray
    nnk_squared_error: np.ndarray
    kmeans_squared_error: np.ndarray
    sigma: float
    iteration: int
    n_iter: int
    image_shape: tuple[int, int] | None = None

    @property
    def main_atom(self) -> np.ndarray:
        """(n,) the atom of each point's largest weight."""
        return self.neighbours[np.arange(len(self.neighbours)), self.weights.argmax(axis=1)]

    def reconstruct(self, rows) -> np.ndarray:
        """The chosen points rebuilt from their atoms: Σ θⱼ dⱼ / Σ θⱼ."""
        return interpolate(self.atoms, self.neighbours[rows], self.weights[rows])


def squared_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    d = (A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2.0 * A @ B.T
    return np.maximum(d, 0.0)


def gaussian_kernel(A: np.ndarray, B: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(-squared_distances(A, B) / (2.0 * sigma * sigma))


def nnk_weights(K: np.ndarray, k: np.ndarray) -> np.ndarray:
    """θ ≥ 0 minimising ½ θᵀKθ − kᵀθ for each problem: K (n, q, q) positive definite, k (n, q);
    coordinate descent, each coordinate set exactly to max(0, (kⱼ − Σ_{l≠j} Kⱼₗθₗ) / Kⱼⱼ),
    until no weight moves by more than TOLERANCE."""
    n, q = k.shape
    theta = np.zeros((n, q))
    diagonal = np.einsum("nii->ni", K)
    for _ in range(MAX_SWEEPS):
        moved = 0.0
        for j in range(q):
            rest = np.einsum("nl,nl->n", K[:, j, :], theta) - diagonal[:, j] * theta[:, j]
            new = np.maximum(0.0, (k[:, j] - rest) / diagonal[:, j])
            moved = max(moved, float(np.abs(new - theta[:, j]).max(initial=0.0)))
            theta[:, j] = new
        if moved <= TOLERANCE:
            break
    # Weights on their way to zero (1e-14 after the last sweep) change no code, but they
    # would count and draw as links, across clusters: a weight under a millionth of the
    # point's largest is zero.
    theta[theta < NEGLIGIBLE * theta.max(axis=1, keepdims=True)] = 0.0
    return theta


def code(X: np.ndarray, atoms: np.ndarray, q: int, sigma: float
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(neighbours (n, q), weights (n, q), kernel-space error per point (n,))."""
    kx = gaussian_kernel(X, atoms, sigma)
    near = np.argsort(-kx, axis=1, kind="stable")[:, :q]
    kd = gaussian_kernel(atoms, atoms, sigma)
    K = kd[near[:, :, None], near[:, None, :]]
    k = np.take_along_axis(kx, near, axis=1)
    theta = nnk_weights(K, k)
    error = 1.0 - 2.0 * (theta * k).sum(1) + np.einsum("ni,nij,nj->n", theta, K, theta)
    return near, theta, np.maximum(error, 0.0)


def interpolate(atoms: np.ndarray, near: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Σ θⱼ dⱼ / Σ θⱼ per point (a point with no weight: its first atom)."""
    total = theta.sum(1, keepdims=True)
    w = np.where(total > 0, theta / np.where(total > 0, total, 1.0), 0.0)
    w[total[:, 0] <= 0, 0] = 1.0
    return np.einsum("nq,nqd->nd", w, atoms[near])


def update_atoms(X: np.ndarray, atoms: np.ndarray, near: np.ndarray, theta: np.ndarray
                 ) -> np.ndarray:
    """Each atom the weighted mean of the points it codes; an unused atom stays."""
    M = len(atoms)
    mass = np.bincount(near.ravel(), weights=theta.ravel(), minlength=M)
    sums = np.zeros_like(atoms)
    np.add.at(sums, near.ravel(), theta.ravel()[:, None] * X[np.repeat(np.arange(len(X)),
                                                                      near.shape[1])])
    used = mass > 0
    new = atoms.copy()
    new[used] = sums[used] / mass[used, None]
    return new


def lloyd(X: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels of the centres before, centres after) one k-means step; empty ones stay."""
    labels = squared_distances(X, centres).argmin(axis=1)
    new = centres.copy()
    counts = np.bincount(labels, minlength=len(centres))
    sums = np.zeros_like(centres)
    np.add.at(sums, labels, X)
    used = counts > 0
    new[used] = sums[used] / counts[used, None]
    return labels, new


def kmeans_errors(X: np.ndarray, centres: np.ndarray, sigma: float
                  ) -> tuple[np.ndarray, float, float]:
    """(labels, mean kernel-space error 1 − κ², mean squared error) of the nearest centre."""
    d2 = squared_distances(X, centres)
    labels = d2.argmin(axis=1)
    nearest = d2[np.arange(len(X)), labels]
    kappa = np.exp(-nearest / (2.0 * sigma * sigma))
    return labels, float(np.mean(1.0 - kappa ** 2)), float(nearest.mean())


def kernel_width(X: np.ndarray, atoms: np.ndarray, width: float) -> float:
    """`width` × the median distance from a point to its nearest atom: the kernel then
    reaches the next atoms, not the far side of the data."""
    d = np.sqrt(squared_distances(X, atoms).min(axis=1))
    d = d[d > 0]  # points that are atoms (atoms may be all the points) say nothing of scale
    if d.size == 0:  # every point an atom: the spacing between atoms instead
        spacing = np.sqrt(squared_distances(atoms, atoms))
        d = spacing[spacing > 0]
    return width * (float(np.median(d)) if d.size else 1.0)


@register
class NNKMeans(Algorithm):
    id = "nnk-means"
    name = "NNK-means"
    family = "Clustering"
    summary = ("Summarise the data by a few atoms, each point coded by non-negative kernel "
               "regression on its nearest atoms; beside k-means with as many centroids.")
    objective = ("Minimise the mean kernel-space error ‖φ(x) − Σⱼ θⱼ φ(dⱼ)‖², θ ≥ 0 on the "
                 "nearest atoms (Gaussian kernel), alternating codes and atoms.")
    params = (
        Int(name="n_atoms", label="atoms", default=10, low=2, high=200,
            help="How many atoms M (and k-means centroids)."),
        Int(name="n_neighbors", label="neighbours", default=5, low=1, high=20,
            help="Nearest atoms each point may be coded with; NNK keeps only those that add "
                 "something (weights ≥ 0, many zero)."),
        Float(name="width", label="kernel width", default=2.0, low=0.05, high=10.0,
              decimals=2, help="σ as a multiple of the median distance from a point to its "
                               "nearest atom at the start."),
        Int(name="n_iter", label="iterations", default=20, low=1, high=200,
            help="Alternations of coding and atom update (and k-means steps)."),
        seed_param(),
    )
    snapshot_type = NNKDictionary
    libraries = ("sklearn",)

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if params["n_atoms"] > dataset.n:
            raise ValueError(f"{params['n_atoms']} atoms for {dataset.n} points: choose at "
                             f"most {dataset.n}")
        if params["n_neighbors"] > params["n_atoms"]:
            raise ValueError(f"{params['n_neighbors']} neighbours but only "
                             f"{params['n_atoms']} atoms: choose at most {params['n_atoms']}")
        dataset.require_spread(self.name, "summarise")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[NNKDictionary]:
        from engine.clustering.kmeans import plusplus

        X = dataset.X
        M, q, n_iter = params["n_atoms"], params["n_neighbors"], params["n_iter"]
        ctx.progress(0.0, "k-means++ start, shared by both…")
        atoms = plusplus(X, M, params["seed"])[0].astype(np.float64)
        centres = atoms.copy()
        sigma = kernel_width(X, atoms, params["width"])
        traces: dict[str, list[float]] = {k: [] for k in ("nk", "kk", "ns", "ks")}
        for it in range(n_iter + 1):
            if ctx.cancelled():
                return
            near, theta, error = code(X, atoms, q, sigma)
            labels, k_kernel, k_squared = kmeans_errors(X, centres, sigma)
            squared = float(((X - interpolate(atoms, near, theta)) ** 2).sum(1).mean())
            for key, value in zip(traces, (float(error.mean()), k_kernel, squared, k_squared),
                                  strict=True):
                traces[key].append(value)
            ctx.progress(it / n_iter, f"iteration {it} of {n_iter}: kernel-space error "
                                      f"{traces['nk'][-1]:.4g} (k-means {k_kernel:.4g})")
            yield self._snapshot(dataset, params, atoms, near, theta, centres, labels, traces,
                                 sigma, it)
            if it < n_iter:
                atoms = update_atoms(X, atoms, near, theta)
                centres = lloyd(X, centres)[1]

    def _snapshot(self, dataset, params, atoms, near, theta, centres, labels, traces, sigma,
                  it) -> NNKDictionary:
        nk, kk = traces["nk"][-1], traces["kk"][-1]
        used = float((theta > 0).sum(1).mean())
        message = (f"iteration {it}: kernel-space error NNK {nk:.4g}, k-means {kk:.4g}; "
                   f"squared error NNK {traces['ns'][-1]:.4g}, k-means {traces['ks'][-1]:.4g}; "
                   f"{used:.1f} of {near.shape[1]} neighbours used per point on average")
        return NNKDictionary(
            step=it, message=message, atoms=frozen(atoms, copy=True), neighbours=frozen(near),
            weights=frozen(theta), centres=frozen(centres, copy=True), labels=frozen(labels),
            nnk_kernel_error=frozen(np.array(traces["nk"])),
            kmeans_kernel_error=frozen(np.array(traces["kk"])),
            nnk_squared_error=frozen(np.array(traces["ns"])),
            kmeans_squared_error=frozen(np.array(traces["ks"])), sigma=sigma, iteration=it,
            n_iter=params["n_iter"], image_shape=dataset.image_shape)
