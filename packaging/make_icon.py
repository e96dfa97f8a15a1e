"""Draw the app icon: three clusters of dots split by their Voronoi boundaries.

Writes resources/icon/icon.png (256 px), icon-512.png, icon.ico (16–256 px, for Windows)
and icon.icns (16–1024 px, for macOS). Small sizes get fewer, bigger dots so the icon stays
legible at 16 px. Run it again after changing the drawing:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

import math
import os
import random
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

OUT = Path(__file__).resolve().parent.parent / "resources" / "icon"
# The program's first three cluster colours (widgets/palette.py).
COLOURS = ("#0072B2", "#E69F00", "#009E73")
# Cluster centres in a 100 × 100 box; their Voronoi cells meet at one vertex.
CENTRES = ((30.0, 33.0), (71.0, 38.0), (47.0, 73.0))
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# OSType of each PNG element an .icns holds, by pixel size (16@2x is "ic11", and so on).
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("ic11", 32), ("icp6", 64), ("ic12", 64),
              ("ic07", 128), ("ic08", 256), ("ic13", 256), ("ic09", 512), ("ic14", 512),
              ("ic10", 1024))


def circumcentre(a, b, c) -> tuple[float, float]:
    """The point equidistant from the three centres: where the three cells meet."""
    d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
    sa, sb, sc = (p[0] ** 2 + p[1] ** 2 for p in (a, b, c))
    x = (sa * (b[1] - c[1]) + sb * (c[1] - a[1]) + sc * (a[1] - b[1])) / d
    y = (sa * (c[0] - b[0]) + sb * (a[0] - c[0]) + sc * (b[0] - a[0])) / d
    return x, y


def voronoi_rays(centres) -> list[QLineF]:
    """The three boundary rays, from the vertex outward, away from the third centre."""
    vx, vy = circumcentre(*centres)
    rays = []
    for i, j in ((0, 1), (1, 2), (2, 0)):
        (ax, ay), (bx, by) = centres[i], centres[j]
        kx, ky = centres[3 - i - j]
        dx, dy = -(by - ay), bx - ax  # perpendicular to the segment between the two centres
        mx, my = (ax + bx) / 2 - kx, (ay + by) / 2 - ky
        if dx * mx + dy * my < 0:
            dx, dy = -dx, -dy
        n = math.hypot(dx, dy)
        rays.append(QLineF(vx, vy, vx + 200 * dx / n, vy + 200 * dy / n))
    return rays


def cluster_dots(size: int) -> list[tuple[float, float, int, float]]:
    """(x, y, cluster, radius) in the 100-unit box; fewer, bigger dots at small sizes."""
    if size <= 24:
        return [(x, y, k, 11.0) for k, (x, y) in enumerate(CENTRES)]
    if size <= 48:
        ring, spread, radius, turn = 3, 7.0, 5.5, 0.5
    else:
        ring, spread, radius, turn = 6, 10.0, 4.3, 0.3
    rng = random.Random(7)  # a little jitter, so the clusters look like data, not a pattern
    dots = []
    for k, (cx, cy) in enumerate(CENTRES):
        if ring == 6:
            dots.append((cx + rng.uniform(-1, 1), cy + rng.uniform(-1, 1), k, radius))
        for i in range(ring):
            a = 2 * math.pi * i / ring + turn * (k + 1)
            r = spread * rng.uniform(0.9, 1.15)
            dots.append((cx + r * math.cos(a), cy + r * math.sin(a), k, radius))
    return dots


def draw(size: int) -> QImage:
    """The icon at one pixel size, on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 100, size / 100)
    tile = QPainterPath()
    margin = 2.0 if size <= 32 else 4.0
    tile.addRoundedRect(QRectF(margin, margin, 100 - 2 * margin, 100 - 2 * margin), 18, 18)
    p.fillPath(tile, QColor("#FAFAF7"))
    p.setClipPath(tile)
    line = max(2.2, 140 / size)  # at least about 1.4 px on screen
    p.setPen(QPen(QColor("#3A3A3A"), line, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for ray in voronoi_rays(CENTRES):
        p.drawLine(ray)
    outline = QPen(QColor("#202020"), max(0.8, 60 / size))
    for x, y, k, r in cluster_dots(size):
        p.setPen(outline if size > 24 else Qt.PenStyle.NoPen)
        p.setBrush(QColor(COLOURS[k]))
        p.drawEllipse(QPointF(x, y), r, r)
    p.setClipping(False)
    p.setPen(QPen(QColor("#5A5A5A"), max(1.5, 100 / size)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(tile)
    p.end()
    return image


def png_bytes(image: QImage, fmt: str = "PNG") -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise RuntimeError(f"Qt could not encode {fmt}")
    return bytes(buffer.data())


def ico_entry(size: int) -> bytes:
    """One image of an .ico: PNG at 256 px (as Windows expects), Qt's BMP encoding below."""
    image = draw(size)
    if size >= 256:
        return png_bytes(image)
    single = png_bytes(image, "ICO")  # a one-image .ico: 6-byte header, 16-byte entry, data
    length, offset = struct.unpack_from("<II", single, 6 + 8)
    return single[offset:offset + length]


def ico(sizes=ICO_SIZES) -> bytes:
    """A multi-size .ico; Qt writes only one image per file, so the container is built here."""
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = ico_entry(size)
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def icns(types=ICNS_TYPES) -> bytes:
    """An .icns of PNG elements; Qt's writer too keeps one image per file."""
    cache: dict[int, bytes] = {}
    body = b""
    for ostype, size in types:
        png = cache.setdefault(size, png_bytes(draw(size)))
        body += ostype.encode("ascii") + struct.pack(">I", 8 + len(png)) + png
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(out: Path = OUT) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "icon.png").write_bytes(png_bytes(draw(256)))
    (out / "icon-512.png").write_bytes(png_bytes(draw(512)))
    (out / "icon.ico").write_bytes(ico())
    (out / "icon.icns").write_bytes(icns())
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:9,d}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
