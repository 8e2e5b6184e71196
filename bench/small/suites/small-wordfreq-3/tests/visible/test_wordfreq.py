import pytest
from tests.strict import same
from solution import top_words, word_counts


@pytest.fixture
def text_file(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("The cat and the hat. The END, and done.", encoding="utf-8")
    return p


def test_counts(text_file):
    same(word_counts(text_file)["the"], 3)


def test_top(text_file):
    same(top_words(text_file, 2), ["the", "and"])
