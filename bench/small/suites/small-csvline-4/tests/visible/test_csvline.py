import pytest
from tests.strict import same
from solution import split_csv


@pytest.mark.parametrize("line, want", [("a,b,c", ["a", "b", "c"]), ("", [""]), ("x,,y", ["x", "", "y"])])
def test_plain(line, want):
    same(split_csv(line), want)


def test_quoted_comma():
    same(split_csv('"a,b",c'), ["a,b", "c"])
