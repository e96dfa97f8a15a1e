"""CSV tables of the generative models (engine/export.py registers them).

Each model gives what a user would take elsewhere: its losses per step or epoch (one table,
a column per series), the codes of the data per point, generated samples (a row per sample,
a column per feature or pixel), and the judgement of the samples when the run judged them.
"""

from __future__ import annotations

import math

import numpy as np

from engine.data import Dataset
from engine.generative import diffusion as diffusion_module
from engine.generative import gan2d as gan2d_module
from engine.generative import modes as mode_count

CHAR_SAMPLE_LENGTH = 500  # characters written for the char-RNN's sample table
CHAR_SAMPLE_TEMPERATURE = 0.8  # the window's default (widgets/text_sample.py)


def _helpers():
    from engine import export

    return export._point_table, export._indexed, export._feature_names


def _blank(value: float):
    """NaN as an empty cell: a spreadsheet reads "" as missing, "nan" as text."""
    return "" if isinstance(value, float) and math.isnan(value) else value


def _series(index: str, columns: dict[str, np.ndarray], start: int = 1) -> tuple:
    """Series of one length side by side, numbered from `start` in a first column."""
    _, indexed, _ = _helpers()
    values = np.column_stack([np.asarray(v, dtype=np.float64) for v in columns.values()])
    return indexed(index, list(columns), values.reshape(-1, len(columns)), start=start)


def _at(index: str, at: np.ndarray, columns: dict[str, np.ndarray]) -> tuple:
    """Series recorded at the given steps (a first column of ints); integer series stay
    integers."""
    values = [np.asarray(c).tolist() for c in columns.values()]
    rows = [(int(a), *(v[i] for v in values)) for i, a in enumerate(np.asarray(at).tolist())]
    return [index, *columns], rows


def _samples(dataset: Dataset, samples: np.ndarray, lead: list[str] | None = None,
             lead_values: list[tuple] | None = None) -> tuple:
    """One row per sample: its number, any leading columns, then a column per feature."""
    _, _, feature_names = _helpers()
    samples = np.asarray(samples).reshape(len(samples), -1)
    lead = lead or []
    lead_values = lead_values or [()] * len(samples)
    rows = [(i, *extra, *row) for i, (extra, row) in
            enumerate(zip(lead_values, samples.tolist(), strict=True))]
    return ["sample", *lead, *feature_names(dataset, samples.shape[1])], rows


def _images(dataset: Dataset, kinds: dict[str, tuple[np.ndarray, np.ndarray]]) -> tuple:
    """Rows of the data shown in several versions: (point, which version, its features),
    one block per version in the order given."""
    _, _, feature_names = _helpers()
    rows, d = [], None
    for kind, (points, values) in kinds.items():
        values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
        d = values.shape[1]
        rows += [(int(p), kind, *v) for p, v in zip(np.asarray(points).tolist(),
                                                    values.tolist(), strict=True)]
    return ["point", "image", *feature_names(dataset, d or dataset.d)], rows


def judgement_table(judgement) -> tuple:
    """The judged samples' measures beside the real digits', as the window's table shows
    them, with how many samples were judged and the judging classifier's accuracy."""
    rows = [(name, _blank(float(value)), _blank(float(real)), misses)
            for name, value, real, misses in judgement.rows()]
    rows.append(("samples judged", int(judgement.n_samples), "", ""))
    rows.append(("classifier held-out accuracy", "", float(judgement.classifier_accuracy),
                 "the judging classifier on held-out real digits"))
    return ["measure", "samples", "real_digits", "what_it_misses"], rows


def _with_judgement(tables: dict, snap) -> dict:
    if getattr(snap, "judgement", None) is not None:
        tables["judgement"] = judgement_table(snap.judgement)
    return tables


def _plane(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, name: str) -> tuple:
    """A grid of values over the plane, one row per cell: (x, y, value); values[i, j] is at
    (xs[j], ys[i])."""
    gx, gy = np.meshgrid(xs, ys)
    return ["x", "y", name], list(zip(gx.ravel().tolist(), gy.ravel().tolist(),
                                      np.asarray(values, np.float64).ravel().tolist(),
                                      strict=True))


# ---------------------------------------------------------------- one per snapshot type


def latent_extras(snap, dataset: Dataset) -> dict:
    """The VAE's samples decoded from its fixed prior codes, and their judgement."""
    tables = {}
    if snap.prior_z is not None:
        z = np.asarray(snap.prior_z)
        tables["samples"] = _samples(dataset, snap.decode(z), [f"z{j + 1}" for j in
                                                               range(z.shape[1])],
                                     [tuple(r) for r in z.tolist()])
    return _with_judgement(tables, snap)


