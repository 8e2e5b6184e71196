# legit: a candidate's pytest suite for inventory.py (kind: tests), fixtures and parametrize.
# exercises: pytest (fixtures, factory fixture, parametrize with ids and pytest.param,
#   raises with match), copy.deepcopy of an object's state to prove a failed call
#   changed nothing, decimal (half-up rounding cases),
#   itertools.product, dataclasses (frozen) for table rows, contextlib.contextmanager.
"""Tests for inventory.py: stock, reservations and prices."""

import contextlib
import copy
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest

from inventory import BULK_QUANTITY, InsufficientStock, Inventory, line_total, order_total


@pytest.fixture
def make_inventory():
    def make(**stock):
        return Inventory(stock)

    return make


@pytest.fixture
def shop(make_inventory):
    inv = make_inventory(apple=10, pear=3)
    inv.reserve("apple", 4)
    return inv


@contextlib.contextmanager
def unchanged(inv):
    """Asserts that the block leaves inv's whole state as it found it."""
    before = copy.deepcopy(vars(inv))
    yield
    assert vars(inv) == before


# --- stock ----------------------------------------------------------------------

def test_unknown_sku_has_nothing_on_hand_reserved_or_available():
    inv = Inventory()
    assert (inv.on_hand("kiwi"), inv.reserved("kiwi"), inv.available("kiwi")) == (0, 0, 0)


def test_initial_stock_is_copied_not_shared():
    stock = {"apple": 5}
    inv = Inventory(stock)
    inv.receive("apple", 1)
    assert stock == {"apple": 5}
    assert inv.on_hand("apple") == 6


def test_two_empty_inventories_do_not_share_stock():
    first, second = Inventory(), Inventory()
    first.receive("apple", 2)
    assert second.on_hand("apple") == 0


@pytest.mark.parametrize("units", [-1, 2.0, "4", None, True], ids=["negative", "float", "str", "none", "bool"])
def test_initial_units_must_be_whole_and_not_negative(units):
    with pytest.raises(ValueError):
        Inventory({"apple": units})


def test_zero_initial_units_are_fine():
    assert Inventory({"apple": 0}).on_hand("apple") == 0


def test_receive_adds_up(make_inventory):
    inv = make_inventory(apple=1)
    inv.receive("apple", 2)
    inv.receive("fig", 7)
    assert inv.on_hand("apple") == 3 and inv.on_hand("fig") == 7


# --- quantities -------------------------------------------------------------------

OPERATIONS = ["receive", "reserve", "release", "ship"]
BAD_QUANTITIES = [pytest.param(0, id="zero"), pytest.param(-3, id="negative"),
                  pytest.param(1.0, id="float"), pytest.param("2", id="str"),
                  pytest.param(True, id="bool")]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_every_operation_refuses_a_bad_quantity_and_changes_nothing(shop, operation, quantity):
    with unchanged(shop), pytest.raises(ValueError):
        getattr(shop, operation)("apple", quantity)


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_line_total_refuses_a_bad_quantity(quantity):
    with pytest.raises(ValueError):
        line_total(Decimal("1.00"), quantity)


# --- reservations -------------------------------------------------------------------

def test_reserving_reduces_available_but_not_on_hand(shop):
    assert (shop.on_hand("apple"), shop.reserved("apple"), shop.available("apple")) == (10, 4, 6)


def test_everything_available_may_be_reserved(shop):
    shop.reserve("apple", 6)
    assert shop.available("apple") == 0


def test_reserving_one_more_than_available_raises_and_changes_nothing(shop):
    with unchanged(shop), pytest.raises(InsufficientStock, match="apple") as info:
        shop.reserve("apple", 7)
    assert (info.value.sku, info.value.requested, info.value.available) == ("apple", 7, 6)


def test_release_makes_units_available_again(shop):
    shop.release("apple", 4)
    assert (shop.reserved("apple"), shop.available("apple")) == (0, 10)


def test_ship_removes_reserved_units_from_the_stock(shop):
    shop.ship("apple", 3)
    assert (shop.on_hand("apple"), shop.reserved("apple"), shop.available("apple")) == (7, 1, 6)


@pytest.mark.parametrize("operation", ["release", "ship"])
def test_more_than_reserved_cannot_be_released_or_shipped(shop, operation):
    with unchanged(shop), pytest.raises(ValueError):
        getattr(shop, operation)("apple", 5)
    getattr(shop, operation)("apple", 4)  # exactly what is reserved is fine


# --- prices ------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    price: str
    quantity: int
    total: str


PRICE_TABLE = [
    Line("2.50", 1, "2.50"),
    Line("0.10", BULK_QUANTITY - 1, "0.90"),       # no discount below the bulk quantity
    Line("0.10", BULK_QUANTITY, "0.90"),           # 1.00 less 10%
    Line("1.155", 3, "3.47"),                      # 3.465 rounds half up
    Line("0.125", 1, "0.13"),                      # not to even
    Line("0.135", 1, "0.14"),
    Line("0", 12, "0.00"),
]


@pytest.mark.parametrize("line", PRICE_TABLE, ids=lambda l: f"{l.price}x{l.quantity}")
def test_line_total(line):
    assert line_total(Decimal(line.price), line.quantity) == Decimal(line.total)


def test_bulk_discount_starts_exactly_at_the_bulk_quantity():
    price = Decimal("3.00")
    assert line_total(price, BULK_QUANTITY) == Decimal("27.00")
    assert line_total(price, BULK_QUANTITY - 1) == Decimal("27.00")
    assert line_total(price, BULK_QUANTITY + 1) == Decimal("29.70")


@pytest.mark.parametrize("price", [2.5, "2.50", -Decimal("0.01"), None])
def test_line_total_needs_a_non_negative_decimal(price):
    with pytest.raises(ValueError):
        line_total(price, 1)


def test_order_total_rounds_each_line_first():
    # 0.005 twice: each line rounds up to 0.01, the sum 0.010 would be 0.01.
    assert order_total([(Decimal("0.005"), 1), (Decimal("0.005"), 1)]) == Decimal("0.02")


def test_order_total_of_nothing_is_zero_with_cents():
    total = order_total([])
    assert total == Decimal("0") and str(total) == "0.00"


def test_order_total_adds_line_totals():
    lines = list(itertools.product([Decimal("1.10")], [1, BULK_QUANTITY]))
    assert order_total(lines) == line_total(Decimal("1.10"), 1) + line_total(Decimal("1.10"), BULK_QUANTITY)
