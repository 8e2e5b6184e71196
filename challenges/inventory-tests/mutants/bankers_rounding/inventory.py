"""Stock and prices for a small shop's orders.

Stock is counted per SKU in whole units. Units can be reserved for an order
(they stay on hand but are no longer available to other orders), released
back, or shipped (they leave the shop). Prices are Decimals; every amount
this module returns is rounded to the cent, half up.
"""

from decimal import ROUND_HALF_EVEN, Decimal

BULK_QUANTITY = 10  # a line of at least this many units...
BULK_DISCOUNT = Decimal("0.10")  # ...is 10% off
CENT = Decimal("0.01")


class InsufficientStock(Exception):
    """A reservation asked for more units than are available."""

    def __init__(self, sku, requested, available):
        super().__init__("%s: requested %d, only %d available" % (sku, requested, available))
        self.sku = sku
        self.requested = requested
        self.available = available


def _check_quantity(quantity):
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValueError("quantity must be a positive whole number, not %r" % (quantity,))


class Inventory:
    """Units on hand and reserved, per SKU."""

    def __init__(self, stock=None):
        """Starts with the given {sku: units on hand} (copied), or with nothing."""
        self._on_hand = {}
        self._reserved = {}
        for sku, units in (stock or {}).items():
            if isinstance(units, bool) or not isinstance(units, int) or units < 0:
                raise ValueError("%s: units on hand must be a whole number >= 0, not %r" % (sku, units))
            self._on_hand[sku] = units

    def receive(self, sku, quantity):
        """Adds quantity units of sku to the stock on hand."""
        _check_quantity(quantity)
        self._on_hand[sku] = self._on_hand.get(sku, 0) + quantity

    def on_hand(self, sku):
        """Units of sku in the shop, reserved or not (0 for an unknown SKU)."""
        return self._on_hand.get(sku, 0)

    def reserved(self, sku):
        """Units of sku reserved for orders."""
        return self._reserved.get(sku, 0)

    def available(self, sku):
        """Units of sku that can still be reserved: on hand minus reserved."""
        return self.on_hand(sku) - self.reserved(sku)

    def reserve(self, sku, quantity):
        """Reserves quantity units of sku; all that is available may be reserved.

        Raises InsufficientStock, and changes nothing, when quantity is more
        than available(sku)."""
        _check_quantity(quantity)
        available = self.available(sku)
        if quantity > available:
            raise InsufficientStock(sku, quantity, available)
        self._reserved[sku] = self.reserved(sku) + quantity

    def release(self, sku, quantity):
        """Makes quantity reserved units of sku available again.

        Raises ValueError, and changes nothing, when fewer are reserved."""
        _check_quantity(quantity)
        if quantity > self.reserved(sku):
            raise ValueError("%s: cannot release %d, only %d reserved" % (sku, quantity, self.reserved(sku)))
        self._reserved[sku] -= quantity

    def ship(self, sku, quantity):
        """Ships quantity reserved units of sku: they leave the stock on hand.

        Raises ValueError, and changes nothing, when fewer are reserved."""
        _check_quantity(quantity)
        if quantity > self.reserved(sku):
            raise ValueError("%s: cannot ship %d, only %d reserved" % (sku, quantity, self.reserved(sku)))
        self._reserved[sku] -= quantity
        self._on_hand[sku] -= quantity


def line_total(unit_price, quantity):
    """The price of quantity units at unit_price (a Decimal), rounded to the cent.

    A line of BULK_QUANTITY units or more is BULK_DISCOUNT off, applied
    before rounding. Rounding is half up: 3.465 becomes 3.47."""
    _check_quantity(quantity)
    if not isinstance(unit_price, Decimal) or unit_price < 0:
        raise ValueError("unit_price must be a Decimal >= 0, not %r" % (unit_price,))
    total = unit_price * quantity
    if quantity >= BULK_QUANTITY:
        total -= total * BULK_DISCOUNT
    return total.quantize(CENT, rounding=ROUND_HALF_EVEN)


def order_total(lines):
    """The total of an order's lines, each a (unit_price, quantity) pair.

    Each line is priced and rounded by line_total, then the lines are
    added up. An order with no lines costs Decimal("0.00")."""
    return sum((line_total(price, quantity) for price, quantity in lines), Decimal("0.00"))
