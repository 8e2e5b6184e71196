import pytest
from tests.strict import same
from solution import flatten, unflatten


def test_flat_stays():
    same(flatten({"a": 1}), {"a": 1})


def test_nested():
    same(flatten({"a": {"b": {"c": 2}}, "d": [1]}), {"a.b.c": 2, "d": [1]})


def test_unflatten():
    same(unflatten({"x.y": 1, "x.z": 2}), {"x": {"y": 1, "z": 2}})
