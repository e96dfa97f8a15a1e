"""The same checks on every registered algorithm, as scikit-learn's parametrize_with_checks does."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from engine import registry
from engine.params import ParamError
from engine.protocol import RunContext, run_to_end
from tests.quick import quick_case, quick_run
from ui.resources import explanation

ALGORITHMS = registry.all()
IDS = [a.id for a in ALGORITHMS]


def _arrays(snapshot):
    return {f.name: getattr(snapshot, f.name) for f in dataclasses.fields(snapshot)
            if isinstance(getattr(snapshot, f.name), np.ndarray)}


def test_the_four_foundation_methods_are_registered():
    assert {"kmeans", "agglomerative", "pca", "vae"} <= set(IDS)


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=IDS)
def test_describes_itself(algorithm):
    assert algorithm.name and algorithm.summary and algorithm.family in registry.FAMILIES
    assert explanation(algorithm.id), f"resources/explanations/{algorithm.id}.html is missing"
    assert len({p.name for p in algorithm.params}) == len(algorithm.params)


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=IDS)
def test_yields_snapshots_of_its_type(algorithm):
    _, _, snapshots = quick_run(algorithm.id)
    assert snapshots, "no snapshot"
    assert all(isinstance(s, algorithm.snapshot_type) for s in snapshots)
    assert [s.step for s in snapshots] == sorted(s.step for s in snapshots)


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=IDS)
def test_same_seed_same_result(algorithm):
    dataset, params = quick_case(algorithm.id)
    a = _arrays(quick_run(algorithm.id)[2][-1])  # seed 0, run once for several tests
    b = _arrays(run_to_end(algorithm, dataset, params, seed=0))
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=IDS)
def test_closing_the_generator_stops_it(algorithm):
    dataset, params = quick_case(algorithm.id)
    run = algorithm.start(dataset, params)
    next(run)
    run.close()
    with pytest.raises(StopIteration):
        next(run)


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=IDS)
def test_cancel_before_start_yields_at_most_one(algorithm):
    dataset, params = quick_case(algorithm.id)
    ctx = RunContext()
    ctx.cancel()
    try:
        produced = list(algorithm.run(dataset, algorithm.resolve(dataset, params), ctx))
    except Exception as exc:  # stopping by raising Cancelled is allowed too
        assert type(exc).__name__ == "Cancelled"
        produced = []
    assert len(produced) <= 1


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=IDS)
def test_bad_parameters_name_the_parameter(algorithm):
    dataset, _ = quick_case(algorithm.id)
    with pytest.raises(ParamError, match="no_such_param"):
        algorithm.resolve(dataset, {"no_such_param": 1})
    for spec in algorithm.params:
        high = getattr(spec, "high", None)
        if isinstance(high, int | float) and not isinstance(high, bool):
            with pytest.raises(ParamError, match=spec.name):
                algorithm.resolve(dataset, {spec.name: high * 2 + 1})


def test_listing_the_registry_imports_no_qt_torch_or_sklearn():
    code = (
        "import sys, engine, engine.registry as r, engine.datasets as d\n"
        "r.all(); d.load('blobs'); d.load('moons')\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & "
        "{'PySide6', 'shiboken6', 'pyqtgraph', 'torch', 'sklearn'}\n"
        "print(sorted(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_method_declares_the_heavy_libraries_it_imports():
    """The window says "loading torch…" from `libraries`; it must name what a run imports."""
    code = (
        "import json, sys\n"
        "from engine import registry\n"
        "from engine.protocol import run_to_end\n"
        "from tests.quick import quick_case\n"
        "HEAVY = {'torch', 'sklearn', 'fastcluster', 'scipy.cluster'}\n"
        "out = {}\n"
        "for a in registry.all():\n"
        "    before = set(sys.modules)\n"
        "    data, values = quick_case(a.id)\n"
        "    run_to_end(a, data, values)\n"
        "    new = set(sys.modules) - before\n"
        "    declared = a.libraries_for(data, a.resolve(data, values))\n"
        "    out[a.id] = {'undeclared': sorted(h for h in HEAVY if h in new\n"
        "                                      and h not in declared),\n"
        "                 'missing': sorted(m for m in declared if m not in sys.modules)}\n"
        "print(json.dumps(out))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for algorithm_id, found in json.loads(out.stdout).items():
        assert found == {"undeclared": [], "missing": []}, algorithm_id
