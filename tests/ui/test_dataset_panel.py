"""The dataset panel: generator sliders in step with their spin boxes, reloads after a drag,
and the 2-D view chosen as principal components or two features by name."""

import threading

import numpy as np
import pytest

from engine import datasets
from engine.datasets import GENERATORS
from engine.params import Float, Int
from engine.projection import project_2d
from tests.ui.conftest import load
from ui.dataset_panel import FEATURES, RELOAD_DELAY_MS
from ui.param_form import ParamForm
from ui.slider_scale import SliderScale

NUMBERS = [(g.name, p) for g in GENERATORS.values() for p in g.params
           if isinstance(p, Int | Float)]


def _select(qtbot, window, name):
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=30000):
        window.data_panel.select(name)


def _requests(panel) -> list:
    """Records each load the panel asks its loader for (busy turns on with every request)."""
    asked = []
    panel.loader.busy.connect(lambda busy: busy and asked.append(True))
    return asked


def _drag(slider, *positions):
    """What a drag does to a tracking slider: one value per pixel, with no pause between."""
    for position in positions:
        slider.setValue(position)


@pytest.mark.parametrize(("generator", "spec"), NUMBERS, ids=[f"{g}-{p.name}" for g, p in NUMBERS])
def test_every_scale_reaches_both_ends_and_keeps_the_default(generator, spec):
    scale = SliderScale(spec)
    assert scale.value(0) == spec.low and scale.value(scale.maximum) == spec.high
    assert scale.position(spec.low) == 0 and scale.position(spec.high) == scale.maximum
    assert scale.value(scale.position(spec.default)) == pytest.approx(spec.default)
    values = [scale.value(p) for p in np.linspace(0, scale.maximum, 50).astype(int)]
    assert values == sorted(values) and all(spec.low <= v <= spec.high for v in values)


def test_size_slider_is_logarithmic(qtbot):
    spec = GENERATORS["blobs"].params[0]
    form = ParamForm([spec], sliders=True)
    qtbot.addWidget(form)
    slider, spin = form.slider("n_samples"), form.editor("n_samples")
    slider.setValue(slider.minimum())
    assert spin.value() == 10
    slider.setValue(slider.maximum())
    assert spin.value() == 1_000_000
    slider.setValue(slider.maximum() // 2)  # halfway on a log scale: the geometric mean
    assert spin.value() == pytest.approx(np.sqrt(10 * 1_000_000), rel=0.05)
    spin.setValue(10)
    assert slider.value() == slider.minimum()
    spin.setValue(1_000_000)
    assert slider.value() == slider.maximum()


def test_slider_and_spin_box_stay_in_step(qtbot, window):
    _select(qtbot, window, "moons")
    form = window.data_panel.options
    noise, noise_spin = form.slider("noise"), form.editor("noise")
    assert noise.value() == 5 and noise_spin.value() == pytest.approx(0.05)
    noise.setValue(30)
    assert noise_spin.value() == pytest.approx(0.30)
    noise_spin.setValue(0.72)
    assert noise.value() == 72
    form.set_values({"seed": 7, "n_samples": 2000})
    assert form.slider("seed").value() == 7
    size = SliderScale(GENERATORS["moons"].params[0])
    assert form.slider("n_samples").value() == size.position(2000)
    assert form.editor("n_samples").value() == 2000  # the spin box keeps the exact value
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=30000):
        pass  # the edits above reload once they settle
    assert window.dataset.n == 2000


def test_dragging_the_size_slider_reloads_once_at_the_end(qtbot, window):
    _select(qtbot, window, "moons")
    slider = window.data_panel.options.slider("n_samples")
    scale = SliderScale(GENERATORS["moons"].params[0])
    asked = _requests(window.data_panel)
    start = slider.value()
    _drag(slider, *range(start, start + 120, 10))
    expected = scale.value(slider.value())
    assert expected != window.dataset.n
    qtbot.waitUntil(lambda: window.dataset.n == expected, timeout=10000)
    assert len(asked) == 1  # twelve values on the way, one data set generated
    assert window.data_view.scatter.point_count() == expected


def test_a_change_during_a_slow_load_is_loaded_after_it(qtbot, window):
    """No second load starts while one runs; the last slider value still arrives."""
    _select(qtbot, window, "moons")
    panel = window.data_panel
    release = threading.Event()
    slow = datasets.load("moons", n_samples=50)
    panel.loader.request(lambda: release.wait(10) and slow)
    asked = _requests(panel)
    panel.options.slider("n_samples").setValue(300)
    expected = panel.options.editor("n_samples").value()
    qtbot.wait(3 * RELOAD_DELAY_MS)
    assert not asked  # waiting for the slow one, not racing it
    loads = []
    panel.dataset_changed.connect(lambda d: loads.append(d.n))
    release.set()
    qtbot.waitUntil(lambda: window.dataset.n == expected, timeout=10000)
    assert loads == [50, expected]


