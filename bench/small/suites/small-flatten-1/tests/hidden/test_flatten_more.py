import io
import random

import pytest
from tests.strict import same
from solution import flatten, unflatten


def test_separator():
    same(flatten({"a": {"b": 3}}, sep="/"), {"a/b": 3})


def test_empty_dict_kept():
    same(flatten({"a": {}}), {"a": {}})


def test_unflatten_deep():
    same(unflatten({"p.q.r": "s"}), {"p": {"q": {"r": "s"}}})



def leaves(d):
    return sum(leaves(v) if isinstance(v, dict) else 1 for v in d.values())


def nested(rnd, depth):
    return {"k%d" % i: nested(rnd, depth - 1) if depth and rnd.random() < 0.5 else rnd.randint(0, 9) for i in range(rnd.randint(1, 3))}


@pytest.mark.parametrize("seed", range(2))
def test_round_trip(seed):
    data = nested(random.Random(seed), 3)
    flat = flatten(data)
    assert all(type(v) is int for v in flat.values())
    same(len(flat), leaves(data))
    same(unflatten(flat), data)
