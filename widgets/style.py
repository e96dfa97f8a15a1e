"""How canvases look: a theme (light or dark), font size, line and marker scale, palette.

A Style is a frozen value: the window makes one when the theme or presentation mode
changes and hands it to every canvas (`Canvas.apply_style`), once per change, never per
snapshot. Canvases read their colours and sizes from it instead of holding constants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QFont, QGuiApplication

from widgets.palette import palette_hex

PRESENTATION_SCALES = (1.25, 1.5, 2.0, 2.5)
DEFAULT_PRESENTATION_SCALE = 1.5
FALLBACK_POINTS = 9.0  # font size when no application is running yet


@dataclass(frozen=True)
class Theme:
    """The colours a canvas draws with, apart from the cluster palette."""

    name: str
    background: str
    foreground: str  # text: tick labels, axis labels, titles, legends
    axis: str  # axis lines and ticks
    muted: str  # secondary lines drawn over the data: cell boundaries, trails, outlines
    dropped: str  # what is de-emphasised: bars not kept
    accent: str  # what the user drags: cut lines, markers, the crosshair
    legend: str  # legend background, as #AARRGGBB

    @property
    def dark(self) -> bool:
        return QColor(self.background).lightness() < 128

    def colour(self, attr: str, alpha: int = 255) -> QColor:
        """One of the theme's colours (by field name) with the given opacity."""
        c = QColor(getattr(self, attr))
        c.setAlpha(alpha)
        return c


LIGHT = Theme("light", background="#FFFFFF", foreground="#202020", axis="#404040",
              muted="#282828", dropped="#C8C8C8", accent="#D62728", legend="#C8FFFFFF")
DARK = Theme("dark", background="#1E1F22", foreground="#E6E6E6", axis="#B4B4B4",
             muted="#E0E0E0", dropped="#4A4C52", accent="#FF5A4E", legend="#C81E1F22")
THEMES = {"light": LIGHT, "dark": DARK}


@dataclass(frozen=True)
class Style:
    """Everything a canvas needs to restyle itself; the default is the desk look in light.

    `font_pt` None means the application's own font size. `line_scale` multiplies each
    canvas's line widths and `marker_scale` its marker sizes, so that a canvas keeps its own
    proportions (a cut line thicker than a link) at any scale. `pixel_ratio` is the screen's
    device pixels per logical pixel: pyqtgraph's pens are cosmetic, drawn in device pixels,
    so without it every line would be half as thick at 200 % display scaling.
    """

    theme: Theme = field(default=LIGHT)
    font_pt: float | None = None
    line_scale: float = 1.0
    marker_scale: float = 1.0
    palette: str = "normal"
    presentation: bool = False
    pixel_ratio: float = field(default_factory=lambda: screen_ratio())

    @classmethod
    def desk(cls, theme: Theme = LIGHT) -> Style:
        return cls(theme=theme)

    @classmethod
    def projector(cls, theme: Theme = LIGHT, scale: float = DEFAULT_PRESENTATION_SCALE) -> Style:
        """For the back of a room: fonts by `scale`, lines thicker still (thin lines vanish on a
        projector first), bigger markers and the colour-blind-safe palette."""
        scale = float(scale)
        return cls(theme=theme, font_pt=round(base_points() * scale, 1),
                   line_scale=1.5 * scale, marker_scale=scale, palette="colour-blind",
                   presentation=True)

    @property
    def colours(self) -> tuple[str, ...]:
        """The cluster palette for this theme."""
        return palette_hex(self.palette, self.theme.dark)

    def points(self) -> float:
        """The font size in points."""
        return float(self.font_pt) if self.font_pt else base_points()

    def font(self, factor: float = 1.0) -> QFont:
        """The application's font at this style's size (times factor, for titles)."""
        font = QFont(QGuiApplication.font()) if QGuiApplication.instance() else QFont()
        font.setPointSizeF(self.points() * factor)
        return font

    def width(self, base: float) -> float:
        """A line width in device pixels, scaled for this style and the screen."""
        return base * self.line_scale * self.pixel_ratio

    def marker(self, base: float) -> float:
        """A marker size (pixels) scaled for this style."""
        return base * self.marker_scale


def screen_ratio() -> float:
    """The primary screen's device pixel ratio (1.0 before there is an application)."""
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() else None
    return float(screen.devicePixelRatio()) if screen is not None else 1.0


def base_points() -> float:
    """The application's font size in points: what text on a canvas uses at the desk."""
    if QGuiApplication.instance() is None:
        return FALLBACK_POINTS
    size = QGuiApplication.font().pointSizeF()
    return size if size > 0 else FALLBACK_POINTS
