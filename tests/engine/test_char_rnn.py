"""The char-RNN: it learns (bits per character fall), its numpy copy predicts as torch does,
its held-out bits are the numpy model's bits on the held-out text, sampling draws from the
tempered softmax and at temperature 0 takes the argmax, a seed repeats a run; and running
texts load as data sets without changing how word lists load."""

import threading

import numpy as np
import pytest

from engine import datasets
from engine.data import Dataset
from engine.generative import char_rnn
from engine.generative.char_rnn import CharNet, CharRNN, build_network, numpy_char_net
from engine.generative.torch_setup import import_torch
from engine.protocol import RunContext

TINY = {"hidden": 24, "epochs": 3, "seq_len": 32, "batch_size": 64, "learning_rate": 0.01}


@pytest.fixture(scope="module")
def text():
    return datasets.load("text")


@pytest.fixture(scope="module")
def snapshots(text):
    return list(CharRNN().start(text, TINY, RunContext()))


def random_net(seed=0, size=7, hidden=5) -> CharNet:
    rng = np.random.default_rng(seed)
    return CharNet(alphabet="abcdefg"[:size], inputs=rng.normal(size=(size, 3 * hidden)),
                   w_hh=rng.normal(size=(3 * hidden, hidden)), b_hh=rng.normal(size=3 * hidden),
                   w_out=rng.normal(size=(size, hidden)) * 2, b_out=rng.normal(size=size))


def test_bits_per_character_fall(snapshots):
    last = snapshots[-1]
    assert [s.epoch for s in snapshots] == [1, 2, 3] and last.n_epochs == 3
    assert last.train_bits.shape == last.held_out_bits.shape == (3,)
    assert last.train_bits[-1] < last.train_bits[0] - 0.3
    assert last.held_out_bits[-1] < last.held_out_bits[0] - 0.2
    # A model that learnt something beats guessing uniformly over the alphabet.
    assert last.held_out_bits[-1] < last.uniform_bits == pytest.approx(np.log2(last.net.size))
    assert 3.5 < last.unigram_bits < last.uniform_bits  # English letters: about 4.1 bits
    assert last.message.startswith("epoch 3 of 3: ")
    assert "held-out bits per character fell from" in last.message


def test_held_out_bits_are_the_numpy_models_bits_on_the_held_out_text(snapshots, text):
    last = snapshots[-1]
    held = last.held_out_text
    assert text.raw_text.endswith(held) and len(held) == round(0.1 * len(text.raw_text))
    bits = last.net.bits(held)
    np.testing.assert_allclose(bits, last.surprise, rtol=1e-4, atol=1e-5)
    assert last.net.bits_per_character(held) == pytest.approx(last.held_out_bits[-1], rel=1e-5)
    p = last.net.probabilities(held)
    assert p.shape == (len(held), last.net.size)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_numpy_copy_predicts_as_torch_does_from_the_same_state():
    torch = import_torch()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        net = build_network(torch, 11, 9)
    copy = numpy_char_net(net, "abcdefghijk")
    h = np.random.default_rng(1).normal(size=(4, 9)) * 0.5
    codes = np.array([0, 3, 10, 7])
    with torch.no_grad():
        logits, last = net(torch.as_tensor(codes)[:, None],
                           torch.as_tensor(h, dtype=torch.float32)[None])
        expected = torch.softmax(logits[:, 0], dim=-1).double().numpy()
    after = copy.step(h, codes)
    np.testing.assert_allclose(after, last[0].double().numpy(), atol=1e-5)
    np.testing.assert_allclose(copy.next_probabilities(after), expected, atol=1e-5)
    # Whole texts: the states the numpy copy reads its way through are torch's.
    with torch.no_grad():
        states, _ = net.gru(net.embed(torch.as_tensor(copy.encode("badge"))[None]))
    np.testing.assert_allclose(copy.states("badge")[1:], states[0, :-1].double().numpy(),
                               atol=1e-5)


def test_temperature_zero_takes_the_most_likely_character_every_time():
    net = random_net()
    greedy, h = [], net.initial_state()
    for _ in range(40):
        c = int(np.argmax(net.logits(h)))
        greedy.append(net.alphabet[c])
        h = net.step(h, c)
    assert net.sample(40, 0.0, seed=1) == "".join(greedy)
    assert net.sample(40, 1e-5, seed=2) == "".join(greedy)
    assert net.sample(40, 1.0, seed=2) != "".join(greedy)
    p = net.next_probabilities(net.initial_state(), 0.0)
    assert p.max() == 1.0 and p.sum() == 1.0


