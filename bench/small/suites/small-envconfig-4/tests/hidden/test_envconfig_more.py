import io
import random

import pytest
from tests.strict import same
from solution import load_settings


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for k in ("APP_DEBUG", "APP_PORT", "APP_NAME", "SVC_NAME"):
        monkeypatch.delenv(k, raising=False)


def test_debug_yes(monkeypatch):
    monkeypatch.setenv("APP_DEBUG", "YES")
    same(load_settings()["debug"], True)


def test_prefix(monkeypatch):
    monkeypatch.setenv("SVC_NAME", "billing")
    same(load_settings("SVC_")["name"], "billing")


def test_bad_port(monkeypatch):
    monkeypatch.setenv("APP_PORT", "70000")
    with pytest.raises(ValueError):
        load_settings()



@pytest.mark.parametrize("seed", range(20))
def test_random_port(seed, monkeypatch):
    port = random.Random(seed).randint(1, 65535)
    monkeypatch.setenv("APP_PORT", str(port))
    monkeypatch.setenv("APP_NAME", "n%d" % port)
    same(load_settings(), {"debug": False, "port": port, "name": "n%d" % port})
