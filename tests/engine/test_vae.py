"""The VAE: it learns, it repeats itself given a seed, its numpy decoder equals torch's,
it handles non-image data, it stops when cancelled, and importing it does not load torch."""

import re
import subprocess
import sys
import threading

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_moons

from engine.data import Dataset
from engine.generative import judging
from engine.generative.training import numpy_mlp
from engine.generative.vae import (
    PRIOR_IMAGES,
    PRIOR_POINTS,
    TRAVERSAL_STEPS,
    VAE,
    _Trainer,
    prepare,
    prior_codes,
    traversal_codes,
)
from engine.protocol import LatentModel, RunContext
from tests.quick import quick_run

FAST = {"hidden": 32, "epochs": 3, "batch_size": 128}


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    return Dataset("digits", bunch.data, bunch.target, image_shape=(8, 8))


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(n_samples=240, noise=0.05, random_state=0)
    return Dataset("moons", X * [3.0, 10.0] + [100.0, -50.0], y)


def train(dataset, **values):
    return list(VAE().start(dataset, {**FAST, **values}, RunContext()))


def test_elbo_improves_on_digits(digits):
    snapshots = train(digits, epochs=5, hidden=64)
    assert len(snapshots) == 5
    last = snapshots[-1]
    assert isinstance(last, LatentModel)
    assert (last.epoch, last.n_epochs, last.latent_dim) == (5, 5, 2)
    assert [s.step for s in snapshots] == list(range(5))
    assert last.codes.shape == (digits.n, 2) and last.codes.dtype == np.float64
    assert last.elbo.shape == last.recon.shape == last.kl.shape == (5,)
    np.testing.assert_allclose(last.elbo, -(last.recon + last.kl))
    assert (last.kl >= 0).all()
    assert last.elbo[-1] > last.elbo[0] + 1.0
    steps = -(-digits.n // FAST["batch_size"])
    pattern = (rf"epoch 5 of 5: {steps} gradient steps over the {digits.n:,} points; ELBO "
               r"(rose|fell) from -\d+\.\d to -\d+\.\d \(reconstruction \d+\.\d, KL \d+\.\d\)")
    assert re.fullmatch(pattern, last.message), last.message


def test_digits_use_bernoulli_in_data_units(digits):
    data = prepare(digits)
    assert data.likelihood == "bernoulli" and data.output == "sigmoid"
    assert data.X.max() == 1.0
    last = train(digits, epochs=1)[-1]
    assert last.decoder.output == "sigmoid"
    np.testing.assert_array_equal(last.out_mean, 0.0)
    np.testing.assert_array_equal(last.out_scale, 16.0)
    images = last.decode(np.random.default_rng(0).normal(size=(5, 2)))
    assert images.shape == (5, 64)
    assert images.min() >= 0.0 and images.max() <= 16.0
    assert last.image_shape == (8, 8)


def test_gaussian_unless_image_in_zero_to_max(digits):
    assert prepare(Dataset("table", digits.X)).likelihood == "gaussian"
    shifted = Dataset("shifted", digits.X - 1.0, image_shape=(8, 8))
    assert prepare(shifted).likelihood == "gaussian"


def test_same_seed_same_codes(digits):
    a = train(digits, seed=3)[-1]
    b = train(digits, seed=3)[-1]
    c = train(digits, seed=4)[-1]
    np.testing.assert_array_equal(a.codes, b.codes)
    np.testing.assert_array_equal(a.elbo, b.elbo)
    assert not np.allclose(a.codes, c.codes)


@pytest.mark.parametrize("name", ["digits", "moons"])
def test_numpy_decoder_equals_torch_decoder(name, request):
    from engine.generative.torch_setup import import_torch

    torch = import_torch()
    dataset = request.getfixturevalue(name)
    data = prepare(dataset)
    params = VAE().resolve(dataset, {**FAST, "latent_dim": 3})
    trainer = _Trainer(torch, torch.device("cpu"), data, params)
    trainer.epoch(RunContext())
    mlp = numpy_mlp(trainer.decoder, data.output)
    z = np.random.default_rng(1).normal(size=(50, 3)) * 2.0
    with torch.no_grad():
        out = trainer.decoder(torch.as_tensor(z, dtype=torch.float32))
        if data.likelihood == "bernoulli":
            out = torch.sigmoid(out)
    assert all(w.dtype == np.float64 for w in mlp.weights)
    np.testing.assert_allclose(mlp(z), out.numpy(), rtol=1e-4, atol=1e-5)


def test_snapshot_decoder_is_frozen_at_its_epoch(digits):
    run = VAE().start(digits, {**FAST, "epochs": 4}, RunContext())
    first = next(run)
    z = np.random.default_rng(2).normal(size=(10, 2))
    before = first.decode(z)
    last = list(run)[-1]
    np.testing.assert_array_equal(first.decode(z), before)
    assert not np.allclose(last.decode(z), before)
    assert first.elbo.shape == (1,)


def test_moons_gaussian_in_data_units(moons):
    last = train(moons, epochs=40, hidden=32, batch_size=32, learning_rate=5e-3)[-1]
    assert last.decoder.output == "identity"
    np.testing.assert_allclose(last.out_mean, moons.X.mean(axis=0))
    np.testing.assert_allclose(last.out_scale, moons.X.std(axis=0))
    rebuilt = last.decode(last.codes)
    assert rebuilt.shape == moons.X.shape
    error = np.sqrt(((rebuilt - moons.X) ** 2).mean(axis=0))
    assert (error < 0.35 * moons.X.std(axis=0)).all()  # a collapsed code gives about 0.6
    centre = last.decode(np.zeros((1, 2)))[0]
    assert np.all(np.abs(centre - moons.X.mean(axis=0)) < moons.X.std(axis=0))


class TripWire(threading.Event):
    """A cancel event that reads as set from its `trip`-th look on, counting every look."""

    def __init__(self, trip: int):
        super().__init__()
        self.trip = trip
        self.looks = 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.trip


def test_cancel_stops_before_the_next_batch(digits):
    # 1797 points in batches of 128: 15 batches an epoch, so look 20 falls in epoch 2.
    wire = TripWire(trip=20)
    snapshots = list(VAE().start(digits, FAST, RunContext(cancel_event=wire)))
    assert len(snapshots) == 1
    assert wire.looks == wire.trip


def test_progress_reports_each_epoch(digits):
    calls = []
    ctx = RunContext(on_progress=lambda f, m: calls.append((f, m)))
    snapshots = list(VAE().start(digits, FAST, ctx))
    assert calls[0][0] == 0.0
    epochs = [call for call in calls[1:] if "judg" not in call[1]]  # and, at the end, judging
    assert epochs == [(s.epoch / 3, s.message) for s in snapshots]
    assert calls[-1] == (1.0, "judging the samples (FID, IS, Parzen)…")


def test_importing_the_module_does_not_import_torch():
    code = ("import sys, engine.generative.vae; "
            "assert 'torch' not in sys.modules, 'torch'; "
            "assert 'sklearn' not in sys.modules, 'sklearn'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr


def test_beta_weights_the_kl_term_and_the_elbo_stays_true(digits):
    runs = {beta: train(digits, beta=beta)[-1] for beta in (0.0, 1.0, 8.0)}
    kl = {beta: float(snap.kl[-1]) for beta, snap in runs.items()}
    assert kl[0.0] > 3 * kl[1.0]  # nothing holds the codes to the prior
    assert kl[8.0] < kl[1.0] / 3  # codes pressed onto the prior
    assert runs[8.0].recon[-1] > runs[0.0].recon[-1]  # at the cost of reconstruction
    for beta, snap in runs.items():
        assert snap.beta == beta
        np.testing.assert_allclose(snap.elbo, -(snap.recon + snap.kl))
        np.testing.assert_allclose(snap.minimised, snap.recon + beta * snap.kl)
    assert "minimises" not in runs[1.0].message
    value = runs[8.0].recon[-1] + 8.0 * runs[8.0].kl[-1]
    assert runs[8.0].message.endswith(
        f"; with β = 8 it minimises reconstruction + 8·KL = {value:.1f}"), runs[8.0].message
    assert "β = 0 it minimises reconstruction + 0·KL" in runs[0.0].message


def test_beta_zero_leaves_the_kl_out_of_training(digits, monkeypatch):
    """With β = 0 the KL term has no weight: a very different KL term trains the very same
    decoder, while with β = 1 it changes what is learnt."""
    import engine.generative.vae as vae

    plain = {beta: train(digits, beta=beta, epochs=1)[-1] for beta in (0.0, 1.0)}
    real_terms = vae.negative_elbo_terms

    def other_kl(torch, x, out, mu, log_var, likelihood, noise_log_var):
        recon, kl = real_terms(torch, x, out, mu, log_var, likelihood, noise_log_var)
        return recon, kl + 100.0 * mu.pow(2).sum(dim=1)

    monkeypatch.setattr(vae, "negative_elbo_terms", other_kl)
    changed = {beta: train(digits, beta=beta, epochs=1)[-1] for beta in (0.0, 1.0)}
    z = traversal_codes(2)
    np.testing.assert_array_equal(changed[0.0].decode(z), plain[0.0].decode(z))
    np.testing.assert_array_equal(changed[0.0].recon, plain[0.0].recon)
    assert not np.allclose(changed[1.0].decode(z), plain[1.0].decode(z))


def test_prior_codes_are_fixed_for_a_run_from_its_seed(digits, moons):
    snapshots = train(digits, seed=5, latent_dim=3)
    first = snapshots[0].prior_z
    assert first.shape == (PRIOR_IMAGES, 3) and not first.flags.writeable
    for snap in snapshots:
        np.testing.assert_array_equal(snap.prior_z, first)  # the same z at every epoch
    np.testing.assert_array_equal(first, prior_codes(5, 3, images=True))
    assert not np.allclose(first, prior_codes(6, 3, images=True))
    # The same codes, decoded by each epoch's decoder: the samples change as it learns.
    assert not np.allclose(snapshots[0].decode(first), snapshots[-1].decode(first))
    assert train(moons, epochs=1)[-1].prior_z.shape == (PRIOR_POINTS, 2)


def test_traversal_moves_one_latent_dimension_at_a_time():
    z = traversal_codes(4)
    assert z.shape == (4 * TRAVERSAL_STEPS, 4)
    rows = z.reshape(4, TRAVERSAL_STEPS, 4)
    for i in range(4):
        np.testing.assert_allclose(rows[i, :, i], np.linspace(-3.0, 3.0, TRAVERSAL_STEPS))
        assert not np.delete(rows[i], i, axis=1).any()


def test_a_saved_model_keeps_beta_and_its_prior_codes(moons, tmp_path):
    from engine import session

    final = train(moons, epochs=1, hidden=8, beta=2.5)[-1]
    path = tmp_path / "m.model.pt"
    params = VAE().resolve(moons, {**FAST, "epochs": 1, "hidden": 8, "beta": 2.5})
    digest = session.save_model(final, path, "vae", params, moons)
    back = session.load_model(path, digest, moons, "vae")
    assert back.beta == 2.5
    np.testing.assert_array_equal(back.prior_z, final.prior_z)
    np.testing.assert_allclose(back.minimised, final.minimised)
    z = traversal_codes(2)
    np.testing.assert_allclose(back.decode(z), final.decode(z))


def test_the_last_epoch_judges_fresh_samples_from_the_prior(digits, moons):
    snapshots = train(digits, epochs=2)
    assert snapshots[0].judgement is None
    judgement = snapshots[-1].judgement
    assert judgement.n_samples == judging.sample_count(digits)
    assert np.isfinite([judgement.fid, judgement.inception, judgement.parzen]).all()
    assert train(moons, epochs=1)[-1].judgement is None  # not images: nothing to judge


def test_snapshots_carry_their_pictures_decoded_on_the_worker():
    """The prior samples, the traversal and the grey scale, so the window only draws."""
    *_, snaps = quick_run("vae")
    for snap in snaps:
        np.testing.assert_allclose(snap.prior_out, snap.decode(snap.prior_z))
        np.testing.assert_allclose(snap.traversal_out,
                                   snap.decode(traversal_codes(snap.latent_dim)))
        low, high = snap.out_range
        assert low < high and not snap.prior_out.flags.writeable
