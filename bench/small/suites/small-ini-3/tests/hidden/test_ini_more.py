import io
import random

import pytest
from tests.strict import same
from solution import parse_ini


def test_equals_in_value():
    same(parse_ini("[a]\nurl = http://h/?q=1")["a"]["url"], "http://h/?q=1")


def test_comments():
    same(parse_ini("; c\n[s]\n# d\nk=v"), {"s": {"k": "v"}})


def test_empty_section():
    same(parse_ini("[only]"), {"only": {}})



@pytest.mark.parametrize("seed", range(10))
def test_generated(seed):
    rnd = random.Random(seed)
    want = {"s%d" % i: {"k%d" % j: str(rnd.randint(0, 99)) for j in range(rnd.randint(0, 4))} for i in range(rnd.randint(1, 4))}
    text = "\n".join("[%s]\n" % s + "\n".join("%s = %s" % kv for kv in d.items()) for s, d in want.items())
    same(parse_ini(text), want)
