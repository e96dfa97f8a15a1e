"""Any screen: the window rendered at 150 % and 200 % display scaling (QT_SCALE_FACTOR, which
only a new process takes) looks like the window at 100 %, only sharper: the same layout,
markers of the same size, canvases drawn, no text cut or moved."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from tests.pixels import rgb

ROOT = Path(__file__).resolve().parents[2]
SIZE = (1000, 640)
ARGS = ["--dataset", "iris", "--algorithm", "kmeans", "--run", "--size", "x".join(map(str, SIZE))]
FACTORS = (1.5, 2.0)
BLOCK = 40  # logical pixels: layout is compared block by block


def _channels(image: QImage) -> np.ndarray:
    values = rgb(image)
    return np.stack([(values >> s) & 0xFF for s in (16, 8, 0)], axis=-1).astype(np.int16)


def _coloured(channels: np.ndarray) -> int:
    """Pixels of a saturated colour: the cluster colours of points and centres."""
    return int(np.sum(channels.max(axis=-1) - channels.min(axis=-1) > 80))


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """The window at 100 % and at each factor, one new process each, run side by side. The
    100 % one too, made as the others are: drawn in this test process, after the tests run
    before it there, it once wrapped a title near its wrapping width unlike both scaled
    windows (in CI; alone it never did)."""
    folder = tmp_path_factory.mktemp("hidpi")
    runs = {}
    for factor in (1.0, *FACTORS):
        path = folder / f"window-{factor:g}x.png"
        env = dict(os.environ, QT_SCALE_FACTOR=f"{factor:g}", QT_QPA_PLATFORM="offscreen")
        runs[factor] = (path, subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--screenshot", str(path), *ARGS],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    images = {}
    for factor, (path, process) in runs.items():
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0, out
        images[factor] = QImage(str(path))
    return images


@pytest.mark.parametrize("factor", FACTORS)
def test_the_window_is_rendered_at_the_screen_scale(shots, factor):
    image = shots[factor]
    assert (image.width(), image.height()) == (round(SIZE[0] * factor), round(SIZE[1] * factor))


@pytest.mark.parametrize("factor", FACTORS)
def test_scaled_window_looks_like_the_window_at_100_percent(shots, factor):
    reference = _channels(shots[1.0])
    down = shots[factor].scaled(shots[1.0].size(), Qt.AspectRatioMode.IgnoreAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)
    scaled = _channels(down)
    # markers keep their size on the screen (a marker of device pixels shrinks to a quarter)
    ratio = _coloured(scaled) / _coloured(reference)
    assert 0.75 < ratio < 1.33, f"coloured area {ratio:.2f} of that at 100 %"
    assert _coloured(reference) > 2000  # the points are there at all
    # the same layout: no block (a button, a label, a canvas's corner) differs much
    diff = np.abs(scaled - reference).mean(axis=-1)
    h, w = (d // BLOCK * BLOCK for d in diff.shape)
    blocks = diff[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).mean(axis=(1, 3))
    worst = np.unravel_index(np.argmax(blocks), blocks.shape)
    where = (worst[1] * BLOCK, worst[0] * BLOCK)
    assert blocks.max() < 30, f"the block at {where} differs by {blocks.max():.0f} levels"


@pytest.mark.parametrize("factor", FACTORS)
def test_the_canvases_are_not_blank(shots, factor):
    """The centre of the window (the scatter and the objective's curve) holds many colours."""
    values = rgb(shots[factor])
    h, w = values.shape
    assert len(np.unique(values[h // 10: h * 8 // 10, w * 4 // 10: w * 95 // 100])) > 50
