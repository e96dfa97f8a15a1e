"""Compression: Huffman's code tree growing merge by merge beside the character counts, the
code table and the code's length against the entropy; arithmetic coding's interval narrowing,
Huffman's penalty per character, and bits per character for each model."""

from __future__ import annotations

import numpy as np

from engine.compression import huffman
from engine.compression.arithmetic import ADAPTIVE, NETWORK, STATIC, ArithmeticCoding
from engine.compression.huffman import HuffmanCode
from engine.compression.symbols import readable
from ui.views import View
from widgets.code_tree import CodeTreeCanvas
from widgets.intervals import IntervalCanvas
from widgets.symbol_bars import SymbolBarCanvas
from widgets.table import TableCanvas

MAX_FREQUENCY_BARS = 30  # the most frequent characters drawn as bars
SHORT = {STATIC: "static", ADAPTIVE: "adaptive", NETWORK: "char-RNN"}  # bar names


class HuffmanView(View):
    """Main: the code tree. Side: character counts, the code table, and bits per character
    of the entropy, of the code so far and of a fixed-length code."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tree = CodeTreeCanvas()
        self.frequencies = SymbolBarCanvas()
        self.frequencies.canvas_name = "Character counts"
        self.frequencies.set_labels("character", "count")
        self.table = TableCanvas()
        self.table.canvas_name = "Code table"
        self.lengths = SymbolBarCanvas()
        self.lengths.canvas_name = "Bits per character"
        self.lengths.set_labels("", "bits per character")
        self._arrange(self.tree, self.frequencies, self.table, self.lengths)
        self.side.setSizes([2, 3, 2])

    def show_snapshot(self, snap: HuffmanCode) -> None:
        xy, pairs = huffman.layout(snap.merges, snap.size, snap.n_merges)
        newest = snap.size + snap.n_merges - 1 if snap.n_merges else None
        trees = snap.size - snap.n_merges
        deepest = max(map(len, snap.codewords))
        state = (f"{trees} trees left" if trees > 1 else
                 f"finished: {snap.size} leaves, the deepest {deepest} bits down")
        self.tree.set_tree(xy, pairs, snap.size, [readable(c) for c in snap.alphabet], newest,
                           f"Huffman tree after {snap.n_merges} of {len(snap.merges)} merges "
                           f"({state}); a codeword is the path from the root: left 0, right 1")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: HuffmanCode) -> None:
        order = np.argsort(-snap.counts, kind="stable")
        top = order[:MAX_FREQUENCY_BARS]
        shown = "" if len(order) <= MAX_FREQUENCY_BARS else (
            f" (top {MAX_FREQUENCY_BARS} of {snap.size})")
        self.frequencies.set_bars([readable(snap.alphabet[i]) for i in top], snap.counts[top],
                                  title=f"counts in {snap.n_chars:,} characters{shown}")
        rows = [(readable(snap.alphabet[i]), int(snap.counts[i]), snap.codewords[i] or "(none)",
                 len(snap.codewords[i])) for i in order]
        what = "codewords" if snap.done else "bits assigned so far (each grows at the front)"
        self.table.set_table(f"code table: {what}", ["character", "count", "codeword", "bits"],
                             rows)
        so_far = snap.length_so_far()
        self.lengths.set_bars(
            ["entropy H", "Huffman L" if snap.done else "Huffman (so far)",
             f"fixed ⌈log₂ {snap.size}⌉"],
            [snap.entropy, so_far, snap.fixed_length], chosen=(1,), write_values=True,
            title=f"H {snap.entropy:.3f} ≤ L {snap.average_length:.3f} < H + 1")


class ArithmeticView(View):
    """Main: the interval narrowing. Side: Huffman's penalty per character, bits per
    character for each model, and the models' table."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.intervals = IntervalCanvas()
        self.penalty = SymbolBarCanvas()
        self.penalty.canvas_name = "Huffman's penalty"
        self.penalty.set_labels("character", "bits")
        self.bits = SymbolBarCanvas()
        self.bits.canvas_name = "Bits per character"
        self.bits.set_labels("", "bits per character")
        self.table = TableCanvas()
        self.table.canvas_name = "Models compared"
        self._arrange(self.intervals, self.penalty, self.bits, self.table)
        self.side.setSizes([3, 3, 2])

    def show_snapshot(self, snap: ArithmeticCoding) -> None:
        k = snap.n_steps
        if snap.phase == "training":
            self.intervals.set_steps(np.empty((0, 1)), np.empty(0, np.int64), [], np.empty(0),
                                     [], 1, f"training the char-RNN first: {snap.message}")
        else:
            names = [readable(snap.alphabet[s]) for s in snap.step_symbols[:k]]
            self.intervals.set_steps(
                snap.step_tables[:k], snap.step_symbols[:k], names, snap.step_width_bits[:k],
                list(snap.step_settled[:k]), len(snap.step_symbols),
                f"{snap.model}: each character's share of the interval, zoomed row by row; "
                f"right: the interval's width and the bits settled so far")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: ArithmeticCoding) -> None:
        if not snap.penalty_symbols:
            for canvas in (self.penalty, self.bits):
                canvas.set_bars([], [], title="")
            self.table.clear("the models are compared once the text is coded")
            return
        total = snap.huffman_bits - snap.entropy * snap.n_chars
        self.penalty.set_bars(
            [readable(c) for c in snap.penalty_symbols], snap.penalty_lengths,
            levels=snap.penalty_ideal,
            title=f"Huffman (bars) vs −log₂ p (lines): +{total:,.0f} bits")
        self._show_models(snap)

    def _show_models(self, snap: ArithmeticCoding) -> None:
        n = max(snap.n_chars, 1)
        names = ["fixed", "Huffman"] + [SHORT[m] for m in snap.model_names]
        values = [snap.fixed_bits / n, snap.huffman_bits / n, *(snap.coded_bits / n)]
        chosen = tuple(i + 2 for i, m in enumerate(snap.model_names) if m == snap.model)
        waiting = "" if snap.phase == "done" else " (coding…)"
        self.bits.set_bars(names, values, chosen=chosen, write_values=True,
                           title=f"bits per character: a better model, fewer bits{waiting}")
        # "exact" is for the codes this run decoded back; these two it only counted
        rows = [("fixed length", "—", snap.fixed_bits / n, snap.fixed_bits, "—"),
                ("Huffman", f"{snap.entropy:.3f}", snap.huffman_bits / n, snap.huffman_bits,
                 "—")]
        for name, info, bits, same in zip(snap.model_names, snap.information, snap.coded_bits,
                                          snap.round_trip, strict=True):
            rows.append((name, f"{info / n:.3f}", float(bits / n), int(bits),
                         "yes" if same else "NO"))
        note = ("; the char-RNN's own size and the static count's table are not counted"
                if NETWORK in snap.model_names else "; the static count's table is not counted")
        self.table.set_table(f"coded: {snap.coded_what}{note}. Information: Σ −log₂ p "
                             f"per character", ["code", "info/char", "bits/char", "bits",
                                                "exact"], rows)
