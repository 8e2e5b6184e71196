import io
import random

import datetime as dt
import pytest
from tests.strict import same
from solution import add_workdays, workdays_between


def test_backwards():
    same(add_workdays(dt.date(2026, 12, 7), -1), dt.date(2026, 12, 4))


def test_between_weeks():
    same(workdays_between(dt.date(2026, 12, 1), dt.date(2026, 12, 15)), 10)


def test_between_reversed():
    same(workdays_between(dt.date(2026, 12, 8), dt.date(2026, 12, 1)), -5)



@pytest.mark.parametrize("seed", range(20))
def test_inverse(seed):
    rnd = random.Random(seed)
    start = dt.date(2026, 1, 5) + dt.timedelta(days=rnd.randint(0, 300))
    while start.weekday() > 4:
        start += dt.timedelta(days=1)
    n = rnd.randint(0, 60)
    end = add_workdays(start, n)
    same(type(end), dt.date)
    same(workdays_between(start, end), n)