def test_iris_through_two_chosen_features(qtbot, window):
    _select(qtbot, window, "iris")
    panel = window.data_panel
    assert panel.view_box.isVisible() and not panel.view_axes.isVisible()
    assert panel.view_mode() == "pca"
    assert [panel.view_x.itemText(i) for i in range(panel.view_x.count())] == [
        "sepal length", "sepal width", "petal length", "petal width"]
    panel.view_kind.setCurrentIndex(panel.view_kind.findData(FEATURES))
    assert panel.view_axes.isVisible()
    assert (panel.view_x.currentIndex(), panel.view_y.currentIndex()) == (0, 1)
    np.testing.assert_array_equal(window.frame.xy, window.dataset.X[:, [0, 1]])
    panel.view_x.setCurrentIndex(2)  # X = feature 3
    panel.view_y.setCurrentIndex(0)  # Y = feature 1
    X = window.dataset.X
    assert panel.view_mode() == (2, 0)
    np.testing.assert_array_equal(window.frame.xy, X[:, [2, 0]])
    assert window.frame.axis_labels == ("petal length", "sepal length")
    scatter = window.data_view.scatter
    np.testing.assert_array_equal(scatter.points.points_data()[0], X[:, [2, 0]])
    assert scatter.plot_item.getAxis("bottom").labelText == "petal length"
    assert scatter.plot_item.getAxis("left").labelText == "sepal length"
    _select(qtbot, window, "iris")  # the same features again: the chosen view stays
    assert panel.view_mode() == (2, 0)
    np.testing.assert_array_equal(window.frame.xy, X[:, [2, 0]])


def test_principal_components_view_still_works(qtbot, window):
    _select(qtbot, window, "iris")
    panel = window.data_panel
    panel.view_kind.setCurrentIndex(panel.view_kind.findData(FEATURES))
    panel.view_x.setCurrentIndex(3)
    panel.view_kind.setCurrentIndex(panel.view_kind.findData("pca"))
    assert panel.view_mode() == "pca" and not panel.view_axes.isVisible()
    assert window.frame.axis_labels == ("PC1", "PC2")
    np.testing.assert_allclose(window.frame.xy, project_2d(window.dataset.X, "pca"))
    np.testing.assert_allclose(window.data_view.scatter.points.points_data()[0], window.frame.xy)


def test_two_dimensional_data_hides_the_chooser(qtbot, window):
    panel = window.data_panel
    assert window.dataset.d == 2
    assert not panel.view_box.isVisible()
    assert panel.view_mode() == (0, 1) and window.frame.exact
    load(qtbot, window, datasets.load("blobs", n_samples=40, n_features=5))
    assert panel.view_box.isVisible() and panel.view_mode() == "pca"
    assert panel.view_x.count() == 5


def test_a_load_under_way_does_not_replace_a_data_set_made_meanwhile(qtbot, window):
    """A drawing (or selection, or session) shown while a file still loads stays shown."""
    panel = window.data_panel
    release = threading.Event()
    late = datasets.load("moons", n_samples=50)
    panel.loader.request(lambda: release.wait(10) and late)
    made = datasets.load("blobs", n_samples=20, seed=4)
    panel.set_dataset(made)
    assert window.dataset is made
    release.set()
    qtbot.waitUntil(lambda: not panel.loader.is_busy(), timeout=10000)
    qtbot.wait(50)  # time for a result that got through to be delivered
    assert window.dataset is made


def test_the_source_box_names_where_the_data_came_from(qtbot, window, tmp_path):
    panel = window.data_panel
    _select(qtbot, window, "iris")
    assert panel.source.currentText() == "Iris"
    path = tmp_path / "points.csv"
    path.write_text("a,b,label\n1,2,x\n3,4,y\n5,6,x\n")
    with qtbot.waitSignal(panel.dataset_changed, timeout=30000):
        panel.load_path(str(path))
    assert panel.source.currentIndex() == -1
    assert panel.source.placeholderText() == "File: points.csv"
    made = datasets.load("blobs", n_samples=20, seed=4)
    panel.set_dataset(made)
    assert panel.source.placeholderText() == made.name and panel.options.values() == {}
    _select(qtbot, window, "iris")  # choosing from the box loads as ever
    assert window.dataset.name.lower().startswith("iris") and panel.source.currentText() == "Iris"


def test_a_text_previews_as_prose_not_as_its_word_rows(qtbot, window):
    panel = window.data_panel
    load(qtbot, window, datasets.load("text"))
    assert panel.prose.isVisible() and not panel.preview.isVisible()
    assert panel.prose.toPlainText() == window.dataset.raw_text[:len(panel.prose.toPlainText())]
    assert "a text of" in panel.status.text() and "characters" in panel.status.text()
    load(qtbot, window, datasets.load("iris"))
    assert panel.preview.isVisible() and not panel.prose.isVisible()
