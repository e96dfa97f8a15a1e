"""Huffman coding: an optimal prefix code (checked against a heapq reference and Shannon's
bound), the same code for the same text, and the tree drawn as it is built."""

import heapq

import numpy as np
import pytest

from engine import datasets
from engine.compression import huffman
from engine.compression.symbols import entropy_bits, fixed_length_bits, readable, symbol_counts
from engine.data import Dataset
from engine.datasets.typed import typed_text
from engine.protocol import run_to_end

TEXTS = ["abracadabra", "mississippi river", "aaaaaaab", "the quick brown fox jumps over "
         "the lazy dog\nand again", "ab"]


def reference_cost(counts) -> int:
    """Σ of the merged weights, by a plain heap of weights: N times the optimal average
    codeword length (each merge adds one bit to every symbol under it)."""
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        w = heapq.heappop(heap) + heapq.heappop(heap)
        cost += w
        heapq.heappush(heap, w)
    return cost


def random_texts():
    rng = np.random.default_rng(3)
    for size in (2, 3, 7, 30, 90):
        letters = [chr(c) for c in rng.choice(np.arange(33, 1000), size, replace=False)]
        p = rng.dirichlet(np.full(size, 0.5))
        yield "".join(rng.choice(letters, 400, p=p))


@pytest.mark.parametrize("text", TEXTS + list(random_texts()))
def test_the_code_is_optimal_prefix_free_and_within_a_bit_of_the_entropy(text):
    alphabet, counts = symbol_counts(text)
    merges = huffman.merges_of(counts)
    words = huffman.codewords(merges, len(alphabet))
    L = huffman.average_length(counts, words)
    H = entropy_bits(counts)
    assert L * len(text) == pytest.approx(reference_cost(counts))
    assert L * len(text) == pytest.approx(merges[:, 2].sum())
    assert H - 1e-12 <= L < H + 1
    assert huffman.is_prefix_free(words)
    assert sum(2.0 ** -len(w) for w in words) == pytest.approx(1.0)  # a full tree
    bits = huffman.encode(text, alphabet, words)
    assert len(bits) == reference_cost(counts)
    assert huffman.decode(bits, alphabet, words, len(text)) == text


def test_a_prefix_is_caught():
    assert not huffman.is_prefix_free(["0", "01", "11"])
    assert huffman.is_prefix_free(["0", "10", "11"])


def test_ties_are_broken_by_node_number():
    merges = huffman.merges_of(np.array([1, 1, 1, 1]))
    np.testing.assert_array_equal(merges, [[0, 1, 2], [2, 3, 2], [4, 5, 4]])
    assert huffman.codewords(merges, 4) == ["00", "01", "10", "11"]


def test_one_symbol_needs_no_bits():
    _, counts = symbol_counts("zzzz")
    words = huffman.codewords(huffman.merges_of(counts), 1)
    assert words == [""] and huffman.average_length(counts, words) == 0.0
    assert huffman.decode("", "z", words, 4) == "zzzz"
    assert fixed_length_bits(1) == 0 and fixed_length_bits(56) == 6 and fixed_length_bits(64) == 6


def test_the_layout_keeps_each_tree_side_by_side_and_hangs_children_below():
    alphabet, counts = symbol_counts("a rather longer text, with some spread of letters")
    size = len(alphabet)
    merges = huffman.merges_of(counts)
    order = huffman.leaf_order(merges, size)
    assert sorted(order) == list(range(size))
    for n in range(size):
        xy, edges = huffman.layout(merges, size, n)
        assert xy.shape == (size + n, 2) and edges.shape == (2 * n, 2)
        np.testing.assert_array_equal(np.sort(xy[:size, 0]), np.arange(size))
        parent, child = edges[:, 0], edges[:, 1]
        np.testing.assert_array_equal(xy[child, 1], xy[parent, 1] - 1)
    xy, _ = huffman.layout(merges, size, size - 1)
    words = huffman.codewords(merges, size)
    np.testing.assert_array_equal(-xy[:size, 1], [len(w) for w in words])  # depth = length


def test_the_run_animates_the_merges_and_ends_with_the_code():
    data = datasets.load("text")
    snaps = list(huffman.Huffman().start(data, {}))
    final = snaps[-1]
    size = len(set(data.raw_text))
    assert final.size == size and final.done
    assert [s.n_merges for s in snaps] == list(range(size))  # one snapshot per merge
    words = huffman.codewords(final.merges, size)
    assert list(final.codewords) == words
    for snap in snaps[::7]:
        assert all(w.endswith(p) for w, p in zip(words, snap.codewords, strict=True))
    assert snaps[1].length_so_far() < final.length_so_far() == pytest.approx(
        final.average_length)
    assert final.entropy <= final.average_length < final.entropy + 1
    assert final.fixed_length == 6 and final.n_chars == len(data.raw_text)
    again = run_to_end("huffman", data)
    np.testing.assert_array_equal(again.merges, final.merges)
    assert again.codewords == final.codewords
    assert "merge 1 of" in snaps[1].message and "done" in final.message


def test_a_big_alphabet_merges_a_few_at_a_time():
    text = "".join(chr(0x400 + i) * (i % 5 + 1) for i in range(200))
    snaps = list(huffman.Huffman().start(typed_text(text), {}))
    assert len(snaps) <= huffman.MAX_FRAMES + 1 and snaps[-1].done


def test_a_short_typed_text_works_and_a_data_set_without_text_is_refused():
    final = run_to_end("huffman", typed_text("hello, world"))
    assert final.alphabet == " ,dehlorw" and final.codewords[final.alphabet.index("l")]
    blobs = datasets.load("blobs", n_samples=20)
    with pytest.raises(ValueError, match=r"Huffman coding reads a text: load the built-in "
                                         r"text 'text', type one, or open a \.txt file"):
        huffman.Huffman().start(blobs, {})
    empty = Dataset(name="empty", X=np.zeros((1, 2)), raw_text="")
    with pytest.raises(ValueError, match="empty"):
        huffman.Huffman().start(empty, {})


def test_invisible_characters_are_labelled_readably():
    assert [readable(c) for c in " \n\tx\x07"] == ["␣", "⏎", "⇥", "x", "U+0007"]
