"""Visible tests for the robot's command interpreter: each form of each command."""

import pytest

from robot import Drop, Home, Move, Pick, State, Turn
from tests.strict import same
from solution import CommandError, execute


def raises(command, state):
    with pytest.raises(CommandError) as info:
        execute(state, command)
    # The prompt's CommandError is a ValueError; a forged exception class is not.
    assert type(info.value) is CommandError and isinstance(info.value, ValueError)
    return info.value


def test_text_move_goes_forward_along_the_heading(at):
    same(execute(State(), "move"), at(0, 1))
    same(execute(State(), "move 3"), at(0, 3))
    same(execute(at(2, 2, "E"), "  move   4 "), at(6, 2, "E"))
    same(execute(at(5, 5, "S"), "move 5"), at(5, 0, "S"))
    same(execute(at(5, 5, "W"), "move 2"), at(3, 5, "W"))


def test_text_turns(at):
    same(execute(State(), "left").heading, "W")
    same(execute(State(), "right").heading, "E")
    same(execute(at(1, 1, "E"), "turn left"), at(1, 1, "N"))
    same(execute(at(1, 1, "E"), "turn right"), at(1, 1, "S"))
    same(execute(at(1, 1, "W"), "turn around"), at(1, 1, "E"))


def test_dict_commands_ignore_extra_keys(at):
    same(execute(State(), {"action": "move", "steps": 4, "request_id": "r-1"}), at(0, 4))
    same(execute(State(), {"action": "move"}), at(0, 1))
    same(execute(State(), {"action": "turn", "direction": "right", "by": "ops"}), at(0, 0, "E"))
    same(execute(State(), {"action": "pick", "item": "crate-7"}), at(0, 0, "N", "crate-7"))


def test_dataclass_commands(at):
    same(execute(State(), Move(2)), at(0, 2))
    same(execute(State(), Move()), at(0, 1))
    same(execute(at(0, 0, "S"), Turn("around")), at(0, 0, "N"))
    same(execute(State(), Pick("tote")), at(0, 0, "N", "tote"))
    same(execute(at(3, 4, "W", "a", "b"), Home()), at(0, 0, "N", "a", "b"))


def test_pick_and_drop_manage_the_cargo(at):
    s = State()
    for item in ("box", "tote", "box"):
        s = execute(s, "pick " + item)
    same(s.cargo, ("box", "tote", "box"))
    same(execute(s, "drop box").cargo, ("tote", "box"))
    same(execute(s, {"action": "drop", "item": "tote"}).cargo, ("box", "box"))
    same(execute(s, "drop").cargo, ())
    same(execute(s, Drop()).cargo, ())


def test_picking_beyond_capacity_is_an_error(at):
    full = at(0, 0, "N", "a", "b", "c")
    raises("pick d", full)
    raises(Pick("d"), full)


def test_moving_off_the_floor_is_an_error(at):
    raises("move", at(0, 0, "S"))
    raises(Move(1), at(9, 9, "E"))
    raises({"action": "move", "steps": 5}, at(0, 5, "N"))
    same(execute(at(0, 5, "N"), {"action": "move", "steps": 4}), at(0, 9))


def test_unknown_commands_raise_command_error_naming_them():
    for command in ["fly", "jump 3", "", {"action": "dance"}, {"steps": 3}]:
        assert repr(command) in str(raises(command, State()))


def test_malformed_values_are_errors_not_defaults():
    for command in ["move 3 4", "move three", "pick", Move(0), Turn("up"),
                    {"action": "move", "steps": "3"}]:
        raises(command, State())


def test_execute_returns_a_new_state_and_keeps_the_old_one(at):
    before = at(1, 1, "N", "box")
    after = execute(before, "move 2")
    same(before, at(1, 1, "N", "box"))
    same(after, at(1, 3, "N", "box"))
    assert isinstance(after, State)
