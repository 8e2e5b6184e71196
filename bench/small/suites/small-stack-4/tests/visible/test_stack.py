import pytest
from tests.strict import same
from solution import Stack, StackFull


@pytest.fixture
def stack():
    s = Stack(3)
    s.push(1)
    s.push(2)
    return s


def test_lifo(stack):
    same(stack.pop(), 2)
    same(stack.pop(), 1)


def test_len_and_peek(stack):
    assert len(stack) == 2
    same(stack.peek(), 2)


def test_full(stack):
    stack.push(3)
    with pytest.raises(StackFull):
        stack.push(4)
