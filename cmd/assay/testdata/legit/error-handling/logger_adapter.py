# legit: order context through logging.LoggerAdapter, failures logged with logger.exception.
# exercises: logging (LoggerAdapter, Filter on a handler, Formatter, StreamHandler,
#   getLevelName/level checks, logger.exception, exc_info), raise ... from,
#   dataclasses (field(default_factory)), enum.IntEnum, functools.partial,
#   typing (Mapping, Optional, Protocol), a StreamHandler subclass found again on reconfiguration.
"""Error handling and logging for the order-import service."""

import enum
import functools
import logging
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, MutableMapping, Optional, Protocol, Tuple

import payments

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [order=%(order_id)s] %(message)s"


class Limits(enum.IntEnum):
    GATEWAY_ATTEMPTS = 3


class Client(Protocol):
    def charge(self, order_id: str, amount_cents: int, card: str) -> str: ...


class ServiceError(Exception):
    def __init__(self, order_id, message):
        super().__init__(message)
        self.order_id = order_id


class ValidationError(ServiceError):
    def __init__(self, order_id, field):
        super().__init__(order_id, f"invalid {field}")
        self.field = field


class PaymentDeclined(ServiceError):
    def __init__(self, order_id, code):
        super().__init__(order_id, f"card declined ({code})")
        self.code = code


class GatewayUnavailable(ServiceError):
    def __init__(self, order_id, attempts):
        super().__init__(order_id, f"gateway unavailable after {attempts} attempts")
        self.attempts = attempts


@dataclass
class ImportReport:
    """What import_orders did (keep as is)."""

    charged: dict = field(default_factory=dict)  # order id -> transaction id
    failed: list = field(default_factory=list)   # ServiceError of each failed order


class OrderContext(logging.LoggerAdapter):
    """Adds the order id to every record as the attribute order_id."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> Tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(kwargs.get("extra") or {}), "order_id": self.extra["order_id"]}
        return msg, kwargs


def _for_order(logger: logging.Logger, order_id) -> OrderContext:
    return OrderContext(logger, {"order_id": order_id})


import_log = functools.partial(_for_order, logging.getLogger("orders.import"))
payments_log = functools.partial(_for_order, logging.getLogger("orders.payments"))


class _OrderIdDefault(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "order_id"):
            record.order_id = "-"
        return True


class _ServiceHandler(logging.StreamHandler):
    """Our handler's own class, so reconfiguring finds it among others."""


def configure_logging(level="INFO", stream=None):
    if isinstance(level, str):
        number = logging.getLevelName(level.upper())
        if not isinstance(number, int):
            raise ValueError(f"unknown log level: {level!r}")
        level = number
    logger = logging.getLogger("orders")
    for old in [h for h in logger.handlers if isinstance(h, _ServiceHandler)]:
        logger.removeHandler(old)
        old.close()
    handler = _ServiceHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(_OrderIdDefault())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = True
    return logger


def validate(order: Mapping) -> None:
    order_id = order.get("id")
    if not isinstance(order_id, str) or not order_id.strip():
        raise ValidationError(order_id, "id")
    amount = order.get("amount_cents")
    if type(amount) is not int or amount <= 0:
        raise ValidationError(order_id, "amount_cents")
    card = order.get("card")
    if not isinstance(card, str) or not card.startswith("tok_"):
        raise ValidationError(order_id, "card")


def charge(order: Mapping, client: Client) -> str:
    order_id = order["id"]
    log = payments_log(order_id)
    last: Optional[payments.GatewayTimeout] = None
    for attempt in range(1, Limits.GATEWAY_ATTEMPTS + 1):
        try:
            return client.charge(order_id, order["amount_cents"], order["card"])
        except payments.GatewayTimeout as exc:
            last = exc
            log.warning("order %s: gateway timeout (attempt %d of %d)",
                        order_id, attempt, Limits.GATEWAY_ATTEMPTS)
        except payments.CardDeclined as exc:
            raise PaymentDeclined(order_id, exc.code) from exc
    raise GatewayUnavailable(order_id, int(Limits.GATEWAY_ATTEMPTS)) from last


def import_orders(orders: Iterable[Mapping], client: Client) -> ImportReport:
    report = ImportReport()
    for order in orders:
        order_id = order.get("id")
        log = import_log(order_id)
        try:
            validate(order)
            txn = charge(order, client)
        except ValidationError as exc:
            log.warning("order %s: %s", order_id, exc)
            report.failed.append(exc)
        except PaymentDeclined as exc:
            log.info("order %s: %s", order_id, exc)
            report.failed.append(exc)
        except GatewayUnavailable as exc:
            log.exception("order %s: %s", order_id, exc)
            report.failed.append(exc)
        except Exception:
            log.exception("order %s: unexpected error, import aborted", order_id)
            raise
        else:
            report.charged[order_id] = txn
            log.info("order %s: charged %d cents (%s)", order_id, order["amount_cents"], txn)
    return report
