import io
import random

import pytest
from tests.strict import same
from solution import decode, encode


def test_long_run():
    same(encode("z" * 12), "12z")


def test_decode_multi_digit():
    same(decode("10q"), "qqqqqqqqqq")


def test_bad_code():
    with pytest.raises(ValueError):
        decode("ab")



@pytest.mark.parametrize("seed", range(5))
def test_round_trip(seed):
    rnd = random.Random(seed)
    text = "".join(rnd.choice("aab c") * rnd.randint(1, 4) for _ in range(rnd.randint(0, 10)))
    code = encode(text)
    same(type(code), str)
    assert len(code) <= 2 * len(text) + 1
    same(decode(code), text)
