import io
import random

import pytest
from tests.strict import same
from solution import from_roman, to_roman


def test_parse_year():
    same(from_roman("MMXXVI"), 2026)


def test_parse_large():
    same(from_roman("MMMCMXCIX"), 3999)


def test_bad_numeral():
    with pytest.raises(ValueError):
        from_roman("IIII")



@pytest.mark.parametrize("seed", range(20))
def test_round_trip(seed):
    n = random.Random(seed).randint(1, 3999)
    s = to_roman(n)
    values = [{"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}[c] for c in s]
    same(sum(-v if v < w else v for v, w in zip(values, values[1:] + [0])), n)
    same(from_roman(s), n)
