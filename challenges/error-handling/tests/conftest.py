"""Shared fixtures for the error-handling challenge: a scripted payments
client, order builders, and clean "orders" loggers for every test."""

import logging

import pytest

import payments

SERVICE_LOGGERS = ("orders", "orders.import", "orders.payments")


def _reset_loggers():
    for name in SERVICE_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        for flt in list(logger.filters):
            logger.removeFilter(flt)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


@pytest.fixture(autouse=True)
def clean_loggers():
    """Every test starts and ends with the service's loggers untouched."""
    _reset_loggers()
    yield
    _reset_loggers()


class FakeClient(payments.PaymentsClient):
    """A payments client playing back a script per order id: each call
    takes the next outcome (an exception instance is raised, anything
    else returned); the last outcome repeats. Orders without a script
    are charged as "txn-<id>". Calls are recorded in .calls."""

    def __init__(self, script=None):
        self.script = dict(script or {})
        self.calls = []

    def charge(self, order_id, amount_cents, card):
        self.calls.append((order_id, amount_cents, card))
        outcomes = self.script.get(order_id)
        if not outcomes:
            return "txn-%s" % order_id
        n = sum(1 for c in self.calls if c[0] == order_id)
        outcome = outcomes[min(n, len(outcomes)) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


@pytest.fixture
def client():
    """client(script) builds a FakeClient; see FakeClient."""
    return FakeClient


def make_order(order_id, amount_cents=1250, card="tok_visa", **more):
    order = {"id": order_id, "amount_cents": amount_cents, "card": card}
    order.update(more)
    return order


@pytest.fixture
def order():
    """order(id, amount_cents=1250, card="tok_visa", **more) builds an order dict."""
    return make_order


@pytest.fixture
def service_logs(caplog):
    """Captures everything the service logs, from DEBUG up; returns a
    function listing the captured records of the "orders" loggers."""
    caplog.set_level(logging.DEBUG, logger="orders")

    def records():
        return [r for r in caplog.records if r.name == "orders" or r.name.startswith("orders.")]

    return records
