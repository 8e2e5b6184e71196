import io
import random

import pytest
from tests.strict import same
from solution import Stack, StackFull


def test_empty_pop():
    with pytest.raises(IndexError):
        Stack(1).pop()


def test_peek_empty():
    assert Stack(2).peek() is None


def test_strings():
    s = Stack(2)
    s.push("a")
    s.push("b")
    same(s.pop() + s.pop(), "ba")



@pytest.mark.parametrize("seed", range(5))
def test_against_a_list(seed):
    rnd = random.Random(seed)
    s, model = Stack(5), []
    for _ in range(40):
        if rnd.random() < 0.6 and len(model) < 5:
            x = rnd.randint(0, 9)
            s.push(x)
            model.append(x)
        elif model:
            same(s.pop(), model.pop())
        assert len(s) == len(model)
