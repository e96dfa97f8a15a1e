"""The mathematics of ICA, apart from the run: whitening, FastICA's fixed-point step (as
scikit-learn does it), Infomax's natural-gradient step (written here), matching recovered
sources to true ones, and the Amari index.

Whitening is scikit-learn FastICA's ("svd" solver): K = (U / d)ᵀ[:k] from the SVD of the
centred data, so Z = √n K (x − mean) has unit variance in every row. Both methods then look
for a rotation W of Z; the unmixing matrix in data units is √n W K.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

CONTRASTS = ("logcosh", "exp", "cube")


def whitening(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean (d,), K (k, d), Z (k, n)): scikit-learn FastICA's whitening, step for step."""
    import scipy.linalg

    mean = X.mean(axis=0)
    XT = (X - mean).T
    u, d = scipy.linalg.svd(XT, full_matrices=False, check_finite=False)[:2]
    u = u * np.sign(u[0])
    K = (u / d).T[:k]
    return mean, K, (K @ XT) * np.sqrt(X.shape[0])


def contrast(name: str, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(g(y), mean of g'(y) per row) of FastICA's contrast functions, as scikit-learn's."""
    if name == "logcosh":
        g = np.tanh(y)
        return g, (1.0 - g**2).mean(axis=-1)
    if name == "exp":
        e = np.exp(-(y**2) / 2.0)
        return y * e, ((1.0 - y**2) * e).mean(axis=-1)
    if name == "cube":
        return y**3, (3.0 * y**2).mean(axis=-1)
    raise ValueError(f"unknown contrast {name!r} (known: {', '.join(CONTRASTS)})")


def decorrelate(W: np.ndarray) -> np.ndarray:
    """Symmetric decorrelation (W Wᵀ)^(−1/2) W: the nearest matrix with orthonormal rows."""
    s, u = np.linalg.eigh(W @ W.T)
    s = np.clip(s, np.finfo(W.dtype).tiny, None)
    return (u * (1.0 / np.sqrt(s))) @ u.T @ W


def fastica_steps(Z: np.ndarray, name: str, w_init: np.ndarray, max_iter: int, tol: float
                  ) -> Iterator[tuple[np.ndarray, float]]:
    """Parallel FastICA on whitened Z (k, n), one fixed-point iteration at a time: yields
    (W, lim) where lim = max |1 − |⟨wᵢ new, wᵢ old⟩||; stops once lim < tol."""
    W = decorrelate(w_init)
    n = float(Z.shape[1])
    for _ in range(max_iter):
        g, g_prime = contrast(name, W @ Z)
        W1 = decorrelate(g @ Z.T / n - g_prime[:, None] * W)
        lim = float(np.max(np.abs(np.abs(np.einsum("ij,ij->i", W1, W)) - 1.0)))
        W = W1
        yield W, lim
        if lim < tol:
            return


def infomax_signs(Y: np.ndarray) -> np.ndarray:
    """Extended Infomax's switch per source (Lee, Girolami and Sejnowski): +1 where y looks
    super-Gaussian, −1 where sub-Gaussian: sign(E[sech² y] E[y²] − E[y tanh y])."""
    t = np.tanh(Y)
    k = np.mean(1.0 - t**2, axis=0) * np.mean(Y**2, axis=0) - np.mean(Y * t, axis=0)
    return np.where(k >= 0, 1.0, -1.0)


def infomax_step(W: np.ndarray, batch: np.ndarray, rate: float, extended: bool
                 ) -> tuple[np.ndarray, float]:
    """One natural-gradient step ΔW = η (I − E[φ(y) yᵀ]) W on a batch (b, k) of whitened
    rows, y = W z. φ(y) = tanh y (Bell and Sejnowski: super-Gaussian sources); extended:
    φ(y) = y + s tanh y, s = ±1 per source. Returns (W, ‖I − E[φ(y) yᵀ]‖)."""
    Y = batch @ W.T
    phi = Y + infomax_signs(Y) * np.tanh(Y) if extended else np.tanh(Y)
    G = np.eye(len(W)) - phi.T @ Y / len(batch)
    return W + rate * G @ W, float(np.linalg.norm(G))


def random_rotation(k: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal k×k matrix (Infomax's start)."""
    q, r = np.linalg.qr(rng.standard_normal((k, k)))
    return q * np.sign(np.diag(r))


def amari_index(P: np.ndarray) -> float:
    """Amari's index of P = W A in [0, 1]: 0 exactly when P is a scaled permutation, that
    is, every source recovered up to order, sign and scale."""
    P = np.abs(np.asarray(P, dtype=np.float64))
    k = P.shape[0]
    if P.shape != (k, k) or k < 2:
        return 0.0 if P.shape == (1, 1) else float("nan")
    rows = np.sum(P.sum(axis=1) / P.max(axis=1) - 1.0)
    cols = np.sum(P.sum(axis=0) / P.max(axis=0) - 1.0)
    return float((rows + cols) / (2.0 * k * (k - 1)))


def correlations(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """(a, b) Pearson correlations between the columns of A (n, a) and of B (n, b)."""
    A = A - A.mean(axis=0)
    B = B - B.mean(axis=0)
    na = np.linalg.norm(A, axis=0)
    nb = np.linalg.norm(B, axis=0)
    return (A.T @ B) / np.outer(np.where(na > 0, na, 1.0), np.where(nb > 0, nb, 1.0))


def match(true: np.ndarray, found: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, signs, |r|): found[:, order] * signs lines up with the true sources, chosen
    by the Hungarian method on |correlation|; |r| per true source (nan: none left for it)."""
    from scipy.optimize import linear_sum_assignment

    C = correlations(true, found)
    rows, cols = linear_sum_assignment(-np.abs(C))
    k = found.shape[1]
    order = np.concatenate([cols, np.setdiff1d(np.arange(k), cols)])
    signs = np.ones(k)
    signs[: len(cols)] = np.where(C[rows, cols] < 0, -1.0, 1.0)
    r = np.full(true.shape[1], np.nan)
    r[rows] = np.abs(C[rows, cols])
    return order, signs, r
