"""Typed parameter specs: the window builds its forms from these; values are checked here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class ParamError(ValueError):
    """A parameter value the algorithm cannot take; the message names the parameter."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True, kw_only=True)
class Param:
    name: str
    label: str = ""
    default: Any = None
    help: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")

    def coerce(self, value: Any) -> Any:
        return value


@dataclass(frozen=True, kw_only=True)
class Int(Param):
    low: int
    high: int

    def coerce(self, value):
        if isinstance(value, bool) or not float(value).is_integer():
            raise ParamError(self.name, f"must be a whole number, got {value!r}")
        value = int(value)
        if not self.low <= value <= self.high:
            raise ParamError(self.name, f"must be between {self.low} and {self.high}, got {value}")
        return value


@dataclass(frozen=True, kw_only=True)
class Float(Param):
    low: float
    high: float
    log: bool = False
    decimals: int = 3

    def coerce(self, value):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ParamError(self.name, f"must be a number, got {value!r}") from None
        if not self.low <= value <= self.high:
            raise ParamError(self.name, f"must be between {self.low} and {self.high}, got {value}")
        return value


@dataclass(frozen=True, kw_only=True)
class Choice(Param):
    options: tuple[str, ...]

    def coerce(self, value):
        if value not in self.options:
            raise ParamError(self.name, f"must be one of {', '.join(self.options)}; got {value!r}")
        return value


@dataclass(frozen=True, kw_only=True)
class Bool(Param):
    def coerce(self, value):
        if not isinstance(value, bool):
            raise ParamError(self.name, f"must be true or false, got {value!r}")
        return value


@dataclass(frozen=True, kw_only=True)
class Picked(Param):
    """Data points the user picked on a canvas, each with a class: ((row, class), ...), rows
    in increasing order. No editor in the form: the window fills it from clicks (the
    semi-supervised view's click-to-label); () means none picked."""

    default: tuple = ()

    def coerce(self, value):
        try:
            pairs = {int(row): int(cls) for row, cls in (value or ())}
        except (TypeError, ValueError):
            raise ParamError(self.name, f"must be (row, class) pairs, got {value!r}") from None
        if any(row < 0 or cls < 0 for row, cls in pairs.items()):
            raise ParamError(self.name, "rows and classes must be 0 or more")
        return tuple(sorted(pairs.items()))


def seed_param(default: int = 0) -> Int:
    """The seed every stochastic method takes: same seed, same result."""
    return Int(name="seed", default=default, low=0, high=2**31 - 1,
               help="Random seed: the same seed gives the same run.")


def resolve(specs: Sequence[Param], values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Fill in defaults and check every value; unknown names are an error, not ignored."""
    values = dict(values or {})
    known = {p.name for p in specs}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParamError(unknown[0], f"is not a parameter (known: {', '.join(sorted(known))})")
    return {p.name: p.coerce(values.get(p.name, p.default)) for p in specs}
