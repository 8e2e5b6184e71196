import pytest
from tests.strict import same
from solution import load_settings


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for k in ("APP_DEBUG", "APP_PORT", "APP_NAME"):
        monkeypatch.delenv(k, raising=False)


def test_defaults():
    same(load_settings(), {"debug": False, "port": 8000, "name": "app"})


def test_port(monkeypatch):
    monkeypatch.setenv("APP_PORT", "9090")
    same(load_settings()["port"], 9090)
