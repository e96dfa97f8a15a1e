"""Mixtures of experts, fitted by EM: linear regressions or logistic regressions, each in
charge of the inputs where a softmax gate π_i(x) = exp(ξ_iᵀφ)/Σ_j exp(ξ_jᵀφ) picks it
(φ = (1, x)). The last gate ξ_k is fixed at zero: the softmax only sees differences.

The likelihood is Σ_n log Σ_i π_i(x_n) p_i(t_n | x_n). An E step gives responsibilities
r_ni ∝ π_i(x_n) p_i(t_n | x_n); an M step refits each expert to the points weighted by its
responsibilities (weighted least squares and a noise variance for a linear expert, Newton /
IRLS steps for a logistic one) and the gate to the responsibilities as soft targets (Newton
steps on a weighted multinomial logistic regression). The Newton steps are not run to the end
(a generalised EM), so each one backtracks until it raises its part of the expected
complete-data log-likelihood: then the log-likelihood never falls. An optional L2 penalty λ
(on every weight but the intercepts) keeps separable data finite; the curve then shows the
log-likelihood minus λ/2 Σ‖w‖², which never falls either.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from engine.data import Dataset
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, Experts, frozen
from engine.registry import register

KINDS = ("linear", "logistic")
INITS = ("k-means", "random")
_LOG_2PI = math.log(2.0 * math.pi)
_ARMIJO = 1e-4
_HALVINGS = 40
_DAMPING = 1e-9  # added to −H's diagonal so a flat direction cannot make it singular
_EMPTY = 1e-8  # an expert with less total responsibility than this keeps its parameters


# ---------------------------------------------------------------- the data


def design(inputs: np.ndarray) -> np.ndarray:
    """φ = (1, x) per row: the intercept first, as every coefficient row is laid out."""
    inputs = np.asarray(inputs, dtype=np.float64).reshape(len(inputs), -1)
    return np.column_stack([np.ones(len(inputs)), inputs])


def split(dataset: Dataset, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets): linear experts predict the last column from the others; logistic
    experts predict the data set's two-class labels (1: the later class) from every column."""
    if kind == "linear":
        return dataset.X[:, :-1], dataset.X[:, -1]
    y = np.asarray(dataset.y)
    return dataset.X, (y == y.max()).astype(np.float64)


# ---------------------------------------------------------------- densities and the gate


def log_gates(phi: np.ndarray, gating: np.ndarray) -> np.ndarray:
    """(n, k) log π_i(x_n) for gate rows ξ (k, q)."""
    scores = phi @ gating.T
    top = scores.max(axis=1, keepdims=True)
    return scores - top - np.log(np.exp(scores - top).sum(axis=1, keepdims=True))


def gates(phi: np.ndarray, gating: np.ndarray) -> np.ndarray:
    """(n, k) π_i(x_n)."""
    return np.exp(log_gates(phi, gating))


def _log_sigmoid(z: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -z)


def expert_log_densities(kind: str, phi: np.ndarray, t: np.ndarray, coefficients: np.ndarray,
                         variances: np.ndarray | None) -> np.ndarray:
    """(n, k) log p_i(t_n | x_n): Gaussian around the expert's line, or Bernoulli."""
    z = phi @ coefficients.T
    if kind == "linear":
        resid = t[:, None] - z
        return -0.5 * (_LOG_2PI + np.log(variances) + resid * resid / variances)
    sign = 2.0 * t[:, None] - 1.0
    return _log_sigmoid(sign * z)


def e_step(log_joint: np.ndarray) -> tuple[np.ndarray, float]:
    """Responsibilities and the log-likelihood from log π_i + log p_i, exponentiated once."""
    top = log_joint.max(axis=1, keepdims=True)
    weights = np.exp(log_joint - top)
    total = weights.sum(axis=1, keepdims=True)
    return weights / total, float((np.log(total) + top).sum())


def penalty(l2: float, kind: str, coefficients: np.ndarray, gating: np.ndarray) -> float:
    """λ/2 Σ‖w‖² over the gate's weights, and the logistic experts' (no intercepts)."""
    if l2 == 0.0:
        return 0.0
    total = float((gating[:, 1:] ** 2).sum())
    if kind == "logistic":
        total += float((coefficients[:, 1:] ** 2).sum())
    return 0.5 * l2 * total


