import pytest
from tests.strict import same
from solution import slugify


@pytest.mark.parametrize("text, want", [("Hello World", "hello-world"), ("  a  b ", "a-b"), ("Crème brûlée", "creme-brulee")])
def test_examples(text, want):
    same(slugify(text), want)


def test_custom_separator():
    same(slugify("Big Data", sep="_"), "big_data")
