"""A form built from parameter specs: the widget of each spec enforces its range.

With `sliders=True` every number also gets a slider beside its spin box: the slider to
sweep, the spin box for an exact value. The spin box holds the value; the slider follows it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSlider,
    QSpinBox,
    QWidget,
)

from engine.params import Bool, Choice, Float, Int, Param, Picked
from ui.slider_scale import SliderScale


def range_text(spec: Param) -> str:
    """What values a parameter takes, in words, with its default."""
    if isinstance(spec, Int):
        return f"A whole number between {spec.low} and {spec.high} (default {spec.default})."
    if isinstance(spec, Float):
        scale = ", on a log scale" if spec.log else ""
        return f"A number between {spec.low:g} and {spec.high:g}{scale} (default {spec.default:g})."
    if isinstance(spec, Choice):
        return f"One of: {', '.join(spec.options)} (default {spec.default})."
    if isinstance(spec, Bool):
        return f"On or off (default {'on' if spec.default else 'off'})."
    return ""


def tooltip(spec: Param) -> str:
    """The parameter's meaning, then its range: what a hovering user needs to choose it."""
    return "\n".join(t for t in (spec.help, range_text(spec)) if t)


def _editor(spec: Param) -> QWidget:
    if isinstance(spec, Int):
        w = QSpinBox()
        w.setRange(spec.low, spec.high)
        w.setValue(spec.default)
    elif isinstance(spec, Float):
        w = QDoubleSpinBox()
        w.setDecimals(spec.decimals if not spec.log else max(spec.decimals, 5))
        w.setRange(spec.low, spec.high)
        if spec.log:
            w.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        else:
            w.setSingleStep((spec.high - spec.low) / 100)
        w.setValue(spec.default)
    elif isinstance(spec, Choice):
        w = QComboBox()
        w.addItems(list(spec.options))
        w.setCurrentText(spec.default)
    elif isinstance(spec, Bool):
        w = QCheckBox()
        w.setChecked(bool(spec.default))
    else:
        raise TypeError(f"no editor for {type(spec).__name__}")
    w.setToolTip(tooltip(spec))
    w.setObjectName(spec.name)
    return w


def _value(spec: Param, w: QWidget):
    if isinstance(spec, Int | Float):
        return w.value()
    if isinstance(spec, Choice):
        return w.currentText()
    return w.isChecked()


def _set_value(spec: Param, w: QWidget, value) -> None:
    if isinstance(spec, Int | Float):
        w.setValue(value)
    elif isinstance(spec, Choice):
        w.setCurrentText(value)
    else:
        w.setChecked(bool(value))


def _changed_signal(w: QWidget):
    if isinstance(w, QSpinBox | QDoubleSpinBox):
        return w.valueChanged
    if isinstance(w, QComboBox):
        return w.currentTextChanged
    return w.toggled


class SliderRow(QWidget):
    """A horizontal slider kept in step with a number's spin box, through the spec's scale."""

    def __init__(self, spec: Param, spin: QSpinBox | QDoubleSpinBox, parent=None):
        super().__init__(parent)
        self.spin = spin
        self.scale = SliderScale(spec)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName(f"{spec.name}-slider")
        self.slider.setToolTip(tooltip(spec) + (" The slider moves on a log scale."
                                                if self.scale.log else ""))
        self.slider.setAccessibleName(spec.title)
        self.slider.setRange(0, self.scale.maximum)
        self.slider.setPageStep(max(1, self.scale.maximum // 20))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(spin)
        self._from_slider_now = False
        self.slider.valueChanged.connect(self._from_slider)
        spin.valueChanged.connect(self._from_spin)
        self._from_spin(spin.value())

    def _from_slider(self, position: int) -> None:
        """The spin box takes the value; the slider stays under the mouse, not snapped to it."""
        self._from_slider_now = True
        try:
            self.spin.setValue(self.scale.value(position))
        finally:
            self._from_slider_now = False

    def _from_spin(self, value) -> None:
        if self._from_slider_now:
            return
        self.slider.blockSignals(True)
        self.slider.setValue(self.scale.position(value))
        self.slider.blockSignals(False)


class ParamForm(QWidget):
    """One labelled editor per spec; `changed` fires on every edit.

    `sliders=True` pairs each Int and Float spin box with a slider (see SliderRow).
    """

    changed = Signal()

    def __init__(self, specs: Sequence[Param] = (), parent=None, *, sliders: bool = False):
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._sliders_on = sliders
        self._editors: dict[str, tuple[Param, QWidget]] = {}
        self._sliders: dict[str, QSlider] = {}
        self.set_specs(specs)

    def set_specs(self, specs: Sequence[Param]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._editors = {}
        self._sliders = {}
        for spec in specs:
            if isinstance(spec, Picked):  # filled by the window from clicks, not typed
                continue
            w = _editor(spec)
            _changed_signal(w).connect(self.changed)
            if self._sliders_on and isinstance(spec, Int | Float):
                row = SliderRow(spec, w)
                self._sliders[spec.name] = row.slider
                self._layout.addRow(spec.title, row)
            else:
                self._layout.addRow(spec.title, w)
            self._editors[spec.name] = (spec, w)
        self._align_sliders()

    def _align_sliders(self) -> None:
        """Spin boxes beside sliders share one width, so the sliders line up and match."""
        spins = [self._editors[name][1] for name in self._sliders]
        width = max((w.sizeHint().width() for w in spins), default=0)
        for w in spins:
            w.setFixedWidth(width)

    def values(self) -> dict:
        return {name: _value(spec, w) for name, (spec, w) in self._editors.items()}

    def set_values(self, values: dict) -> None:
        for name, value in values.items():
            if name in self._editors:
                spec, w = self._editors[name]
                _set_value(spec, w, value)

    def editor(self, name: str) -> QWidget:
        return self._editors[name][1]

    def slider(self, name: str) -> QSlider:
        """The slider beside a number's spin box (a form built with sliders=True)."""
        return self._sliders[name]
