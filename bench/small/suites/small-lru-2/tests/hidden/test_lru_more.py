import io
import random

import pytest
from tests.strict import same
from solution import LRU


def test_default():
    same(LRU(1).get("x", "none"), "none")


def test_overwrite():
    c = LRU(3)
    c.put("k", 1)
    c.put("k", 2)
    same(c.get("k") * 10, 20)


def test_single():
    c = LRU(1)
    c.put(1, "a")
    c.put(2, "b")
    same(c.keys(), [2])



@pytest.mark.parametrize("seed", range(5))
def test_against_a_model(seed):
    rnd = random.Random(seed)
    c, model = LRU(3), []
    for _ in range(60):
        k = rnd.randint(0, 5)
        if rnd.random() < 0.5:
            c.put(k, k * 10)
            model = [x for x in model if x != k] + [k]
            model = model[-3:]
        else:
            got = c.get(k)
            if k in model:
                model = [x for x in model if x != k] + [k]
                same(got, k * 10)
            else:
                assert got is None
        same(c.keys(), model)
