"""Huffman coding: a prefix code built by merging the two least frequent symbols (or groups of
symbols) again and again until one tree is left; each symbol's codeword is its path from the
root, 0 for a left branch and 1 for a right one.

The merges are numbered like a linkage matrix: leaves are nodes 0 … V−1 (the characters in
code-point order), merge i makes node V + i. Ties are broken by node number (a leaf before
a merged group, an older group before a newer one), so the same text always gives the same
code. The code's average length L = Σ pᵢ ℓᵢ is also the sum of the merged weights divided by
the text's length, and Shannon's bound H ≤ L < H + 1 holds.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.compression.symbols import (
    entropy_bits,
    fixed_length_bits,
    readable,
    require_text,
    symbol_counts,
)
from engine.data import Dataset
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

MAX_FRAMES = 60  # a large alphabet merges a few symbols per snapshot


def merges_of(counts: np.ndarray) -> np.ndarray:
    """(V − 1, 3) merges: left node, right node, the merged weight; the lighter (or, at equal
    weight, lower-numbered) node goes left."""
    counts = np.asarray(counts, dtype=np.int64)
    size = len(counts)
    heap = [(int(c), i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    out = np.zeros((max(size - 1, 0), 3), dtype=np.int64)
    for i in range(size - 1):
        (wa, a), (wb, b) = heapq.heappop(heap), heapq.heappop(heap)
        out[i] = (a, b, wa + wb)
        heapq.heappush(heap, (wa + wb, size + i))
    return out


def codewords(merges: np.ndarray, size: int, n_merges: int | None = None) -> list[str]:
    """Each leaf's bits after the first `n_merges` merges (all by default): its path from the
    root of the tree it is in now. These grow at the front as merges go on, and end as the
    final codewords (a single symbol's codeword is empty: there is nothing to tell apart)."""
    n = len(merges) if n_merges is None else n_merges
    members = {i: [i] for i in range(size)}
    bits = [""] * size
    for i in range(n):
        left, right = int(merges[i, 0]), int(merges[i, 1])
        for leaf in members[left]:
            bits[leaf] = "0" + bits[leaf]
        for leaf in members[right]:
            bits[leaf] = "1" + bits[leaf]
        members[size + i] = members.pop(left) + members.pop(right)
    return bits


def leaf_order(merges: np.ndarray, size: int) -> list[int]:
    """The leaves from left to right in the finished tree (left branches first). Every tree
    of the forest met on the way is a subtree of it, so its leaves sit side by side here."""
    if size == 0:
        return []
    children = {size + i: (int(m[0]), int(m[1])) for i, m in enumerate(merges)}
    order, stack = [], [2 * size - 2]
    while stack:
        node = stack.pop()
        if node < size:
            order.append(node)
        else:
            left, right = children[node]
            stack += [right, left]
    return order


def layout(merges: np.ndarray, size: int, n_merges: int) -> tuple[np.ndarray, np.ndarray]:
    """Where to draw the forest after `n_merges` merges: (node positions (V + n, 2), edges
    (2n, 2) as pairs of node numbers). Leaves are one apart across, in the finished tree's
    order, so nothing jumps sideways as merges happen; a group sits over the middle of its
    leaves. Down is depth: every tree hangs from its root at y = 0, so a merge lowers the two
    trees it joins by one."""
    n = n_merges
    xy = np.zeros((size + n, 2))
    order = leaf_order(merges, size)
    xy[order, 0] = np.arange(size, dtype=np.float64)
    lo, hi = xy[:size, 0].copy(), xy[:size, 0].copy()
    lo, hi = np.concatenate([lo, np.zeros(n)]), np.concatenate([hi, np.zeros(n)])
    parent = np.full(size + n, -1)
    for i in range(n):
        node, (left, right) = size + i, (int(merges[i, 0]), int(merges[i, 1]))
        lo[node], hi[node] = min(lo[left], lo[right]), max(hi[left], hi[right])
        xy[node, 0] = 0.5 * (lo[node] + hi[node])
        parent[left] = parent[right] = node
    for node in range(size + n - 1, -1, -1):  # parents come after their children
        if parent[node] >= 0:
            xy[node, 1] = xy[parent[node], 1] - 1.0
    edges = np.array([(size + i, int(merges[i, side])) for i in range(n) for side in (0, 1)],
                     dtype=np.int64).reshape(-1, 2)
    return xy, edges


def average_length(counts: np.ndarray, words: list[str]) -> float:
    """Σ pᵢ ℓᵢ: bits per symbol of the code on the text counted."""
    counts = np.asarray(counts, dtype=np.float64)
    lengths = np.array([len(w) for w in words], dtype=np.float64)
    return float((counts * lengths).sum() / counts.sum())


def is_prefix_free(words: list[str]) -> bool:
    """No codeword begins another (sorted, a prefix would sit right before a word it starts)."""
    ordered = sorted(words)
    return len(set(words)) == len(words) and not any(
        b.startswith(a) for a, b in itertools.pairwise(ordered))


def encode(text: str, alphabet: str, words: list[str]) -> str:
    """The text as a string of bits."""
    table = dict(zip(alphabet, words, strict=True))
    return "".join(table[c] for c in text)


def decode(bits: str, alphabet: str, words: list[str], n_symbols: int) -> str:
    """The text back from its bits, reading a codeword at a time."""
    table = {w: c for c, w in zip(alphabet, words, strict=True)}
    if len(alphabet) == 1:
        return alphabet * n_symbols
    out, word = [], ""
    for bit in bits:
        word += bit
        if word in table:
            out.append(table[word])
            word = ""
    return "".join(out)


@dataclass(frozen=True, kw_only=True, eq=False)
class HuffmanCode(Snapshot):
    """Huffman's tree after `n_merges` of its V − 1 merges.

    `alphabet` holds the text's V characters (code-point order), `counts` how often each
    occurs; `merges` (V − 1, 3) every merge of the run (see `merges_of`), of which the first
    `n_merges` are done; `codewords` each character's bits so far (the final code when
    done). `entropy` H and `average_length` L of the finished code, `fixed_length`
    ⌈log₂ V⌉, all in bits per character; `n_chars` the text's length.
    """

    alphabet: str
    counts: np.ndarray
    merges: np.ndarray
    n_merges: int
    codewords: tuple[str, ...]
    entropy: float
    average_length: float
    fixed_length: int
    n_chars: int
    text_name: str = ""

    @property
    def size(self) -> int:
        return len(self.alphabet)

    @property
    def done(self) -> bool:
        return self.n_merges == len(self.merges)

    def length_so_far(self) -> float:
        """Σ pᵢ ℓᵢ over the bits assigned so far: it grows to `average_length`."""
        return average_length(self.counts, list(self.codewords))


def merge_message(alphabet: str, counts: np.ndarray, merges: np.ndarray, n: int) -> str:
    """What the n-th merge did, in words."""
    if n == 0:
        return (f"{len(alphabet)} characters counted; each is a tree of one leaf, weighted "
                f"by its count")
    size = len(alphabet)

    def name(node: int) -> str:
        if node < size:
            return f"'{readable(alphabet[node])}' ({counts[node]})"
        return f"a group of {merges[node - size, 2]}"

    left, right, weight = (int(v) for v in merges[n - 1])
    return (f"merge {n} of {len(merges)}: the two lightest trees, {name(left)} and "
            f"{name(right)}, join under a node of weight {weight}")


@register
class Huffman(Algorithm):
    id = "huffman"
    name = "Huffman coding"
    family = "Compression"
    summary = ("Give frequent characters short codewords and rare ones long codewords, by "
               "merging the two least frequent symbols into a tree, again and again.")
    objective = ("Minimise the average codeword length L = Σ pᵢ ℓᵢ over prefix codes; "
                 "H ≤ L < H + 1 with H = −Σ pᵢ log₂ pᵢ.")
    params = ()
    snapshot_type = HuffmanCode
    reads = ("texts",)  # the running text itself, not the 2-D map of its words

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        require_text(dataset, "Huffman coding")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[HuffmanCode]:
        text = require_text(dataset, "Huffman coding")
        alphabet, counts = symbol_counts(text)
        merges = frozen(merges_of(counts))
        final = codewords(merges, len(alphabet))
        common = dict(alphabet=alphabet, counts=frozen(counts), merges=merges,
                      entropy=entropy_bits(counts), average_length=average_length(counts, final),
                      fixed_length=fixed_length_bits(len(alphabet)), n_chars=len(text),
                      text_name=dataset.name)
        total = len(merges)
        every = max(1, -(-total // MAX_FRAMES))
        shown = [*range(0, total, every), total]
        for step, n in enumerate(shown):
            if ctx.cancelled():
                return
            message = merge_message(alphabet, counts, merges, n)
            if n == total:
                message = (f"done: {len(alphabet)} codewords, {common['average_length']:.3f} "
                           f"bits per character against an entropy of "
                           f"{common['entropy']:.3f}")
            ctx.progress(n / max(total, 1), message)
            yield HuffmanCode(step=step, message=message, n_merges=n,
                              codewords=tuple(codewords(merges, len(alphabet), n)), **common)
