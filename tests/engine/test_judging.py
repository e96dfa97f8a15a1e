"""Judging digits models: each measure against a closed form, and real digits judged better
than noise."""

import numpy as np
import pytest
from scipy.linalg import sqrtm
from scipy.stats import multivariate_normal

from engine import datasets
from engine.generative import judging


def test_frechet_distance_approaches_the_closed_form_for_gaussians():
    rng = np.random.default_rng(0)
    mu_a, mu_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    ca = np.diag([1.0, 2.0, 0.5])
    cb = np.array([[1.0, 0.3, 0.0], [0.3, 1.0, 0.2], [0.0, 0.2, 2.0]])
    exact = float(np.sum((mu_a - mu_b) ** 2) + np.trace(ca + cb - 2 * np.real(sqrtm(ca @ cb))))
    a = rng.multivariate_normal(mu_a, ca, 200_000)
    b = rng.multivariate_normal(mu_b, cb, 200_000)
    assert judging.frechet_distance(a, b) == pytest.approx(exact, rel=0.02)
    assert judging.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)


def test_inception_score_spans_one_to_the_number_of_classes():
    confident = np.eye(10)[np.arange(200) % 10]
    assert judging.inception_score(confident) == pytest.approx(10.0, rel=1e-6)
    assert judging.inception_score(np.tile(np.eye(10)[3], (50, 1))) == pytest.approx(1.0)
    assert judging.inception_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)


def test_parzen_is_a_mean_log_density_of_gaussian_windows():
    rng = np.random.default_rng(1)
    samples, test = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    sigma = 0.7
    density = np.mean([multivariate_normal(s, sigma**2 * np.eye(3)).pdf(test)
                       for s in samples], axis=0)
    got = judging.parzen_log_likelihood(samples, test, sigma)
    assert got == pytest.approx(float(np.mean(np.log(density))))


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits")


def test_held_out_digits_are_judged_far_better_than_noise(digits):
    _, held = judging.split(digits.n)
    real = judging.judge(digits.X[held], digits)
    noise = judging.judge(np.random.default_rng(2).uniform(0, 16, (len(held), 64)), digits)
    assert real.classifier_accuracy > 0.9
    assert real.fid == pytest.approx(real.real_fid)
    assert noise.fid > 10 * real.fid
    assert real.inception > 7.0 > 3.0 > noise.inception
    assert real.parzen > noise.parzen
    assert real.rows()[0][0].startswith("Fréchet")
    assert all(r[3] for r in real.rows())  # each says what it misses


def test_unlabelled_images_cannot_be_judged(digits):
    bare = datasets.Dataset("bare", digits.X[:50], image_shape=(8, 8))
    with pytest.raises(ValueError, match="labelled images"):
        judging.judge(digits.X[:10], bare)
