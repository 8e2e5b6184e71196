import io
import random

import pytest
from tests.strict import same
from solution import compound, monthly_payment


def test_mortgage():
    assert monthly_payment(200000, 0.06, 360) == pytest.approx(1199.10, abs=0.01)


def test_monthly_compounding():
    assert compound(100, 0.12, 1) == pytest.approx(112.6825, abs=1e-4)


def test_type():
    same(type(compound(100, 0.1, 1)), float)



@pytest.mark.parametrize("seed", range(10))
def test_pays_off(seed):
    rnd = random.Random(seed)
    principal, rate, months = rnd.randint(1000, 90000), rnd.choice([0.01, 0.05, 0.2]), rnd.randint(6, 120)
    pay = monthly_payment(principal, rate, months)
    same(type(pay), float)
    balance = float(principal)
    for _ in range(months):
        balance = balance * (1 + rate / 12) - pay
    assert abs(balance) < 1e-6 * principal