def test_samples_are_drawn_from_the_tempered_softmax():
    net = random_net(size=5)
    for temperature in (0.5, 1.5):
        p = net.next_probabilities(net.initial_state(), temperature)
        firsts = [net.sample(1, temperature, seed=s) for s in range(2000)]
        seen = np.array([firsts.count(c) for c in net.alphabet]) / len(firsts)
        np.testing.assert_allclose(seen, p, atol=0.04)
    flat = net.next_probabilities(net.initial_state(), 5.0)
    sharp = net.next_probabilities(net.initial_state(), 0.2)
    assert flat.max() < net.next_probabilities(net.initial_state()).max() < sharp.max()


def test_sampling_repeats_with_a_seed_and_reads_the_priming_text():
    net = random_net()
    assert net.sample(50, 0.9, seed=3) == net.sample(50, 0.9, seed=3)
    assert net.sample(50, 0.9, seed=3) != net.sample(50, 0.9, seed=4)
    assert net.sample(50, 0.9, seed=3, prime="cab") != net.sample(50, 0.9, seed=3)
    # Characters the model does not know are skipped in the priming text.
    assert net.sample(20, 0.9, seed=3, prime="c?a!b") == net.sample(20, 0.9, seed=3, prime="cab")
    with pytest.raises(ValueError, match="'z' is not in the model's alphabet"):
        net.probabilities("abz")


def test_same_seed_same_run(text):
    a = list(CharRNN().start(text, {**TINY, "epochs": 1, "seed": 4}, RunContext()))[-1]
    b = list(CharRNN().start(text, {**TINY, "epochs": 1, "seed": 4}, RunContext()))[-1]
    c = list(CharRNN().start(text, {**TINY, "epochs": 1, "seed": 5}, RunContext()))[-1]
    np.testing.assert_array_equal(a.held_out_bits, b.held_out_bits)
    np.testing.assert_array_equal(a.net.w_hh, b.net.w_hh)
    assert a.net.sample(100, 1.0, seed=0) == b.net.sample(100, 1.0, seed=0)
    assert a.held_out_bits[0] != c.held_out_bits[0]


def test_cancel_stops_between_steps(text):
    ctx = RunContext(cancel_event=threading.Event())
    run = CharRNN().start(text, {**TINY, "epochs": 50}, ctx)
    next(run)
    ctx.cancel()
    assert list(run) == []


def test_a_table_or_a_short_text_is_refused_in_words():
    with pytest.raises(ValueError, match="learns a running text: choose the built-in Text"):
        CharRNN().resolve(Dataset("blobs", np.zeros((5, 2))))
    short = Dataset("short", np.zeros((1, 2)), raw_text="too short")
    with pytest.raises(ValueError, match="the text has 9 characters"):
        CharRNN().resolve(short)


def test_rare_characters_share_the_unknown_symbol():
    text = "".join(chr(0x400 + i) * (200 - i) for i in range(120))
    alphabet = char_rnn.alphabet_of(text)
    assert len(alphabet) == char_rnn.MAX_ALPHABET and char_rnn.UNKNOWN in alphabet
    assert chr(0x400) in alphabet and chr(0x400 + 119) not in alphabet
    data = char_rnn.corpus(text, 0.1)
    assert data.alphabet == alphabet and len(data.held_out) == round(0.1 * len(text))
    assert data.held_out_text[-1] == char_rnn.UNKNOWN


def test_the_built_in_text_is_a_running_text_with_words_as_rows(text):
    assert len(text.raw_text) > 30_000 and text.raw_text.startswith("The River Town")
    assert "\r" not in text.raw_text
    assert text.texts == tuple(sorted(text.texts)) and {"river", "bridge"} <= set(text.texts)
    assert text.X.shape == (len(text.texts), 2) and text.n_classes == 4
    assert text.y[text.texts.index("the")] == 0


def test_text_files_keep_their_text_and_prose_loads_as_its_words(tmp_path):
    listed = tmp_path / "names.txt"
    listed.write_bytes(b"kitten\r\nsitting\r\nmitten\r\n")
    ds = datasets.load(str(listed))
    assert ds.texts == ("kitten", "sitting", "mitten")  # still one item a line
    assert ds.raw_text == "kitten\nsitting\nmitten\n"
    paragraph = " ".join(["the river ran under the old bridge and into the town"] * 30)
    prose = tmp_path / "story.txt"
    prose.write_text(f"{paragraph}\n\n{paragraph}\n", encoding="utf-8")
    story = datasets.load(str(prose))  # lines too long to be items: its words are the rows
    assert story.raw_text.startswith("the river ran") and "bridge" in story.texts
    assert story.name == "story" and "running text" in story.description
    assert CharRNN().resolve(story)["hidden"] == 128
