from decimal import Decimal

import pytest

from inventory import BULK_QUANTITY, InsufficientStock, Inventory, line_total, order_total


# --- stock -------------------------------------------------------------------

def test_starts_with_the_given_stock():
    inv = Inventory({"apple": 5})
    assert inv.on_hand("apple") == 5
    assert inv.available("apple") == 5
    assert inv.reserved("apple") == 0


def test_unknown_sku_has_nothing():
    inv = Inventory()
    assert inv.on_hand("pear") == 0
    assert inv.available("pear") == 0


def test_new_inventories_do_not_share_stock():
    first = Inventory()
    first.receive("apple", 3)
    second = Inventory()
    assert second.on_hand("apple") == 0


def test_initial_stock_is_copied():
    stock = {"apple": 5}
    inv = Inventory(stock)
    inv.receive("apple", 2)
    assert stock == {"apple": 5}
    assert inv.on_hand("apple") == 7


@pytest.mark.parametrize("units", [-1, 1.5, "3", True])
def test_initial_stock_must_be_whole_and_not_negative(units):
    with pytest.raises(ValueError):
        Inventory({"apple": units})


def test_receive_adds_to_stock():
    inv = Inventory({"apple": 1})
    inv.receive("apple", 4)
    inv.receive("pear", 2)
    assert inv.on_hand("apple") == 5
    assert inv.on_hand("pear") == 2


@pytest.mark.parametrize("quantity", [0, -1, 2.0, "1", True, None])
def test_quantities_must_be_positive_whole_numbers(quantity):
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 2)
    for call in (inv.receive, inv.reserve, inv.release, inv.ship):
        with pytest.raises(ValueError):
            call("apple", quantity)
    with pytest.raises(ValueError):
        line_total(Decimal("1.00"), quantity)
    assert (inv.on_hand("apple"), inv.reserved("apple")) == (5, 2)


# --- reservations ------------------------------------------------------------

def test_reserve_makes_units_unavailable():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 2)
    assert inv.available("apple") == 3
    assert inv.reserved("apple") == 2
    assert inv.on_hand("apple") == 5


def test_may_reserve_everything_available():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 2)
    inv.reserve("apple", 3)
    assert inv.available("apple") == 0


def test_reserving_more_than_available_raises_and_changes_nothing():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 4)
    with pytest.raises(InsufficientStock) as e:
        inv.reserve("apple", 2)
    assert (e.value.sku, e.value.requested, e.value.available) == ("apple", 2, 1)
    assert inv.reserved("apple") == 4
    assert inv.available("apple") == 1


def test_reserving_an_unknown_sku_raises():
    with pytest.raises(InsufficientStock):
        Inventory().reserve("pear", 1)


def test_release_makes_units_available_again():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 3)
    inv.release("apple", 3)
    assert inv.available("apple") == 5
    assert inv.reserved("apple") == 0


def test_cannot_release_more_than_reserved():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 2)
    with pytest.raises(ValueError):
        inv.release("apple", 3)
    assert inv.reserved("apple") == 2


def test_ship_removes_reserved_units():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 3)
    inv.ship("apple", 3)
    assert inv.on_hand("apple") == 2
    assert inv.reserved("apple") == 0
    assert inv.available("apple") == 2


def test_cannot_ship_unreserved_units():
    inv = Inventory({"apple": 5})
    inv.reserve("apple", 1)
    with pytest.raises(ValueError):
        inv.ship("apple", 2)
    assert (inv.on_hand("apple"), inv.reserved("apple")) == (5, 1)


# --- prices ------------------------------------------------------------------

def test_line_total_without_discount():
    assert line_total(Decimal("2.50"), 3) == Decimal("7.50")


def test_no_discount_just_below_bulk():
    assert line_total(Decimal("1.00"), BULK_QUANTITY - 1) == Decimal("9.00")


def test_discount_from_exactly_bulk_quantity():
    assert BULK_QUANTITY == 10
    assert line_total(Decimal("1.00"), 10) == Decimal("9.00")
    assert line_total(Decimal("1.00"), 20) == Decimal("18.00")


def test_rounds_half_up_to_the_cent():
    assert line_total(Decimal("0.125"), 1) == Decimal("0.13")
    assert line_total(Decimal("0.35"), 11) == Decimal("3.47")  # 3.465
    assert line_total(Decimal("0.333"), 1) == Decimal("0.33")


def test_line_total_is_a_decimal_in_cents():
    total = line_total(Decimal("3"), 2)
    assert isinstance(total, Decimal)
    assert total.as_tuple().exponent == -2


@pytest.mark.parametrize("price", [Decimal("-0.01"), 1.5, "1.00"])
def test_price_must_be_a_decimal_not_below_zero(price):
    with pytest.raises(ValueError):
        line_total(price, 1)


def test_order_total_adds_rounded_lines():
    lines = [(Decimal("0.125"), 1), (Decimal("0.125"), 1)]
    assert order_total(lines) == Decimal("0.26")


def test_order_total_mixes_discounted_lines():
    lines = [(Decimal("2.00"), 10), (Decimal("1.50"), 2)]
    assert order_total(lines) == Decimal("21.00")


def test_empty_order_costs_nothing():
    total = order_total([])
    assert total == Decimal("0.00")
    assert total.as_tuple().exponent == -2
