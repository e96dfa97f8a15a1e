"""Spectral clustering: a similarity graph, its Laplacian's smallest eigenvectors, k-means there.

The graph is scikit-learn's: an RBF kernel exp(-γ‖x−y‖²) or the symmetrised k-nearest-
neighbours connectivity ½(C + Cᵀ) (each point counted among its own neighbours, as
`SpectralClustering` does); self-loops are left out of the degrees, as scipy's Laplacian
does. A regularising constant τ/n may be added to every entry (A + τ/n · 11ᵀ: regularised
spectral clustering, which keeps weakly connected points from getting eigenvectors of their
own). The symmetric normalised Laplacian L = I − D^-½ A D^-½ has its smallest eigenvalues
computed (dense `eigh` for small n, else Lanczos `eigsh` on D^-½ A D^-½, which needs no n×n
array for a k-nearest-neighbours graph); the rows of the first k eigenvectors, scaled to unit
length (Ng, Jordan and Weiss), are clustered by k-means, step by step (engine/clustering/
kmeans.py). scikit-learn's `spectral_embedding` returns the same eigenvectors divided by
√degree, and clusters them unscaled; on well-separated data both give the same partition.
"""

from __future__ import annotations

import numpy as np

from engine import big_inputs
from engine.cancellable import call_cancellable
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, Spectral, frozen
from engine.registry import register

AFFINITIES = ("nearest neighbours", "rbf")
N_EIGENVALUES = 10  # eigenvalues shown (and searched for the eigengap)
GAP_FLOOR = 0.01  # eigenvalues below this share of the largest shown count as about zero
DENSE_MAX = 2000  # up to this many points the Laplacian is solved as a dense matrix
# An RBF run holds A, D^-½ A D^-½ and the solver's copy: three n×n float64 arrays.
RBF_BYTES_PER_PAIR = 24.0
RBF_CAP = 15_000  # past this the n² time (seconds per matrix product) is the limit
KNN_CAP = 200_000  # a k-nearest-neighbours graph grows as n·k; its time is the limit


# ---------------------------------------------------------------- the graph


def rbf_affinity(X: np.ndarray, gamma: float) -> np.ndarray:
    """exp(-γ‖xᵢ − xⱼ‖²) for every pair, with a zero diagonal (no self-loops)."""
    X = np.asarray(X, dtype=np.float64)
    sq = np.einsum("ij,ij->i", X, X)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (X @ X.T)
    np.maximum(d2, 0.0, out=d2)
    np.multiply(d2, -gamma, out=d2)
    np.exp(d2, out=d2)
    np.fill_diagonal(d2, 0.0)
    return d2


def knn_affinity(X: np.ndarray, n_neighbors: int):
    """½(C + Cᵀ) of the k-nearest-neighbours connectivity C (each point its own first
    neighbour, as scikit-learn's SpectralClustering), as a sparse matrix with zero diagonal:
    1 where two points are each other's neighbours, ½ where only one is the other's."""
    from scipy import sparse
    from sklearn.neighbors import NearestNeighbors

    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    k = min(n_neighbors, n)
    idx = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X, return_distance=False)
    c = sparse.csr_matrix((np.ones(n * k), idx.ravel(), np.arange(0, n * k + 1, k)),
                          shape=(n, n))
    a = (0.5 * (c + c.T)).tocsr()
    a.setdiag(0.0)
    a.eliminate_zeros()
    return a


def degrees(affinity, tau_added: float = 0.0) -> np.ndarray:
    """Row sums of A + tau_added everywhere (the diagonal of A is zero)."""
    n = affinity.shape[0]
    return np.asarray(affinity.sum(axis=1)).ravel() + tau_added * n


