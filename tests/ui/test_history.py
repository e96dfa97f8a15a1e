"""The history's memory budget counts every array a snapshot holds, nested ones too."""

import numpy as np

from engine.protocol import MLP, LatentModel
from ui.history import snapshot_bytes


def test_nested_networks_count_and_an_array_held_twice_counts_once():
    w = np.zeros((100, 50))
    net = MLP(weights=(w, np.zeros((3, 100))), biases=(np.zeros(100), np.zeros(3)))
    curve = np.zeros(4)
    snap = LatentModel(codes=np.zeros((10, 2)), decoder=net, epoch=1, n_epochs=1,
                       elbo=curve, recon=curve, kl=curve, out_mean=np.zeros(3),
                       out_scale=np.zeros(3))
    network = w.nbytes + 3 * 100 * 8 + 100 * 8 + 3 * 8
    own = 10 * 2 * 8 + 4 * 8 + 3 * 8 + 3 * 8  # codes, the one curve, out_mean, out_scale
    assert snapshot_bytes(snap) == own + network
