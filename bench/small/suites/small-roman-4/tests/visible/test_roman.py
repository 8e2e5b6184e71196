import pytest
from tests.strict import same
from solution import from_roman, to_roman


@pytest.mark.parametrize("n, s", [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (1994, "MCMXCIV")])
def test_to_roman(n, s):
    same(to_roman(n), s)


def test_zero_refused():
    with pytest.raises(ValueError):
        to_roman(0)
