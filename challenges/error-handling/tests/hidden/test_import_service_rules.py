"""Hidden tests for the order-import service: the finer rules of
validation, wrapping, propagation and logging setup."""

import io
import logging
import sys

import pytest

import payments
from tests.strict import same
from solution import (
    GatewayUnavailable,
    PaymentDeclined,
    ServiceError,
    ValidationError,
    charge,
    configure_logging,
    import_orders,
    validate,
)


# ---- validate -------------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"id": ""}, "id"),
    ({"id": "   "}, "id"),
    ({"id": 17}, "id"),
    ({"amount_cents": True}, "amount_cents"),
    ({"amount_cents": 1.5}, "amount_cents"),
    ({"amount_cents": "100"}, "amount_cents"),
    ({"amount_cents": -5}, "amount_cents"),
    ({"card": "4111111111111111"}, "card"),
    ({"card": None}, "card"),
], ids=["empty_id", "blank_id", "int_id", "bool_amount", "float_amount", "str_amount",
        "negative_amount", "card_number_not_token", "no_card"])
def test_validate_names_the_invalid_field(order, changes, field):
    bad = order("B-1")
    bad.update(changes)
    with pytest.raises(ValidationError) as info:
        validate(bad)
    same(info.value.field, field)
    same(info.value.order_id, bad["id"])


def test_validate_reports_the_first_problem_and_missing_keys(order):
    with pytest.raises(ValidationError) as info:
        validate({"id": "B-2", "card": "nope"})
    same(info.value.field, "amount_cents")
    with pytest.raises(ValidationError) as info:
        validate({"amount_cents": 0})
    same((info.value.field, info.value.order_id), ("id", None))
    assert validate(order("B-3", 1, "tok_x", note="gift wrap")) is None


# ---- charge -----------------------------------------------------------------------

def test_gateway_unavailable_is_caused_by_the_last_timeout(client, order, service_logs):
    timeouts = [payments.GatewayTimeout("t%d" % i) for i in range(3)]
    fake = client({"C-1": timeouts})
    with pytest.raises(GatewayUnavailable) as info:
        charge(order("C-1"), fake)
    assert info.value.__cause__ is timeouts[2]
    same(info.value.order_id, "C-1")
    same(info.value.attempts, 3)
    assert len(fake.calls) == 3


def test_a_timeout_then_success_charges_with_one_warning(client, order, service_logs):
    fake = client({"C-2": [payments.GatewayTimeout("slow"), "txn-late"]})
    report = import_orders([order("C-2")], fake)
    same(report.charged, {"C-2": "txn-late"})
    same(report.failed, [])
    levels = [(r.name, r.levelname) for r in service_logs()]
    same(levels, [("orders.payments", "WARNING"), ("orders.import", "INFO")])


def test_charge_lets_unexpected_errors_through_untouched(client, order, service_logs):
    bug = KeyError("amount")
    with pytest.raises(KeyError) as info:
        charge(order("C-3"), client({"C-3": [bug]}))
    assert info.value is bug
    assert info.value.__cause__ is None
    same(service_logs(), [])


def test_declined_is_raised_by_charge_without_logging(client, order, service_logs):
    declined = payments.CardDeclined("stolen_card")
    fake = client({"C-4": [declined]})
    with pytest.raises(PaymentDeclined) as info:
        charge(order("C-4"), fake)
    assert info.value.__cause__ is declined
    same(info.value.code, "stolen_card")
    assert len(fake.calls) == 1
    same(service_logs(), [])


# ---- import_orders ---------------------------------------------------------------

def test_the_batch_goes_on_after_every_service_error(client, order, service_logs):
    fake = client({"D-2": [payments.CardDeclined("expired_card")],
                   "D-3": [payments.GatewayTimeout("down")]})
    batch = [order("D-1"), order("D-2"), order("D-3"), order("D-4", card="x"), order("D-5")]
    report = import_orders(batch, fake)
    same(report.charged, {"D-1": "txn-D-1", "D-5": "txn-D-5"})
    same([(type(e), e.order_id) for e in report.failed], [
        (PaymentDeclined, "D-2"), (GatewayUnavailable, "D-3"), (ValidationError, "D-4")])
    assert all(isinstance(e, ServiceError) for e in report.failed)
    by_order = {}
    for r in service_logs():
        if r.name == "orders.import":
            by_order[r.order_id] = r.levelname
    same(by_order, {"D-1": "INFO", "D-2": "INFO", "D-3": "ERROR", "D-4": "WARNING", "D-5": "INFO"})


