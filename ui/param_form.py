"""A form built from parameter specs: the widget of each spec enforces its range."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from engine.params import Bool, Choice, Float, Int, Param


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
    w.setToolTip(spec.help)
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


class ParamForm(QWidget):
    """One labelled editor per spec; `changed` fires on every edit."""

    changed = Signal()

    def __init__(self, specs: Sequence[Param] = (), parent=None):
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._editors: dict[str, tuple[Param, QWidget]] = {}
        self.set_specs(specs)

    def set_specs(self, specs: Sequence[Param]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._editors = {}
        for spec in specs:
            w = _editor(spec)
            _changed_signal(w).connect(self.changed)
            self._layout.addRow(spec.title, w)
            self._editors[spec.name] = (spec, w)

    def values(self) -> dict:
        return {name: _value(spec, w) for name, (spec, w) in self._editors.items()}

    def set_values(self, values: dict) -> None:
        for name, value in values.items():
            if name in self._editors:
                spec, w = self._editors[name]
                _set_value(spec, w, value)

    def editor(self, name: str) -> QWidget:
        return self._editors[name][1]