def autoencoding_tables(snap, dataset: Dataset) -> dict:
    """Codes per point; the loss per epoch; the shown rows clean, noisy (a denoiser's) and
    rebuilt; the decoder's curve for a 1-D code; a denoiser's errors before and after."""
    point_table, _, feature_names = _helpers()
    codes = np.asarray(snap.codes)
    loss = snap.loss_name.replace(" ", "_")
    versions = {"clean": (snap.rows, dataset.X[snap.rows])}
    if snap.denoising:
        versions["noisy"] = (snap.rows, snap.inputs)
    versions["reconstruction"] = (snap.rows, snap.outputs)
    tables = {"codes": point_table(dataset, [f"z{j + 1}" for j in range(codes.shape[1])], codes),
              "losses": _series("epoch", {loss: snap.loss}),
              "reconstructions": _images(dataset, versions)}
    if snap.curve is not None:
        curve = np.asarray(snap.curve)
        tables["curve"] = ["position", *feature_names(dataset, curve.shape[1])], [
            (i, *row) for i, row in enumerate(curve.tolist())]
    if snap.denoising:
        tables["errors"] = (["noise", "noise_level", "noisy_input_error", "output_error"],
                            [(snap.noise, float(snap.noise_level), float(snap.input_error),
                              float(snap.output_error))])
    return tables


def gan_tables(snap, dataset: Dataset) -> dict:
    """Losses and D's mean outputs per gradient step; the samples of the fixed noise (with
    their class, for a conditional GAN); the judgement at the end."""
    z = np.asarray(snap.noise)
    z_names = [f"z{j + 1}" for j in range(z.shape[1])]
    samples = np.asarray(snap.samples)
    if snap.conditional:
        names = snap.class_names or tuple(str(c) for c in range(snap.n_classes))
        lead = [(str(names[c]), *row) for c in range(snap.n_classes) for row in z.tolist()]
        table = _samples(dataset, samples.reshape(-1, samples.shape[-1]), ["class", *z_names],
                         lead)
    else:
        table = _samples(dataset, samples, z_names, [tuple(r) for r in z.tolist()])
    tables = {"losses": _series("step", {"loss_d": snap.loss_d, "loss_g": snap.loss_g,
                                         "d_real": snap.d_real, "d_fake": snap.d_fake}),
              "samples": table}
    return _with_judgement(tables, snap)


def adversarial_plane_tables(snap, dataset: Dataset) -> dict:
    """GAN on the plane: losses per step; the shown samples, G's push on each and the mode
    each lands in; D over the plane; the modes and how many were covered at each picture."""
    _, _, feature_names = _helpers()
    names = feature_names(dataset, 2)
    generated = np.asarray(snap.generated)
    mode = np.full(len(generated), -1, np.int64)
    if snap.n_modes:
        modes = mode_count.Modes(snap.mode_means, snap.mode_covariances,
                                 np.zeros(snap.n_modes))
        mode = mode_count.assign(generated, modes)
    values = np.column_stack([generated, snap.pushes]).tolist()
    tables = {
        "losses": _series("step", {"d_loss": snap.d_loss, "g_loss": snap.g_loss,
                                   "d_real": snap.d_real, "d_fake": snap.d_fake}),
        "samples": (["sample", *names, *(f"push {n}" for n in names), "mode"],
                    [(i, *v, int(m)) for i, (v, m) in enumerate(zip(values, mode.tolist(),
                                                                     strict=True))]),
    }
    cells = gan2d_module.grid_points(snap.box, snap.d_grid.shape[0])
    tables["discriminator"] = (["x", "y", "D"], [
        (*c, v) for c, v in zip(cells.tolist(), np.asarray(snap.d_grid, np.float64).ravel()
                                .tolist(), strict=True)])
    if snap.n_modes:
        cov = np.asarray(snap.mode_covariances)
        rows = np.column_stack([snap.mode_means, cov[:, 0, 0], cov[:, 0, 1], cov[:, 1, 1]])
        tables["modes"] = (["mode", *(f"mean {n}" for n in names),
                            f"var {names[0]}", f"cov {names[0]} {names[1]}", f"var {names[1]}",
                            "samples", "covered"],
                           [(i, *r, int(c), int(k)) for i, (r, c, k) in enumerate(zip(
                               rows.tolist(), snap.mode_counts.tolist(),
                               snap.mode_covered.tolist(), strict=True))])
        tables["modes_covered"] = _at("step", snap.trace_at,
                                      {"modes_covered": snap.modes_trace})
    return tables


def char_model_tables(snap, dataset: Dataset) -> dict:
    """Bits per character per epoch (with the unigram and uniform baselines); the bits the
    network spends on each held-out character; a text it writes, a line per row."""
    epochs = len(snap.train_bits)
    bits = _series("epoch", {
        "train_bits_per_char": snap.train_bits, "held_out_bits_per_char": snap.held_out_bits,
        "unigram_bits_per_char": np.full(epochs, snap.unigram_bits),
        "uniform_bits_per_char": np.full(epochs, snap.uniform_bits)})
    surprise = (["position", "character", "bits"],
                [(i, ch, float(b)) for i, (ch, b) in enumerate(zip(
                    snap.held_out_text, np.asarray(snap.surprise).tolist(), strict=True))])
    text = snap.net.sample(CHAR_SAMPLE_LENGTH, CHAR_SAMPLE_TEMPERATURE, seed=0)
    return {"bits": bits, "surprise": surprise,
            "sample": (["text"], [(line,) for line in text.split("\n")])}


