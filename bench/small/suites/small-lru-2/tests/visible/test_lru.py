import pytest
from tests.strict import same
from solution import LRU


def test_evicts_oldest():
    c = LRU(2)
    c.put("a", 1)
    c.put("b", 2)
    c.put("c", 3)
    same(c.keys(), ["b", "c"])


def test_get_refreshes():
    c = LRU(2)
    c.put("a", 1)
    c.put("b", 2)
    same(c.get("a"), 1)
    c.put("c", 3)
    same(c.keys(), ["a", "c"])


def test_size_zero():
    with pytest.raises(ValueError):
        LRU(0)
