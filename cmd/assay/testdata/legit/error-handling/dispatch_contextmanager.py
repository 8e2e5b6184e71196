# legit: one context manager per order decides how each failure is logged.
# exercises: contextlib (contextmanager, suppress),
#   functools.singledispatch on exception types, enum (Enum with auto, properties
#   on members), logging (extra=, exc_info=True, a custom Formatter whose
#   formatException uses traceback.format_exception), traceback, logging.Filter on
#   a handler, dataclasses (field(default_factory)), itertools.count.
"""Error handling and logging for the order-import service."""

import contextlib
import enum
import functools
import itertools
import logging
import traceback
from dataclasses import dataclass, field

import payments

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [order=%(order_id)s] %(message)s"
GATEWAY_ATTEMPTS = 3

_import_log = logging.getLogger("orders.import")
_payments_log = logging.getLogger("orders.payments")


class ServiceError(Exception):
    def __init__(self, order_id, message):
        super().__init__(message)
        self.order_id = order_id


class ValidationError(ServiceError):
    def __init__(self, order_id, field):
        self.field = field
        super().__init__(order_id, "invalid %s" % field)


class PaymentDeclined(ServiceError):
    def __init__(self, order_id, code):
        self.code = code
        super().__init__(order_id, "card declined (%s)" % code)


class GatewayUnavailable(ServiceError):
    def __init__(self, order_id, attempts):
        self.attempts = attempts
        super().__init__(order_id, "gateway unavailable after %d attempts" % attempts)


@dataclass
class ImportReport:
    """What import_orders did (keep as is)."""

    charged: dict = field(default_factory=dict)  # order id -> transaction id
    failed: list = field(default_factory=list)   # ServiceError of each failed order


class Severity(enum.Enum):
    """How a failed order is logged."""

    REJECTED = enum.auto()
    DECLINED = enum.auto()
    BROKEN = enum.auto()

    @property
    def level(self):
        return _LEVELS[self]

    @property
    def with_traceback(self):
        return self is Severity.BROKEN


_LEVELS = {Severity.REJECTED: logging.WARNING, Severity.DECLINED: logging.INFO, Severity.BROKEN: logging.ERROR}


@functools.singledispatch
def severity(exc: ServiceError) -> Severity:
    return Severity.BROKEN


@severity.register
def _(exc: ValidationError) -> Severity:
    return Severity.REJECTED


@severity.register
def _(exc: PaymentDeclined) -> Severity:
    return Severity.DECLINED


@contextlib.contextmanager
def _order(report, order_id):
    context = {"order_id": order_id}
    try:
        yield context
    except ServiceError as exc:
        how = severity(exc)
        _import_log.log(how.level, "order %s: %s", order_id, exc,
                        exc_info=how.with_traceback, extra=context)
        report.failed.append(exc)
    except Exception:
        _import_log.error("order %s: unexpected error, import aborted", order_id,
                          exc_info=True, extra=context)
        raise


class _TracebackFormatter(logging.Formatter):
    def formatException(self, ei):
        return "".join(traceback.format_exception(*ei)).rstrip("\n")


class _DefaultOrderId(logging.Filter):
    def filter(self, record):
        record.__dict__.setdefault("order_id", "-")
        return True


_installed = []  # the handler configure_logging added last


def configure_logging(level="INFO", stream=None):
    logger = logging.getLogger("orders")
    logger.setLevel(level)
    while _installed:
        old = _installed.pop()
        logger.removeHandler(old)
        with contextlib.suppress(Exception):
            old.close()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_TracebackFormatter(LOG_FORMAT))
    handler.addFilter(_DefaultOrderId())
    logger.addHandler(handler)
    _installed.append(handler)
    logger.propagate = True
    return logger


def validate(order):
    order_id = order.get("id")
    checks = (
        ("id", lambda v: isinstance(v, str) and v.strip() != ""),
        ("amount_cents", lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0),
        ("card", lambda v: isinstance(v, str) and v.startswith("tok_")),
    )
    for name, ok in checks:
        if not ok(order.get(name)):
            raise ValidationError(order_id, name)


def charge(order, client):
    order_id = order["id"]
    for attempt in itertools.count(1):
        try:
            return client.charge(order_id, order["amount_cents"], order["card"])
        except payments.CardDeclined as exc:
            raise PaymentDeclined(order_id, exc.code) from exc
        except payments.GatewayTimeout as exc:
            _payments_log.warning("order %s: gateway timeout (attempt %d of %d)", order_id,
                                  attempt, GATEWAY_ATTEMPTS, extra={"order_id": order_id})
            if attempt >= GATEWAY_ATTEMPTS:
                raise GatewayUnavailable(order_id, GATEWAY_ATTEMPTS) from exc


def import_orders(orders, client):
    report = ImportReport()
    for order in orders:
        order_id = order.get("id")
        with _order(report, order_id) as context:
            validate(order)
            txn = charge(order, client)
            report.charged[order_id] = txn
            _import_log.info("order %s: charged %d cents (%s)", order_id,
                             order["amount_cents"], txn, extra=context)
    return report
