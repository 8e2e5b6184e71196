"""The robot's state and the internal command types (provided; do not change)."""

from dataclasses import dataclass
from typing import Optional, Tuple

GRID = 10        # the floor is GRID x GRID cells: 0 <= x, y < GRID
CAPACITY = 3     # the robot carries at most this many items
MAX_STEPS = 100  # the most steps one move command may ask for


@dataclass(frozen=True)
class State:
    """Where the robot is, where it faces ("N", "E", "S" or "W") and what it carries."""

    x: int = 0
    y: int = 0
    heading: str = "N"
    cargo: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    steps: int = 1


@dataclass(frozen=True)
class Turn:
    direction: str  # "left", "right" or "around"


@dataclass(frozen=True)
class Pick:
    item: str


@dataclass(frozen=True)
class Drop:
    item: Optional[str] = None  # None: drop everything


@dataclass(frozen=True)
class Home:
    pass
