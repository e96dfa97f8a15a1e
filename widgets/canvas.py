"""What every canvas shares: a Style it applies, and export to PNG, SVG and the clipboard.

`Canvas` is a QWidget base class rather than a mixin: every canvas already is one QWidget
holding its plots, export renders that widget, and a base class lets the window find the
canvases in a view with `isinstance` and style them all the same way. A new canvas gets
theme, presentation mode and export by subclassing it, listing its pyqtgraph views in
`graphics_views()` and restyling its own items in `_restyle()`.

Linked selection lives here too. A canvas of data points calls `enable_selection` once per
scatter and gets the lasso and rectangle tools, the drawing of the selection and the menu
commands; a canvas that shows points another way (dendrogram leaves) overrides
`_show_highlight`. Every canvas emits `selection_made` and takes `set_highlight`, so the
window links them all without knowing what they draw.

Export renders the widget itself (QWidget.render), so a file shows exactly the canvas:
axes, labels and legend included, and nothing around it. SVG goes through QtSvg's
QSvgGenerator; pyqtgraph's own SVG exporter fails on recent Qt (pyqtgraph issue #3485).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QImage, QPainter, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QVBoxLayout, QWidget

from engine.selection import as_rows
from widgets.points_item import PointsItem
from widgets.selection import PAN, SelectionTool
from widgets.style import Style

AXES = ("left", "bottom", "right", "top")
TITLE_FACTOR = 1.15  # titles are this much larger than tick labels


class Canvas(QWidget):
    """Base of every canvas: `apply_style`, its read-back accessors, and export."""

    canvas_name = "Canvas"  # what the window calls this kind of canvas (export menu, file names)
    # A gesture on the canvas chose these data rows (empty: clear); True when Ctrl added them.
    selection_made = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._canvas_style = Style()
        self._selectors: list[SelectionTool] = []
        self._selection_mode = PAN
        self._selection_actions: list[QAction] = []
        self._highlight = np.empty(0, np.int64)
        self._views: list[pg.GraphicsView] = []

    # ---- style -----------------------------------------------------------------------------

    def canvas_style(self) -> Style:
        """The style last applied (QWidget.style() is Qt's widget style, hence the name)."""
        return self._canvas_style

    def apply_style(self, style: Style, pixel_ratio: float | None = None) -> None:
        """Restyle the plots (background, axes, fonts, title, legend) and then the canvas's
        own items (pens, markers, cluster colours). Call once per change of style.

        Pens count device pixels, so lines are drawn for `pixel_ratio` device pixels per
        pixel: by default the ratio of the screen the canvas is on (an export asks for its
        own), and a move to a screen of another ratio restyles the canvas."""
        ratio = self.devicePixelRatioF() if pixel_ratio is None else pixel_ratio
        style = dataclasses.replace(style, pixel_ratio=ratio)
        self._canvas_style = style
        for view in self.graphics_views():
            style_view(view, style)
        self._restyle(style)
        for tool in self._selectors:
            tool.restyle(style)

    def _restyle(self, style: Style) -> None:
        """Subclasses: apply the style to the items they own."""

    def event(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.DevicePixelRatioChange
                and self.devicePixelRatioF() != self._canvas_style.pixel_ratio):
            self.apply_style(self._canvas_style)
        return super().event(event)

    def graphics_views(self) -> list[pg.GraphicsView]:
        """The pyqtgraph views this canvas draws in (PlotWidgets get their axes styled)."""
        return self._views

    def show_views(self, *views: pg.GraphicsView) -> None:
        """Fill the canvas with these pyqtgraph views, edge to edge, one above the other:
        they are the ones styled and exported."""
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for view in views:
            box.addWidget(view)
        self._views = list(views)

    def set_plot_title(self, plot: pg.PlotWidget, text: str | None) -> None:
        """A title in the style's colour and size, with a title row tall enough for it."""
        style = self._canvas_style
        item = plot.getPlotItem()
        item.setTitle(text, color=style.theme.foreground,
                      size=f"{style.points() * TITLE_FACTOR:.1f}pt")
        if text is not None:
            _fit_title(item)

    def font_size(self) -> float:
        """The point size of the tick labels drawn now (read from the first plot's axis)."""
        for view in self.graphics_views():
            if isinstance(view, pg.PlotWidget):
                font = view.getPlotItem().getAxis("bottom").style["tickFont"]
                return float(font.pointSizeF()) if font is not None else 0.0
        return 0.0

    def line_widths(self) -> dict[str, float]:
        """Pen widths of the lines drawn now, by kind of item: read back from the items."""
        widths: dict[str, float] = {}
        for view in self.graphics_views():
            for item in view.scene().items():
                kind, width = _pen_width(item)
                if kind is not None:
                    widths[kind] = max(widths.get(kind, 0.0), width)
        return widths

    # ---- linked selection -----------------------------------------------------------------

    def enable_selection(self, plot_item: pg.PlotItem, points: PointsItem) -> SelectionTool:
        """Subclasses: let the user select the points of this scatter (once per scatter)."""
        tool = SelectionTool(plot_item, points, self)
        tool.selected.connect(self.selection_made)
        tool.set_mode(self._selection_mode)
        tool.restyle(self._canvas_style)
        tool.set_highlight(self._highlight)
        tool.set_menu_actions(self._selection_actions)
        self._selectors.append(tool)
        return tool

    def selection_tools(self) -> list[SelectionTool]:
        """One per scatter that can be selected on; none for other canvases."""
        return list(self._selectors)

    def set_selection_mode(self, mode: str) -> None:
        """PAN, LASSO or RECTANGLE (widgets.selection) on every scatter of the canvas."""
        for tool in self._selectors:
            tool.set_mode(mode)
        self._selection_mode = mode

    def set_selection_actions(self, actions: list[QAction]) -> None:
        """The host's selection commands, offered in the scatters' context menus."""
        self._selection_actions = list(actions)
        for tool in self._selectors:
            tool.set_menu_actions(self._selection_actions)

    def set_highlight(self, rows) -> None:
        """Show these data rows as selected, wherever this canvas draws them."""
        self._highlight = as_rows(rows)
        for tool in self._selectors:
            tool.set_highlight(self._highlight)
        self._show_highlight(self._highlight)

    def highlighted(self) -> np.ndarray:
        """The data rows this canvas draws as selected now (read back from its items)."""
        parts = [tool.highlighted() for tool in self._selectors]
        parts.append(self._highlighted_rows())
        return as_rows(np.concatenate(parts))

    def _show_highlight(self, rows: np.ndarray) -> None:
        """Subclasses that draw data points other than as a scatter: show these as selected."""

    def _highlighted_rows(self) -> np.ndarray:
        """Subclasses overriding `_show_highlight`: the rows they draw as selected."""
        return np.empty(0, np.int64)

    # ---- export ----------------------------------------------------------------------------

    def render_image(self, scale: float | None = None, width: int | None = None,
                     height: int | None = None) -> QImage:
        """The canvas as an image: `scale` times its size on screen, or `width` or `height`
        pixels (the other side keeps the aspect). Drawn at that resolution, not enlarged."""
        size = self._export_size()
        factor = _factor(size, scale, width, height)
        w = width if width is not None else round(size.width() * factor)
        h = height if height is not None else round(size.height() * factor)
        image = QImage(max(w, 1), max(h, 1), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(factor)
        image.fill(QColor(self._canvas_style.theme.background))
        painter = QPainter(image)
        try:
            painter.setRenderHints(QPainter.RenderHint.Antialiasing
                                   | QPainter.RenderHint.TextAntialiasing
                                   | QPainter.RenderHint.SmoothPixmapTransform)
            self._render_into(painter, factor)
        finally:
            painter.end()
        return image

    def export_png(self, path: str, scale: float | None = None, width: int | None = None,
                   height: int | None = None) -> QImage:
        """Write the canvas as a PNG at the chosen resolution; returns the image written."""
        image = self.render_image(scale, width, height)
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        return image

    def export_svg(self, path: str) -> None:
        """Write the canvas as SVG: lines and text as vectors, large scatters as an image."""
        size = self._export_size()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRect(QPoint(0, 0), size))
        generator.setTitle(self.canvas_name)
        generator.setDescription("Unsupervised Explorer")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"could not write {path}")
        try:
            painter.fillRect(QRect(QPoint(0, 0), size), QColor(self._canvas_style.theme.background))
            self._render_into(painter, 1.0)
        finally:
            painter.end()

    def copy_to_clipboard(self, scale: float | None = None) -> QImage:
        """Put the canvas on the clipboard as an image (at `scale`, default the screen's)."""
        image = self.render_image(scale)
        QGuiApplication.clipboard().setImage(image)
        return image

    def _export_size(self) -> QSize:
        """The size drawn: the canvas's size on screen, or its size hint if never laid out."""
        if self.size().isEmpty():
            self.resize(self.size().expandedTo(self.sizeHint()))
        return self.size()

    def _render_into(self, painter: QPainter, pixel_ratio: float) -> None:
        """Draw the widget and its children through the painter, with no item caches (a cached
        axis would go into an SVG as a bitmap, and at another scale as an enlarged one) and
        lines as thick, for the painter's `pixel_ratio`, as on the screen."""
        screen_ratio = self._canvas_style.pixel_ratio
        if pixel_ratio != screen_ratio:
            self.apply_style(self._canvas_style, pixel_ratio)
        try:
            self._settle()
            with self._uncached():
                self.render(painter, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)
        finally:
            if pixel_ratio != screen_ratio:
                self.apply_style(self._canvas_style, screen_ratio)

    def _settle(self) -> None:
        """Lay the plots out for what they draw now. An axis learns how wide its tick labels
        are only when it paints them, and asks for room then: after a change of font that
        has not reached the screen yet, paint once aside and let the layouts follow."""
        scratch = QImage(self._export_size(), QImage.Format.Format_ARGB32_Premultiplied)
        painter = QPainter(scratch)
        try:
            self.render(painter, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)
        finally:
            painter.end()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    @contextlib.contextmanager
    def _uncached(self) -> Iterator[None]:
        """Export mode for pyqtgraph's items (symbols as vectors, no hover buttons) and no
        caches, restored afterwards."""
        views = [(view, view.cacheMode()) for view in self.graphics_views()]
        items = [(item, item.cacheMode()) for view, _ in views for item in view.scene().items()]
        for view, _ in views:
            view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        for item, _ in items:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            if isinstance(item, pg.GraphicsItem):
                item.setExportMode(True, {"antialias": True})
        try:
            yield
        finally:
            for item, mode in items:
                if isinstance(item, pg.GraphicsItem):
                    item.setExportMode(False)
                item.setCacheMode(mode)
            for view, mode in views:
                view.setCacheMode(mode)


