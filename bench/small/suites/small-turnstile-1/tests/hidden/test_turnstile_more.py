import io
import random

import pytest
from tests.strict import same
from solution import Turnstile, run


def test_counts():
    same(run(["coin", "coin", "push", "push"]), ("locked", 2, 1))


def test_alarm_count():
    same(run(["push"] * 3), ("locked", 0, 3))


def test_two_passes():
    same(run(["coin", "push", "coin"]), ("unlocked", 2, 0))



@pytest.mark.parametrize("seed", range(2))
def test_random_walk(seed):
    rnd = random.Random(seed)
    events = [rnd.choice(["coin", "push"]) for _ in range(rnd.randint(1, 30))]
    state, coins, alarms = "locked", 0, 0
    for e in events:
        if e == "coin":
            state, coins = "unlocked", coins + 1
        else:
            alarms += state == "locked"
            state = "locked"
    same(run(events), (state, coins, alarms))
