"""`--selftest`, as the bundles run it: every method, headless, and offline."""

import socket

import pytest

from engine import registry
from ui.selftest import selftest


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket or look up a host raises, as on a classroom PC offline."""
    def refuse(*args, **kwargs):
        raise OSError("networking is blocked in this test")

    class RefusedSocket(socket.socket):  # a class still, for modules that subclass it
        def __init__(self, *args, **kwargs):
            refuse()

    monkeypatch.setattr(socket, "socket", RefusedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)


def test_selftest_passes_with_the_network_blocked(no_network, capsys):
    assert selftest() == 0
    out = capsys.readouterr().out
    assert "selftest: all passed" in out
    for algorithm in registry.all():
        assert f"{algorithm.id} " in out


def test_selftest_fails_when_a_method_fails(monkeypatch, capsys):
    def broken(self, dataset, params, ctx):
        raise RuntimeError("broken on purpose")
        yield  # pragma: no cover

    monkeypatch.setattr(type(registry.get("pca")), "run", broken)
    assert selftest(["kmeans", "pca"]) == 1
    assert "broken on purpose" in capsys.readouterr().out
