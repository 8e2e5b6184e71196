"""Visible tests for the order-import service: exceptions, logging setup,
and how a batch handles each kind of failure."""

import io
import logging
import re

import pytest

import payments
from tests.strict import same
from solution import (
    GatewayUnavailable,
    PaymentDeclined,
    ServiceError,
    ValidationError,
    configure_logging,
    import_orders,
)

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) ([\w.]+) \[order=([^\]]*)\] (.*)$")


def parsed_lines(stream):
    lines = stream.getvalue().splitlines()
    out = []
    for line in lines:
        m = LINE.match(line)
        assert m, "line does not follow LOG_FORMAT: %r" % line
        out.append(m.groups())
    return out


# ---- exceptions ---------------------------------------------------------------

def test_service_errors_carry_their_context():
    errors = [ValidationError("A-7", "card"), PaymentDeclined("A-8", "expired_card"),
              GatewayUnavailable("A-9", 3)]
    assert all(isinstance(e, ServiceError) for e in errors)
    same([e.order_id for e in errors], ["A-7", "A-8", "A-9"])
    same([str(e) for e in errors], [
        "invalid card", "card declined (expired_card)", "gateway unavailable after 3 attempts"])
    same((errors[0].field, errors[1].code, errors[2].attempts), ("card", "expired_card", 3))
    assert not issubclass(ServiceError, payments.PaymentsError)


# ---- import_orders ------------------------------------------------------------

def test_a_clean_batch_charges_every_order(client, order, service_logs):
    fake = client()
    report = import_orders([order("A-1", 1250), order("A-2", 99)], fake)
    same(report.charged, {"A-1": "txn-A-1", "A-2": "txn-A-2"})
    same(report.failed, [])
    assert fake.calls == [("A-1", 1250, "tok_visa"), ("A-2", 99, "tok_visa")]
    infos = [(r.name, r.levelname, r.getMessage()) for r in service_logs()]
    same(infos, [
        ("orders.import", "INFO", "order A-1: charged 1250 cents (txn-A-1)"),
        ("orders.import", "INFO", "order A-2: charged 99 cents (txn-A-2)"),
    ])


def test_an_invalid_order_is_a_warning_with_its_order_id(client, order, service_logs):
    fake = client()
    report = import_orders([order("A-2", amount_cents=0), order("A-3")], fake)
    same([type(e) for e in report.failed], [ValidationError])
    same(report.failed[0].field, "amount_cents")
    same(report.charged, {"A-3": "txn-A-3"})
    same([c[0] for c in fake.calls], ["A-3"])
    warning = [r for r in service_logs() if r.levelno == logging.WARNING]
    assert len(warning) == 1
    same(warning[0].name, "orders.import")
    same(warning[0].getMessage(), "order A-2: invalid amount_cents")
    same(warning[0].order_id, "A-2")


def test_a_declined_card_is_wrapped_with_its_cause(client, order, service_logs):
    declined = payments.CardDeclined("insufficient_funds")
    report = import_orders([order("A-4")], client({"A-4": [declined]}))
    [err] = report.failed
    assert isinstance(err, PaymentDeclined)
    same((err.order_id, err.code), ("A-4", "insufficient_funds"))
    assert err.__cause__ is declined
    [record] = service_logs()
    same((record.name, record.levelname, record.order_id), ("orders.import", "INFO", "A-4"))
    same(record.getMessage(), "order A-4: card declined (insufficient_funds)")


def test_timeouts_are_retried_then_reported_as_gateway_unavailable(client, order, service_logs):
    fake = client({"A-5": [payments.GatewayTimeout("no answer")]})
    report = import_orders([order("A-5")], fake)
    assert len(fake.calls) == 3
    [err] = report.failed
    assert isinstance(err, GatewayUnavailable)
    same(err.attempts, 3)
    records = service_logs()
    warnings = [r for r in records if r.levelno == logging.WARNING]
    same([(r.name, r.getMessage(), r.order_id) for r in warnings], [
        ("orders.payments", "order A-5: gateway timeout (attempt %d of 3)" % n, "A-5") for n in (1, 2, 3)])
    [error] = [r for r in records if r.levelno == logging.ERROR]
    same(error.name, "orders.import")
    same(error.order_id, "A-5")
    same(error.getMessage(), "order A-5: gateway unavailable after 3 attempts")
    assert error.exc_info is not None and error.exc_info[1] is err


def test_an_unexpected_error_is_not_swallowed(client, order, service_logs):
    bug = RuntimeError("payments client misconfigured")
    fake = client({"A-7": [bug]})
    with pytest.raises(RuntimeError) as info:
        import_orders([order("A-6"), order("A-7"), order("A-8")], fake)
    assert info.value is bug
    same([c[0] for c in fake.calls], ["A-6", "A-7"])


# ---- configure_logging -------------------------------------------------------

def test_configure_logging_writes_lines_in_the_service_format(client, order):
    out = io.StringIO()
    logger = configure_logging("INFO", out)
    assert logger is logging.getLogger("orders")
    import_orders([order("A-1"), order("A-2", card="visa")], client())
    same(parsed_lines(out), [
        ("INFO", "orders.import", "A-1", "order A-1: charged 1250 cents (txn-A-1)"),
        ("WARNING", "orders.import", "A-2", "order A-2: invalid card"),
    ])


def test_configure_logging_twice_writes_each_line_once():
    out = io.StringIO()
    configure_logging("INFO", out)
    configure_logging("INFO", out)
    logger = logging.getLogger("orders")
    assert len(logger.handlers) == 1
    logging.getLogger("orders.import").warning("disk almost full", extra={"order_id": "A-9"})
    assert len(out.getvalue().splitlines()) == 1


def test_configure_logging_level_drops_lower_lines():
    out = io.StringIO()
    configure_logging("WARNING", out)
    log = logging.getLogger("orders.import")
    log.info("charged", extra={"order_id": "A-1"})
    log.warning("rejected", extra={"order_id": "A-2"})
    same([(lvl, order_id, msg) for lvl, _, order_id, msg in parsed_lines(out)], [
        ("WARNING", "A-2", "rejected")])
