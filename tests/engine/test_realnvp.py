"""RealNVP: its density is a density (integrates to 1 in data units, and is the standardised
Gaussian before training), it learns, its inverse is exact and its log-determinant is the
Jacobian's, its numpy copy agrees with torch, and a seed fixes the run."""

import re
import threading

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from sklearn.datasets import make_moons

from engine.data import Dataset
from engine.generative.realnvp import (
    GRID,
    N_SAMPLES,
    FlowModel,
    RealNVP,
    base_grid_lines,
    build_nets,
    generate,
    log_likelihood,
    normalise,
)
from engine.generative.training import numpy_mlp
from engine.protocol import RunContext

FAST = {"layers": 4, "hidden": 16, "steps": 150, "batch_size": 64, "learning_rate": 1e-2}


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(n_samples=160, noise=0.08, random_state=0)
    return Dataset("moons", X * [3.0, 0.5] + [10.0, -4.0], y)  # units far from 1 and 0


@pytest.fixture(scope="module")
def run(moons):
    return list(RealNVP().start(moons, FAST, RunContext()))


@pytest.fixture(scope="module")
def torch():
    from engine.generative.torch_setup import import_torch

    return import_torch()


def wide_grid(box, reach=2.0, n=300):
    """Cell centres and cell area of a grid `reach` box-widths beyond the box on each side."""
    xmin, xmax, ymin, ymax = box
    w, h = xmax - xmin, ymax - ymin
    xs = np.linspace(xmin - reach * w, xmax + reach * w, n)
    ys = np.linspace(ymin - reach * h, ymax + reach * h, n)
    return (np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2),
            (xs[1] - xs[0]) * (ys[1] - ys[0]))


