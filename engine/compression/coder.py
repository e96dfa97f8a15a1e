"""An integer arithmetic coder with renormalisation (Witten, Neal and Cleary, 1987), and the
models that give it each symbol's probability as integer frequencies.

The interval [low, high] is held in STATE_BITS-bit integers. Each symbol narrows it to its
share cum[s] … cum[s + 1] of `total`; whenever the interval sits in one half, that half's bit
is settled and sent, and the interval doubled; when it straddles the middle within the two
inner quarters, the bit is not known yet and is counted as pending. With 48-bit state and
totals of at most 2²⁴, rounding the interval costs under 10⁻⁶ bit a symbol, so a message
takes between its information Σ −log₂(fᵢ / totalᵢ) and two bits more.

A model is asked, before each symbol, for a cumulative frequency table (a list of V + 1
integers from 0 to the total), then told the symbol. Encoder and decoder each build their
own copy of the model and feed it the same symbols, so they see the same tables: for the
char-RNN the state is stepped one character at a time by the same numpy calls on both sides,
and its probabilities are turned into integers the same way (`quantise`).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

STATE_BITS = 48
FULL = 1 << STATE_BITS
HALF = FULL >> 1
QUARTER = FULL >> 2
TOP = FULL - 1
MAX_TOTAL = 1 << 24  # a frequency table may add up to at most this (≤ QUARTER keeps it exact)
# A network's probabilities become frequencies out of 2²⁴: at 2¹⁶ the rounding cost 2.5 bits
# over the model's own information on the built-in text's held-out tail (3,323 characters),
# growing with the length; at 2²⁴ it is under a hundredth of a bit there.
QUANTUM_BITS = 24
CANCEL_EVERY = 256  # symbols between two looks at cancel: a char-RNN codes ~5,000 a second


class StaticModel:
    """The same table for every symbol: counts (of the message itself, sent beforehand)."""

    def __init__(self, counts: Sequence[int]):
        self.table = [0, *itertools.accumulate(int(c) for c in counts)]
        if self.table[-1] > MAX_TOTAL:
            raise ValueError(f"counts add up to {self.table[-1]:,}; at most {MAX_TOTAL:,}")

    def cumulative(self) -> list[int]:
        return self.table

    def update(self, symbol: int) -> None:
        pass


class AdaptiveModel:
    """Counts that start at `start` for every symbol (1: Laplace's rule) and grow by one as
    each symbol is read: no table is sent, the decoder learns it as it goes."""

    def __init__(self, size: int, start: int = 1):
        self.counts = [start] * size
        self.table: list[int] | None = None

    def cumulative(self) -> list[int]:
        if self.table is None:
            self.table = [0, *itertools.accumulate(self.counts)]
        return self.table

    def update(self, symbol: int) -> None:
        self.counts[symbol] += 1
        self.table = None
        if sum(self.counts) > MAX_TOTAL:  # halve, keeping every count at least 1
            self.counts = [max(1, c // 2) for c in self.counts]


def quantise(p: np.ndarray, bits: int = QUANTUM_BITS) -> list[int]:
    """A cumulative table out of 2^bits from probabilities: every symbol gets at least 1 (a
    symbol of frequency 0 could not be coded), the rest shared out by floor(p · (2^bits − V)).
    Deterministic: the same array gives the same table in encoder and decoder."""
    p = np.asarray(p, dtype=np.float64)
    free = (1 << bits) - len(p)
    freq = 1 + np.floor(p * free).astype(np.int64)
    return [0, *itertools.accumulate(freq.tolist())]


class NetworkModel:
    """A char-RNN's next-character distribution (engine.generative.char_rnn.CharNet),
    quantised; its state steps on by one character per symbol."""

    def __init__(self, net):
        self.net = net
        self.h = net.initial_state()
        self.table: list[int] | None = None

    def cumulative(self) -> list[int]:
        if self.table is None:
            self.table = quantise(self.net.next_probabilities(self.h))
        return self.table

    def update(self, symbol: int) -> None:
        self.h = self.net.step(self.h, symbol)
        self.table = None


def encode(symbols: Sequence[int], model, cancelled: Callable[[], bool] = lambda: False,
           every: int = CANCEL_EVERY) -> tuple[list[int], np.ndarray] | None:
    """(the bits, −log₂(f/total) spent on each symbol by the table the coder used), or None
    if cancelled (asked every `every` symbols)."""
    low, high, pending = 0, TOP, 0
    bits: list[int] = []
    info = np.empty(len(symbols))
    for i, s in enumerate(symbols):
        if i % every == 0 and cancelled():
            return None
        table = model.cumulative()
        a, b, total = table[s], table[s + 1], table[-1]
        if b <= a:
            raise ValueError(f"symbol {s} has frequency 0 at position {i}")
        info[i] = math.log2(total / (b - a))
        span = high - low + 1
        high = low + span * b // total - 1
        low = low + span * a // total
        while True:
            if high < HALF:
                bits.append(0)
                bits.extend([1] * pending)
                pending = 0
            elif low >= HALF:
                bits.append(1)
                bits.extend([0] * pending)
                pending = 0
                low -= HALF
                high -= HALF
            elif low >= QUARTER and high < HALF + QUARTER:
                pending += 1
                low -= QUARTER
                high -= QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
        model.update(s)
    # Two more bits pick a point inside the last interval (it holds a whole quarter).
    pending += 1
    first = 0 if low < QUARTER else 1
    bits.append(first)
    bits.extend([1 - first] * pending)
    return bits, info


def decode(bits: Sequence[int], n_symbols: int, model,
           cancelled: Callable[[], bool] = lambda: False, every: int = CANCEL_EVERY
           ) -> list[int] | None:
    """The n_symbols symbols back from their bits (reading zeros past the end), or None if
    cancelled."""
    stream = itertools.chain(bits, itertools.repeat(0))
    value = 0
    for bit in itertools.islice(stream, STATE_BITS):
        value = 2 * value + bit
    low, high = 0, TOP
    out = []
    for i in range(n_symbols):
        if i % every == 0 and cancelled():
            return None
        table = model.cumulative()
        total = table[-1]
        span = high - low + 1
        target = ((value - low + 1) * total - 1) // span
        s = bisect.bisect_right(table, target) - 1
        a, b = table[s], table[s + 1]
        high = low + span * b // total - 1
        low = low + span * a // total
        while True:
            if high < HALF:
                pass
            elif low >= HALF:
                low -= HALF
                high -= HALF
                value -= HALF
            elif low >= QUARTER and high < HALF + QUARTER:
                low -= QUARTER
                high -= QUARTER
                value -= QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
            value = 2 * value + next(stream)
        out.append(s)
        model.update(s)
    return out
