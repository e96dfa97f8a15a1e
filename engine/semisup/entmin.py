"""Entropy minimisation (Grandvalet and Bengio 2005): a logistic regression on Gaussian
features of the input, trained on the labelled points' cross-entropy plus `weight` × the
mean entropy of its predictions on the unlabelled points, with an L2 penalty on its weights.

Low entropy on the unlabelled points means sure predictions there. The penalty bounds the
model's scale, so it cannot be sure everywhere by sharpening alone (the trivial solution a
free network finds): it must move its boundary to where no points are, into the gap between
the classes. The features are a Gaussian bump at each point (at most MAX_CENTRES of them),
as wide as a multiple of the data's nearest-neighbour scale. The weights start at zero and
the entropy weight rises from 0 over the first quarter of training (`ramp`), so the labels
speak first. The baseline is the same model with the same penalty, trained on the labelled
cross-entropy alone, step for step beside it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine.data import Dataset
from engine.generative.training import load_torch, standardised
from engine.params import Bool, Float
from engine.protocol import RunContext
from engine.registry import register
from engine.semisup.common import (
    KernelPicture,
    SemiSupervised,
    SemiSupervisedMethod,
    TorchData,
    Trace,
    accuracy_words,
    centres_for,
    common_params,
    grid_for,
    labelled_fields,
    labels_for,
    neighbour_scale,
    ramp,
    rbf_features,
    training_params,
)


def mean_entropy(torch, logits):
    """Mean over rows of the entropy (nats) of softmax(logits)."""
    log_p = torch.log_softmax(logits, dim=1)
    return -(log_p.exp() * log_p).sum(dim=1).mean()


def balance_entropy(torch, logits):
    """The entropy of the mean prediction: high when the classes share the points. Taking it
    away from the mean entropy stops the cheap way to be sure of every point, which is to
    give every point the same class."""
    p = torch.softmax(logits, dim=1).mean(dim=0)
    return -(p * torch.log(p.clamp_min(1e-12))).sum()


class KernelFeatures:
    """The data's and the grid's Gaussian features (numpy, for pictures) and the data's on
    the device (for training), in standardised units."""

    def __init__(self, torch, device, dataset: Dataset, width: float, seed: int):
        Xs, mean, scale = standardised(dataset.X)
        self.centres = centres = Xs[centres_for(Xs, seed)]
        self.width = width * neighbour_scale(Xs)
        self.features = rbf_features(Xs, centres, self.width)
        self.grid = grid_for(dataset)
        self.grid_features = (None if self.grid is None else
                              rbf_features((self.grid.points - mean) / scale, centres,
                                           self.width))
        self.F = torch.as_tensor(self.features, dtype=torch.float32).to(device)
        self.m = len(centres)


@register
class EntropyMinimisation(SemiSupervisedMethod):
    id = "entmin"
    name = "Entropy minimisation"
    summary = ("A kernel logistic regression learns the few labels while asked to be sure "
               "of every unlabelled point: the boundary moves into the gap between classes.")
    objective = ("Minimise the labelled cross-entropy + weight · (1/|U|) Σ_{x∈U} H(p(·|x)) "
                 "+ penalty · ‖W‖², p(·|x) = softmax(W·φ(x) + b), φ(x) Gaussian bumps at "
                 "the points, H the entropy of the prediction on an unlabelled point x.")
    params = (
        Float(name="weight", label="entropy weight", default=1.0, low=0.0, high=20.0,
              decimals=2, help="Weight of the unlabelled points' mean entropy; 0 trains on "
                               "the labels alone, as the baseline does."),
        Bool(name="balanced", label="keep classes balanced", default=True,
             help="Also keep the entropy of the average prediction high, so that the "
                  "model cannot be sure of every point by giving them all one class."),
        Float(name="width", label="bump width", default=1.25, low=0.1, high=20.0,
              decimals=2, help="Width of the Gaussian bump at each point, in multiples of "
                               "the median distance to a point's fifth nearest neighbour."),
        Float(name="penalty", label="weight penalty", default=1e-3, low=0.0, high=1.0,
              log=True, decimals=5, help="L2 penalty on the weights: it bounds how sure "
                                         "the model can be, so that only moving the "
                                         "boundary lowers the entropy."),
        *training_params(steps=600, every=10),
        *common_params(),
    )
    snapshot_type = SemiSupervised
    libraries = ("torch", "torch._dynamo")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[SemiSupervised]:
        torch = load_torch(ctx)
        device = ctx.torch_device()
        labels = labels_for(dataset, params)
        kernel = KernelFeatures(torch, device, dataset, params["width"], params["seed"])
        data = TorchData(torch, device, dataset, labels)  # the labelled rows' tensors
        rows, targets, unlabelled = data.rows, data.targets, data.unlabelled
        models = [[torch.zeros(kernel.m, labels.n_classes, device=device, requires_grad=True),
                   torch.zeros(labels.n_classes, device=device, requires_grad=True)]
                  for _ in range(2)]  # the method's and the baseline's weights and biases
        optimisers = [torch.optim.Adam(m, lr=params["learning_rate"]) for m in models]
        cross_entropy = torch.nn.functional.cross_entropy
        steps, every, weight = params["steps"], params["every"], params["weight"]
        penalty = params["penalty"]
        trace = Trace()
        for step in range(1, steps + 1):
            if ctx.cancelled():
                return
            (W, b), (W0, b0) = models
            logits = kernel.F @ W + b
            supervised = cross_entropy(logits[rows], targets)
            entropy = mean_entropy(torch, logits[unlabelled])
            term = entropy - balance_entropy(torch, logits[unlabelled]) \
                if params["balanced"] else entropy
            loss = supervised + weight * ramp(step - 1, steps) * term + penalty * W.pow(2).sum()
            base_loss = (cross_entropy(kernel.F[rows] @ W0 + b0, targets)
                         + penalty * W0.pow(2).sum())
            for optimiser, value in zip(optimisers, (loss, base_loss), strict=True):
                optimiser.zero_grad(set_to_none=True)
                value.backward()
                optimiser.step()
            if step % every and step != steps:
                continue
            now, base = (KernelPicture(*m, kernel.features, kernel.grid_features)
                         for m in models)
            accuracy, baseline_acc = (labels.accuracy(p.predictions) for p in (now, base))
            trace.add(step, accuracy, baseline_acc)
            message = (f"step {step} of {steps}: labelled cross-entropy "
                       f"{float(supervised.detach()):.3f}, mean entropy on the unlabelled points "
                       f"{float(entropy.detach()):.3f} nats; "
                       f"{accuracy_words('accuracy on the unlabelled rest', accuracy)}, "
                       f"{accuracy_words('labels alone', baseline_acc)}")
            ctx.progress(step / steps, message)
            yield SemiSupervised(
                step=len(trace.x) - 1, message=message, method=self.id,
                model=f"logistic regression on {kernel.m} Gaussian bumps",
                **labelled_fields(labels), predictions=now.predictions,
                baseline=base.predictions, accuracy=accuracy, baseline_accuracy=baseline_acc,
                **trace.fields(), step_name="training step", map=now.map,
                baseline_map=base.map, box=None if kernel.grid is None else kernel.grid.box)