def test_every_service_line_carries_the_order_id(client, order, service_logs):
    fake = client({"E-2": [payments.GatewayTimeout("slow"), "txn-E-2"],
                   "E-3": [payments.CardDeclined("do_not_honor")]})
    import_orders([order("E-1"), order("E-2"), order("E-3"), order("E-4", amount_cents=0)], fake)
    records = service_logs()
    assert len(records) == 5
    for r in records:
        assert getattr(r, "order_id", None) is not None, r.getMessage()
        assert r.getMessage().startswith("order %s: " % r.order_id)


def test_an_unexpected_error_is_logged_once_with_traceback_and_reraised(client, order, service_logs):
    bug = ZeroDivisionError("division by zero in fee calculation")
    fake = client({"F-2": [bug]})
    with pytest.raises(ZeroDivisionError) as info:
        import_orders([order("F-1"), order("F-2"), order("F-3")], fake)
    assert info.value is bug
    assert info.value.__cause__ is None
    errors = [r for r in service_logs() if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    same(errors[0].name, "orders.import")
    same(errors[0].order_id, "F-2")
    same(errors[0].getMessage(), "order F-2: unexpected error, import aborted")
    assert errors[0].exc_info[1] is bug


def test_keyboard_interrupt_is_neither_caught_nor_logged(client, order, service_logs):
    fake = client({"G-1": [KeyboardInterrupt()]})
    with pytest.raises(KeyboardInterrupt):
        import_orders([order("G-1"), order("G-2")], fake)
    same([r for r in service_logs() if r.levelno >= logging.WARNING], [])
    assert len(fake.calls) == 1


def test_a_payments_error_that_is_not_known_is_unexpected(client, order, service_logs):
    odd = payments.PaymentsError("provider returned HTTP 500")
    with pytest.raises(payments.PaymentsError) as info:
        import_orders([order("H-1")], client({"H-1": [odd]}))
    assert info.value is odd


# ---- configure_logging -----------------------------------------------------------

def test_lines_without_an_order_id_show_a_dash_on_any_orders_logger():
    out = io.StringIO()
    configure_logging("DEBUG", out)
    logging.getLogger("orders").info("service starting")
    logging.getLogger("orders.payments").debug("pool warmed up")
    logging.getLogger("orders.import.csv").warning("header has extra columns")
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    same([line.split(" ", 2)[2] for line in lines], [
        "INFO orders [order=-] service starting",
        "DEBUG orders.payments [order=-] pool warmed up",
        "WARNING orders.import.csv [order=-] header has extra columns",
    ])


def test_reconfiguring_moves_lines_to_the_new_stream_and_level():
    first, second = io.StringIO(), io.StringIO()
    configure_logging("DEBUG", first)
    configure_logging(logging.ERROR, second)
    log = logging.getLogger("orders.import")
    log.warning("only a warning", extra={"order_id": "K-1"})
    log.error("an error", extra={"order_id": "K-2"})
    assert first.getvalue() == ""
    assert second.getvalue().splitlines()[0].endswith(" ERROR orders.import [order=K-2] an error")
    assert len(second.getvalue().splitlines()) == 1
    assert logging.getLogger("orders").level == logging.ERROR


def test_other_handlers_and_the_root_logger_are_left_alone(caplog):
    root = logging.getLogger()
    root_handlers, root_level = list(root.handlers), root.level
    foreign = logging.NullHandler()
    orders = logging.getLogger("orders")
    orders.addHandler(foreign)
    configure_logging("INFO", io.StringIO())
    configure_logging("INFO", io.StringIO())
    assert foreign in orders.handlers
    assert len(orders.handlers) == 2
    same(root.handlers, root_handlers)
    same(root.level, root_level)
    assert orders.propagate is True
    # The root logger still hears the service (the log collector listens there).
    logging.getLogger("orders.import").warning("seen upstream", extra={"order_id": "L-1"})
    assert any(r.getMessage() == "seen upstream" for r in caplog.records)


def test_unknown_level_name_is_a_value_error():
    with pytest.raises(ValueError):
        configure_logging("LOUD", io.StringIO())


def test_stream_none_means_standard_error(monkeypatch):
    fake_stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake_stderr)
    configure_logging("INFO")
    logging.getLogger("orders.import").info("to stderr", extra={"order_id": "M-1"})
    assert fake_stderr.getvalue().rstrip("\n").endswith("INFO orders.import [order=M-1] to stderr")
