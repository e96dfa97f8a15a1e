"""Arithmetic coding of a text under three models of its characters, beside Huffman's code.

The message is narrowed to one sub-interval of [0, 1) per character, as wide as the model's
probability of that character; any number inside the last interval, written in binary,
identifies the message, and it takes about −log₂(width) = Σ −log₂ pᵢ bits. A better model
gives the characters that come higher probabilities: a wider interval, fewer bits.

Models: a static count (the message's own character counts, as Huffman uses; the table
itself is not counted), an adaptive count (every character starts at 1 and is counted as it
is coded: nothing is sent beforehand) and a char-RNN (engine.generative.char_rnn) trained on
the text's first part, which predicts each character from those before it. With the char-RNN
the message is the held-out rest of the text, never seen in training, and all three models
code that same part; the network's own size is not counted.

The first symbols are also narrowed with exact fractions, for the picture: each step's
interval, the character's share of it, and the leading bits of the code that are settled.
The whole message is coded by the integer coder in engine/compression/coder.py, decoded
again, and checked to be the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from engine.compression import coder, huffman
from engine.compression.symbols import (
    entropy_bits,
    fixed_length_bits,
    readable,
    require_text,
)
from engine.data import Dataset
from engine.params import Choice, Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

STATIC, ADAPTIVE, NETWORK = "static count", "adaptive count", "char-RNN"
MODELS = (STATIC, ADAPTIVE, NETWORK)
MAX_CODED = 100_000  # characters coded; the rest of a longer text is left out (and said so)
PENALTY_SYMBOLS = 24  # the most frequent characters drawn with Huffman's penalty
CODE_HEAD = 96  # bits of the chosen model's code kept for the view
TRAINING_SHARE = 0.7  # of the progress bar, when a char-RNN is trained first


@dataclass(frozen=True)
class Message:
    """What is coded: its symbols (indices into `alphabet`), and in words what part of the
    text it is."""

    alphabet: str
    symbols: np.ndarray
    what: str

    @property
    def text(self) -> str:
        return "".join(self.alphabet[s] for s in self.symbols)


def whole_text(text: str) -> Message:
    alphabet = "".join(sorted(set(text[:MAX_CODED])))
    index = {c: i for i, c in enumerate(alphabet)}
    symbols = np.fromiter((index[c] for c in text[:MAX_CODED]), np.int64,
                          min(len(text), MAX_CODED))
    what = (f"the whole text ({len(text):,} characters)" if len(text) <= MAX_CODED else
            f"the first {MAX_CODED:,} of the text's {len(text):,} characters")
    return Message(alphabet, symbols, what)


def held_out_text(net, text: str, trained: int) -> Message:
    """The held-out tail the network did not learn from, in the network's alphabet."""
    symbols = net.encode(text)
    return Message(net.alphabet, symbols,
                   f"the held-out last {len(text):,} characters (the char-RNN learnt from "
                   f"the {trained:,} before them)")


def make_model(name: str, message: Message, net=None):
    """A fresh model: one for the encoder, another for the decoder."""
    if name == STATIC:
        return coder.StaticModel(np.bincount(message.symbols, minlength=len(message.alphabet)))
    if name == ADAPTIVE:
        return coder.AdaptiveModel(len(message.alphabet))
    return coder.NetworkModel(net)


def settled_bits(low: Fraction, high: Fraction) -> str:
    """The leading binary digits every number in [low, high) shares: the code's first bits,
    already decided."""
    out = []
    while True:
        if high <= Fraction(1, 2):
            out.append("0")
            low, high = 2 * low, 2 * high
        elif low >= Fraction(1, 2):
            out.append("1")
            low, high = 2 * low - 1, 2 * high - 1
        else:
            return "".join(out)


@dataclass(frozen=True)
class Narrowing:
    """The first m steps, exactly: `tables` (m, V + 1) each step's cumulative probabilities,
    `symbols` (m,), `width_bits` −log₂ of the interval's width after each step and `settled`
    the code's bits settled by then."""

    symbols: np.ndarray
    tables: np.ndarray
    width_bits: np.ndarray
    settled: tuple[str, ...]
    low: tuple[Fraction, ...]


def narrow(model, symbols: np.ndarray, m: int) -> Narrowing:
    """Narrow [0, 1) by the first m symbols with exact fractions, through the model's own
    integer tables (so the picture is what the coder does, without its rounding)."""
    low, width = Fraction(0), Fraction(1)
    tables, widths, settled, lows = [], [], [], []
    for s in symbols[:m].tolist():
        table = model.cumulative()
        total = table[-1]
        tables.append(np.asarray(table, dtype=np.float64) / total)
        low += width * Fraction(table[s], total)
        width *= Fraction(table[s + 1] - table[s], total)
        widths.append(-math.log2(width.numerator) + math.log2(width.denominator))
        settled.append(settled_bits(low, low + width))
        lows.append(low)
        model.update(s)
    size = len(tables[0]) if tables else 1
    return Narrowing(frozen(symbols[:m].copy()), frozen(np.array(tables).reshape(-1, size)),
                     frozen(np.array(widths)), tuple(settled), tuple(lows))


