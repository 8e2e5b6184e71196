import io
import random

import pytest
from tests.strict import same
from solution import split_csv


def test_escaped_quote():
    same(split_csv('"say ""hi""",x'), ['say "hi"', "x"])


def test_semicolon():
    same(split_csv("1;2", delim=";"), ["1", "2"])


def test_unterminated():
    with pytest.raises(ValueError):
        split_csv('"open')



@pytest.mark.parametrize("seed", range(20))
def test_against_csv_module(seed):
    import csv

    rnd = random.Random(seed)
    row = ["".join(rnd.choice('ab ,"') for _ in range(rnd.randint(0, 6))) for _ in range(rnd.randint(1, 5))]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    same(split_csv(out.getvalue()), row)