def normalised_laplacian(affinity, tau_added: float = 0.0) -> np.ndarray:
    """L = I − D^-½ (A + tau_added · 11ᵀ) D^-½ as a dense array (small n; for the tests and
    the dense solver). A point of degree 0 keeps L_ii = 1, as scikit-learn sets it."""
    a = affinity.toarray() if hasattr(affinity, "toarray") else np.array(affinity, dtype=float)
    a = a + tau_added
    s = _inv_sqrt(degrees(affinity, tau_added))
    lap = -(s[:, None] * a * s[None, :])
    np.fill_diagonal(lap, 1.0 - np.diag(a) * s * s)
    return lap


def _inv_sqrt(d: np.ndarray) -> np.ndarray:
    out = np.zeros_like(d)
    np.divide(1.0, np.sqrt(d), out=out, where=d > 0)
    return out


def smallest_eigenpairs(affinity, tau_added: float, m: int, seed: int = 0
                        ) -> tuple[np.ndarray, np.ndarray]:
    """The m smallest eigenvalues of the normalised Laplacian (ascending) and their unit
    eigenvectors (n, m), each signed so its largest entry is positive."""
    n = affinity.shape[0]
    if n <= DENSE_MAX:
        from scipy.linalg import eigh

        values, vectors = eigh(normalised_laplacian(affinity, tau_added),
                               subset_by_index=[0, m - 1])
    else:
        values, vectors = _lanczos(affinity, tau_added, m, seed)
    return np.clip(values, 0.0, 2.0), _sign_flip(vectors)


def _lanczos(affinity, tau_added: float, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The m largest eigenpairs of D^-½ (A + tau_added · 11ᵀ) D^-½ as a linear operator (no
    dense matrix for a sparse A), turned into L's smallest: λ = 1 − μ."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    n = affinity.shape[0]
    s = _inv_sqrt(degrees(affinity, tau_added))

    def matmat(v):
        w = s[:, None] * np.asarray(v).reshape(n, -1)
        return s[:, None] * np.asarray(affinity @ w + tau_added * w.sum(axis=0))

    op = LinearOperator((n, n), matvec=lambda v: matmat(v).ravel(), matmat=matmat,
                        dtype=np.float64)
    v0 = np.random.default_rng(seed).uniform(-1.0, 1.0, n)
    mu, vectors = eigsh(op, k=m, which="LA", v0=v0)
    order = np.argsort(-mu)
    return 1.0 - mu[order], vectors[:, order]


def _sign_flip(vectors: np.ndarray) -> np.ndarray:
    """Each column signed so that its entry of largest magnitude is positive (scikit-learn's
    convention), so the same data gives the same picture."""
    rows = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[rows, np.arange(vectors.shape[1])])
    signs[signs == 0] = 1.0
    return vectors * signs


def eigengap(eigenvalues: np.ndarray, floor: float = GAP_FLOOR) -> int:
    """The k ≥ 2 after which the next eigenvalue jumps most, measured as a ratio: the largest
    (λ_{k+1} + ε) / (λ_k + ε), ε a small share of the largest eigenvalue shown.

    The plain difference λ_{k+1} − λ_k picks a late k on graphs whose first eigenvalues are
    all tiny (0, 0, 0.002, … 0.03 on the moons): the spectrum keeps rising, so later gaps are
    wider in absolute terms although the jump from about 0 to 0.002 is the one that counts.
    """
    lam = np.maximum(np.asarray(eigenvalues, dtype=np.float64), 0.0)
    if lam.size < 3:
        return 1 if lam.size < 2 else 2
    eps = max(floor * float(lam.max()), 1e-12)
    # From k = 2: λ₁ = 0 always, so any connected graph jumps after it (one cluster is no
    # answer to "how many clusters?").
    return int(np.argmax(np.diff(np.log(lam + eps))[1:])) + 2


def njw_embedding(vectors: np.ndarray, k: int) -> np.ndarray:
    """The rows of the first k eigenvectors, each scaled to unit length (a zero row stays)."""
    u = np.array(vectors[:, :k], dtype=np.float64)
    norms = np.linalg.norm(u, axis=1, keepdims=True)
    np.divide(u, norms, out=u, where=norms > 0)
    return u