# ---------------------------------------------------------------- Newton with backtracking


def _newton(objective: Callable[[np.ndarray], float], gradient: np.ndarray,
            neg_hessian: np.ndarray, theta: np.ndarray, value: float
            ) -> tuple[np.ndarray, float]:
    """One Newton ascent step from theta, halved until it raises the concave objective
    enough (Armijo); no step at all when none does, so the objective never falls."""
    size = neg_hessian.shape[0]
    try:
        step = np.linalg.solve(neg_hessian + _DAMPING * np.eye(size), gradient)
    except np.linalg.LinAlgError:
        step = gradient
    slope = float(gradient @ step)
    if not slope > 0.0:
        return theta, value
    scale = 1.0
    for _ in range(_HALVINGS):
        trial = theta + scale * step
        new = objective(trial)
        if np.isfinite(new) and new >= value + _ARMIJO * scale * slope:
            return trial, new
        scale *= 0.5
    return theta, value


def _mask(q: int) -> np.ndarray:
    """1 for every weight the penalty applies to, 0 for the intercept."""
    m = np.ones(q)
    m[0] = 0.0
    return m


def gate_objective(phi: np.ndarray, resp: np.ndarray, gating: np.ndarray, l2: float) -> float:
    """Σ_n Σ_i r_ni log π_i(x_n) − λ/2 ‖ξ‖² (no intercepts): the gate's part of Q."""
    return float((resp * log_gates(phi, gating)).sum()) - 0.5 * l2 * float(
        (gating[:, 1:] ** 2).sum())


def gate_newton(phi: np.ndarray, resp: np.ndarray, gating: np.ndarray, l2: float = 0.0,
                steps: int = 3) -> np.ndarray:
    """A few Newton steps on the weighted softmax regression of the responsibilities on φ;
    the last gate stays zero. Each step raises `gate_objective` or is not taken."""
    q = phi.shape[1]
    k = resp.shape[1]
    if k == 1:
        return gating
    free = k - 1
    mask = np.tile(_mask(q), free)

    def unpack(theta):
        return np.vstack([theta.reshape(free, q), np.zeros((1, q))])

    def objective(theta):
        return gate_objective(phi, resp, unpack(theta), l2)

    theta = gating[:free].ravel().copy()
    value = objective(theta)
    for _ in range(steps):
        pi = gates(phi, unpack(theta))[:, :free]
        grad = (phi.T @ (resp[:, :free] - pi)).T.ravel() - l2 * mask * theta
        hess = np.empty((free, q, free, q))
        for a in range(free):
            for b in range(a, free):
                w = pi[:, a] * ((a == b) - pi[:, b])
                block = (phi.T * w) @ phi
                hess[a, :, b, :] = block
                hess[b, :, a, :] = block
        hess = hess.reshape(free * q, free * q) + l2 * np.diag(mask)
        new_theta, new_value = _newton(objective, grad, hess, theta, value)
        if new_value <= value:
            break
        theta, value = new_theta, new_value
    return unpack(theta)


def logistic_objective(phi, t, r, w, l2) -> float:
    """Σ_n r_n log Bern(t_n | σ(wᵀφ_n)) − λ/2 ‖w‖² (no intercept): one expert's part of Q."""
    z = phi @ w
    return float(r @ _log_sigmoid((2.0 * t - 1.0) * z)) - 0.5 * l2 * float(w[1:] @ w[1:])


def logistic_newton(phi: np.ndarray, t: np.ndarray, r: np.ndarray, w: np.ndarray,
                    l2: float = 0.0, steps: int = 3) -> np.ndarray:
    """Weighted IRLS (Newton) steps for one logistic expert, each raising its objective."""
    mask = _mask(phi.shape[1])
    value = logistic_objective(phi, t, r, w, l2)
    for _ in range(steps):
        p = 0.5 * (1.0 + np.tanh(0.5 * (phi @ w)))
        grad = phi.T @ (r * (t - p)) - l2 * mask * w
        hess = (phi.T * (r * p * (1.0 - p))) @ phi + l2 * np.diag(mask)
        new_w, new_value = _newton(lambda v: logistic_objective(phi, t, r, v, l2), grad, hess,
                                   w, value)
        if new_value <= value:
            break
        w, value = new_w, new_value
    return w


