"""Known-bad: behaves correctly, but is the old if/elif ladder with
isinstance checks the team wanted to replace; the prompt asks for a match
statement with class, mapping and sequence patterns."""

import re
from dataclasses import replace

from robot import CAPACITY, GRID, MAX_STEPS, Drop, Home, Move, Pick, State, Turn

LEFT = {"N": "W", "W": "S", "S": "E", "E": "N"}
RIGHT = {v: k for k, v in LEFT.items()}
AROUND = {"N": "S", "S": "N", "E": "W", "W": "E"}
TURNS = {"left": LEFT, "right": RIGHT, "around": AROUND}
DELTA = {"N": (0, 1), "E": (1, 0), "S": (0, -1), "W": (-1, 0)}
DIGITS = re.compile(r"[0-9]+")
DIRECTIONS = ("left", "right", "around")


class CommandError(ValueError):
    """A malformed command, or one the robot cannot carry out."""


def _is_steps(n):
    return isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_STEPS


def _is_item(item):
    return isinstance(item, str) and item != ""


def _parse(command):
    if isinstance(command, Move):
        if _is_steps(command.steps):
            return command
    elif isinstance(command, Turn):
        if command.direction in DIRECTIONS:
            return command
    elif isinstance(command, Pick):
        if _is_item(command.item):
            return command
    elif isinstance(command, Drop):
        if command.item is None or _is_item(command.item):
            return command
    elif isinstance(command, Home):
        return command
    elif isinstance(command, dict):
        action = command.get("action")
        if action == "move":
            if "steps" not in command:
                return Move()
            if _is_steps(command["steps"]):
                return Move(command["steps"])
        elif action == "turn":
            if command.get("direction") in DIRECTIONS:
                return Turn(command["direction"])
        elif action == "pick":
            if _is_item(command.get("item")):
                return Pick(command["item"])
        elif action == "drop":
            if "item" not in command:
                return Drop()
            if _is_item(command["item"]):
                return Drop(command["item"])
        elif action == "home":
            return Home()
    elif isinstance(command, str):
        tokens = command.split()
        if tokens == ["move"]:
            return Move()
        if len(tokens) == 2 and tokens[0] == "move" and DIGITS.fullmatch(tokens[1]):
            if 1 <= int(tokens[1]) <= MAX_STEPS:
                return Move(int(tokens[1]))
        elif tokens in (["left"], ["right"]):
            return Turn(tokens[0])
        elif len(tokens) == 2 and tokens[0] == "turn" and tokens[1] in DIRECTIONS:
            return Turn(tokens[1])
        elif len(tokens) == 2 and tokens[0] == "pick":
            return Pick(tokens[1])
        elif len(tokens) == 2 and tokens[0] == "drop":
            return Drop(tokens[1])
        elif tokens == ["drop"]:
            return Drop()
        elif tokens == ["home"]:
            return Home()
    raise CommandError("malformed command: %r" % (command,))


def execute(state, command):
    """Returns the State after running command (text, dict or dataclass) from state."""
    cmd = _parse(command)
    if isinstance(cmd, Move):
        dx, dy = DELTA[state.heading]
        x, y = state.x + dx * cmd.steps, state.y + dy * cmd.steps
        if not (0 <= x < GRID and 0 <= y < GRID):
            raise CommandError("move would leave the floor: %r" % (command,))
        return replace(state, x=x, y=y)
    if isinstance(cmd, Turn):
        return replace(state, heading=TURNS[cmd.direction][state.heading])
    if isinstance(cmd, Pick):
        if len(state.cargo) >= CAPACITY:
            raise CommandError("cannot pick %r: cargo full" % (cmd.item,))
        return replace(state, cargo=state.cargo + (cmd.item,))
    if isinstance(cmd, Drop):
        if cmd.item is None:
            return replace(state, cargo=())
        if cmd.item not in state.cargo:
            raise CommandError("cannot drop %r: not carrying it" % (cmd.item,))
        cargo = list(state.cargo)
        cargo.remove(cmd.item)
        return replace(state, cargo=tuple(cargo))
    return replace(state, x=0, y=0, heading="N")
