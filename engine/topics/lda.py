"""Latent Dirichlet allocation, one pass over the corpus at a time, with NMF topics beside it.

The stepping: scikit-learn's LatentDirichletAllocation has no public way to run its batch
variational EM one iteration at a time, so this runs its *online* variational Bayes
(Hoffman, Blei and Bach 2010) through `partial_fit`: each pass shuffles the documents into
mini-batches and makes one update of the topic–word parameters λ per mini-batch, blending
in a share ρ = (offset + t)^−κ of the new estimate. With one mini-batch the size of the
corpus each pass is one variational EM iteration, damped by ρ. The perplexity of the whole
corpus, exp(−bound / words), is measured after every pass.

Beside it, scikit-learn's NMF on the tf-idf weighted counts (Frobenius loss) finds as many
topics in one go; each NMF topic is matched to the LDA topic whose word distribution it
resembles most (Hungarian matching of cosine similarities), so the two tables line up.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.params import Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

MAX_SNAPSHOTS = 100


@dataclass(frozen=True, kw_only=True, eq=False)
class TopicModel(Snapshot):
    """LDA after `iteration` passes: each topic's word distribution (k, V) and each
    document's topic mixture (n, k), rows summing to one; the perplexity after each pass
    (the first after pass 1); `top` (k, m) the columns of each topic's most likely words.
    The NMF topics (k, V, each row scaled to sum to one) and their top words, in the order
    matched to the LDA topics, with `nmf_similarity` the cosine of each matched pair."""

    topic_word: np.ndarray
    doc_topic: np.ndarray
    perplexity: np.ndarray
    top: np.ndarray
    iteration: int
    n_iter: int
    nmf_topic_word: np.ndarray
    nmf_top: np.ndarray
    nmf_similarity: np.ndarray
    nmf_error: float = float("nan")

    @property
    def k(self) -> int:
        return self.topic_word.shape[0]


def top_columns(weights: np.ndarray, m: int) -> np.ndarray:
    """(k, m) the columns of each row's m largest weights, largest first (ties: leftmost)."""
    return np.argsort(-weights, axis=1, kind="stable")[:, :min(m, weights.shape[1])]


def normalise_rows(a: np.ndarray) -> np.ndarray:
    s = a.sum(axis=1, keepdims=True)
    return np.divide(a, s, out=np.full_like(a, 1.0 / a.shape[1]), where=s > 0)


