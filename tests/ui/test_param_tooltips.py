"""Every parameter says what it means and what values it takes, on hover."""

import pytest

from engine import datasets, registry
from engine.params import Bool, Choice, Float, Int, Picked
from ui.param_form import ParamForm

SPECS = [(a.id, p) for a in registry.all() for p in a.params] + [
    (g.name, p) for g in datasets.GENERATORS.values() for p in g.params]


@pytest.mark.parametrize("owner,spec", SPECS, ids=[f"{o}.{p.name}" for o, p in SPECS])
def test_every_parameter_has_a_meaning(owner, spec):
    assert len(spec.help.split()) >= 3, f"{owner}.{spec.name}: help is missing or too short"


def _range_words(spec) -> list[str]:
    if isinstance(spec, Int):
        return [f"between {spec.low} and {spec.high}"]
    if isinstance(spec, Float):
        return [f"between {spec.low:g} and {spec.high:g}"] + (["log scale"] if spec.log else [])
    if isinstance(spec, Choice):
        return ["one of", *spec.options]
    assert isinstance(spec, Bool)
    return ["on or off"]


def test_form_tooltips_give_the_meaning_and_the_range(qtbot):
    form = ParamForm(sliders=True)
    qtbot.addWidget(form)
    owners = [a.params for a in registry.all()] + [g.params for g in datasets.GENERATORS.values()]
    for specs in owners:
        form.set_specs(specs)
        for spec in specs:
            if isinstance(spec, Picked):  # points clicked on a canvas: no editor to hover
                continue
            tips = [form.editor(spec.name).toolTip()]
            if isinstance(spec, Int | Float):
                tips.append(form.slider(spec.name).toolTip())
            for tip in tips:
                assert spec.help in tip
                for words in _range_words(spec):
                    assert words.lower() in tip.lower(), f"{spec.name}: {tip!r} lacks {words!r}"


def test_a_log_slider_says_so(qtbot):
    form = ParamForm(datasets.GENERATORS["blobs"].params, sliders=True)
    qtbot.addWidget(form)
    assert "log scale" in form.slider("n_samples").toolTip()
    assert "log scale" not in form.slider("n_centers").toolTip()