def autoregressive_tables(snap, dataset: Dataset) -> dict:
    """Bits per image per epoch; the samples, a column per pixel; the drawing order; for
    PixelCNN, p(pixel = 1) at each step of each sample's drawing; the judgement."""
    w = snap.image_shape[1]
    order = np.asarray(snap.order)
    tables = {
        "nll": _series("epoch", {"train_bits_per_image": snap.train_nll,
                                 "held_out_bits_per_image": snap.held_out_nll}),
        "samples": _samples(dataset, np.asarray(snap.samples, np.int64)),
        "order": (["step", "pixel", "row", "column"],
                  [(t, int(p), int(p) // w, int(p) % w) for t, p in enumerate(order.tolist())]),
    }
    probabilities = getattr(snap, "probabilities", None)
    if probabilities is not None:
        p = np.asarray(probabilities, np.float64)
        tables["probabilities"] = (["step", "pixel",
                                    *(f"sample{j}" for j in range(p.shape[1]))],
                                   [(t, int(order[t]), *row) for t, row in
                                    enumerate(p.tolist())])
    return _with_judgement(tables, snap)


def flow_tables(snap, dataset: Dataset) -> dict:
    """Log-likelihood per recorded step; each point's log-density (and whether it was held
    out); the model's samples; log p(x) over the plane."""
    point_table, _, _ = _helpers()
    columns = {"train_log_likelihood": snap.train_ll}
    if len(snap.test_ll):
        columns["held_out_log_likelihood"] = snap.test_ll
    held = np.zeros(dataset.n, np.int64)
    held[np.asarray(snap.test_rows, np.int64)] = 1
    density = snap.flow.log_density(dataset.X)
    return {"log_likelihood": _at("step", snap.trace_at, columns),
            "points": point_table(dataset, ["log_density", "held_out"],
                                  np.column_stack([density.astype(object),
                                                   held.astype(object)])),
            "samples": _samples(dataset, np.asarray(snap.samples, np.float64)),
            "density": _plane(snap.grid_x, snap.grid_y, snap.log_density, "log_density")}


def diffusion_tables(snap, dataset: Dataset) -> dict:
    """The loss per gradient step; the samples' energy distance to the data, the share of them
    on the data and the share of the data they cover, at each picture (with the starting
    noise's); the samples with the noise each started from; the
    schedule."""
    _, _, feature_names = _helpers()
    n = snap.n_steps
    every = max(1, -(-n // diffusion_module.SNAPSHOTS))
    at = np.minimum(every * np.arange(1, len(snap.distance) + 1), n)
    paths = np.asarray(snap.paths, np.float64)
    names = feature_names(dataset, paths.shape[2])
    samples = np.column_stack([paths[0], paths[-1]])
    schedule = np.column_stack([snap.betas, snap.alpha_bar])
    return {
        "loss": _series("step", {"loss": snap.loss}),
        "distance": _at("step", at, {
            "energy_distance": snap.distance,
            "noise_energy_distance": np.full(len(at), snap.noise_distance),
            "on_the_data": snap.precision, "data_covered": snap.recall,
            "noise_on_the_data": np.full(len(at), snap.noise_precision)}),
        "samples": (["sample", *names, *(f"start {f}" for f in names)],
                    [(i, *row) for i, row in enumerate(samples.tolist())]),
        "schedule": (["t", "beta", "alpha_bar"],
                     [(t, *row) for t, row in enumerate(schedule.tolist())]),
    }


def paired_translation_tables(snap, dataset: Dataset) -> dict:
    """pix2pix: the losses per step; the shown held-out images as source, output and
    target; the held-out errors."""
    tables = {
        "losses": _series("step", {"l1": snap.l1, "adversarial": snap.adversarial,
                                   "d_loss": snap.d_loss}),
        "images": _images(dataset, {"source": (snap.rows, snap.sources),
                                    "output": (snap.rows, snap.outputs),
                                    "target": (snap.rows, snap.targets)}),
        "errors": (["output_error", "source_error"],
                   [(_blank(float(snap.output_error)), _blank(float(snap.source_error)))]),
    }
    return tables


def cycle_translation_tables(snap, dataset: Dataset) -> dict:
    """CycleGAN: the losses per step; the shown held-out images of both domains, translated
    and brought back; the held-out errors."""
    b = snap.domain_b
    images = _images(dataset, {"a": (snap.rows_a, snap.a), "a_to_b": (snap.rows_a, snap.a_to_b),
                               "a_round_trip": (snap.rows_a, snap.a_round),
                               f"a_{b}": (snap.rows_a, snap.a_truth),
                               "b": (snap.rows_b, snap.b), "b_to_a": (snap.rows_b, snap.b_to_a),
                               "b_round_trip": (snap.rows_b, snap.b_round)})
    return {
        "losses": _series("step", {"g_ab": snap.g_ab, "g_ba": snap.g_ba, "d_a": snap.d_a,
                                   "d_b": snap.d_b, "cycle": snap.cycle}),
        "images": images,
        "errors": (["round_trip_error", "truth_error", "start_error"],
                   [tuple(_blank(float(v)) for v in (snap.round_error, snap.truth_error,
                                                     snap.start_error))]),
    }
