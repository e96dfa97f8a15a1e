"""Dictionary learning and sparse coding: atoms learnt from the data a mini-batch at a time
(scikit-learn's MiniBatchDictionaryLearning, stepped with `partial_fit`), then held-out rows
coded with few atoms by three coders, compared by their error at each number of non-zeros.

Thresholding keeps the s largest correlations Dx (hard: as they are; soft: shrunk by the
(s+1)-th largest, scikit-learn's "threshold" coder with a per-row threshold), OMP
(orthogonal matching pursuit) picks s atoms greedily and refits them, and the lasso (basis
pursuit denoising) trades error for sparsity through α. Both of the latter are scikit-
learn's `sparse_encode`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Bool, Choice, Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, SparseCoding
from engine.registry import register

MAX_TEST = 200  # held-out rows coded at the end
MAX_MONITOR = 100  # training rows on which the objective is followed
MAX_SNAPSHOTS = 40
N_ALPHAS = 12
REFIT = "hard, then least squares"


def threshold_codes(C: np.ndarray, s: int, kind: str = "hard") -> np.ndarray:
    """Each row of correlations C = X Dᵀ cut to its s largest magnitudes (hard), or shrunk
    by the (s+1)-th largest magnitude, which leaves at most s non-zeros (soft)."""
    k = C.shape[1]
    if s >= k:
        return C.copy()  # nothing to cut (a soft threshold of 0)
    magnitude = np.abs(C)
    cut = -np.partition(-magnitude, s, axis=1)[:, s:s + 1]  # the (s+1)-th largest
    if kind == "soft":
        return np.sign(C) * np.maximum(magnitude - cut, 0.0)
    keep = np.argsort(-magnitude, axis=1, kind="stable")[:, :s]
    out = np.zeros_like(C)
    np.put_along_axis(out, keep, np.take_along_axis(C, keep, axis=1), axis=1)
    return out


def refit_codes(X: np.ndarray, D: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The least-squares codes on each row's support (its non-zeros): ‖x − aD‖ is then the
    least those atoms allow."""
    out = np.zeros_like(codes)
    for i, (x, a) in enumerate(zip(X, codes, strict=True)):
        support = np.flatnonzero(a)
        if support.size:
            out[i, support] = np.linalg.lstsq(D[support].T, x, rcond=None)[0]
    return out


def relative_error(X: np.ndarray, codes: np.ndarray, D: np.ndarray) -> float:
    """Σ‖x − aD‖² / Σ‖x‖²: the share of the rows' energy the codes miss."""
    total = float(np.sum(X**2))
    return float(np.sum((X - codes @ D) ** 2)) / total if total > 0 else 0.0


def lasso_objective(X: np.ndarray, D: np.ndarray, alpha: float) -> float:
    """Mean over rows of ½‖x − aD‖² + α‖a‖₁ with a the lasso code (what learning lowers)."""
    from sklearn.decomposition import sparse_encode

    codes = sparse_encode(X, D, algorithm="lasso_cd", alpha=alpha)
    return float((0.5 * np.sum((X - codes @ D) ** 2) + alpha * np.abs(codes).sum()) / len(X))