def style_view(view: pg.GraphicsView, style: Style) -> None:
    """Background of a pyqtgraph view; for a plot also its axes, title and legend."""
    theme = style.theme
    view.setBackground(theme.background)
    if not isinstance(view, pg.PlotWidget):
        return
    item = view.getPlotItem()
    font = style.font()
    for name in AXES:
        axis = item.getAxis(name)
        axis.setTickFont(font)
        axis.setPen(pg.mkPen(theme.axis, width=style.width(1.0)))
        axis.setTextPen(pg.mkPen(theme.foreground))
        # setLabel keeps the text and takes the style; the pens above set only the colour.
        axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix,
                      color=theme.foreground, **{"font-size": f"{style.points():.1f}pt"})
    title = item.titleLabel
    title.setAttr("color", theme.foreground)
    title.setAttr("size", f"{style.points() * TITLE_FACTOR:.1f}pt")
    if title.isVisible():
        title.setText(title.text)
        _fit_title(item)
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(theme.foreground)
        legend.setLabelTextSize(f"{style.points():.1f}pt")
        legend.setBrush(pg.mkBrush(QColor(theme.legend)))
        legend.setPen(pg.mkPen(theme.axis))
        for sample, label in legend.items:
            label.setText(label.text)
            sample.update()
        legend.updateSize()


