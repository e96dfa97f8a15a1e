"""t-SNE through openTSNE: the live run ends where openTSNE without callbacks ends."""

import threading

import numpy as np
import pytest

from engine import datasets, registry
from engine.cancellable import wait_for_helpers
from engine.protocol import RunContext, run_to_end
from engine.reduction.tsne import exact_kl, tsne_settings

FAST = {"exaggeration_iter": 40, "n_iter": 60}


@pytest.fixture(scope="module")
def blobs():
    return datasets.load("blobs", n_samples=150, seed=2)


def test_the_live_run_ends_where_opentsne_without_callbacks_ends(blobs):
    from openTSNE import TSNE

    algorithm = registry.get("tsne")
    params = algorithm.resolve(blobs, {**FAST, "dof": 0.7, "perplexity": 20})
    live = run_to_end(algorithm, blobs, params)
    reference = TSNE(**tsne_settings(params, blobs.n, threads=1)).fit(blobs.X)
    np.testing.assert_allclose(live.coords, np.asarray(reference), rtol=1e-6, atol=1e-8)
    # On small data the trace is the exact KL, openTSNE's figure a Barnes-Hut estimate of it.
    exact = exact_kl(reference.affinities.P, np.asarray(reference), 0.7)
    assert live.trace[-1] == pytest.approx(exact, rel=1e-6)
    assert exact == pytest.approx(reference.kl_divergence, rel=0.02)


def test_same_seed_same_layout_and_another_seed_another(blobs):
    a = run_to_end("tsne", blobs, {**FAST, "seed": 4})
    b = run_to_end("tsne", blobs, {**FAST, "seed": 4})
    np.testing.assert_array_equal(a.coords, b.coords)
    np.testing.assert_array_equal(a.trace, b.trace)


def test_kl_falls_after_the_exaggeration_which_is_marked(blobs):
    last = run_to_end("tsne", blobs, FAST)
    assert last.marks == ((40.0, "early exaggeration ends"),)
    after = last.trace[last.trace_at >= 40]
    assert np.all(np.diff(after) <= 1e-9) and after[-1] < after[0]
    assert last.trace_at[-1] == last.n_iter == 100
    assert last.phase == "done" and last.quality is not None


def test_the_final_layout_is_measured_where_it_was_made_and_said_so(blobs):
    """The measures are taken beside the optimisation (in its process on big data), of the
    final layout, and the window hears of them."""
    from engine.reduction.quality import measure

    messages = []
    ctx = RunContext(on_progress=lambda fraction, message: messages.append(message))
    last = list(registry.get("tsne").start(blobs, FAST, ctx))[-1]
    assert messages[-2:] == ["quality measures…", last.message]
    assert last.quality == measure(blobs.X, last.coords, seed=0)


def test_trustworthiness_is_high_on_clustered_data(blobs):
    assert run_to_end("tsne", blobs, FAST).quality.trustworthiness > 0.95


def test_snapshots_show_the_layout_moving_and_the_phases(blobs):
    snaps = list(registry.get("tsne").start(blobs, FAST))
    phases = [s.phase for s in snaps]
    assert phases[0] == "init" and "early exaggeration" in phases and "optimisation" in phases
    assert phases[-1] == "done"
    assert not np.allclose(snaps[1].coords, snaps[-1].coords)
    assert all(s.quality is None for s in snaps[:-1])


def test_small_data_lowers_the_perplexity_and_says_so():
    tiny = datasets.load("blobs", n_samples=30, seed=0)
    last = run_to_end("tsne", tiny, {**FAST, "perplexity": 50})
    assert "perplexity lowered to 9.67" in last.message


def test_a_cancel_stops_the_run_and_its_helper():
    data = datasets.load("blobs", n_samples=200, seed=0)
    algorithm = registry.get("tsne")
    cancel = threading.Event()
    ctx = RunContext(cancel_event=cancel)
    run = algorithm.run(data, algorithm.resolve(data, {"n_iter": 5000}), ctx)
    snaps = [next(run), next(run)]  # the start, then the first iterations
    cancel.set()
    assert list(run) == []  # no more snapshots, no final one
    assert wait_for_helpers(10)  # openTSNE stopped at its next callback
    assert snaps[-1].iteration < 5250


def test_the_kl_on_small_data_is_exact_and_never_below_zero():
    """openTSNE's Barnes-Hut estimate fell to −1.2 on 80 texts whose points had not yet left
    the origin; below EXACT_KL_BELOW points the trace is the exact KL(P ‖ Q)."""
    from scipy import sparse

    rng = np.random.default_rng(0)
    Y = rng.normal(size=(6, 2))
    P = rng.random((6, 6)) * (rng.random((6, 6)) < 0.5)
    np.fill_diagonal(P, 0.0)
    P = P + P.T
    d2 = ((Y[:, None] - Y[None]) ** 2).sum(-1)
    for dof in (1.0, 0.5):  # openTSNE's kernel (1 + d²/α)^−α; α = 1 is t-SNE's
        W = (1.0 + d2 / dof) ** -dof
        np.fill_diagonal(W, 0.0)
        p, q = P / P.sum(), W / W.sum()
        m = p > 0
        assert exact_kl(sparse.csr_matrix(P), Y, dof) == pytest.approx(
            float(np.sum(p[m] * np.log(p[m] / q[m]))), rel=1e-12)
    texts = datasets.load("short_texts")
    last = run_to_end("tsne", texts, {"exaggeration_iter": 40, "n_iter": 40})
    assert (last.trace >= 0).all() and last.objective >= 0
