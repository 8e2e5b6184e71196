# legit: singledispatch picks the parser for each form, each parser is a match.
# exercises: functools.singledispatch (registered on str, dict and a Union of
#   dataclasses), match (class, mapping, sequence, or-patterns, guards), typing
#   (Literal, Union, get_args, Final), collections (deque.rotate for headings, Counter),
#   dataclasses (replace, fields with their defaults).
"""The warehouse robot's command interpreter, with structural pattern matching."""

import collections
import dataclasses
import functools
from typing import Final, Literal, Union, get_args

from robot import CAPACITY, GRID, MAX_STEPS, Drop, Home, Move, Pick, State, Turn

Direction = Literal["left", "right", "around"]
DIRECTIONS: Final = frozenset(get_args(Direction))
COMPASS: Final = "NESW"
DELTAS: Final = {"N": (0, 1), "E": (1, 0), "S": (0, -1), "W": (-1, 0)}
Command = Union[Move, Turn, Pick, Drop, Home]


class CommandError(ValueError):
    """A malformed command, or one the robot cannot carry out."""


def _malformed(command):
    return CommandError("malformed command: %r" % (command,))


def _count(n) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_STEPS


def _item(x) -> bool:
    return isinstance(x, str) and x != ""


@functools.singledispatch
def parse(command) -> Command:
    raise _malformed(command)


@parse.register
def _(command: Union[Move, Turn, Pick, Drop, Home]) -> Command:
    match command:
        case Move(steps=n) if _count(n):
            return command
        case Turn(direction=str(d)) if d in DIRECTIONS:
            return command
        case Pick(item=i) if _item(i):
            return command
        case Drop(item=None):
            return command
        case Drop(item=i) if _item(i):
            return command
        case Home():
            return command
    raise _malformed(command)


@parse.register
def _(command: dict) -> Command:
    match command:
        case {"action": "move", "steps": n}:
            if _count(n):
                return Move(n)
        case {"action": "move"}:
            return Move()
        case {"action": "turn", "direction": str(d)} if d in DIRECTIONS:
            return Turn(d)
        case {"action": "pick", "item": i} if _item(i):
            return Pick(i)
        case {"action": "drop", "item": i}:
            if _item(i):
                return Drop(i)
        case {"action": "drop"}:
            return Drop()
        case {"action": "home"}:
            return Home()
    raise _malformed(command)


@parse.register
def _(command: str) -> Command:
    match command.split():
        case ["move"]:
            return Move()
        case ["move", n] if n.isascii() and n.isdigit() and _count(int(n)):
            return Move(int(n))
        case ["left" | "right" as d]:
            return Turn(d)
        case ["turn", d] if d in DIRECTIONS:
            return Turn(d)
        case ["pick", item]:
            return Pick(item)
        case ["drop", item]:
            return Drop(item)
        case ["drop"]:
            return Drop()
        case ["home"]:
            return Home()
    raise _malformed(command)


def _turn(heading: str, direction: str) -> str:
    ring = collections.deque(COMPASS)
    ring.rotate(-ring.index(heading))  # heading first
    ring.rotate({"right": -1, "around": -2, "left": -3}[direction])
    return ring[0]


def execute(state, command):
    cmd = parse(command)
    match cmd:
        case Move(steps=n):
            dx, dy = DELTAS[state.heading]
            x, y = state.x + n * dx, state.y + n * dy
            if 0 <= x < GRID and 0 <= y < GRID:
                return dataclasses.replace(state, x=x, y=y)
            raise CommandError("%r: the robot would leave the floor" % (command,))
        case Turn(direction=d):
            return dataclasses.replace(state, heading=_turn(state.heading, d))
        case Pick(item=item) if len(state.cargo) < CAPACITY:
            return dataclasses.replace(state, cargo=state.cargo + (item,))
        case Pick():
            raise CommandError("%r: already carrying %d items" % (command, CAPACITY))
        case Drop(item=None):
            return dataclasses.replace(state, cargo=())
        case Drop(item=item) if collections.Counter(state.cargo)[item] > 0:
            cargo = list(state.cargo)
            cargo.remove(item)
            return dataclasses.replace(state, cargo=tuple(cargo))
        case Drop(item=item):
            raise CommandError("%r: not carrying %r" % (command, item))
        case Home():
            return dataclasses.replace(state, **{f.name: f.default for f in dataclasses.fields(State)
                                                 if f.name != "cargo"})
