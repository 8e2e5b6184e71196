"""Shared helpers for the pattern-matching challenge."""

import pytest

from robot import State


@pytest.fixture
def at():
    """at(x, y, heading="N", *cargo) builds a State."""

    def build(x=0, y=0, heading="N", *cargo):
        return State(x, y, heading, tuple(cargo))

    return build