def unit_rows(D: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(D, axis=1, keepdims=True)
    return D / np.where(norms > 0, norms, 1.0)


def coding_curves(Xt: np.ndarray, D: np.ndarray, levels: np.ndarray, kind: str,
                  check=lambda: None) -> dict[str, np.ndarray]:
    """Relative error of thresholding and OMP at each level; the lasso at a grid of α from
    the smallest that codes nothing down a thousandfold (its mean non-zeros and error)."""
    from sklearn.decomposition import sparse_encode

    C = Xt @ D.T
    thresh, omp, omp_codes = [], [], []
    for s in levels:
        check()
        codes = threshold_codes(C, int(s), "hard" if kind == REFIT else kind)
        codes = refit_codes(Xt, D, codes) if kind == REFIT else codes
        thresh.append(relative_error(Xt, codes, D))
        codes = sparse_encode(Xt, D, algorithm="omp", n_nonzero_coefs=int(s))
        omp.append(relative_error(Xt, codes, D))
        omp_codes.append(codes[0])
    top = float(np.abs(C).max()) or 1.0
    alphas = top * np.geomspace(1.0, 1e-3, N_ALPHAS)
    nonzeros, lasso = [], []
    for alpha in alphas:
        check()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lasso_cd's convergence notes at tiny α
            codes = sparse_encode(Xt, D, algorithm="lasso_cd", alpha=float(alpha),
                                  max_iter=500)
        nonzeros.append(np.count_nonzero(codes) / len(Xt))
        lasso.append(relative_error(Xt, codes, D))
    return {"threshold": np.array(thresh), "omp": np.array(omp),
            "omp_codes": np.array(omp_codes), "alphas": alphas,
            "nonzeros": np.array(nonzeros), "lasso": np.array(lasso)}


@register
class DictionaryLearning(Algorithm):
    id = "dictionary"
    name = "Dictionary learning and sparse coding"
    family = "Dimensionality reduction"
    summary = "Learn atoms such that each point is a few of them added up; code with few."
    objective = ("Learning: minimise ½‖x − aD‖² + α‖a‖₁ over the codes a and the unit-length "
                 "atoms D. Coding: the least error ‖x − aD‖² with at most s non-zeros in a.")
    params = (
        Int(name="n_components", label="atoms", default=36, low=1, high=256,
            help="How many atoms the dictionary has (more than the features: overcomplete)."),
        Float(name="alpha", label="α (sparsity)", default=0.1, low=0.001, high=10.0, log=True,
              help="The lasso penalty while learning, on data scaled to at most 1: larger "
                   "gives sparser codes."),
        Int(name="batch_size", label="batch size", default=32, low=1, high=1024,
            help="Rows per mini-batch of the learning."),
        Int(name="epochs", default=3, low=1, high=100,
            help="Passes through the training rows."),
        Int(name="max_nonzeros", label="most non-zeros", default=10, low=1, high=64,
            help="Codes are compared with 1, 2, …, this many non-zeros."),
        Choice(name="thresholding", default="hard", options=("hard", "soft", REFIT),
               help="Hard: keep the s largest correlations as they are. Soft: shrink them "
                    "by the next largest (the lasso's rule for orthogonal atoms). Then "
                    "least squares: refit the kept atoms' weights."),
        Bool(name="center", default=False,
             help="Subtract each feature's mean first (atoms then code differences from "
                  "the mean digit)."),
        seed_param(),
    )
    snapshot_type = SparseCoding
    libraries = ("sklearn",)

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if dataset.n < 4:
            raise ValueError("dictionary learning needs at least 4 points: some to learn "
                             "from, some held out to code")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[SparseCoding]:
        from sklearn.decomposition import MiniBatchDictionaryLearning

        X = dataset.X
        mean = X.mean(axis=0) if params["center"] else np.zeros(X.shape[1])
        scale = float(np.abs(X - mean).max()) or 1.0
        Xs = (X - mean) / scale
        rng = np.random.default_rng(params["seed"])
        order = rng.permutation(dataset.n)
        n_test = min(MAX_TEST, max(1, round(0.2 * dataset.n)))
        test, train = order[:n_test], order[n_test:]
        k, alpha = params["n_components"], params["alpha"]
        model = MiniBatchDictionaryLearning(
            n_components=k, alpha=alpha, batch_size=params["batch_size"], fit_algorithm="cd",
            dict_init=self._first_atoms(Xs[train], k, rng), random_state=params["seed"])
        monitor = Xs[train[:MAX_MONITOR]]
        per_epoch = math.ceil(len(train) / params["batch_size"])
        total = per_epoch * params["epochs"]
        every = max(1, math.ceil(total / MAX_SNAPSHOTS))
        base = dict(image_shape=dataset.image_shape, mean=mean, scale=scale, alpha=alpha,
                    n_iter=total, thresholding=params["thresholding"])
        trace, at = [], []
        atoms = model.dict_init
        done = 0
        for epoch in range(params["epochs"]):
            batches = np.array_split(rng.permutation(train), per_epoch)
            for batch in batches:
                ctx.check()
                if done % every == 0 or done == total:
                    trace.append(lasso_objective(monitor, atoms, alpha))
                    at.append(done)
                    ctx.progress(done / total, f"mini-batch {done} of {total}")
                    yield SparseCoding(
                        step=len(trace) - 1, atoms=atoms.copy(), trace=np.array(trace),
                        trace_at=np.array(at, float), iteration=done, phase="learn",
                        message=(f"epoch {epoch + 1}, mini-batch {done} of {total}: "
                                 f"½‖x − aD‖² + α‖a‖₁ = {trace[-1]:.4g} per training row"),
                        **base)
                model.partial_fit(Xs[batch])
                atoms = model.components_
                done += 1
        trace.append(lasso_objective(monitor, atoms, alpha))
        at.append(done)
        yield from self._code(Xs, atoms, test, trace, at, params, base, ctx)

    def _code(self, Xs, atoms, test, trace, at, params, base, ctx) -> Iterator[SparseCoding]:
        ctx.progress(0.95, f"coding {len(test)} held-out rows…")
        D = unit_rows(atoms)
        levels = np.arange(1, min(params["max_nonzeros"], D.shape[0], D.shape[1]) + 1)
        curves = coding_curves(Xs[test], D, levels, params["thresholding"], ctx.check)
        s = int(levels[-1])
        message = (f"{len(test)} held-out rows with {s} non-zeros: error "
                   f"{curves['threshold'][-1]:.1%} thresholding ({params['thresholding']}), "
                   f"{curves['omp'][-1]:.1%} OMP; the lasso reaches "
                   f"{curves['lasso'][-1]:.1%} with {curves['nonzeros'][-1]:.1f} non-zeros")
        yield SparseCoding(
            step=len(trace) - 1, atoms=D, trace=np.array(trace), trace_at=np.array(at, float),
            iteration=int(at[-1]), phase="done", message=message, test_rows=test,
            levels=levels, threshold_error=curves["threshold"], omp_error=curves["omp"],
            lasso_alphas=curves["alphas"], lasso_nonzeros=curves["nonzeros"],
            lasso_error=curves["lasso"], example_row=int(test[0]),
            example_codes=curves["omp_codes"], **base)

    @staticmethod
    def _first_atoms(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
        """k training rows, scaled to unit length, as the starting atoms (random directions
        where there are too few rows, or a row is zero)."""
        rows = X[rng.permutation(len(X))[:k]]
        atoms = np.vstack([rows, rng.standard_normal((k - len(rows), X.shape[1]))])
        zero = np.linalg.norm(atoms, axis=1) == 0
        atoms[zero] = rng.standard_normal((int(zero.sum()), X.shape[1]))
        return unit_rows(atoms)
