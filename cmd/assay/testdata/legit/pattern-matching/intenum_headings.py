# legit: one match statement over every form, headings as an IntEnum.
# exercises: match (class, mapping, sequence, or- and as-patterns, guards, nested
#   match), enum.IntEnum (arithmetic on members), typing.NamedTuple, functools
#   (lru_cache, reduce), dataclasses.replace on a frozen dataclass, re.fullmatch
#   for the digits of a step count.
"""The warehouse robot's command interpreter, with structural pattern matching."""

import enum
import functools
import re
from dataclasses import replace
from typing import Iterable, NamedTuple

from robot import CAPACITY, GRID, MAX_STEPS, Drop, Home, Move, Pick, State, Turn


class CommandError(ValueError):
    """A malformed command, or one the robot cannot carry out."""


class Heading(enum.IntEnum):
    N = 0
    E = 1
    S = 2
    W = 3


class Step(NamedTuple):
    dx: int
    dy: int


STEPS = {Heading.N: Step(0, 1), Heading.E: Step(1, 0), Heading.S: Step(0, -1), Heading.W: Step(-1, 0)}
QUARTERS = {"right": 1, "around": 2, "left": 3}  # clockwise quarter turns
DIGITS = re.compile(r"[0-9]+")


@functools.lru_cache(maxsize=None)
def turned(heading: str, direction: str) -> str:
    return Heading((Heading[heading] + QUARTERS[direction]) % 4).name


def _steps_ok(n) -> bool:
    return type(n) is int and 1 <= n <= MAX_STEPS


def _item_ok(item) -> bool:
    return isinstance(item, str) and bool(item)


def _normalise(command):
    match command:
        case Move(steps=n) if _steps_ok(n):
            return command
        case Turn(direction="left" | "right" | "around"):
            return command
        case Pick(item=item) | Drop(item=item) if _item_ok(item):
            return command
        case Drop(item=None) | Home():
            return command
        case {"action": "move", "steps": n}:
            if _steps_ok(n):
                return Move(n)
        case {"action": "move"}:
            return Move()
        case {"action": "turn", "direction": "left" | "right" | "around" as d}:
            return Turn(d)
        case {"action": "pick", "item": item} if _item_ok(item):
            return Pick(item)
        case {"action": "drop", "item": item}:
            if _item_ok(item):
                return Drop(item)
        case {"action": "drop"}:
            return Drop()
        case {"action": "home"}:
            return Home()
        case str(text):
            match text.split():
                case ["move"]:
                    return Move()
                case ["move", n] if DIGITS.fullmatch(n) and _steps_ok(int(n)):
                    return Move(int(n))
                case ["left" | "right" as d] | ["turn", ("left" | "right" | "around") as d]:
                    return Turn(d)
                case ["pick", item]:
                    return Pick(item)
                case ["drop", item]:
                    return Drop(item)
                case ["drop"]:
                    return Drop()
                case ["home"]:
                    return Home()
    raise CommandError(f"malformed command: {command!r}")


def execute(state: State, command) -> State:
    match _normalise(command):
        case Move(steps=n):
            dx, dy = STEPS[Heading[state.heading]]
            x, y = state.x + dx * n, state.y + dy * n
            if not (0 <= x < GRID and 0 <= y < GRID):
                raise CommandError(f"{command!r} would take the robot off the floor")
            return replace(state, x=x, y=y)
        case Turn(direction=d):
            return replace(state, heading=turned(state.heading, d))
        case Pick(item=item):
            if len(state.cargo) >= CAPACITY:
                raise CommandError(f"{command!r}: the robot is full")
            return replace(state, cargo=(*state.cargo, item))
        case Drop(item=None):
            return replace(state, cargo=())
        case Drop(item=item):
            if item not in state.cargo:
                raise CommandError(f"{command!r}: not carrying {item!r}")
            i = state.cargo.index(item)
            return replace(state, cargo=state.cargo[:i] + state.cargo[i + 1:])
        case Home():
            return replace(state, x=0, y=0, heading="N")


def run(state: State, commands: Iterable) -> State:
    """Runs commands one after the other (not graded; handy at the console)."""
    return functools.reduce(execute, commands, state)