@dataclass(frozen=True, kw_only=True, eq=False)
class ArithmeticCoding(Snapshot):
    """Arithmetic coding of `coded_text` (`coded_what` says which part of the text) under the
    model `model`, step by step, then under every model.

    The first `shown` steps of the chosen model, exactly: `step_symbols`, `step_tables`
    (m, V + 1) cumulative probabilities before each step, `step_width_bits` and
    `step_settled` (see `Narrowing`); the snapshot shows the first `n_steps` of them.
    Per model coded so far (`model_names`): `information` Σ −log₂ q over the message, q the
    frequencies the coder used, `coded_bits` the code's length, `round_trip` whether decoding
    gave the message back. `huffman_bits` and `fixed_bits` are Huffman's and a fixed-length
    code's lengths for the message, `entropy` its character entropy (bits per character).
    Huffman's penalty, for the most frequent characters: `penalty_symbols`, their
    `penalty_counts`, `penalty_ideal` −log₂ p and `penalty_lengths` Huffman's codeword
    lengths. `code_head`: the chosen model's code's first bits. `phase`: "training",
    "narrowing", "coding" or "done".
    """

    model: str
    alphabet: str
    coded_text: str
    coded_what: str
    n_steps: int = 0
    step_symbols: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    step_tables: np.ndarray = field(default_factory=lambda: np.empty((0, 1)))
    step_width_bits: np.ndarray = field(default_factory=lambda: np.empty(0))
    step_settled: tuple[str, ...] = ()
    model_names: tuple[str, ...] = ()
    information: np.ndarray = field(default_factory=lambda: np.empty(0))
    coded_bits: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    round_trip: tuple[bool, ...] = ()
    huffman_bits: int = 0
    fixed_bits: int = 0
    entropy: float = float("nan")
    penalty_symbols: str = ""
    penalty_counts: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    penalty_ideal: np.ndarray = field(default_factory=lambda: np.empty(0))
    penalty_lengths: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    code_head: str = ""
    phase: str = ""
    text_name: str = ""

    @property
    def n_chars(self) -> int:
        return len(self.coded_text)


def huffman_parts(message: Message) -> dict[str, Any]:
    """Huffman's code on the message's counts: its length, a fixed-length code's, the
    entropy, and the per-character penalty of the most frequent characters."""
    counts = np.bincount(message.symbols, minlength=len(message.alphabet))
    present = np.flatnonzero(counts)
    words = huffman.codewords(huffman.merges_of(counts[present]), len(present))
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    n = int(counts.sum())
    top = present[np.argsort(-counts[present], kind="stable")][:PENALTY_SYMBOLS]
    length_of = dict(zip(present.tolist(), lengths.tolist(), strict=True))
    return dict(huffman_bits=int((counts[present] * lengths).sum()),
                fixed_bits=n * fixed_length_bits(len(present)),
                entropy=entropy_bits(counts),
                penalty_symbols="".join(message.alphabet[i] for i in top),
                penalty_counts=frozen(counts[top]),
                penalty_ideal=frozen(np.log2(n / counts[top])),
                penalty_lengths=frozen(np.array([length_of[i] for i in top], dtype=np.int64)))


def done_message(results: dict[str, tuple[float, int, bool]], huffman_bits: int,
                 n: int) -> str:
    """The last step in words: bits per character of each model, and the round trips."""
    n = max(n, 1)
    each = ", ".join(f"{m} {bits / n:.3f}" for m, (_, bits, _) in results.items())
    checked = ("every model's code decoded back exactly"
               if all(same for _, _, same in results.values()) else "DECODING FAILED")
    return f"done: {each} bits per character (Huffman {huffman_bits / n:.3f}); {checked}"


def bits_text(bits: list[int]) -> str:
    return "".join("1" if b else "0" for b in bits)


