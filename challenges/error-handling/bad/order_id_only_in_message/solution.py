"""Known-bad: puts the order id in the message text only, never as the
record attribute (no extra=), so the log collector cannot filter by order
and the formatted lines say [order=-]."""

import logging
from dataclasses import dataclass, field

import payments

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [order=%(order_id)s] %(message)s"
MAX_ATTEMPTS = 3

import_log = logging.getLogger("orders.import")
payments_log = logging.getLogger("orders.payments")


class ServiceError(Exception):
    """Base of every error the service raises on purpose; has .order_id."""

    def __init__(self, order_id, message):
        super().__init__(message)
        self.order_id = order_id


class ValidationError(ServiceError):
    """An order field is invalid; has .field; str() is "invalid <field>"."""

    def __init__(self, order_id, field):
        super().__init__(order_id, "invalid %s" % field)
        self.field = field


class PaymentDeclined(ServiceError):
    """The card was declined; has .code; str() is "card declined (<code>)"."""

    def __init__(self, order_id, code):
        super().__init__(order_id, "card declined (%s)" % code)
        self.code = code


class GatewayUnavailable(ServiceError):
    """The provider timed out every time; has .attempts."""

    def __init__(self, order_id, attempts):
        super().__init__(order_id, "gateway unavailable after %d attempts" % attempts)
        self.attempts = attempts


@dataclass
class ImportReport:
    """What import_orders did (keep as is)."""

    charged: dict = field(default_factory=dict)  # order id -> transaction id
    failed: list = field(default_factory=list)   # ServiceError of each failed order


class _DefaultOrderId(logging.Filter):
    """Gives records without an order id a "-", so the format never fails.

    It sits on the handler, not on the logger: a logger's filters only
    see records logged on that very logger, not those propagated from
    its children."""

    def filter(self, record):
        if not hasattr(record, "order_id"):
            record.order_id = "-"
        return True


_handler = None


def configure_logging(level="INFO", stream=None):
    """Sets up the "orders" logger and returns it; calling it again
    replaces the handler it added before."""
    global _handler
    logger = logging.getLogger("orders")
    logger.setLevel(level)  # ValueError for an unknown level name
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(_DefaultOrderId())
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    logger.addHandler(handler)
    logger.propagate = True
    _handler = handler
    return logger


def validate(order):
    """Raises ValidationError for the first invalid field of order."""
    order_id = order.get("id")
    if not isinstance(order_id, str) or not order_id.strip():
        raise ValidationError(order_id, "id")
    amount = order.get("amount_cents")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError(order_id, "amount_cents")
    card = order.get("card")
    if not isinstance(card, str) or not card.startswith("tok_"):
        raise ValidationError(order_id, "card")


def charge(order, client):
    """Charges a valid order; returns the transaction id."""
    order_id = order["id"]
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return client.charge(order_id, order["amount_cents"], order["card"])
        except payments.GatewayTimeout as exc:
            payments_log.warning("order %s: gateway timeout (attempt %d of %d)",
                                 order_id, attempt, MAX_ATTEMPTS)
            if attempt == MAX_ATTEMPTS:
                raise GatewayUnavailable(order_id, MAX_ATTEMPTS) from exc
        except payments.CardDeclined as exc:
            raise PaymentDeclined(order_id, exc.code) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def import_orders(orders, client):
    """Validates and charges each order; returns an ImportReport."""
    report = ImportReport()
    for order in orders:
        order_id = order.get("id")
        context = {"order_id": order_id}
        try:
            validate(order)
            txn = charge(order, client)
        except ValidationError as exc:
            import_log.warning("order %s: %s", order_id, exc)
            report.failed.append(exc)
        except PaymentDeclined as exc:
            import_log.info("order %s: %s", order_id, exc)
            report.failed.append(exc)
        except GatewayUnavailable as exc:
            import_log.error("order %s: %s", order_id, exc, exc_info=True)
            report.failed.append(exc)
        except Exception:
            import_log.error("order %s: unexpected error, import aborted", order_id, exc_info=True)
            raise
        else:
            report.charged[order_id] = txn
            import_log.info("order %s: charged %d cents (%s)", order_id,
                            order["amount_cents"], txn)
    return report
