"""char-RNN: a recurrent network that reads a text one character at a time and predicts the
next, trained by truncated back-propagation through time; sampled at a temperature.

The network: each character's embedding → one GRU layer → a linear layer to the logits of
the next character. Training cuts the text (all but its last `held_out` share) into
`batch_size` parallel streams and steps through them `seq_len` characters at a time,
carrying the hidden state from chunk to chunk but back-propagating only within a chunk.
Bits per character are the cross-entropy in base 2: on the training text (averaged over the
epoch's steps) and on the held-out tail (read once from the empty state after each epoch).

Each snapshot carries a numpy copy of the network (`CharNet`): the window samples from it
at any temperature without torch, and `CharNet.probabilities(text)` gives the model's
next-character distribution at every position of any text (what an arithmetic coder needs).

torch is imported only inside `run`, through `engine.generative.training.load_torch`.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data import Dataset
from engine.generative.training import as_numpy, load_torch, overfitting_note, seeded
from engine.params import Float, Int, seed_param
from engine.protocol import Algorithm, RunContext, Snapshot, frozen
from engine.registry import register

EMBEDDING = 32  # size of each character's learnt vector
SCORE_CHUNK = 1024  # held-out characters scored at once: a cancel waits for one chunk
MAX_ALPHABET = 96  # rarer characters than the 95 most frequent share one symbol
UNKNOWN = "\N{REPLACEMENT CHARACTER}"
MAX_TEXT = 1_000_000  # characters a run learns from (the first ones); more makes long epochs
MAX_HELD_OUT = 20_000  # characters of the tail scored after each epoch
MIN_TEXT = 200
GRADIENT_CLIP = 5.0  # largest gradient norm per step: recurrent gradients can explode
LN2 = math.log(2.0)


# ---------------------------------------------------------------- the numpy network


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(frozen=True, eq=False)
class CharNet:
    """A float64 numpy copy of the network as it was at one step.

    `alphabet[i]` is character i; `inputs` (V, 3H) each character's GRU input term
    (embedding · W_ihᵀ + b_ih, gates in torch's order: reset, update, new); `w_hh` (3H, H),
    `b_hh` (3H,) the recurrent weights; `w_out` (V, H), `b_out` (V,) the output layer.
    The state before any character is zero, so the first character is predicted too.
    """

    alphabet: str
    inputs: np.ndarray
    w_hh: np.ndarray
    b_hh: np.ndarray
    w_out: np.ndarray
    b_out: np.ndarray

    @property
    def hidden(self) -> int:
        return self.w_hh.shape[1]

    @property
    def size(self) -> int:
        return len(self.alphabet)

    def knows(self, char: str) -> bool:
        return char in self._index or UNKNOWN in self._index

    @property
    def _index(self) -> dict[str, int]:
        index = self.__dict__.get("_index_cache")
        if index is None:
            index = {c: i for i, c in enumerate(self.alphabet)}
            object.__setattr__(self, "_index_cache", index)
        return index

    def encode(self, text: str) -> np.ndarray:
        """Character codes; characters outside the alphabet take the unknown symbol's code
        (ValueError, naming the first, when the alphabet has none)."""
        index, other = self._index, self._index.get(UNKNOWN)
        codes = np.fromiter((index.get(c, -1) for c in text), np.int64, len(text))
        if (codes < 0).any():
            if other is None:
                bad = text[int(np.argmax(codes < 0))]
                raise ValueError(f"the character {bad!r} is not in the model's alphabet")
            codes[codes < 0] = other
        return codes

    def initial_state(self, batch: int | None = None) -> np.ndarray:
        return np.zeros(self.hidden if batch is None else (batch, self.hidden))

    def step(self, h: np.ndarray, codes) -> np.ndarray:
        """The state after reading characters `codes` (one per row of h) in states h."""
        gi = self.inputs[codes]
        gh = h @ self.w_hh.T + self.b_hh
        n = self.hidden
        r = _sigmoid(gi[..., :n] + gh[..., :n])
        z = _sigmoid(gi[..., n:2 * n] + gh[..., n:2 * n])
        new = np.tanh(gi[..., 2 * n:] + r * gh[..., 2 * n:])
        return (1.0 - z) * new + z * h

    def logits(self, h: np.ndarray) -> np.ndarray:
        """Unnormalised log-probabilities of the next character in state h."""
        return h @ self.w_out.T + self.b_out

    def next_probabilities(self, h: np.ndarray, temperature: float = 1.0) -> np.ndarray:
        """The next character's distribution in state h, sharpened (T < 1) or flattened
        (T > 1) by the temperature; T = 0 puts all of it on the most likely character."""
        logits = self.logits(h)
        if temperature <= 0.0:
            out = np.zeros_like(logits)
            np.put_along_axis(out, np.argmax(logits, axis=-1)[..., None], 1.0, axis=-1)
            return out
        scaled = logits / temperature
        scaled = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
        return scaled / scaled.sum(axis=-1, keepdims=True)

    def states(self, text: str) -> np.ndarray:
        """(len(text), H): row i is the state after reading text[:i] (row 0 the empty state)."""
        codes = self.encode(text)
        out = np.empty((len(codes), self.hidden))
        h = self.initial_state()
        for i, c in enumerate(codes):
            out[i] = h
            h = self.step(h, c)
        return out

    def probabilities(self, text: str) -> np.ndarray:
        """(len(text), V): row i is the model's distribution of text[i] given text[:i]."""
        if not text:
            return np.empty((0, self.size))
        return self.next_probabilities(self.states(text))

    def bits(self, text: str) -> np.ndarray:
        """−log₂ p(text[i] | text[:i]) for every position: what an ideal coder would spend."""
        p = self.probabilities(text)
        return -np.log2(p[np.arange(len(text)), self.encode(text)])

    def bits_per_character(self, text: str) -> float:
        return float(self.bits(text).mean())

    def _cached(self, name: str, make):
        value = self.__dict__.get(name)
        if value is None:
            value = make()
            object.__setattr__(self, name, value)
        return value

    def _stacked(self) -> tuple[np.ndarray, np.ndarray]:
        """[W_hh; W_out] and [b_hh; b_out]: one product per sampled character gives both the
        recurrent term and the logits of the state (float32: half the memory to stream)."""
        return self._cached("_stacked_cache", lambda: (
            np.ascontiguousarray(np.vstack([self.w_hh, self.w_out]), dtype=np.float32),
            np.concatenate([self.b_hh, self.b_out]).astype(np.float32)))

    def sample(self, length: int, temperature: float = 1.0, seed: int = 0,
               prime: str = "") -> str:
        """`length` characters drawn one at a time after reading `prime` (characters the
        model does not know are skipped); same seed, same text. Drawn by the Gumbel-max
        trick, argmax(logits / T + Gumbel noise), which draws from softmax(logits / T) with
        one argmax per character; T = 0 takes the argmax itself."""
        n = self.hidden
        weights, bias = self._stacked()
        inputs = self._cached("_inputs32", lambda: self.inputs.astype(np.float32))
        h = self.initial_state().astype(np.float32)
        known = "".join(ch for ch in prime if self.knows(ch))
        codes = list(self.encode(known))
        noise = np.random.default_rng(seed).gumbel(size=(int(length), self.size))
        out = []
        for i in range(len(codes) + int(length)):
            a = weights @ h + bias
            if i >= len(codes):
                logits = a[3 * n:]
                c = int(np.argmax(logits if temperature <= 0.0
                                  else logits / temperature + noise[i - len(codes)]))
                out.append(self.alphabet[c])
            else:
                c = codes[i]
            gi = inputs[c]
            rz = 1.0 / (1.0 + np.exp(-(gi[:2 * n] + a[:2 * n])))
            new = np.tanh(gi[2 * n:] + rz[:n] * a[2 * n:3 * n])
            h = new + rz[n:] * (h - new)
        return "".join(out)


def numpy_char_net(net, alphabet: str) -> CharNet:
    """A float64 numpy copy of a torch `CharRNN`, as it is now."""
    embed = as_numpy(net.embed.weight)
    gru = net.gru
    inputs = embed @ as_numpy(gru.weight_ih_l0).T + as_numpy(gru.bias_ih_l0)
    return CharNet(alphabet=alphabet, inputs=frozen(inputs),
                   w_hh=frozen(as_numpy(gru.weight_hh_l0)), b_hh=frozen(as_numpy(gru.bias_hh_l0)),
                   w_out=frozen(as_numpy(net.out.weight)), b_out=frozen(as_numpy(net.out.bias)))


# ---------------------------------------------------------------- the text


@dataclass(frozen=True)
class Corpus:
    """A text cut for training: its alphabet, the codes of the training part and of the
    held-out tail, and how many characters of the text were left unused (beyond MAX_TEXT)."""

    alphabet: str
    train: np.ndarray
    held_out: np.ndarray
    dropped: int

    @property
    def held_out_text(self) -> str:
        return "".join(self.alphabet[c] for c in self.held_out)


def alphabet_of(text: str) -> str:
    """Every character of the text, in code-point order; beyond MAX_ALPHABET − 1 characters
    the rarest share the unknown symbol."""
    counts = collections.Counter(text)
    if len(counts) <= MAX_ALPHABET:
        return "".join(sorted(counts))
    kept = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "".join(sorted([*(c for c in kept[:MAX_ALPHABET - 1] if c != UNKNOWN), UNKNOWN]))


def held_out_size(n: int, share: float) -> int:
    """Characters held out of n: the share, at least 2, at most MAX_HELD_OUT."""
    return min(max(2, round(share * n)), MAX_HELD_OUT)


def corpus(text: str, held_out: float) -> Corpus:
    """The first MAX_TEXT characters, the last `held_out` share of them (at most MAX_HELD_OUT
    characters) held out."""
    used = text[:MAX_TEXT]
    alphabet = alphabet_of(used)
    index = {c: i for i, c in enumerate(alphabet)}
    other = index.get(UNKNOWN, 0)
    codes = np.fromiter((index.get(c, other) for c in used), np.int64, len(used))
    n_held = held_out_size(len(codes), held_out)
    return Corpus(alphabet, codes[:-n_held], codes[-n_held:], len(text) - len(used))


def unigram_bits(codes: np.ndarray, size: int) -> float:
    """Bits per character of the training text under its own character frequencies: what a
    model that ignores every previous character can do at best."""
    p = np.bincount(codes, minlength=size) / len(codes)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


# ---------------------------------------------------------------- the snapshot


@dataclass(frozen=True, kw_only=True, eq=False)
class CharModel(Snapshot):
    """A char-RNN after `epoch` of `n_epochs` epochs: the network (numpy), and bits per
    character per epoch so far on the training text and on the held-out tail.

    `unigram_bits`: the training text's entropy under its character frequencies alone, and
    `uniform_bits` = log₂ V, for scale. `held_out_text`: the tail the held-out bits are
    measured on; `surprise` the bits the network spends on each of its characters now (its
    mean is `held_out_bits[-1]`; `net.bits(held_out_text)` gives the same in numpy).
    """

    net: CharNet
    epoch: int
    n_epochs: int
    train_bits: np.ndarray
    held_out_bits: np.ndarray
    unigram_bits: float
    uniform_bits: float
    held_out_text: str
    surprise: np.ndarray
    train_chars: int
    text_name: str = ""


# ---------------------------------------------------------------- training


def build_network(torch, size: int, hidden: int):
    """Embedding → GRU → linear, as a torch module; `forward(codes, h)` gives the logits
    after each character and the last state."""
    nn = torch.nn

    class CharRNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(size, EMBEDDING)
            self.gru = nn.GRU(EMBEDDING, hidden, batch_first=True)
            self.out = nn.Linear(hidden, size)

        def forward(self, codes, h=None):
            states, last = self.gru(self.embed(codes), h)
            return self.out(states), last

    return CharRNN()


def held_out_bits(torch, net, codes, device, cancelled=lambda: False) -> np.ndarray | None:
    """−log₂ p of each held-out character, read from the empty state: the first is
    predicted from the zero state, as `CharNet.probabilities` does. In chunks that carry the
    state on, so that a cancel waits for one chunk, not the whole text; None if cancelled."""
    x = torch.as_tensor(codes, dtype=torch.long, device=device)[None]
    h = torch.zeros((1, 1, net.gru.hidden_size), device=device)
    parts = []
    with torch.no_grad():
        for start in range(0, x.shape[1], SCORE_CHUNK):
            if cancelled():
                return None
            chunk = x[:, start:start + SCORE_CHUNK]
            logits = net.out(h.transpose(0, 1))  # predicts the chunk's first character
            states, h = net.gru(net.embed(chunk), h)
            logits = torch.cat([logits, net.out(states[:, :-1])], dim=1)
            parts.append(torch.nn.functional.cross_entropy(logits[0].double(), chunk[0],
                                                           reduction="none"))
    return as_numpy(torch.cat(parts)) / LN2


def epoch_message(epoch: int, n_epochs: int, steps: int, train: float, held: float,
                  previous: float | None, streams: int, seq_len: int) -> str:
    """What one epoch did, in words."""
    noun = "step" if steps == 1 else "steps"
    text = (f"epoch {epoch} of {n_epochs}: {steps} {noun} of {seq_len} characters in "
            f"{streams} streams; held-out bits per character ")
    if previous is None or f"{previous:.3f}" == f"{held:.3f}":
        text += f"{held:.3f}"
    else:
        text += f"{'rose' if held > previous else 'fell'} from {previous:.3f} to {held:.3f}"
    return text + f" (training {train:.3f})"


@register
class CharRNN(Algorithm):
    id = "char-rnn"
    name = "char-RNN"
    family = "Generative models"
    summary = ("A recurrent network reads a text one character at a time and learns to "
               "predict the next; sampled one character at a time, it writes new text.")
    objective = ("Minimise the bits per character on the training text, "
                 "−(1/N) Σₜ log₂ p(xₜ | x₁ … xₜ₋₁), by truncated back-propagation through "
                 "time.")
    params = (
        Int(name="hidden", label="hidden units", default=128, low=8, high=512,
            help="Size of the GRU's state: its memory of the text read so far."),
        Int(name="epochs", default=25, low=1, high=1000,
            help="Passes over the training text; on the built-in text the held-out bits "
                 "stop falling after about 20 (the network starts to learn the text by heart)."),
        Int(name="seq_len", label="steps back-propagated", default=64, low=4, high=512,
            help="Characters per chunk of truncated back-propagation: the state runs on "
                 "across chunks, gradients stop at their edges."),
        Int(name="batch_size", label="parallel streams", default=32, low=1, high=512,
            help="The training text is cut into this many streams read side by side; each "
                 "step learns from one chunk of each."),
        Float(name="learning_rate", label="learning rate", default=4e-3, low=1e-4, high=1e-1,
              log=True, decimals=4, help="Step size of the Adam optimiser."),
        Float(name="held_out", label="held-out share", default=0.1, low=0.01, high=0.5,
              decimals=2, help="The text's tail kept out of training, on which the held-out "
                               "bits per character are measured."),
        seed_param(),
    )
    snapshot_type = CharModel
    # torch._dynamo: the first optimiser built imports it (1.4 s here), uninterruptibly.
    libraries = ("torch", "torch._dynamo")

    def check(self, dataset: Dataset, params: Mapping[str, Any]) -> None:
        text = dataset.raw_text
        if text is None:
            raise ValueError(f"the char-RNN learns a running text: choose the built-in "
                             f"Text, or load a .txt file (this data set, {dataset.name}, "
                             f"is not a text)")
        if len(text) < MIN_TEXT:
            raise ValueError(f"the text has {len(text)} characters; the char-RNN needs at "
                             f"least {MIN_TEXT}")
        n = min(len(text), MAX_TEXT)
        n_train = n - held_out_size(n, params["held_out"])
        if n_train < params["seq_len"] + 1:
            raise ValueError(f"steps back-propagated: {params['seq_len']} is longer than "
                             f"the {n_train:,} training characters")

    def run(self, dataset: Dataset, params: Mapping[str, Any], ctx: RunContext
            ) -> Iterator[CharModel]:
        torch = load_torch(ctx)
        device = ctx.torch_device()
        data = corpus(dataset.raw_text, params["held_out"])
        trainer = _Trainer(torch, device, data, params)
        n_epochs = params["epochs"]
        unigram = unigram_bits(data.train, len(data.alphabet))
        held_text = data.held_out_text
        train_bits, held_bits = [], []
        for epoch in range(1, n_epochs + 1):
            bits = trainer.epoch(ctx)
            if bits is None:
                return
            train_bits.append(bits)
            surprise = held_out_bits(torch, trainer.net, data.held_out, device, ctx.cancelled)
            if surprise is None:
                return
            held_bits.append(float(surprise.mean()))
            message = epoch_message(epoch, n_epochs, trainer.steps, bits, held_bits[-1],
                                    held_bits[-2] if epoch > 1 else None, trainer.streams,
                                    trainer.seq_len) + overfitting_note(
                held_bits, range(1, epoch + 1), True, "bits per character", "epoch")
            ctx.progress(epoch / n_epochs, message)
            yield CharModel(
                step=epoch - 1, message=message,
                net=numpy_char_net(trainer.net, data.alphabet),
                epoch=epoch, n_epochs=n_epochs,
                train_bits=frozen(np.array(train_bits)),
                held_out_bits=frozen(np.array(held_bits)),
                unigram_bits=unigram, uniform_bits=math.log2(len(data.alphabet)),
                held_out_text=held_text, surprise=frozen(surprise),
                train_chars=len(data.train),
                text_name=dataset.name,
            )


class _Trainer:
    """The network, optimiser and streams of one run; one call per epoch."""

    def __init__(self, torch, device, data: Corpus, params: Mapping[str, Any]):
        self.torch = torch
        self.device = device
        self.seq_len = params["seq_len"]
        with seeded(torch, params["seed"]):
            net = build_network(torch, len(data.alphabet), params["hidden"])
        self.net = net.to(device)
        self.optimiser = torch.optim.Adam(self.net.parameters(), lr=params["learning_rate"])
        self.rng = np.random.default_rng(params["seed"])
        # Streams side by side: stream b is the b-th of `streams` equal slices of the text.
        n = len(data.train)
        self.streams = max(1, min(params["batch_size"], (n - 1) // self.seq_len))
        self.length = n // self.streams
        self.codes = torch.as_tensor(
            data.train[:self.streams * self.length].reshape(self.streams, self.length),
            dtype=torch.long).to(device)
        self.steps = 0

    def epoch(self, ctx: RunContext) -> float | None:
        """One pass through the streams from a random offset below seq_len (so chunks do
        not always break at the same characters); mean training bits per character, or
        None if cancelled."""
        torch = self.torch
        offset = int(self.rng.integers(0, max(1, min(self.seq_len, self.length - self.seq_len))))
        h = None
        total = torch.zeros((), dtype=torch.float64, device=self.device)
        count, steps = 0, 0
        for start in range(offset, self.length - 1, self.seq_len):
            if ctx.cancelled():
                return None
            stop = min(start + self.seq_len, self.length - 1)
            x = self.codes[:, start:stop]
            y = self.codes[:, start + 1:stop + 1]
            logits, h = self.net(x, h)
            h = h.detach()
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                     y.reshape(-1))
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.net.parameters(), GRADIENT_CLIP)
            self.optimiser.step()
            total += loss.detach().double() * y.numel()
            count += y.numel()
            steps += 1
        self.steps = steps
        return float(total) / max(count, 1) / LN2
