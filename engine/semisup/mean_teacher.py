"""Mean teacher (Tarvainen and Valpola 2017): a student trained on the labelled
cross-entropy plus a consistency term, and a teacher whose weights are an exponential moving
average of the student's.

Both are logistic regressions on Gaussian bumps at the points (entmin's model), with an L2
penalty on the weights: a model of bounded scale, which cannot satisfy the consistency term
by being sure everywhere, as a free network does. Each step both see every point under their
own augmentation (Gaussian noise on the standardised inputs; on images also a shift of up to
a pixel each way), and the consistency term is the mean squared difference of their softmax
outputs; its weight rises from 0 along the sigmoid ramp exp(−5(1 − t)²) over the first 40 %
of training. Agreeing under noise means a prediction that changes little near the points,
so the boundary leaves the dense regions for the gaps. Only the student learns by gradient;
the teacher follows θ′ ← decay·θ′ + (1 − decay)·θ, and predicts. The baseline is the same
model with the same penalty trained on the labelled cross-entropy alone, under the same
augmentation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import load_torch
from engine.params import Float
from engine.protocol import RunContext
from engine.registry import register
from engine.semisup.common import (
    KernelPicture,
    SemiSupervised,
    SemiSupervisedMethod,
    TorchData,
    Trace,
    accuracy_words,
    common_params,
    labelled_fields,
    labels_for,
    training_params,
)
from engine.semisup.entmin import KernelFeatures

RAMP_SHARE = 0.4  # of training, over which the consistency weight rises


def sigmoid_ramp(step: int, steps: int) -> float:
    """exp(−5(1 − t)²), t the share of the ramp done: Tarvainen and Valpola's ramp-up, slow
    at first, while the teacher's predictions are still worth little."""
    t = min(1.0, step / max(1.0, RAMP_SHARE * steps))
    return math.exp(-5.0 * (1.0 - t) ** 2)


SHIFTS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


