import io
import random

import pytest
from tests.strict import same
from solution import top_words, word_counts


def test_apostrophes(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("don't DON'T stop", encoding="utf-8")
    same(word_counts(p), {"don't": 2, "stop": 1})


def test_ties_alphabetical(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("b a c", encoding="utf-8")
    same(top_words(p, 2), ["a", "b"])


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        word_counts(tmp_path / "nope.txt")



@pytest.mark.parametrize("seed", range(2))
def test_random_text(seed, tmp_path):
    rnd = random.Random(seed)
    words = [rnd.choice(["red", "green", "Blue", "ox"]) for _ in range(rnd.randint(1, 50))]
    p = tmp_path / "r.txt"
    p.write_text(" ".join(words), encoding="utf-8")
    want = {}
    for w in words:
        want[w.lower()] = want.get(w.lower(), 0) + 1
    same(word_counts(p), want)
