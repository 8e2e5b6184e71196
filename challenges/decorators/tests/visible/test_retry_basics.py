"""Visible tests for retry: the main rules, one test each."""

import pytest

from tests.strict import same
from solution import retry


def test_returns_value_at_once_when_first_call_succeeds(sleeps, script):
    work = script("done")
    wrapped = retry(ValueError)(work)
    same(wrapped(), "done")
    assert len(work.calls) == 1
    assert sleeps == []


def test_retries_until_success_and_returns_value(sleeps, script):
    work = script(ConnectionError, ConnectionError, 42)
    wrapped = retry(ConnectionError, attempts=3)(work)
    same(wrapped(), 42)
    assert len(work.calls) == 3


def test_reraises_the_last_exception_object_after_final_attempt(sleeps, script):
    work = script(TimeoutError)
    wrapped = retry(TimeoutError, attempts=4)(work)
    with pytest.raises(TimeoutError) as info:
        wrapped()
    assert len(work.calls) == 4
    assert info.value is work.raised[-1]


def test_unlisted_exception_propagates_without_retry(sleeps, script):
    work = script(KeyError("missing"))
    wrapped = retry(ConnectionError, attempts=5, delay=1.0)(work)
    with pytest.raises(KeyError):
        wrapped()
    assert len(work.calls) == 1
    assert sleeps == []


def test_waits_grow_by_backoff_between_attempts(sleeps, script):
    work = script(OSError)
    wrapped = retry(OSError, attempts=4, delay=1.0, backoff=2.0)(work)
    with pytest.raises(OSError):
        wrapped()
    assert sleeps == pytest.approx([1.0, 2.0, 4.0])


def test_no_sleep_call_when_delay_is_zero(sleeps, script):
    work = script(ValueError, ValueError, "ok")
    wrapped = retry(ValueError, attempts=3)(work)
    same(wrapped(), "ok")
    assert sleeps == []


def test_attempts_below_one_raise_value_error():
    with pytest.raises(ValueError):
        retry(attempts=0)
    with pytest.raises(ValueError):
        retry(attempts=-3)


def test_keeps_name_doc_and_wrapped():
    def fetch_invoice(invoice_id):
        """Fetch one invoice from the billing API."""
        return invoice_id

    wrapped = retry(ConnectionError)(fetch_invoice)
    same(wrapped.__name__, "fetch_invoice")
    same(wrapped.__doc__, "Fetch one invoice from the billing API.")
    assert wrapped.__wrapped__ is fetch_invoice


def test_passes_positional_and_keyword_arguments_through(sleeps, script):
    work = script(ValueError, "ok")
    wrapped = retry(ValueError)(work)
    same(wrapped(1, "two", three=3, four=[4]), "ok")
    assert work.calls == [((1, "two"), {"three": 3, "four": [4]})] * 2


def test_on_retry_gets_attempt_exception_and_wait(sleeps, script):
    seen = []
    work = script(TimeoutError, TimeoutError, "ok")
    wrapped = retry(
        TimeoutError, attempts=3, delay=0.5, backoff=3.0,
        on_retry=lambda attempt, exc, wait: seen.append((attempt, exc, wait)),
    )(work)
    same(wrapped(), "ok")
    assert [(a, w) for a, _, w in seen] == [(1, pytest.approx(0.5)), (2, pytest.approx(1.5))]
    same([e for _, e, _ in seen], work.raised)
    assert sleeps == pytest.approx([0.5, 1.5])


def test_works_on_an_instance_method(sleeps):
    class Client:
        def __init__(self):
            self.calls = 0

        @retry(ConnectionError, attempts=3)
        def get(self, path, *, timeout=5):
            """GET a path."""
            self.calls += 1
            if self.calls < 3:
                raise ConnectionError("reset by peer")
            return (path, timeout)

    client = Client()
    same(client.get("/health", timeout=1), ("/health", 1))
    same(client.calls, 3)
    same(Client.get.__name__, "get")
    same(Client.get.__doc__, "GET a path.")
