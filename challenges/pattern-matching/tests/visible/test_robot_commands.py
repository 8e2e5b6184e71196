"""Visible tests for the robot's command interpreter: each form of each command."""

import pytest

from robot import Drop, Home, Move, Pick, State, Turn
from solution import CommandError, execute


def test_text_move_goes_forward_along_the_heading(at):
    assert execute(State(), "move") == at(0, 1)
    assert execute(State(), "move 3") == at(0, 3)
    assert execute(at(2, 2, "E"), "  move   4 ") == at(6, 2, "E")
    assert execute(at(5, 5, "S"), "move 5") == at(5, 0, "S")
    assert execute(at(5, 5, "W"), "move 2") == at(3, 5, "W")


def test_text_turns(at):
    assert execute(State(), "left").heading == "W"
    assert execute(State(), "right").heading == "E"
    assert execute(at(1, 1, "E"), "turn left") == at(1, 1, "N")
    assert execute(at(1, 1, "E"), "turn right") == at(1, 1, "S")
    assert execute(at(1, 1, "W"), "turn around") == at(1, 1, "E")


def test_dict_commands_ignore_extra_keys(at):
    assert execute(State(), {"action": "move", "steps": 4, "request_id": "r-1"}) == at(0, 4)
    assert execute(State(), {"action": "move"}) == at(0, 1)
    assert execute(State(), {"action": "turn", "direction": "right", "by": "ops"}) == at(0, 0, "E")
    assert execute(State(), {"action": "pick", "item": "crate-7"}) == at(0, 0, "N", "crate-7")


def test_dataclass_commands(at):
    assert execute(State(), Move(2)) == at(0, 2)
    assert execute(State(), Move()) == at(0, 1)
    assert execute(at(0, 0, "S"), Turn("around")) == at(0, 0, "N")
    assert execute(State(), Pick("tote")) == at(0, 0, "N", "tote")
    assert execute(at(3, 4, "W", "a", "b"), Home()) == at(0, 0, "N", "a", "b")


def test_pick_and_drop_manage_the_cargo(at):
    s = State()
    for item in ("box", "tote", "box"):
        s = execute(s, "pick " + item)
    assert s.cargo == ("box", "tote", "box")
    assert execute(s, "drop box").cargo == ("tote", "box")
    assert execute(s, {"action": "drop", "item": "tote"}).cargo == ("box", "box")
    assert execute(s, "drop").cargo == ()
    assert execute(s, Drop()).cargo == ()


def test_picking_beyond_capacity_is_an_error(at):
    full = at(0, 0, "N", "a", "b", "c")
    with pytest.raises(CommandError):
        execute(full, "pick d")
    with pytest.raises(CommandError):
        execute(full, Pick("d"))


def test_moving_off_the_floor_is_an_error(at):
    with pytest.raises(CommandError):
        execute(at(0, 0, "S"), "move")
    with pytest.raises(CommandError):
        execute(at(9, 9, "E"), Move(1))
    with pytest.raises(CommandError):
        execute(at(0, 5, "N"), {"action": "move", "steps": 5})
    assert execute(at(0, 5, "N"), {"action": "move", "steps": 4}) == at(0, 9)


def test_unknown_commands_raise_command_error_naming_them():
    for command in ["fly", "jump 3", "", {"action": "dance"}, {"steps": 3}]:
        with pytest.raises(CommandError) as info:
            execute(State(), command)
        assert repr(command) in str(info.value)


def test_malformed_values_are_errors_not_defaults():
    for command in ["move 3 4", "move three", "pick", Move(0), Turn("up"),
                    {"action": "move", "steps": "3"}]:
        with pytest.raises(CommandError):
            execute(State(), command)


def test_execute_returns_a_new_state_and_keeps_the_old_one(at):
    before = at(1, 1, "N", "box")
    after = execute(before, "move 2")
    assert before == at(1, 1, "N", "box")
    assert after == at(1, 3, "N", "box")
    assert isinstance(after, State)