def test_the_density_integrates_to_one_in_data_units(run):
    for snap in (run[len(run) // 2], run[-1]):
        points, area = wide_grid(snap.box)
        mass = np.exp(snap.flow.log_density(points)).sum() * area
        assert mass == pytest.approx(1.0, abs=0.02), snap.step
    last = run[-1]
    cell = (last.box[1] - last.box[0]) * (last.box[3] - last.box[2]) / GRID ** 2
    assert 0.8 < np.exp(last.log_density).sum() * cell <= 1.01  # most of it in the data's box


def test_the_untrained_flow_is_the_standardised_gaussian(run, moons):
    first = run[0]
    assert first.trace_at.tolist() == [0]
    gaussian = multivariate_normal(moons.X.mean(axis=0), np.diag(moons.X.var(axis=0)))
    cells = np.stack(np.meshgrid(first.grid_x, first.grid_y), axis=-1)
    np.testing.assert_allclose(first.log_density, gaussian.logpdf(cells), rtol=1e-5)
    np.testing.assert_allclose(first.grid_lines[0], moons.X.mean(axis=0)
                               + moons.X.std(axis=0) * base_grid_lines(), rtol=1e-6)


def test_the_log_likelihood_improves(run):
    last = run[-1]
    assert isinstance(last, FlowModel)
    assert last.trace_at[0] == 0 and last.trace_at[-1] == FAST["steps"]
    assert np.all(np.diff(last.trace_at) > 0)
    assert last.train_ll.shape == last.test_ll.shape == last.trace_at.shape
    assert last.train_ll[-1] > last.train_ll[0] + 0.5
    assert last.test_ll[-1] > last.test_ll[0] + 0.3
    assert [s.step for s in run] == list(range(len(run)))
    assert re.fullmatch(r"step 150 of 150: mean log-likelihood per point (rose from -?\d+\.\d{3} "
                        r"to|fell from -?\d+\.\d{3} to|stayed at) -?\d+\.\d{3} on the training "
                        r"points \(-?\d+\.\d{3} on the held-out points\)", last.message)


def test_snapshot_shapes_and_the_heatmap_is_the_flows_density(run):
    last = run[-1]
    L = FAST["layers"]
    assert last.n_layers == L and last.flow.n_layers == L
    assert last.log_density.shape == (GRID, GRID)
    assert last.sample_layers.shape == (L + 1, N_SAMPLES, 2)
    assert last.grid_lines.shape == (L + 1, *base_grid_lines().shape)
    xmin, xmax, ymin, ymax = last.box
    assert xmin < last.grid_x[0] < last.grid_x[-1] < xmax
    assert ymin < last.grid_y[0] < last.grid_y[-1] < ymax
    cells = np.stack(np.meshgrid(last.grid_x, last.grid_y), axis=-1).reshape(-1, 2)
    ours = last.flow.log_density(cells).reshape(GRID, GRID)
    shown = last.log_density > -50  # float32 in torch: far tails differ in the last digits
    np.testing.assert_allclose(last.log_density[shown], ours[shown], rtol=1e-4, atol=1e-4)
    base = np.random.default_rng(0).standard_normal((N_SAMPLES, 2))
    np.testing.assert_allclose(last.flow.sample(base), last.samples, rtol=1e-4, atol=1e-4)
    for k in range(L + 1):  # each layer's samples and lines: the base's pushed through k
        lines = last.flow.to_data(last.flow.generate_layers(base_grid_lines().reshape(-1, 2))[k])
        np.testing.assert_allclose(last.grid_lines[k].reshape(-1, 2), lines, rtol=1e-4,
                                   atol=1e-4)
    for name in ("log_density", "sample_layers", "grid_lines", "train_ll", "trace_at"):
        assert not getattr(last, name).flags.writeable, name


def random_nets(torch, layers=4, hidden=16, seed=1):
    """Coupling networks with every weight random (trained ones are not the identity)."""
    torch.manual_seed(seed)
    nets = build_nets(torch, layers, hidden).double()
    with torch.no_grad():
        for net in nets:
            net[-1].weight.normal_(0.0, 0.5)
            net[-1].bias.normal_(0.0, 0.5)
    return nets


def test_the_inverse_is_exact(torch):
    nets = random_nets(torch)
    z = torch.randn(200, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    layers, log_det_forward = generate(torch, nets, z, 2.0)
    back, log_det_inverse = normalise(torch, nets, layers[-1], 2.0)
    assert not torch.allclose(layers[-1], z, atol=0.1)  # the flow moved the points
    torch.testing.assert_close(back, z, rtol=0.0, atol=1e-10)
    torch.testing.assert_close(log_det_inverse, -log_det_forward, rtol=0.0, atol=1e-10)


def test_the_log_determinant_is_the_jacobians(torch):
    nets = random_nets(torch, seed=2)
    points = torch.tensor([[0.3, -1.2], [1.5, 0.7], [-2.0, 0.1], [0.0, 0.0]],
                          dtype=torch.float64)
    with torch.no_grad():
        _, log_det = normalise(torch, nets, points, 1.5)
    for i, u in enumerate(points):
        jacobian = torch.autograd.functional.jacobian(
            lambda v: normalise(torch, nets, v[None], 1.5)[0][0], u)
        sign, value = torch.linalg.slogdet(jacobian)
        assert float(sign) != 0.0
        assert float(value) == pytest.approx(float(log_det[i]), abs=1e-9)
        assert jacobian[0, 1] != 0 or jacobian[1, 0] != 0  # the layers mixed the coordinates


def test_numpy_copy_matches_torch(torch):
    from engine.generative.realnvp import NumpyFlow

    nets = random_nets(torch, seed=3)
    mean, std = np.array([2.0, -1.0]), np.array([0.5, 3.0])
    flow = NumpyFlow(nets=tuple(numpy_mlp(net, hidden="tanh") for net in nets),
                     scale_limit=2.0, mean=mean, std=std)
    x = np.random.default_rng(4).normal(size=(50, 2)) * std + mean
    u = torch.as_tensor((x - mean) / std, dtype=torch.float64)
    with torch.no_grad():
        expected = log_likelihood(torch, nets, u, 2.0, float(np.log(std).sum())).numpy()
    np.testing.assert_allclose(flow.log_density(x), expected, rtol=1e-10, atol=1e-10)
    z, _ = flow.normalise(x)
    np.testing.assert_allclose(flow.sample(z), x, rtol=1e-10, atol=1e-10)


def test_same_seed_same_result(moons):
    quick = {**FAST, "steps": 30}
    a = list(RealNVP().start(moons, {**quick, "seed": 5}, RunContext()))[-1]
    b = list(RealNVP().start(moons, {**quick, "seed": 5}, RunContext()))[-1]
    c = list(RealNVP().start(moons, {**quick, "seed": 6}, RunContext()))[-1]
    for name in ("log_density", "sample_layers", "grid_lines", "train_ll", "test_ll",
                 "test_rows"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert not np.allclose(a.samples, c.samples)


def test_nothing_held_out(moons):
    last = list(RealNVP().start(moons, {**FAST, "steps": 20, "held_out": 0.0},
                                RunContext()))[-1]
    assert last.test_ll.size == 0 and last.test_rows.size == 0
    assert "held-out" not in last.message


def test_refuses_data_not_in_two_dimensions():
    algorithm = RealNVP()
    three = Dataset("Swiss roll", np.random.default_rng(0).normal(size=(50, 3)))
    with pytest.raises(ValueError, match="exactly 2 features; Swiss roll has 3"):
        algorithm.resolve(three, {})
    with pytest.raises(ValueError, match="has 1"):
        algorithm.resolve(Dataset("line", np.arange(20.0)[:, None]), {})
    with pytest.raises(ValueError, match="at least 4 points"):
        algorithm.resolve(Dataset("few", np.eye(2)[[0, 1, 1]] + [[0, 0], [0, 1], [1, 0]]), {})
    with pytest.raises(ValueError, match="all 10 points are the same"):
        algorithm.resolve(Dataset("same", np.ones((10, 2))), {})


class TripWire(threading.Event):
    """A cancel event that reads as set from its `trip`-th look on."""

    def __init__(self, trip: int):
        super().__init__()
        self.trip, self.looks = trip, 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.trip


def test_cancel_stops_between_batches(moons):
    wire = TripWire(trip=12)
    snapshots = list(RealNVP().start(moons, {**FAST, "steps": 100},
                                     RunContext(cancel_event=wire)))
    assert wire.looks == wire.trip
    assert 1 <= len(snapshots) <= 5