def n_eigenvalues(n: int, k: int) -> int:
    """How many eigenvalues to compute: ten (for the plot), at least k + 1, fewer than n."""
    return max(1, min(n - 1, max(N_EIGENVALUES, k + 1)))


# ---------------------------------------------------------------- the algorithm



@register
class SpectralClustering(Algorithm):
    id = "spectral"
    name = "Spectral clustering"
    family = "Clustering"
    summary = ("Connect near points into a graph, place each point by the Laplacian's first "
               "eigenvectors, and run k-means there.")
    objective = ("relaxed normalised cut: the first k eigenvectors of L = I − D^-½AD^-½, then "
                 "k-means J on their unit-length rows")
    params = (
        Int(name="n_clusters", label="clusters k", default=2, low=1, high=20,
            help="How many clusters (and eigenvectors); the eigengap suggests a k."),
        Choice(name="affinity", default="nearest neighbours", options=AFFINITIES,
               help="The graph: each point joined to its nearest neighbours, or every pair "
                    "weighted by exp(−γ‖x−y‖²) (RBF)."),
        Int(name="n_neighbors", label="neighbours", default=10, low=1, high=200,
            help="Nearest neighbours: how many each point is joined to (itself included)."),
        Float(name="gamma", label="RBF γ", default=50.0, low=0.001, high=1000.0, log=True,
              help="RBF: how fast similarity falls with squared distance; large γ joins only "
                   "close points."),
        Float(name="tau", label="regularisation τ", default=0.0, low=0.0, high=100.0,
              help="Adds τ/n to every entry of the graph (regularised spectral clustering); "
                   "0 is plain spectral clustering."),
        Int(name="max_iter", label="k-means iterations", default=100, low=1, high=1000,
            help="At most this many k-means rounds in the eigenvector space."),
        seed_param(),
    )
    snapshot_type = Spectral
    libraries = ("sklearn",)

    def check(self, dataset, params):
        n, k = dataset.n, params["n_clusters"]
        if n < 3:
            raise ValueError("spectral clustering needs at least 3 points")
        if k >= n:
            raise ValueError(f"spectral clustering cannot find {k} clusters in {n} points: "
                             f"choose k of at most {n - 1}")
        if params["affinity"] == "nearest neighbours" and params["n_neighbors"] > n:
            raise ValueError(f"{params['n_neighbors']} neighbours is more than the {n} points: "
                             f"choose at most {n}")

    def max_points(self, dataset, params):
        if params["affinity"] == "rbf":
            return big_inputs.points_that_fit(RBF_BYTES_PER_PAIR, RBF_CAP)
        return KNN_CAP

    def too_many_points(self, n, params):
        if params["affinity"] == "rbf":
            need = RBF_BYTES_PER_PAIR / 3 * float(n) ** 2
            room = big_inputs.MEMORY_SHARE * big_inputs.available_bytes()
            return (f"{self.name} on {n:,} points needs an n×n affinity matrix of "
                    f"{big_inputs.size_text(need)} (and two more as large to solve it); this "
                    f"machine has {big_inputs.size_text(room)} to spare.")
        return (f"{self.name} on {n:,} points would take many minutes to find the "
                "eigenvectors.")

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        X, n, k = dataset.X, dataset.n, params["n_clusters"]
        rbf = params["affinity"] == "rbf"
        ctx.progress(0.0, "building the similarity graph")
        done, affinity = call_cancellable(
            lambda: rbf_affinity(X, params["gamma"]) if rbf
            else knn_affinity(X, params["n_neighbors"]), ctx.cancelled)
        if not done:
            return
        if rbf:
            frozen(affinity)
            name = f"RBF, γ = {params['gamma']:g}"
            what = (f"affinity: every pair weighted by exp(−γ‖x−y‖²) with γ = "
                    f"{params['gamma']:g}")
        else:
            name = f"{params['n_neighbors']} nearest neighbours"
            what = (f"affinity: each point joined to its {params['n_neighbors']} nearest "
                    f"neighbours (itself included), symmetrised; {affinity.nnz:,} links")
        tau_added = params["tau"] / n
        d = degrees(affinity, tau_added)
        note = (f"; τ = {params['tau']:g} adds {tau_added:.3g} to every entry"
                if params["tau"] else "")
        isolated = int(np.count_nonzero(d == 0))
        if isolated:
            note += f"; {isolated} points have no neighbour (raise γ's reach or add τ)"
        base = dict(affinity=affinity, affinity_name=name, tau_added=tau_added, n_clusters=k)
        empty = frozen(np.full(n, -1, dtype=np.int32))
        yield Spectral(step=1, message=f"{what}; mean degree {d.mean():.3g}{note}",
                       labels=empty, phase="affinity", **base)

        m = n_eigenvalues(n, k)
        ctx.progress(0.2, f"the {m} smallest eigenvalues of the normalised Laplacian")
        done, pairs = call_cancellable(
            lambda: smallest_eigenpairs(affinity, tau_added, m, params["seed"]), ctx.cancelled)
        if not done:
            return
        values, vectors = pairs
        gap_k = eigengap(values)
        embedding = frozen(njw_embedding(vectors, k))
        shown = ", ".join(f"{v:.3g}" for v in values[: min(m, 5)])
        base.update(eigenvalues=frozen(values), eigengap_k=gap_k, embedding=embedding)
        yield Spectral(step=2, message=(
            f"Laplacian L = I − D^-½AD^-½: smallest eigenvalues {shown}{'…' if m > 5 else ''}; "
            f"the largest gap is after λ{gap_k} ({values[gap_k - 1]:.3g} → "
            f"{values[gap_k]:.3g}), suggesting k = {gap_k}; each point placed at the "
            f"unit-length row of the first {k} eigenvectors"), labels=empty, phase="spectrum",
            **base)
        yield from self._kmeans(X, embedding, k, params, ctx, base)

    def _kmeans(self, X, embedding, k, params, ctx, base):
        """k-means in the eigenvector space, one snapshot per assignment and update; then
        plain k-means on the data X, for the picture beside."""
        from engine.clustering.kmeans import final_run, initial_centres, lloyd_steps
        from engine.clustering.scores import adjusted_rand

        ctx.progress(0.4, "k-means on the eigenvector rows")
        done, centres = call_cancellable(
            lambda: initial_centres(embedding, k, "k-means++", params["seed"]), ctx.cancelled)
        if not done:
            return
        last = None
        for snap in lloyd_steps(embedding, centres, params["max_iter"], ctx.cancelled,
                                init_name="k-means++", threads=ctx.threads, first_step=2):
            if last is not None:
                yield last
            last = Spectral(step=snap.step, message=f"k-means in the eigenvectors: "
                            f"{snap.message}", labels=snap.labels, centres=snap.centres,
                            objective=snap.objective, trace=snap.trace, phase=snap.phase,
                            **base)
        if last is None or ctx.cancelled():
            return
        ctx.progress(0.9, "k-means on the data itself, for comparison")
        plain = final_run(X, k, "k-means++", params["seed"], params["max_iter"], ctx)
        if plain is None:
            return
        sizes = np.bincount(last.labels, minlength=k)
        agree = round(adjusted_rand(last.labels, plain.labels), 2) + 0.0  # no "-0.00"
        ctx.progress(1.0, "done")
        yield Spectral(step=last.step + 1, message=(
            f"{last.message}. Done: {k} clusters of {', '.join(str(s) for s in sizes)} "
            f"points; k-means on the data itself agrees with them by ARI {agree:.2f}"),
            labels=last.labels, centres=last.centres, objective=last.objective,
            trace=last.trace, phase="done", kmeans_labels=plain.labels, **base)
