# Only the happy path: every call is made with ordinary values.
from decimal import Decimal

from inventory import Inventory, line_total, order_total


def test_reserve_release_ship():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 2)
    assert inv.available("apple") == 3
    inv.release("apple", 1)
    assert inv.reserved("apple") == 1
    inv.ship("apple", 1)
    assert inv.on_hand("apple") == 4


def test_receive():
    inv = Inventory()
    inv.receive("pear", 3)
    assert inv.on_hand("pear") == 3


def test_prices():
    assert line_total(Decimal("2.50"), 3) == Decimal("7.50")
    assert line_total(Decimal("1.00"), 20) == Decimal("18.00")
    assert order_total([(Decimal("2.50"), 3), (Decimal("1.00"), 1)]) == Decimal("8.50")