TITLE_MARGIN = 8  # pixels kept clear on each side of a wrapped title, together
MIN_TITLE_WIDTH = 60  # narrower plots (not laid out yet) keep the title on one line


def _fit_title(item: pg.PlotItem) -> None:
    """A title row as tall as the title (pyqtgraph fixes it at 30 pixels), the title wrapped
    at word breaks to the width of its row's cell, which pyqtgraph would let run off both
    edges; done again whenever that width changes. The cell is the view box's column, not
    the whole plot: the axes' columns beside it are not the title's."""
    label = item.titleLabel
    text = label.item
    text.setTextWidth(-1)  # its natural width first
    room = item.getViewBox().width() - TITLE_MARGIN
    if room > MIN_TITLE_WIDTH and text.boundingRect().width() > room:
        text.setTextWidth(room)
        option = text.document().defaultTextOption()
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        text.document().setDefaultTextOption(option)
    height = max(30, int(text.boundingRect().height()) + 4)
    label.setMaximumHeight(height)
    item.layout.setRowFixedHeight(0, height)
    label.updateMin()
    label.resizeEvent(None)  # centre the text again: the label's own size may not change
    if not getattr(item, "_title_follows_width", False):
        item._title_follows_width = True
        item.getViewBox().sigResized.connect(lambda: _refit_title(item))


def _refit_title(item: pg.PlotItem) -> None:
    if item.titleLabel.isVisible() and item.titleLabel.text:
        _fit_title(item)


def _factor(size: QSize, scale: float | None, width: int | None, height: int | None) -> float:
    """Pixels per canvas pixel for the requested resolution; at most one way to ask."""
    asked = [v is not None for v in (scale, width, height)]
    if sum(asked) > 1:
        raise ValueError("give a scale, a width or a height, not more than one")
    if width is not None:
        return max(int(width), 1) / max(size.width(), 1)
    if height is not None:
        return max(int(height), 1) / max(size.height(), 1)
    factor = 1.0 if scale is None else float(scale)
    if not factor > 0:
        raise ValueError(f"scale must be positive, not {scale}")
    return factor


def _pen_width(item) -> tuple[str | None, float]:
    """(kind, width) of a line-drawing pyqtgraph item; (None, 0) for anything else."""
    if isinstance(item, pg.AxisItem):
        return "axis", item.pen().widthF()
    if isinstance(item, pg.InfiniteLine):
        return "marker line", item.pen.widthF()
    if isinstance(item, pg.PlotCurveItem):
        return "curve", item.opts["pen"].widthF()
    return None, 0.0
