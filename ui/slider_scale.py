"""How a slider's integer positions map to a numeric parameter's values, and back.

A QSlider holds integers only. Small whole-number ranges map one to one; other ranges map
onto a fixed number of positions, on a log scale where the range spans decades (the
number of points: 10 to 1e6, where a linear slider would spend every pixel on sizes
nobody draws and put 10 to 5000 under its first one).
"""

from __future__ import annotations

import math

from engine.params import Float, Int, Param

STEPS = 1000  # positions of a slider that does not map one to one
LOG_SPAN = 1000  # a range whose high / low is at least this is shown on a log scale


def _round_significant(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


class SliderScale:
    """position(value) and value(position) for one Int or Float spec; the ends map exactly."""

    def __init__(self, spec: Param):
        if not isinstance(spec, Int | Float):
            raise TypeError(f"no slider for {type(spec).__name__}")
        self.spec = spec
        self.low, self.high = spec.low, spec.high
        self.whole = isinstance(spec, Int)
        wants_log = spec.log if isinstance(spec, Float) else self.high >= LOG_SPAN * self.low
        self.log = bool(wants_log) and self.low > 0
        if self.whole and not self.log:
            self.maximum = self.high - self.low  # one position per value (a seed: 2**31 - 1)
        elif self.log:
            self.maximum = STEPS
        else:  # one position per shown decimal, at most STEPS
            self.maximum = max(1, min(STEPS, round((self.high - self.low) * 10**spec.decimals)))

    def value(self, position: int):
        """The parameter value at a slider position; log scales give round numbers."""
        position = min(max(int(position), 0), self.maximum)
        if position == 0:
            return self.low
        if position == self.maximum:
            return self.high
        t = position / self.maximum
        if self.whole and not self.log:
            return self.low + position
        if self.log:
            v = _round_significant(self.low * (self.high / self.low) ** t, 2 if self.whole else 3)
        else:
            v = round(self.low + t * (self.high - self.low), self.spec.decimals)
        v = min(max(v, self.low), self.high)
        return round(v) if self.whole else float(v)

    def position(self, value) -> int:
        """The slider position nearest a value (clamped to the range)."""
        value = min(max(value, self.low), self.high)
        if self.high <= self.low:
            return 0
        if self.whole and not self.log:
            return int(value - self.low)
        if self.log:
            t = math.log(value / self.low) / math.log(self.high / self.low)
        else:
            t = (value - self.low) / (self.high - self.low)
        return round(t * self.maximum)
