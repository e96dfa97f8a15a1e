"""Arithmetic coding: any text comes back exactly, in at most two bits more than the
information the coder's own (quantised) frequencies give it; the adaptive count against its
closed form; a char-RNN model codes the held-out text in fewer bits than counts do."""

import math

import numpy as np
import pytest

from engine import datasets
from engine.compression import arithmetic, coder
from engine.compression.symbols import entropy_bits
from engine.data import Dataset
from engine.datasets.prose import TEXT_FILE, normalise, resource_root
from engine.datasets.typed import typed_text
from engine.generative.char_rnn import CharNet, held_out_size
from engine.protocol import run_to_end


def builtin_text() -> str:
    """The built-in text, read without placing its words in the plane (a second and more)."""
    return normalise(resource_root().joinpath(*TEXT_FILE).read_text(encoding="utf-8"))


def random_messages():
    """Seeded random symbol strings: small and large alphabets, skewed and flat, short and
    long, and the empty message."""
    rng = np.random.default_rng(11)
    yield np.zeros(0, np.int64), 3
    yield np.array([1]), 2
    for n, size, alpha in ((20, 2, 0.3), (500, 5, 1.0), (3000, 40, 0.2), (4000, 200, 2.0),
                           (2000, 3, 0.05)):
        p = rng.dirichlet(np.full(size, alpha))
        yield rng.choice(size, n, p=p), size


def small_net(size: int, hidden: int = 6, seed: int = 0) -> CharNet:
    rng = np.random.default_rng(seed)
    return CharNet(alphabet="".join(chr(97 + i) for i in range(size)),
                   inputs=rng.normal(0, 1, (size, 3 * hidden)),
                   w_hh=rng.normal(0, 0.5, (3 * hidden, hidden)),
                   b_hh=rng.normal(0, 0.1, 3 * hidden),
                   w_out=rng.normal(0, 2, (size, hidden)), b_out=rng.normal(0, 1, size))


def models(symbols, size):
    counts = np.bincount(symbols, minlength=size)
    yield "static", lambda: coder.StaticModel(counts)
    yield "adaptive", lambda: coder.AdaptiveModel(size)
    if size <= 40:
        net = small_net(size)
        yield "network", lambda: coder.NetworkModel(net)


@pytest.mark.parametrize("case", range(7))
def test_any_message_round_trips_within_two_bits_of_its_information(case):
    symbols, size = list(random_messages())[case]
    for name, make in models(symbols, size):
        if make().cumulative()[-1] == 0:  # static counts of the empty message: nothing to code
            continue
        bits, info = coder.encode(symbols.tolist(), make())
        assert coder.decode(bits, len(symbols), make()) == symbols.tolist(), name
        assert info.sum() - 1e-9 <= len(bits) <= info.sum() + 2, name


def test_random_texts_round_trip_through_the_run():
    rng = np.random.default_rng(5)
    for n in (1, 7, 300):
        letters = list("ab cdefg\nhé—") + ["x"] * 5
        text = "w" + "".join(rng.choice(letters, n))
        for model in (arithmetic.STATIC, arithmetic.ADAPTIVE):
            final = run_to_end("arithmetic", typed_text(text), {"model": model, "shown": 5})
            assert final.coded_text == text and all(final.round_trip)
            assert np.all(final.information - 1e-9 <= final.coded_bits)
            assert np.all(final.coded_bits <= final.information + 2)


def test_the_static_count_costs_the_entropy_and_the_adaptive_count_its_closed_form():
    text = builtin_text()[:3000]
    final = run_to_end("arithmetic", Dataset(name="text", X=np.zeros((1, 2)), raw_text=text),
                       {"model": arithmetic.ADAPTIVE})
    counts = np.array(sorted(np.unique(list(text), return_counts=True)[1]))
    static, adaptive = final.information
    assert static == pytest.approx(len(text) * entropy_bits(counts))
    # Laplace's rule: p(text) = (V − 1)! Π cᵢ! / (N + V − 1)!
    n, size = len(text), len(counts)
    closed = (math.lgamma(n + size) - math.lgamma(size)
              - sum(math.lgamma(c + 1) for c in counts)) / math.log(2)
    assert adaptive == pytest.approx(closed)
    assert final.model_names == (arithmetic.STATIC, arithmetic.ADAPTIVE)
    assert final.huffman_bits >= static and final.fixed_bits == n * 6
    huffman_penalty = final.penalty_counts * (final.penalty_lengths - final.penalty_ideal)
    assert huffman_penalty.sum() <= final.huffman_bits - static + 1e-6