@register
class Arithmetic(Algorithm):
    id = "arithmetic"
    name = "Arithmetic coding"
    family = "Compression"
    summary = ("Code a whole text as one number: each character narrows an interval by its "
               "probability, so a model that predicts better spends fewer bits.")
    objective = ("Code length ≈ Σᵢ −log₂ p(xᵢ | x₁ … xᵢ₋₁) bits: the model's information "
                 "content of the text, within two bits.")
    params = (
        Choice(name="model", default=NETWORK, options=MODELS,
               help="The model whose coding is drawn step by step. Static and adaptive counts "
                    "are always coded too; the char-RNN is trained only when chosen."),
        Int(name="shown", label="steps drawn", default=24, low=1, high=60,
            help="How many characters' intervals are drawn, one under the other."),
        Float(name="held_out", label="held-out share", default=0.1, low=0.02, high=0.5,
              decimals=2, help="char-RNN: the text's tail kept out of training; every "
                               "model codes this tail."),
        Int(name="hidden", label="char-RNN hidden units", default=64, low=8, high=256,
            help="Size of the char-RNN's state."),
        Int(name="epochs", label="char-RNN epochs", default=15, low=1, high=200,
            help="Passes of char-RNN training over the text's first part."),
        seed_param(),
    )
    snapshot_type = ArithmeticCoding
    reads = ("texts",)  # the running text itself, not the 2-D map of its words

    def libraries_for(self, dataset: Dataset, params: Mapping[str, Any]) -> tuple[str, ...]:
        return ("torch", "torch._dynamo") if params.get("model") == NETWORK else ()

    def _network_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"hidden": params["hidden"], "epochs": params["epochs"],
                "held_out": params["held_out"], "seed": params["seed"]}

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        require_text(dataset, "Arithmetic coding")
        if params["model"] == NETWORK:
            from engine.generative.char_rnn import CharRNN

            try:
                CharRNN().resolve(dataset, self._network_params(params))
            except ValueError as exc:  # a short typed text: the counts still code it
                raise ValueError(f"{exc}; or choose the static or adaptive count as the "
                                 f"model, which code any text") from None

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[ArithmeticCoding]:
        text = require_text(dataset, "Arithmetic coding")
        chosen, net = params["model"], None
        step = 0
        if chosen == NETWORK:
            net, message = None, None
            for snap in self._train(dataset, params, ctx):
                net, message = snap.net, snap.message
                if ctx.cancelled():
                    return
                yield ArithmeticCoding(step=step, message=message, model=chosen,
                                       alphabet=net.alphabet, coded_text="",
                                       coded_what="", phase="training",
                                       text_name=dataset.name)
                step += 1
            if net is None or ctx.cancelled():
                return
            message = held_out_text(net, snap.held_out_text, snap.train_chars)
        else:
            message = whole_text(text)
        start = TRAINING_SHARE if chosen == NETWORK else 0.0
        common = dict(model=chosen, alphabet=message.alphabet, coded_text=message.text,
                      coded_what=message.what, text_name=dataset.name,
                      **huffman_parts(message))
        steps = narrow(make_model(chosen, message, net), message.symbols, params["shown"])
        narrowed = dict(step_symbols=steps.symbols, step_tables=steps.tables,
                        step_width_bits=steps.width_bits, step_settled=steps.settled)
        for k in range(1, len(steps.symbols) + 1):
            if ctx.cancelled():
                return
            text_k = message.text[:k]
            note = (f"character {k}, '{readable(text_k[-1])}': the interval is now 2^−"
                    f"{steps.width_bits[k - 1]:.1f} wide; settled bits: "
                    f"{steps.settled[k - 1] or 'none yet'}")
            ctx.progress(start + 0.05 * k / len(steps.symbols), note)
            yield ArithmeticCoding(step=step, message=note, n_steps=k, phase="narrowing",
                                   **narrowed, **common)
            step += 1
        names = [m for m in MODELS if m != NETWORK or net is not None]
        names.sort(key=lambda m: m != chosen)  # the chosen one first: its code head is kept
        results: dict[str, tuple[float, int, bool]] = {}
        head = ""
        for i, name in enumerate(names):
            done = self._code(name, message, net, ctx)
            if done is None:
                return
            bits, info, same = done
            head = head or bits_text(bits[:CODE_HEAD])
            results[name] = (float(info.sum()), len(bits), same)
            last = i == len(names) - 1
            ordered = [m for m in MODELS if m in results]
            note = (f"{name}: {len(bits):,} bits for {message.symbols.size:,} characters "
                    f"({len(bits) / max(message.symbols.size, 1):.3f} per character), "
                    f"{'decoded back exactly' if same else 'DECODING FAILED'}")
            if last:
                note = done_message(results, common["huffman_bits"], message.symbols.size)
            ctx.progress(start + (1.0 - start) * (0.05 + 0.95 * (i + 1) / len(names)), note)
            yield ArithmeticCoding(
                step=step, message=note, n_steps=len(steps.symbols),
                phase="done" if last else "coding", model_names=tuple(ordered),
                information=frozen(np.array([results[m][0] for m in ordered])),
                coded_bits=frozen(np.array([results[m][1] for m in ordered], dtype=np.int64)),
                round_trip=tuple(results[m][2] for m in ordered), code_head=head,
                **narrowed, **common)
            step += 1

    def _train(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext):
        """The char-RNN's own run (engine.generative.char_rnn), its snapshots as they come."""
        from engine.generative.char_rnn import CharRNN

        network = CharRNN()
        values = network.resolve(dataset, self._network_params(params))
        yield from network.run(dataset, values, ctx.part(0.0, TRAINING_SHARE,
                                                         "training the char-RNN"))

    @staticmethod
    def _code(name: str, message: Message, net, ctx: RunContext):
        """(bits, information per symbol, whether decoding gave the message back) under one
        model; None if cancelled."""
        symbols = message.symbols.tolist()
        encoded = coder.encode(symbols, make_model(name, message, net), ctx.cancelled)
        if encoded is None:
            return None
        bits, info = encoded
        decoded = coder.decode(bits, len(symbols), make_model(name, message, net),
                               ctx.cancelled)
        if decoded is None:
            return None
        return bits, info, decoded == symbols
