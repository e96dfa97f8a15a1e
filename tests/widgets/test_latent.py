"""LatentCanvas: crosshair, sliders and decoder kept in step; A→B interpolation."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.pixels import distinct_colours
from widgets.latent import INTERPOLATION_STEPS, LatentCanvas

SHAPE = (4, 5)
U = np.outer(np.arange(1, 5), np.ones(5))  # rows ramp
V = np.outer(np.ones(4), np.arange(5))  # columns ramp
W = np.outer(np.arange(4) % 2, np.arange(5) % 2)


def decode(z):
    """A linear 'decoder' whose images are sums of outer products, one per latent dim."""
    z = np.atleast_2d(z)
    basis = np.stack([U, V, W])[: z.shape[1]]
    return np.einsum("ml,lhw->mhw", z, basis).reshape(z.shape[0], -1)


def _codes(n=40, dim=2, seed=0):
    return np.random.default_rng(seed).normal(size=(n, dim))


@pytest.fixture
def latent(qtbot):
    c = LatentCanvas()
    qtbot.addWidget(c)
    c.resize(800, 600)
    return c


def test_set_model_decodes_at_once(latent, qtbot):
    codes = _codes()
    with qtbot.waitSignal(latent.decoded_point, timeout=1000) as blocker:
        latent.set_model(codes, np.arange(40) % 3, decode, SHAPE)
    np.testing.assert_array_equal(latent.z(), [0.0, 0.0])
    np.testing.assert_allclose(blocker.args[0], decode(np.zeros(2))[0])
    np.testing.assert_allclose(latent.decoded_image(), np.zeros(SHAPE))


def test_moving_the_crosshair_changes_the_decoded_image(latent, qtbot):
    latent.set_model(_codes(), None, decode, SHAPE)
    before = latent.decoded_image()
    with qtbot.waitSignal(latent.decoded_point, timeout=1000):
        latent.crosshair().setPos(1.0, -0.5)
    np.testing.assert_allclose(latent.z(), [1.0, -0.5])
    after = latent.decoded_image()
    assert not np.allclose(after, before)
    np.testing.assert_allclose(after, 1.0 * U - 0.5 * V)
    assert latent.slider(0).value() == 100 and latent.slider(1).value() == -50


def test_slider_moves_z_and_the_crosshair(latent):
    latent.set_model(_codes(), None, decode, SHAPE)
    latent.slider(1).setValue(120)
    np.testing.assert_allclose(latent.z(), [0.0, 1.2])
    assert latent.crosshair().pos().y() == pytest.approx(1.2)
    np.testing.assert_allclose(latent.decoded(), (1.2 * V).ravel())


def test_three_dims_pad_shows_the_chosen_pair(latent):
    latent.set_model(_codes(dim=3), None, decode, SHAPE)
    assert len([latent.slider(i) for i in range(3)]) == 3
    latent.set_dims(0, 2)
    assert latent.dims() == (0, 2)
    latent.slider(2).setValue(-80)
    assert latent.crosshair().pos().y() == pytest.approx(-0.8)
    latent.slider(1).setValue(50)  # not on the pad: the crosshair stays
    assert latent.crosshair().pos().y() == pytest.approx(-0.8)
    latent.crosshair().setPos(0.3, 0.4)
    np.testing.assert_allclose(latent.z(), [0.3, 0.5, 0.4])


def test_one_dim_codes_lie_on_zero(latent):
    codes = _codes(dim=1)
    latent.set_model(codes, None, decode, SHAPE)
    x, y = latent.pad_points()
    np.testing.assert_array_equal(x, codes[:, 0])
    np.testing.assert_array_equal(y, np.zeros(len(codes)))
    latent.crosshair().setPos(0.7, 2.0)
    np.testing.assert_allclose(latent.z(), [0.7])
    assert latent.crosshair().pos().y() == 0.0


def test_retraining_keeps_z_unless_the_latent_size_changes(latent):
    latent.set_model(_codes(), None, decode, SHAPE)
    latent.set_z(np.array([0.4, -1.1]))
    latent.set_model(_codes(seed=1), None, decode, SHAPE)
    np.testing.assert_allclose(latent.z(), [0.4, -1.1])
    latent.set_model(_codes(dim=3), None, decode, SHAPE)
    np.testing.assert_allclose(latent.z(), [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="coordinates"):
        latent.set_z(np.zeros(2))


def test_interpolation_strip_decodes_a_to_b(latent):
    codes = _codes()
    latent.set_model(codes, None, decode, SHAPE)
    latent.set_interpolation(3, 17)
    path = latent.interpolation_images()
    assert path.shape == (INTERPOLATION_STEPS, *SHAPE)
    np.testing.assert_allclose(path[0], decode(codes[3]).reshape(SHAPE))
    np.testing.assert_allclose(path[-1], decode(codes[17]).reshape(SHAPE))
    np.testing.assert_allclose(path[3], decode(codes[3] + 3 / 7 * (codes[17] - codes[3]))
                               .reshape(SHAPE))
    assert latent.strip().image_count() == INTERPOLATION_STEPS
    np.testing.assert_array_equal(latent.strip().image(5), path[5])
    with pytest.raises(IndexError):
        latent.set_interpolation(0, 40)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_click_picks_a_and_shift_click_picks_b(latent, qtbot):
    codes = np.array([[-2.0, -2.0], [2.0, 2.0], [2.0, -2.0], [-2.0, 2.0]])
    latent.set_model(codes, None, decode, SHAPE)
    latent.show()
    qtbot.waitExposed(latent)
    pad = latent.pad()
    box = pad.getPlotItem().getViewBox()

    def click(i, modifier=Qt.KeyboardModifier.NoModifier):
        where = pad.mapFromScene(box.mapViewToScene(QPointF(*(codes[i] + 0.01))))
        qtbot.mouseClick(pad.viewport(), Qt.MouseButton.LeftButton, modifier, where)

    click(1)
    assert latent.interpolation() == (1, None)
    np.testing.assert_allclose(latent.z(), codes[1])  # z jumps to the picked code
    click(2, Qt.KeyboardModifier.ShiftModifier)
    assert latent.interpolation() == (1, 2)
    assert latent.interpolation_images().shape == (INTERPOLATION_STEPS, *SHAPE)
    where = pad.mapFromScene(box.mapViewToScene(QPointF(0.5, -0.5)))  # far from any code
    qtbot.mouseClick(pad.viewport(), Qt.MouseButton.LeftButton, pos=where)
    np.testing.assert_allclose(latent.z(), [0.5, -0.5], atol=0.05)
    assert latent.interpolation() == (1, 2)


def test_points_that_are_not_images_are_emitted(latent, qtbot):
    def decode_2d(z):
        z = np.atleast_2d(z)
        return np.c_[z[:, 0] + z[:, 1], z[:, 0] - z[:, 1]]

    latent.set_model(_codes(), np.arange(40) % 4, decode_2d, None)
    assert latent.decoded_image() is None
    with qtbot.waitSignal(latent.decoded_point, timeout=1000) as blocker:
        latent.set_z(np.array([1.0, 2.0]))
    np.testing.assert_allclose(blocker.args[0], [3.0, -1.0])
    latent.set_interpolation(0, 1)
    assert latent.interpolation_images().shape == (INTERPOLATION_STEPS, 2)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_grab_is_not_blank(latent, qtbot):
    latent.set_model(_codes(200), np.arange(200) % 3, decode, SHAPE)
    latent.set_z(np.array([1.0, 1.0]))
    latent.set_interpolation(0, 1)
    latent.show()
    qtbot.waitExposed(latent)
    assert distinct_colours(latent) > 20
    latent.clear()
    assert latent.z().size == 0 and latent.interpolation_images().size == 0


def test_the_pad_follows_the_codes_in_steps_and_anew_for_other_dims(latent):
    """Codes that move a little from epoch to epoch keep the pad's range (no rescale, no
    redraw of its axes at every epoch); codes that leave it, or another pair of latent
    dimensions, frame it again."""
    box = latent.pad().getPlotItem().getViewBox()
    codes = _codes(dim=3)
    latent.set_model(codes, None, decode, SHAPE)
    first = box.viewRange()
    latent.set_model(codes * 1.01, None, decode, SHAPE)
    assert box.viewRange() == first
    latent.set_model(codes * 3, None, decode, SHAPE)
    (x0, x1), (y0, y1) = box.viewRange()
    assert x0 <= (codes * 3)[:, 0].min() and x1 >= (codes * 3)[:, 0].max()
    assert y0 <= (codes * 3)[:, 1].min() and y1 >= (codes * 3)[:, 1].max()
    latent.set_model(codes, None, decode, SHAPE)
    small = np.ptp(codes[:, 0]) / np.diff(box.viewRange()[0])[0]
    assert small >= 0.5  # shrunk back to the codes
    shifted = codes + np.array([0.0, 0.0, 100.0])
    latent.set_model(shifted, None, decode, SHAPE)
    latent.set_dims(0, 2)
    (y0, y1) = box.viewRange()[1]
    assert y0 <= shifted[:, 2].min() and y1 >= shifted[:, 2].max()