class Augment:
    """Gaussian noise of `noise` standard deviations, after a random shift of each image by
    up to one pixel (zeros coming in), from the run's own random stream."""

    def __init__(self, torch, data: TorchData, dataset: Dataset, noise: float, seed: int,
                 device):
        self.torch = torch
        self.noise = float(noise)
        self.device = device
        self.generator = torch.Generator().manual_seed(int(seed) + 1)
        self.shape = dataset.image_shape
        if self.shape is not None:
            self.raw = torch.as_tensor(np.array(dataset.X), dtype=torch.float32).to(device)
            self.mean = torch.as_tensor(data.mean, dtype=torch.float32).to(device)
            self.scale = torch.as_tensor(data.scale, dtype=torch.float32).to(device)
        self.X = data.X

    def __call__(self):
        torch = self.torch
        x = self.X if self.shape is None else self._shifted()
        noise = torch.randn(x.shape, generator=self.generator).to(self.device)
        return x + self.noise * noise

    def _shifted(self):
        torch = self.torch
        n = self.raw.shape[0]
        h, w = self.shape
        images = self.raw.reshape(n, 1, h, w)
        padded = torch.nn.functional.pad(images, (1, 1, 1, 1))
        which = torch.randint(len(SHIFTS), (n,), generator=self.generator).to(self.device)
        out = torch.empty_like(images)
        for i, (dy, dx) in enumerate(SHIFTS):
            rows = which == i
            out[rows] = padded[rows, :, 1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
        return (out.reshape(n, h * w) - self.mean) / self.scale


@register
class MeanTeacher(SemiSupervisedMethod):
    id = "mean-teacher"
    name = "Mean teacher"
    summary = ("A student learns the few labels and to agree, under noise, with a teacher "
               "that is the running average of its own past weights.")
    objective = ("Minimise the student's labelled cross-entropy + weight · mean ‖softmax(f_θ("
                 "x + ε)) − softmax(f_θ′(x + ε′))‖² over every point + penalty · ‖W‖², f a "
                 "logistic regression on Gaussian bumps at the points; the teacher's weights "
                 "θ′ ← decay·θ′ + (1 − decay)·θ after each step.")
    params = (
        Float(name="consistency", label="consistency weight", default=3.0, low=0.0,
              high=300.0, decimals=2, help="Weight of the squared difference between the "
                                           "student's and the teacher's predictions. Too "
                                           "high (30 on digits), and agreeing beats "
                                           "learning: every point gets one class."),
        Float(name="decay", label="EMA decay", default=0.99, low=0.0, high=0.9999,
              decimals=4, help="How slowly the teacher follows the student: its weights are "
                               "this times their old value plus the rest times the student's."),
        Float(name="noise", label="input noise", default=0.1, low=0.0, high=2.0, decimals=3,
              help="Standard deviation of the Gaussian noise added to each standardised "
                   "input, separately for student and teacher (images are also shifted by "
                   "up to a pixel)."),
        Float(name="width", label="bump width", default=1.0, low=0.1, high=20.0,
              decimals=2, help="Width of the Gaussian bump at each point, in multiples of "
                               "the median distance to a point's fifth nearest neighbour."),
        Float(name="penalty", label="weight penalty", default=1e-3, low=0.0, high=1.0,
              log=True, decimals=5, help="L2 penalty on the weights (weight decay)."),
        *training_params(steps=1500, every=20),
        *common_params(),
    )
    snapshot_type = SemiSupervised
    libraries = ("torch", "torch._dynamo")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[SemiSupervised]:
        torch = load_torch(ctx)
        device = ctx.torch_device()
        labels = labels_for(dataset, params)
        data = TorchData(torch, device, dataset, labels)
        kernel = KernelFeatures(torch, device, dataset, params["width"], params["seed"])
        centres = torch.as_tensor(kernel.centres, dtype=torch.float32).to(device)
        spread = 2.0 * kernel.width ** 2

        def features(x):
            return torch.exp(-torch.cdist(x, centres).pow(2) / spread)

        k = labels.n_classes
        # the student's, the teacher's and the baseline's weights and biases, all from zero
        student, teacher, alone = ([torch.zeros(kernel.m, k, device=device, requires_grad=True),
                                    torch.zeros(k, device=device, requires_grad=True)]
                                   for _ in range(3))
        for p in teacher:
            p.requires_grad_(False)
        lr = params["learning_rate"]
        optimisers = [torch.optim.Adam(m, lr=lr) for m in (student, alone)]
        augment = Augment(torch, data, dataset, params["noise"], params["seed"], device)
        cross_entropy = torch.nn.functional.cross_entropy
        steps, every = params["steps"], params["every"]
        weight, decay, penalty = params["consistency"], params["decay"], params["penalty"]
        trace = Trace()
        for step in range(1, steps + 1):
            if ctx.cancelled():
                return
            f_student, f_teacher = features(augment()), features(augment())
            logits = f_student @ student[0] + student[1]
            supervised = cross_entropy(logits[data.rows], data.targets)
            with torch.no_grad():
                target = torch.softmax(f_teacher @ teacher[0] + teacher[1], dim=1)
            consistency = (torch.softmax(logits, dim=1) - target).pow(2).sum(dim=1).mean()
            loss = (supervised + weight * sigmoid_ramp(step, steps) * consistency
                    + penalty * student[0].pow(2).sum())
            base_loss = (cross_entropy(f_student[data.rows] @ alone[0] + alone[1], data.targets)
                         + penalty * alone[0].pow(2).sum())
            for optimiser, value in zip(optimisers, (loss, base_loss), strict=True):
                optimiser.zero_grad(set_to_none=True)
                value.backward()
                optimiser.step()
            with torch.no_grad():
                for p_t, p_s in zip(teacher, student, strict=True):
                    p_t.mul_(decay).add_(p_s, alpha=1.0 - decay)
            if step % every and step != steps:
                continue
            seen = [KernelPicture(*m, kernel.features, kernel.grid_features)
                    for m in (teacher, student, alone)]
            acc_t, acc_s, acc_b = (labels.accuracy(p.predictions) for p in seen)
            trace.add(step, acc_t, acc_b, acc_s)
            message = (f"step {step} of {steps}: labelled cross-entropy "
                       f"{float(supervised.detach()):.3f}, consistency "
                       f"{float(consistency.detach()):.4f}; "
                       f"{accuracy_words('teacher on the unlabelled rest', acc_t)}, "
                       f"{accuracy_words('student', acc_s)}, "
                       f"{accuracy_words('labels alone', acc_b)}")
            ctx.progress(step / steps, message)
            yield SemiSupervised(
                step=len(trace.x) - 1, message=message, method=self.id,
                model=f"logistic regression on {kernel.m} Gaussian bumps",
                **labelled_fields(labels), predictions=seen[0].predictions,
                baseline=seen[2].predictions, accuracy=acc_t, baseline_accuracy=acc_b,
                **trace.fields(), step_name="training step", map=seen[0].map,
                baseline_map=seen[2].map, box=None if data.grid is None else data.grid.box)
