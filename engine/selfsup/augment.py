"""Random views of small grayscale images, in numpy, from a seeded generator.

One affine map per image (a shift, a small rotation, and a crop blown back up to full size:
a zoom in about a random centre), sampled bilinearly with zeros outside the image, then
Gaussian pixel noise. Images are (n, h, w) in [0, 1] and stay so. Each toggle leaves its
part out; with every toggle off an image comes back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SHIFT = 1.5  # pixels, each way
MAX_ANGLE = 15.0  # degrees, each way
MIN_CROP = 0.6  # the smallest crop, as a share of the image's area
NOISE_SIGMA = 0.15  # of the [0, 1] range


@dataclass(frozen=True)
class Augmentations:
    """Which parts of a random view are on."""

    shift: bool = True
    rotate: bool = True
    noise: bool = True
    crop: bool = True

    def words(self) -> str:
        on = [name for name, flag in (("shift", self.shift), ("rotation", self.rotate),
                                      ("noise", self.noise), ("crop", self.crop)) if flag]
        return ", ".join(on) if on else "none (both views are the image itself)"


def augment(images: np.ndarray, rng: np.random.Generator, aug: Augmentations) -> np.ndarray:
    """One random view of each image (n, h, w): the same shape, values in [0, 1]."""
    images = np.asarray(images, dtype=np.float64)
    n, h, w = images.shape
    # Draw every random number whether or not its part is on, so that turning one part
    # off leaves the others' draws as they were.
    shifts = rng.uniform(-MAX_SHIFT, MAX_SHIFT, size=(n, 2))
    angles = np.deg2rad(rng.uniform(-MAX_ANGLE, MAX_ANGLE, size=n))
    areas = rng.uniform(MIN_CROP, 1.0, size=n)
    room = rng.uniform(-1.0, 1.0, size=(n, 2))
    noise = rng.standard_normal(images.shape) * NOISE_SIGMA
    out = images
    if aug.shift or aug.rotate or aug.crop:
        zoom = 1.0 / np.sqrt(areas) if aug.crop else np.ones(n)
        # The crop's centre may move as far as the crop still fits inside the image.
        half = 0.5 * np.array([h - 1, w - 1])
        centre = room * half * (1.0 - 1.0 / zoom)[:, None] if aug.crop else np.zeros((n, 2))
        out = _warp(images, shifts if aug.shift else np.zeros((n, 2)),
                    angles if aug.rotate else np.zeros(n), zoom, centre)
    if aug.noise:
        out = out + noise
    return np.clip(out, 0.0, 1.0)


def _warp(images: np.ndarray, shifts: np.ndarray, angles: np.ndarray, zoom: np.ndarray,
          centre: np.ndarray) -> np.ndarray:
    """Each output pixel p reads the input at c + centre + R(−angle)(p − c − shift) / zoom,
    c the image's centre: shifted by `shift`, turned by `angle`, the part about `centre`
    magnified `zoom` times. Bilinear; outside the image reads 0."""
    h, w = images.shape[1:]
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    c = np.array([(h - 1) / 2.0, (w - 1) / 2.0])
    dr = rows[None] - c[0] - shifts[:, 0, None, None]
    dc = cols[None] - c[1] - shifts[:, 1, None, None]
    cos, sin = np.cos(angles)[:, None, None], np.sin(angles)[:, None, None]
    scale = 1.0 / zoom[:, None, None]
    src_r = c[0] + centre[:, 0, None, None] + scale * (cos * dr - sin * dc)
    src_c = c[1] + centre[:, 1, None, None] + scale * (sin * dr + cos * dc)
    return _bilinear(images, src_r, src_c)


def _bilinear(images: np.ndarray, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    """images sampled at fractional (r, c) per image, zero outside."""
    n, h, w = images.shape
    r0, c0 = np.floor(r).astype(np.int64), np.floor(c).astype(np.int64)
    fr, fc = r - r0, c - c0
    index = np.arange(n)[:, None, None]
    out = np.zeros_like(r)
    for dr, wr in ((0, 1.0 - fr), (1, fr)):
        for dc, wc in ((0, 1.0 - fc), (1, fc)):
            rr, cc = r0 + dr, c0 + dc
            inside = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
            values = images[index, np.clip(rr, 0, h - 1), np.clip(cc, 0, w - 1)]
            out += np.where(inside, values, 0.0) * wr * wc
    return out


def quarter_turns(images: np.ndarray, turns: np.ndarray) -> np.ndarray:
    """Each image (n, h, w) turned by turns[i] × 90° anticlockwise (exactly: no resampling)."""
    images = np.asarray(images)
    out = np.empty_like(images)
    for k in range(4):
        chosen = turns == k
        out[chosen] = np.rot90(images[chosen], k, axes=(1, 2))
    return out