def weighted_least_squares(phi: np.ndarray, t: np.ndarray, r: np.ndarray, min_variance: float
                           ) -> tuple[np.ndarray, float]:
    """The line minimising Σ r (t − wᵀφ)², and the weighted mean squared residual (at least
    `min_variance`, so an expert on two points cannot collapse onto them)."""
    root = np.sqrt(r)
    w = np.linalg.lstsq(phi * root[:, None], t * root, rcond=None)[0]
    resid = t - phi @ w
    return w, max(float(r @ (resid * resid)) / float(r.sum()), min_variance)


# ---------------------------------------------------------------- the model and its EM


@dataclass
class Model:
    """Experts (k, q) with intercepts first, noise variances (linear) and gates (k, q)."""

    kind: str
    coefficients: np.ndarray
    variances: np.ndarray | None
    gating: np.ndarray


class EM:
    """E and M steps of one mixture of experts on one data set."""

    def __init__(self, kind: str, inputs: np.ndarray, targets: np.ndarray, l2: float = 0.0,
                 newton_steps: int = 3, min_variance: float = 1e-6):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        self.kind = kind
        self.phi = design(inputs)
        self.t = np.asarray(targets, dtype=np.float64)
        self.l2, self.steps, self.min_variance = float(l2), int(newton_steps), min_variance

    def log_joint(self, model: Model) -> np.ndarray:
        return log_gates(self.phi, model.gating) + expert_log_densities(
            self.kind, self.phi, self.t, model.coefficients, model.variances)

    def score(self, model: Model) -> tuple[np.ndarray, float, float]:
        """(responsibilities, log-likelihood, log-likelihood − penalty) of these parameters."""
        resp, ll = e_step(self.log_joint(model))
        return resp, ll, ll - penalty(self.l2, self.kind, model.coefficients, model.gating)

    def refit_experts(self, model: Model, resp: np.ndarray) -> Model:
        coefficients = model.coefficients.copy()
        variances = None if model.variances is None else model.variances.copy()
        for i in range(resp.shape[1]):
            r = resp[:, i]
            if r.sum() < _EMPTY:
                continue
            if self.kind == "linear":
                coefficients[i], variances[i] = weighted_least_squares(
                    self.phi, self.t, r, self.min_variance)
            else:
                coefficients[i] = logistic_newton(self.phi, self.t, r, coefficients[i],
                                                  self.l2, self.steps)
        return Model(self.kind, coefficients, variances, model.gating)

    def refit_gate(self, model: Model, resp: np.ndarray) -> Model:
        gating = gate_newton(self.phi, resp, model.gating, self.l2, self.steps)
        return Model(self.kind, model.coefficients, model.variances, gating)

    def initial(self, resp: np.ndarray) -> Model:
        """Parameters fitted to initial responsibilities, starting from zeros (a fair coin,
        a flat line, equal gates)."""
        k, q = resp.shape[1], self.phi.shape[1]
        variances = np.full(k, max(float(np.var(self.t)), self.min_variance)) \
            if self.kind == "linear" else None
        model = Model(self.kind, np.zeros((k, q)), variances, np.zeros((k, q)))
        return self.refit_gate(self.refit_experts(model, resp), resp)


def initial_responsibilities(inputs: np.ndarray, targets: np.ndarray, k: int, init: str,
                             seed: int, with_target: bool = True) -> np.ndarray:
    """Hard responsibilities from k-means on the standardised rows (inputs, and the target
    when `with_target`), or random soft ones; seeded."""
    rng = np.random.default_rng(seed)
    n = len(targets)
    if init == "random":
        resp = rng.uniform(size=(n, k))
        return resp / resp.sum(axis=1, keepdims=True)
    if init != "k-means":
        raise ValueError(f"init must be one of {', '.join(INITS)}, got {init!r}")
    Z = np.asarray(inputs, dtype=np.float64).reshape(n, -1)
    if with_target:
        Z = np.column_stack([Z, targets])
    Z = (Z - Z.mean(axis=0)) / np.where(Z.std(axis=0) > 0, Z.std(axis=0), 1.0)
    labels = _kmeans(Z, k, rng)
    resp = np.zeros((n, k))
    resp[np.arange(n), labels] = 1.0
    return resp