def test_quantised_frequencies_are_positive_and_fit_their_total():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(60, 0.05))
    table = coder.quantise(p)
    freq = np.diff(table)
    assert freq.min() >= 1 and table[-1] <= 1 << coder.QUANTUM_BITS
    assert table == coder.quantise(p.copy())
    np.testing.assert_allclose(freq / table[-1], p, atol=60 / 2 ** 16)


def test_settled_bits_are_the_shared_binary_prefix():
    from fractions import Fraction as F

    assert arithmetic.settled_bits(F(0), F(1)) == ""
    assert arithmetic.settled_bits(F(5, 16), F(6, 16)) == "0101"
    assert arithmetic.settled_bits(F(3, 8), F(5, 8)) == ""


def test_the_first_steps_are_narrowed_exactly():
    final = run_to_end("arithmetic", typed_text("abracadabra"),
                       {"model": arithmetic.STATIC, "shown": 4})
    assert final.n_steps == 4 and final.alphabet == "abcdr"
    np.testing.assert_array_equal(final.step_symbols, [0, 1, 4, 0])
    np.testing.assert_allclose(final.step_tables[0], np.array([0, 5, 7, 8, 9, 11]) / 11)
    width = (5 / 11) * (2 / 11) * (2 / 11) * (5 / 11)
    assert final.step_width_bits[-1] == pytest.approx(-math.log2(width))
    assert final.code_head.startswith(final.step_settled[-1])


def test_a_char_rnn_codes_the_held_out_text_it_never_saw_in_fewer_bits():
    text = "one two three four five six " * 150  # order a count cannot see, a network can
    params = {"model": arithmetic.NETWORK, "epochs": 10, "hidden": 16, "held_out": 0.2}
    snaps = list(arithmetic.Arithmetic().start(typed_text(text), params))
    assert [s.phase for s in snaps[:10]] == ["training"] * 10
    final = snaps[-1]
    assert final.model_names == arithmetic.MODELS and all(final.round_trip)
    assert text.endswith(final.coded_text) and final.n_chars == held_out_size(len(text), 0.2)
    assert np.all(final.information - 1e-9 <= final.coded_bits)
    assert np.all(final.coded_bits <= final.information + 2)
    static, _, network = final.coded_bits
    assert network < static <= final.huffman_bits < final.fixed_bits
    assert "held-out" in final.coded_what


def test_data_without_a_text_and_too_short_a_text_for_the_char_rnn_are_refused():
    algorithm = arithmetic.Arithmetic()
    with pytest.raises(ValueError, match="Arithmetic coding reads a text"):
        algorithm.start(datasets.load("blobs", n_samples=20), {})
    with pytest.raises(ValueError, match="at least 200"):
        algorithm.start(typed_text("too short for a network"), {})
    assert algorithm.libraries_for(typed_text("too short"), {"model": arithmetic.STATIC}) == ()


class _Drifting:
    """A stand-in for CharNet: a next-character distribution that changes with the state, in
    probabilities no frequency table holds exactly."""

    def __init__(self, size: int):
        self.size = size

    def initial_state(self):
        return 0

    def next_probabilities(self, h):
        p = np.exp(np.sin(np.arange(self.size) * (1.3 + 0.01 * h)) * 8.0)  # some p ~ 1e-7
        return p / p.sum()

    def step(self, h, symbol):
        return (h + symbol + 1) % 17


def test_a_network_code_is_within_two_bits_of_the_networks_own_information():
    """Against the model's probabilities p, not the rounded frequencies the coder uses."""
    net = _Drifting(60)
    symbols, h, own = [], 0, 0.0
    rng = np.random.default_rng(3)
    for _ in range(20_000):
        p = net.next_probabilities(h)
        s = int(rng.choice(60, p=p))
        own += -math.log2(p[s])
        symbols.append(s)
        h = net.step(h, s)
    bits, _ = coder.encode(symbols, coder.NetworkModel(net))
    assert own - 1e-6 <= len(bits) <= own + 2
    assert coder.decode(bits, len(symbols), coder.NetworkModel(net)) == symbols
