"""Pseudo-labelling (self-training): a classifier trained on the labelled points labels the
unlabelled points it is surest of, and is trained again on both, round after round.

The classifier is a logistic regression on RBF features (scikit-learn's Nystroem map of the
standardised data, fitted on every point: the features use no labels), so that its boundary
can bend around two moons. Each round adds, for each class, at most `per_round` points
predicted as that class with a probability of at least `threshold`, the surest first. Adding
per class keeps the classes balanced: adding the surest points overall let the class that
happened to be surer take the far half of the plane, round by round (confirmation bias).
The baseline is round 0: the same classifier on the labelled points alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import standardised
from engine.params import Float, Int
from engine.protocol import RunContext, frozen
from engine.registry import register
from engine.semisup.common import (
    SemiSupervised,
    SemiSupervisedMethod,
    Trace,
    accuracy_words,
    common_params,
    decision_map,
    grid_for,
    labelled_fields,
    labels_for,
)

FEATURES = 100  # RBF features (Nystroem components), at most the number of points
MAX_ITER = 300
C = 100.0  # logistic regression's inverse regularisation: little, the features are smooth


def select(probabilities: np.ndarray, known: np.ndarray, threshold: float, per_round: int
           ) -> np.ndarray:
    """Rows to pseudo-label this round: unlabelled ones predicted with probability at least
    `threshold`, the `per_round` surest of each predicted class (ties by row), sorted."""
    predicted = np.argmax(probabilities, axis=1)
    confidence = probabilities.max(axis=1)
    chosen = []
    for c in range(probabilities.shape[1]):
        rows = np.flatnonzero((known < 0) & (confidence >= threshold) & (predicted == c))
        chosen.append(rows[np.argsort(-confidence[rows], kind="stable")][:per_round])
    return np.sort(np.concatenate(chosen)) if chosen else np.empty(0, np.int64)


@register
class PseudoLabel(SemiSupervisedMethod):
    id = "pseudo-label"
    name = "Pseudo-labelling"
    summary = ("Train on the few labels, then let the classifier label the unlabelled points "
               "it is surest of and train again on those too, round by round.")
    objective = ("Self-training: each round minimise the logistic loss on the labelled and "
                 "pseudo-labelled points, then pseudo-label the unlabelled points with "
                 "max_c p(c | x) ≥ threshold.")
    params = (
        Float(name="threshold", default=0.7, low=0.5, high=0.999, decimals=3,
              help="A point gets a pseudo-label when the classifier gives its class at least "
                   "this probability. Lower: faster and riskier."),
        Int(name="per_round", label="added per class per round", default=10, low=1,
            high=500, help="At most this many points of each predicted class become "
                           "labels in one round, the surest first."),
        Int(name="rounds", default=40, low=1, high=500,
            help="Rounds of training and pseudo-labelling at most; the run stops earlier "
                 "when no point is sure enough."),
        Float(name="gamma", label="RBF width γ", default=5.0, low=0.1, high=200.0, log=True,
              decimals=2, help="Kernel γ per feature of the standardised data: larger bends "
                               "the boundary more tightly around the labelled points."),
        *common_params(),
    )
    snapshot_type = SemiSupervised
    libraries = ("sklearn",)

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[SemiSupervised]:
        ctx.progress(0.0, "building RBF features…")
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.kernel_approximation import Nystroem
        from sklearn.linear_model import LogisticRegression

        labels = labels_for(dataset, params)
        Xs, mean, scale = standardised(dataset.X)
        features = Nystroem(kernel="rbf", gamma=params["gamma"] / dataset.d,
                            n_components=min(FEATURES, dataset.n),
                            random_state=params["seed"]).fit(Xs)
        F = features.transform(Xs)
        grid = grid_for(dataset)
        G = None if grid is None else features.transform((grid.points - mean) / scale)
        n_classes = labels.n_classes

        def fit(known: np.ndarray, model=None):
            """Trained on the labelled rows of `known`; a model given goes on from where it
            was (warm start: one round changes little, and 10 classes of digits converge
            slowly from scratch)."""
            rows = np.flatnonzero(known >= 0)
            model = model or LogisticRegression(C=C, max_iter=MAX_ITER,
                                                class_weight="balanced", warm_start=True)
            with warnings.catch_warnings():  # a round's model needs no exact optimum
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(F[rows], known[rows])
            return model

        def probabilities(model, A: np.ndarray) -> np.ndarray:
            """(m, n_classes) even for classes no point has yet."""
            out = np.zeros((len(A), n_classes))
            out[:, model.classes_] = model.predict_proba(A)
            return out

        known = labels.targets(dataset.n)
        base = fit(known)
        model = base  # trained on, round after round, from where it was
        baseline = np.argmax(probabilities(base, F), axis=1)
        baseline_acc = labels.accuracy(baseline)
        baseline_map = None if G is None else decision_map(probabilities(base, G))
        trace = Trace()
        added = np.empty(0, np.int64)
        rounds = params["rounds"]
        for r in range(rounds + 1):
            if ctx.cancelled():
                return
            if r > 0:
                model = fit(known, model)
            p = probabilities(model, F)
            predictions = np.argmax(p, axis=1)
            accuracy = labels.accuracy(predictions)
            trace.add(r, accuracy, baseline_acc)
            pseudo = np.flatnonzero(known >= 0)
            pseudo = np.setdiff1d(pseudo, labels.rows)
            message = (f"round {r}: trained on {len(labels.rows)} labels and {len(pseudo)} "
                       f"pseudo-labels; {len(added)} added last round; "
                       f"{accuracy_words('accuracy on the unlabelled rest', accuracy)}, "
                       f"{accuracy_words('labels alone', baseline_acc)}")
            nxt = select(p, known, params["threshold"], params["per_round"]) \
                if r < rounds else np.empty(0, np.int64)
            last = len(nxt) == 0
            if last:
                message += (". Done: the last round" if r == rounds
                            else ". Done: every point has a label" if len(pseudo)
                            + len(labels.rows) == dataset.n
                            else ". Done: no unlabelled point is sure enough")
            ctx.progress((r + 1) / (rounds + 1), message)
            yield SemiSupervised(
                step=r, message=message, method=self.id,
                model="logistic regression on RBF features", **labelled_fields(labels),
                predictions=frozen(predictions), baseline=frozen(baseline, copy=True),
                accuracy=accuracy, baseline_accuracy=baseline_acc, **trace.fields(),
                step_name="round",
                map=None if G is None else decision_map(probabilities(model, G)),
                baseline_map=baseline_map, box=None if grid is None else grid.box,
                pseudo=frozen(pseudo), added=frozen(added))
            if last:
                return
            known[nxt] = predictions[nxt]
            added = nxt