def match_topics(reference: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, cosine): other[order[t]] is matched to reference[t], the pairs maximising the
    summed cosine similarity of the word distributions (Hungarian algorithm)."""
    from scipy.optimize import linear_sum_assignment

    a = reference / np.maximum(np.linalg.norm(reference, axis=1, keepdims=True), 1e-300)
    b = other / np.maximum(np.linalg.norm(other, axis=1, keepdims=True), 1e-300)
    cosine = a @ b.T
    rows, cols = linear_sum_assignment(-cosine)
    order = cols[np.argsort(rows)]
    return order, cosine[np.arange(len(order)), order]


def nmf_topics(X: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, float]:
    """(k, V) NMF topics of the tf-idf weighted counts, each row scaled to sum to one, and
    the relative error ‖T − WH‖ / ‖T‖ of the tf-idf matrix T."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfTransformer

    T = TfidfTransformer().fit_transform(X).toarray()
    model = NMF(n_components=k, init="nndsvda", max_iter=400, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(T)
    error = model.reconstruction_err_ / max(float(np.linalg.norm(T)), 1e-300)
    return normalise_rows(model.components_), float(error)


@register
class TopicLDA(Algorithm):
    id = "topic-lda"
    name = "Topic model (LDA)"
    family = "Topic models"
    summary = ("Each document a mixture of topics, each topic a distribution over words: "
               "latent Dirichlet allocation, with NMF topics beside it.")
    objective = ("Maximise the variational bound on log p(documents) under LDA (Dirichlet "
                 "priors α on mixtures and η on topics); shown as the perplexity "
                 "exp(−bound / words), which falls.")
    params = (
        Int(name="n_topics", label="topics", default=4, low=2, high=30,
            help="How many topics k to find."),
        Int(name="n_iter", label="passes", default=40, low=1, high=500,
            help="Passes over the corpus, each one update per mini-batch."),
        Int(name="batch_size", label="mini-batch", default=512, low=8, high=5000,
            help="Documents per update; as many as the corpus makes each pass one "
                 "(damped) variational EM iteration."),
        Float(name="doc_topic_prior", label="α (mixtures)", default=0.2, low=0.01, high=10.0,
              help="Dirichlet prior on each document's topic mixture: small, few topics a "
                   "document."),
        Float(name="topic_word_prior", label="η (topics)", default=0.05, low=0.001,
              high=10.0, help="Dirichlet prior on each topic's words: small, few words a "
                              "topic."),
        Float(name="learning_offset", label="offset τ", default=1.0, low=1.0, high=100.0,
              help="Online update weight ρ = (τ + t)^−κ: a larger τ damps the first passes."),
        Float(name="learning_decay", label="decay κ", default=0.6, low=0.51, high=1.0,
              help="How fast the update weight ρ shrinks, one step per mini-batch."),
        Int(name="top_words", label="words shown", default=8, low=3, high=20,
            help="Words listed per topic."),
        seed_param(),
    )
    snapshot_type = TopicModel
    libraries = ("sklearn",)

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        if (dataset.X < 0).any():
            raise ValueError("a topic model needs word counts (non-negative), such as a "
                             "corpus: pick Short texts or Documents from planted topics")
        if dataset.X.sum() <= 0:
            raise ValueError("the documents hold no words")
        if params["n_topics"] > min(dataset.X.shape):
            raise ValueError(f"at most {min(dataset.X.shape)} topics for {dataset.n} "
                             f"documents of {dataset.d} words")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[TopicModel]:
        from sklearn.decomposition import LatentDirichletAllocation

        X, k, n_iter = dataset.X, params["n_topics"], params["n_iter"]
        ctx.progress(0.0, "NMF topics of the tf-idf weights, for comparison…")
        nmf, nmf_error = nmf_topics(X, k, params["seed"])
        if ctx.cancelled():
            return
        model = LatentDirichletAllocation(
            n_components=k, doc_topic_prior=params["doc_topic_prior"],
            topic_word_prior=params["topic_word_prior"], learning_method="online",
            learning_offset=params["learning_offset"],
            learning_decay=params["learning_decay"],
            batch_size=params["batch_size"], total_samples=dataset.n,
            random_state=params["seed"])
        rng = np.random.default_rng(params["seed"])
        perplexity: list[float] = []
        every = max(1, -(-n_iter // MAX_SNAPSHOTS))
        for it in range(1, n_iter + 1):
            if ctx.cancelled():
                return
            model.partial_fit(X[rng.permutation(dataset.n)])
            perplexity.append(float(model.perplexity(X)))
            if it % every == 0 or it == n_iter:
                ctx.progress(it / n_iter, f"pass {it} of {n_iter}: perplexity "
                                          f"{perplexity[-1]:.4g}")
                yield self._snapshot(params, model, X, nmf, nmf_error, perplexity, it)

    def _snapshot(self, params, model, X, nmf, nmf_error, perplexity, it) -> TopicModel:
        topic_word = normalise_rows(model.components_)
        order, cosine = match_topics(topic_word, nmf)
        nmf = nmf[order]
        m = params["top_words"]
        trace = np.array(perplexity)
        drop = "" if it == 1 else f" (from {trace[0]:.4g} after the first)"
        message = (f"pass {it} of {params['n_iter']}: perplexity {trace[-1]:.4g}{drop}; NMF "
                   f"topics match LDA's with mean cosine {cosine.mean():.2f}")
        return TopicModel(
            step=it, message=message, topic_word=frozen(topic_word),
            doc_topic=frozen(model.transform(X)), perplexity=frozen(trace),
            top=frozen(top_columns(topic_word, m)), iteration=it, n_iter=params["n_iter"],
            nmf_topic_word=frozen(nmf), nmf_top=frozen(top_columns(nmf, m)),
            nmf_similarity=frozen(cosine), nmf_error=nmf_error)
