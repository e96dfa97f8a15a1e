"""Mixtures of linear and logistic regressions: EM never lowers the likelihood, recovers the
planted lines and boundaries, and reduces to the textbook fits with one expert."""

from itertools import permutations

import numpy as np
import pytest

from engine import datasets
from engine.clustering import experts as E
from engine.datasets import regimes
from engine.protocol import run_to_end


def _run(algorithm, dataset, **params):
    return run_to_end(algorithm, dataset, params, seed=params.get("seed", 0))


def _best_match(found: np.ndarray, planted: np.ndarray) -> float:
    """Largest row-wise error over the best pairing of found rows with planted rows."""
    return min(float(np.abs(found[list(p)] - planted).max())
               for p in permutations(range(len(found))))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize(("algorithm", "data", "init"), [
    ("mix-linreg", "lines", "k-means"), ("mix-linreg", "lines", "random"),
    ("mix-logreg", "boundaries", "random"), ("mix-logreg", "boundaries", "k-means")])
def test_log_likelihood_never_decreases(algorithm, data, init, seed):
    ds = datasets.load(data, n_samples=150, seed=seed)
    snaps = list(registry_get(algorithm).start(ds, {"seed": seed, "init": init, "restarts": 1,
                                                   "max_iter": 60}))
    trace = snaps[-1].trace
    assert len(trace) >= 2
    assert np.all(np.diff(trace) >= -1e-9 * np.abs(trace[:-1]))
    # every M step's message tells the same story as the curve
    m_steps = [s for s in snaps if s.phase == "M"]
    assert m_steps and all(" rose " in s.message or " stays " in s.message for s in m_steps)
    assert [s.objective for s in m_steps] == list(trace[1:])


def test_penalised_objective_never_decreases_either():
    ds = datasets.load("boundaries", n_samples=150, noise=0.0, seed=5)
    last = _run("mix-logreg", ds, l2=0.1, restarts=1, max_iter=80)
    assert last.objective_name == "penalised log-likelihood"
    assert np.all(np.diff(last.trace) >= -1e-9 * np.abs(last.trace[:-1]))
    assert last.objective < last.log_likelihood


def registry_get(algorithm_id):
    from engine import registry

    return registry.get(algorithm_id)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_the_planted_lines(seed):
    ds = datasets.load("lines", n_samples=400, noise=0.3, n_regimes=3, seed=seed)
    last = _run("mix-linreg", ds, n_experts=3, seed=seed)
    planted = np.array([(b, a) for a, b in regimes.LINES])  # (intercept, slope)
    assert _best_match(last.coefficients, planted) < 0.3
    assert np.allclose(np.sqrt(last.variances), 0.3, atol=0.08)
    # the gate hands over where the data do: each regime's points go to one expert
    hits = [np.bincount(last.labels[ds.y == r], minlength=3).max() / np.sum(ds.y == r)
            for r in range(3)]
    assert min(hits) > 0.9


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_recovers_the_planted_boundaries(seed):
    ds = datasets.load("boundaries", n_samples=600, noise=0.2, n_regimes=2, seed=seed)
    last = _run("mix-logreg", ds, n_experts=2, restarts=3, seed=seed)
    unit = last.coefficients / np.linalg.norm(last.coefficients[:, 1:], axis=1)[:, None]
    planted = np.array(regimes.BOUNDARIES[:2])
    planted = planted / np.linalg.norm(planted[:, 1:], axis=1)[:, None]
    assert _best_match(unit, planted) < 0.35


def test_one_linear_expert_is_ordinary_least_squares():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(80, 3))
    t = X @ [1.0, -2.0, 0.5] + 3.0 + rng.normal(size=80)
    ds = datasets.Dataset(name="t", X=np.column_stack([X, t]))
    last = _run("mix-linreg", ds, n_experts=1, max_iter=3)
    phi = np.column_stack([np.ones(80), X])
    w, *_ = np.linalg.lstsq(phi, t, rcond=None)
    np.testing.assert_allclose(last.coefficients[0], w, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(last.variances[0], np.mean((t - phi @ w) ** 2), rtol=1e-10)
    assert last.converged and last.iteration == 1


def test_one_logistic_expert_is_unpenalised_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    ds = datasets.load("boundaries", n_samples=200, noise=1.0, n_regimes=1, seed=2)
    last = _run("mix-logreg", ds, n_experts=1, restarts=1, newton_steps=20, tol=1e-10,
                max_iter=50)
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(ds.X, ds.y)
    expected = np.concatenate([ref.intercept_, ref.coef_[0]])
    np.testing.assert_allclose(last.coefficients[0], expected, rtol=1e-4, atol=1e-5)


def test_gate_with_fixed_responsibilities_is_weighted_multinomial_regression():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    logits = np.column_stack([X @ [2.0, 0.0], X @ [-1.0, 1.5], np.zeros(120)])
    resp = np.exp(logits + rng.normal(size=logits.shape))
    resp /= resp.sum(axis=1, keepdims=True)
    phi = E.design(X)
    gating = E.gate_newton(phi, resp, np.zeros((3, 3)), steps=50)
    assert np.all(gating[-1] == 0)
    # soft targets as scikit-learn takes them: each point once per class, weighted by r
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=5000).fit(
        np.tile(X, (3, 1)), np.repeat(np.arange(3), 120), sample_weight=resp.T.ravel())
    np.testing.assert_allclose(E.gates(phi, gating), ref.predict_proba(X), atol=1e-5)


