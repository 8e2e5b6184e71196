"""The warehouse robot's command interpreter, with structural pattern matching."""

from dataclasses import replace  # noqa: F401

from robot import CAPACITY, GRID, MAX_STEPS, Drop, Home, Move, Pick, State, Turn  # noqa: F401


class CommandError(ValueError):
    """A malformed command, or one the robot cannot carry out."""


def execute(state, command):
    """Returns the State after running command (text, dict or dataclass) from state.

    Write it with a match statement on the command (see the prompt).
    """
    raise NotImplementedError
