"""The payment provider's client library (provided; do not change).

Only its exceptions matter here: the client object itself is passed to
your code, and its charge() method raises these when the provider says
no or does not answer. Anything else it raises is a bug somewhere, not a
payment outcome.
"""


class PaymentsError(Exception):
    """Base of the errors the provider reports."""


class CardDeclined(PaymentsError):
    """The card issuer refused the charge; code says why ("insufficient_funds", ...)."""

    def __init__(self, code):
        super().__init__("card declined: %s" % code)
        self.code = code


class GatewayTimeout(PaymentsError):
    """The provider did not answer in time; the charge was not made and may be retried."""


class PaymentsClient:
    """The interface of a client (the tests pass fakes with this method)."""

    def charge(self, order_id, amount_cents, card):
        """Charges amount_cents to the card token; returns a transaction id (str)."""
        raise NotImplementedError