def test_penalised_gate_matches_scikit_learn_with_c():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2))
    resp = (X[:, 0] > 0).astype(float)
    resp = np.column_stack([resp, 1 - resp])  # separable: only the penalty keeps it finite
    gating = E.gate_newton(E.design(X), resp, np.zeros((2, 3)), l2=0.5, steps=60)
    ref = LogisticRegression(C=1 / 0.5, tol=1e-12, max_iter=5000).fit(X, 1 - resp[:, 0])
    # two classes: scikit-learn's single weight vector is ξ₁ − ξ₂ with the sign of class 1
    np.testing.assert_allclose(-gating[0], np.concatenate([ref.intercept_, ref.coef_[0]]),
                               atol=1e-5)


def test_newton_steps_never_lower_their_objective():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2)) * 5  # large inputs: a full Newton step overshoots
    resp = rng.dirichlet(np.ones(3), size=60)
    phi = E.design(X)
    gating = np.zeros((3, 3))
    value = E.gate_objective(phi, resp, gating, 0.0)
    for _ in range(10):
        gating = E.gate_newton(phi, resp, gating, steps=1)
        new = E.gate_objective(phi, resp, gating, 0.0)
        assert new >= value
        value = new


def test_clip_line_keeps_the_part_inside_box_and_region():
    seg = E.clip_line(np.array([0.0, 1.0, -1.0]), (-2, 2, -2, 2))  # y = x
    np.testing.assert_allclose(sorted(seg[:, 0]), [-2, 2])
    half = np.array([[0.0, 1.0, 0.0]])  # x ≥ 0
    seg = E.clip_line(np.array([0.0, 1.0, -1.0]), (-2, 2, -2, 2), half)
    np.testing.assert_allclose(sorted(seg[:, 0]), [0, 2], atol=1e-12)
    assert E.clip_line(np.array([5.0, 1.0, 0.0]), (-2, 2, -2, 2)) is None  # x = -5


def test_generators_plant_what_they_say():
    ds = datasets.load("lines", n_samples=2000, noise=0.0, seed=1)
    assert ds.feature_names == ("x", "y") and ds.n_classes == 3
    for r, (a, b) in enumerate(regimes.LINES):
        x, y = ds.X[ds.y == r].T
        np.testing.assert_allclose(y, a * x + b)
    xs = np.linspace(-2.995, 2.995, 600)  # no point exactly on a handover
    winner = E.gates(E.design(xs), regimes.planted_gate(3)).argmax(axis=1)
    np.testing.assert_array_equal(winner, np.searchsorted([-1.0, 1.0], xs))
    b = datasets.load("boundaries", n_samples=300, seed=0)
    assert set(np.unique(b.y)) == {0, 1} and b.d == 2


def test_checks_name_what_is_missing():
    from engine import registry

    one = datasets.Dataset(name="one", X=np.arange(5.0)[:, None], feature_names=("height",))
    with pytest.raises(ValueError, match=r"last column.*'height'"):
        registry.get("mix-linreg").resolve(one, {})
    with pytest.raises(ValueError, match="no labels"):
        registry.get("mix-logreg").resolve(datasets.Dataset(name="n", X=np.ones((5, 2))), {})
    with pytest.raises(ValueError, match=r"has 3 .*setosa"):
        registry.get("mix-logreg").resolve(datasets.load("iris"), {})


def test_csv_tables_hold_the_snapshot():
    from engine.export import snapshot_tables

    ds = datasets.load("lines", n_samples=60, seed=0)
    last = _run("mix-linreg", ds, n_experts=2)
    tables = snapshot_tables(last, ds)
    assert set(tables) == {"labels", "experts", "log_likelihood", "scores"}
    header, rows = tables["experts"]
    assert header == ["expert", "intercept", "w x", "noise_variance", "gate intercept",
                      "gate x"]
    np.testing.assert_allclose([r[1:4] for r in rows],
                               np.column_stack([last.coefficients, last.variances]))
    header, rows = tables["labels"]
    assert header[:4] == ["point", "expert", "r0", "r1"] and len(rows) == ds.n
    assert [r[1] for r in tables["log_likelihood"][1]] == list(last.trace)
    logistic = datasets.load("boundaries", n_samples=60, seed=0)
    header, _ = snapshot_tables(_run("mix-logreg", logistic, restarts=1), logistic)["experts"]
    assert header == ["expert", "intercept", "w x1", "w x2", "gate intercept", "gate x1",
                      "gate x2"]
