# Thorough, but every limit is tested well away from its boundary.
from decimal import Decimal

import pytest

from inventory import InsufficientStock, Inventory, line_total, order_total


def test_new_inventories_do_not_share_stock():
    Inventory().receive("apple", 3)
    assert Inventory().on_hand("apple") == 0


def test_initial_stock_is_copied():
    stock = {"apple": 5}
    Inventory(stock).receive("apple", 1)
    assert stock == {"apple": 5}


@pytest.mark.parametrize("quantity", [0, -1, 1.5])
def test_bad_quantities_raise(quantity):
    inv = Inventory({"apple": 5})
    with pytest.raises(ValueError):
        inv.reserve("apple", quantity)
    with pytest.raises(ValueError):
        line_total(Decimal("1.00"), quantity)


def test_reserve_and_release():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 2)
    assert inv.available("apple") == 3
    inv.release("apple", 2)
    assert inv.available("apple") == 5


def test_reserving_far_too_much_raises():
    inv = Inventory({"apple": 5})
    with pytest.raises(InsufficientStock):
        inv.reserve("apple", 50)


def test_cannot_release_or_ship_more_than_reserved():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 1)
    with pytest.raises(ValueError):
        inv.release("apple", 2)
    with pytest.raises(ValueError):
        inv.ship("apple", 2)


def test_bulk_discount():
    assert line_total(Decimal("1.00"), 3) == Decimal("3.00")
    assert line_total(Decimal("1.00"), 50) == Decimal("45.00")


def test_rounding_half_up():
    assert line_total(Decimal("0.125"), 1) == Decimal("0.13")
    assert order_total([(Decimal("0.125"), 1), (Decimal("0.125"), 1)]) == Decimal("0.26")
