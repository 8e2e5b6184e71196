import datetime as dt

import pytest
from tests.strict import same
from solution import add_workdays, workdays_between


@pytest.mark.parametrize("days, want", [(1, dt.date(2026, 12, 7)), (5, dt.date(2026, 12, 11)), (0, dt.date(2026, 12, 4))])
def test_from_friday(days, want):
    same(add_workdays(dt.date(2026, 12, 4), days), want)


def test_holiday_skipped():
    same(add_workdays(dt.date(2026, 12, 24), 1, holidays={dt.date(2026, 12, 25)}), dt.date(2026, 12, 28))