def _kmeans(Z: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 50) -> np.ndarray:
    """Plain k-means++ seeding and Lloyd iterations: a start, not a result to show."""
    centres = [Z[rng.integers(len(Z))]]
    for _ in range(1, k):
        d2 = np.min([((Z - c) ** 2).sum(axis=1) for c in centres], axis=0)
        total = d2.sum()
        pick = rng.choice(len(Z), p=d2 / total) if total > 0 else rng.integers(len(Z))
        centres.append(Z[pick])
    centres = np.array(centres)
    labels = np.zeros(len(Z), dtype=np.int64)
    for _ in range(iterations):
        labels = ((Z[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
        new = np.array([Z[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
                        for j in range(k)])
        if np.allclose(new, centres):
            break
        centres = new
    return labels


# ---------------------------------------------------------------- the stepped run


def _last(snapshots: Iterator[Experts]) -> Experts | None:
    last = None
    for last in snapshots:  # noqa: B007 - only the last one is wanted
        pass
    return last



def _change(name: str, before: float, after: float) -> str:
    if abs(after - before) <= 1e-10 * max(abs(before), 1.0):
        return f"{name} stays at {after:.6g}"
    verb = "rose" if after > before else "fell"
    return f"{name} {verb} from {before:.6g} to {after:.6g}"


def em_steps(kind: str, inputs: np.ndarray, targets: np.ndarray, resp0: np.ndarray,
             max_iter: int = 100, tol: float = 1e-5, l2: float = 0.0, newton_steps: int = 3,
             cancelled: Callable[[], bool] = lambda: False,
             progress: Callable[[float, str], None] | None = None,
             min_variance: float = 1e-6, note: str = "") -> Iterator[Experts]:
    """EM from initial responsibilities, as snapshots: the initial fit, then per iteration an
    E step (new responsibilities) and an M step (experts refit, then the gate), each M step
    scoring its new parameters. Stops when the objective per point rises by less than tol."""
    em = EM(kind, inputs, targets, l2, newton_steps, min_variance)
    n, k = resp0.shape
    name = "log-likelihood" if l2 == 0.0 else "penalised log-likelihood"
    trace: list[float] = []
    step = 0

    def snapshot(model, resp, ll, objective, phase, message, iteration, converged=False):
        nonlocal step
        step += 1
        return Experts(
            step=step, message=message, kind=kind,
            coefficients=frozen(model.coefficients, copy=True),
            variances=None if model.variances is None else frozen(model.variances, copy=True),
            gating=frozen(model.gating, copy=True),
            responsibilities=frozen(resp.astype(np.float32), copy=True),
            labels=frozen(np.argmax(resp, axis=1).astype(np.int32), copy=True), log_likelihood=ll,
            objective=objective, objective_name=name, trace=frozen(trace, copy=True),
            phase=phase, iteration=iteration, converged=converged)

    if cancelled():
        return
    model = em.initial(resp0)
    resp, ll, objective = em.score(model)
    trace.append(objective)
    yield snapshot(model, resp0, ll, objective, "init",
                   f"{k} {kind} experts fitted to the initial responsibilities; {name} "
                   f"{objective:.6g}{note}", 0)
    converged = False
    for it in range(1, max_iter + 1):
        if cancelled():
            return
        yield snapshot(model, resp, ll, objective, "E",
                       f"E-step {it}: responsibilities r_ni ∝ π_i(x_n) p_i(t_n | x_n) of the "
                       f"{k} experts for the {n} points; {name} {objective:.6g} (an E step "
                       f"moves no parameter)", it)
        if cancelled():
            return
        before = objective
        model = em.refit_gate(em.refit_experts(model, resp), resp)
        resp, ll, objective = em.score(model)
        trace.append(objective)
        converged = abs(objective - before) / n < tol
        yield snapshot(model, resp, ll, objective, "M",
                       f"M-step {it}: experts refit, then the gate; "
                       f"{_change(name, before, objective)}"
                       + (f" (converged: less than {tol:g} per point)" if converged else ""),
                       it, converged)
        if progress is not None:
            progress(it / max_iter, f"iteration {it} of at most {max_iter}")
        if converged:
            break


# ---------------------------------------------------------------- drawing helpers


def clip_line(line: np.ndarray, box: tuple[float, float, float, float],
              halfplanes: np.ndarray | None = None) -> np.ndarray | None:
    """The segment (2, 2) of the line c + a₁u₁ + a₂u₂ = 0 inside the box (xmin, xmax, ymin,
    ymax) and inside every half-plane c + h₁u₁ + h₂u₂ ≥ 0 (rows of halfplanes); None if
    empty."""
    c, a1, a2 = (float(v) for v in line)
    norm = math.hypot(a1, a2)
    if norm == 0.0:
        return None
    point = -c * np.array([a1, a2]) / norm**2
    direction = np.array([-a2, a1]) / norm
    xmin, xmax, ymin, ymax = box
    rows = [(-xmin, 1.0, 0.0), (xmax, -1.0, 0.0), (-ymin, 0.0, 1.0), (ymax, 0.0, -1.0)]
    if halfplanes is not None:
        rows += [tuple(h) for h in np.asarray(halfplanes, dtype=np.float64)]
    low, high = -np.inf, np.inf
    for h0, h1, h2 in rows:  # h0 + h·(point + s dir) ≥ 0
        base = h0 + h1 * point[0] + h2 * point[1]
        rate = h1 * direction[0] + h2 * direction[1]
        if abs(rate) < 1e-15:
            if base < 0:
                return None
        elif rate > 0:
            low = max(low, -base / rate)
        else:
            high = min(high, -base / rate)
    if not low < high:
        return None
    return np.array([point + low * direction, point + high * direction])


def drawn_line(kind: str, coefficients: np.ndarray) -> np.ndarray:
    """An expert as the line c + a₁u₁ + a₂u₂ = 0 in the picture's plane: (x, t) for a
    linear expert on one input, (x₁, x₂) for a logistic expert's boundary on two."""
    if kind == "linear":
        b, a = coefficients
        return np.array([b, a, -1.0])
    return np.asarray(coefficients, dtype=np.float64)


def gate_region(kind: str, gating: np.ndarray, i: int) -> np.ndarray:
    """Half-planes (k − 1, 3) of the picture's plane where gate i is the largest."""
    others = [j for j in range(len(gating)) if j != i]
    diff = gating[i][None, :] - gating[others]
    if kind == "linear":  # the gate sees x only: no t term
        return np.column_stack([diff, np.zeros(len(others))])
    return diff


# ---------------------------------------------------------------- the algorithms


_COMMON = (
    Choice(name="init", default="k-means", options=INITS,
           help="k-means: start from k-means clusters of the rows (inputs and target, "
                "standardised); random: random responsibilities."),
    Int(name="max_iter", label="max iterations", default=200, low=1, high=5000,
        help="Stop after this many E/M rounds even if the likelihood still rises."),
    Float(name="tol", label="tolerance", default=1e-5, low=1e-10, high=1.0, log=True,
          decimals=10, help="Stop when the log-likelihood per point rises by less."),
    Int(name="restarts", default=1, low=1, high=50,
        help="Run EM from this many starts (seeds seed, seed + 1, …) without drawing; the "
             "one that ends with the highest log-likelihood is shown step by step."),
    Int(name="newton_steps", label="Newton steps", default=3, low=1, high=50,
        help="Newton (IRLS) steps per M step for the gate (and logistic experts); each "
             "backtracks until it raises the likelihood, so EM never lowers it."),
    Float(name="l2", label="L2 penalty λ", default=0.0, low=0.0, high=100.0, decimals=4,
          help="λ/2 Σ‖w‖² on the gate's weights (and logistic experts'), no intercepts: "
               "keeps the weights finite when classes or regimes separate perfectly. "
               "0: plain maximum likelihood."),
    seed_param(),
)


class _MixtureOfExperts(Algorithm):
    family = "Clustering"
    kind = "linear"
    snapshot_type = Experts
    libraries = ()

    def run(self, dataset, params, ctx):
        if ctx.cancelled():
            return
        inputs, targets = split(dataset, self.kind)
        k, extra = params["n_experts"], self._extra(params)

        def start(seed):
            return initial_responsibilities(inputs, targets, k, params["init"], seed,
                                            with_target=self.kind == "linear")

        def steps(resp, note="", progress=None):
            return em_steps(self.kind, inputs, targets, resp, params["max_iter"],
                            params["tol"], params["l2"], params["newton_steps"],
                            ctx.cancelled, progress, note=note, **extra)

        seed, note = params["seed"], ""
        restarts = params["restarts"]
        if restarts > 1:
            finals = []
            for r in range(restarts):
                ctx.progress(r / (restarts + 1), f"start {r + 1} of {restarts}, not drawn")
                last = _last(steps(start(params["seed"] + r)))
                if last is None or ctx.cancelled():
                    return
                finals.append(last.objective)
            best = int(np.argmax(finals))
            seed = params["seed"] + best
            shown = ", ".join(f"{v:.5g}" for v in finals[:8]) + (", …" if restarts > 8 else "")
            note = (f"; start {best + 1} of {restarts} (seed {seed}) ends highest "
                    f"(final values {shown}), shown step by step")
        yield from steps(start(seed), note, ctx.progress)
        ctx.progress(1.0, "done")

    def _extra(self, params) -> dict:
        return {}

    def _check_count(self, dataset, k) -> None:
        if k > dataset.n:
            raise ValueError(f"{k} experts need at least {k} points; this data set has "
                             f"{dataset.n}")


def _n_experts(default: int) -> Int:
    return Int(name="n_experts", label="experts K", default=default, low=1, high=10,
               help="How many experts (lines or boundaries) share the inputs.")


@register
class MixtureOfLinearRegressions(_MixtureOfExperts):
    id = "mix-linreg"
    name = "Mixture of linear regressions"
    kind = "linear"
    summary = ("Several regression lines, each in charge where a softmax gate of x picks "
               "it: the last column is the target t, the others the inputs x.")
    objective = ("maximise Σₙ log Σᵢ πᵢ(xₙ) N(tₙ | wᵢᵀ(1, xₙ), σᵢ²), "
                 "πᵢ(x) = softmax(ξᵢᵀ(1, x)); EM never lowers it")
    params = (_n_experts(3), *_COMMON[:4],
              Float(name="min_variance", label="minimum variance", default=1e-6, low=1e-12,
                    high=1.0, log=True, decimals=12,
                    help="No expert's noise variance falls below this, so one cannot "
                         "collapse onto two points."),
              *_COMMON[4:])

    def check(self, dataset, params):
        if dataset.d < 2:
            raise ValueError(
                "a mixture of linear regressions predicts the last column (the target) from "
                f"the others: this data set has one column, {dataset.feature_names[0]!r}; "
                "load a table with inputs and a target last, or the generated 'lines'")
        self._check_count(dataset, params["n_experts"])

    def _extra(self, params) -> dict:
        return {"min_variance": params["min_variance"]}


@register
class MixtureOfLogisticRegressions(_MixtureOfExperts):
    id = "mix-logreg"
    name = "Mixture of logistic regressions"
    kind = "logistic"
    summary = ("Several logistic regressions, each a straight class boundary, each in "
               "charge where a softmax gate of x picks it; the labels are the two classes.")
    objective = ("maximise Σₙ log Σᵢ πᵢ(xₙ) Bern(tₙ | σ(wᵢᵀ(1, xₙ))), "
                 "πᵢ(x) = softmax(ξᵢᵀ(1, x)); EM never lowers it")
    params = (_n_experts(2), replace(_COMMON[0], default="random"), *_COMMON[1:3],
              replace(_COMMON[3], default=5), *_COMMON[4:])

    def check(self, dataset, params):
        if dataset.y is None:
            raise ValueError(
                "a mixture of logistic regressions predicts a label of two classes: this "
                "data set has no labels; load a table with a label column of two values, or "
                "the generated 'boundaries'")
        classes = np.unique(dataset.y)
        if len(classes) != 2:
            names = ", ".join(dataset.target_names[c] for c in classes[:6]) \
                if dataset.target_names else ""
            raise ValueError(
                "a mixture of logistic regressions predicts a label of two classes: the "
                f"label column of this data set has {len(classes)} ({names}); use one with "
                "exactly two, or the generated 'boundaries'")
        self._check_count(dataset, params["n_experts"])
