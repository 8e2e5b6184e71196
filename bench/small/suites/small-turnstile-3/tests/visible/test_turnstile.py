import pytest
from tests.strict import same
from solution import Turnstile, run


def test_starts_locked():
    same(Turnstile().state, "locked")


@pytest.mark.parametrize("events, state", [(["coin"], "unlocked"), (["coin", "push"], "locked"), (["push"], "locked")])
def test_transitions(events, state):
    same(run(events)[0], state)


def test_unknown_event():
    with pytest.raises(ValueError):
        Turnstile().event("kick")
