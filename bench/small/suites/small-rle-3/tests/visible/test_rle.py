import pytest
from tests.strict import same
from solution import decode, encode


@pytest.mark.parametrize("text, code", [("aaab", "3a1b"), ("", ""), ("abc", "1a1b1c")])
def test_encode(text, code):
    same(encode(text), code)


def test_decode():
    same(decode("2x3y"), "xxyyy")
