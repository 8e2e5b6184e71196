import pytest
from tests.strict import same
from solution import compound, monthly_payment


def test_compound_yearly():
    assert compound(1000, 0.05, 2, per_year=1) == pytest.approx(1102.5)


def test_zero_rate():
    assert monthly_payment(1200, 0, 12) == pytest.approx(100.0)


def test_bad_months():
    with pytest.raises(ValueError):
        monthly_payment(1, 0.1, 0)
