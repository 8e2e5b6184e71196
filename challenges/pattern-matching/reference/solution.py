"""The warehouse robot's command interpreter, with structural pattern matching (reference solution)."""

import re
from dataclasses import replace

from robot import CAPACITY, GRID, MAX_STEPS, Drop, Home, Move, Pick, State, Turn

LEFT = {"N": "W", "W": "S", "S": "E", "E": "N"}
RIGHT = {v: k for k, v in LEFT.items()}
AROUND = {"N": "S", "S": "N", "E": "W", "W": "E"}
TURNS = {"left": LEFT, "right": RIGHT, "around": AROUND}
DELTA = {"N": (0, 1), "E": (1, 0), "S": (0, -1), "W": (-1, 0)}
DIGITS = re.compile(r"[0-9]+")


class CommandError(ValueError):
    """A malformed command, or one the robot cannot carry out."""


def _is_steps(n):
    return isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_STEPS


def _is_item(item):
    return isinstance(item, str) and item != ""


def _parse(command):
    """Turns any form of command into one of the robot's dataclasses, or raises."""
    match command:
        # The scheduler's dataclasses.
        case Move(steps=n) if _is_steps(n):
            return command
        case Turn(direction="left" | "right" | "around"):
            return command
        case Pick(item=item) if _is_item(item):
            return command
        case Drop(item=None):
            return command
        case Drop(item=item) if _is_item(item):
            return command
        case Home():
            return command

        # The dashboard's JSON. Mapping patterns ignore extra keys, so the
        # forms with an optional key come with that key first.
        case {"action": "move", "steps": n}:
            if _is_steps(n):
                return Move(n)
        case {"action": "move"}:
            return Move()
        case {"action": "turn", "direction": "left" | "right" | "around" as direction}:
            return Turn(direction)
        case {"action": "pick", "item": item} if _is_item(item):
            return Pick(item)
        case {"action": "drop", "item": item}:
            if _is_item(item):
                return Drop(item)
        case {"action": "drop"}:
            return Drop()
        case {"action": "home"}:
            return Home()

        # The console's text.
        case str():
            match command.split():
                case ["move"]:
                    return Move()
                case ["move", n] if DIGITS.fullmatch(n) and 1 <= int(n) <= MAX_STEPS:
                    return Move(int(n))
                case ["left" | "right" as direction] | ["turn", "left" | "right" | "around" as direction]:
                    return Turn(direction)
                case ["pick", item]:
                    return Pick(item)
                case ["drop", item]:
                    return Drop(item)
                case ["drop"]:
                    return Drop()
                case ["home"]:
                    return Home()
    raise CommandError("malformed command: %r" % (command,))


def execute(state, command):
    """Returns the State after running command (text, dict or dataclass) from state."""
    match _parse(command):
        case Move(steps=n):
            dx, dy = DELTA[state.heading]
            x, y = state.x + dx * n, state.y + dy * n
            if not (0 <= x < GRID and 0 <= y < GRID):
                raise CommandError("move %d from (%d, %d) facing %s would leave the floor: %r"
                                   % (n, state.x, state.y, state.heading, command))
            return replace(state, x=x, y=y)
        case Turn(direction=direction):
            return replace(state, heading=TURNS[direction][state.heading])
        case Pick(item=item) if len(state.cargo) >= CAPACITY:
            raise CommandError("cannot pick %r: already carrying %d items" % (item, CAPACITY))
        case Pick(item=item):
            return replace(state, cargo=state.cargo + (item,))
        case Drop(item=None):
            return replace(state, cargo=())
        case Drop(item=item) if item in state.cargo:
            cargo = list(state.cargo)
            cargo.remove(item)
            return replace(state, cargo=tuple(cargo))
        case Drop(item=item):
            raise CommandError("cannot drop %r: not carrying it" % (item,))
        case Home():
            return replace(state, x=0, y=0, heading="N")
    raise AssertionError("unreachable")  # pragma: no cover
