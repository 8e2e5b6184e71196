import pytest
from tests.strict import same
from solution import parse_ini


@pytest.fixture
def sample():
    return "# settings\n[db]\nhost = localhost\nport=5432\n\n[app]\ndebug = yes\n"


def test_sections(sample):
    same(sorted(parse_ini(sample)), ["app", "db"])


def test_values(sample):
    same(parse_ini(sample)["db"], {"host": "localhost", "port": "5432"})


def test_key_outside_section():
    with pytest.raises(ValueError, match="line 1"):
        parse_ini("x = 1")
