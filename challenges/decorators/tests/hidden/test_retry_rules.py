"""Hidden tests for retry: metadata, validation, state and edge cases."""

import inspect

import pytest

from tests.strict import same
from solution import retry


def _fetch(url: str, timeout: float = 2.5, *, retries: int = 0) -> bytes:
    """Download url."""
    return url.encode()


def test_keeps_qualname_module_annotations_and_signature():
    wrapped = retry(OSError, attempts=2)(_fetch)
    same(wrapped.__qualname__, _fetch.__qualname__)
    same(wrapped.__module__, _fetch.__module__)
    same(wrapped.__annotations__, {
        "url": str, "timeout": float, "retries": int, "return": bytes,
    })
    same(inspect.signature(wrapped), inspect.signature(_fetch))
    same(wrapped("a"), b"a")


def test_copies_the_functions_own_attributes():
    def report():
        return "r"

    report.owner = "billing-team"
    report.slo_ms = 250
    wrapped = retry()(report)
    same(wrapped.owner, "billing-team")
    same(wrapped.slo_ms, 250)


def test_invalid_delay_or_backoff_raise_value_error_before_decorating():
    with pytest.raises(ValueError):
        retry(delay=-0.1)
    with pytest.raises(ValueError):
        retry(backoff=0.5)
    with pytest.raises(ValueError):
        retry(ValueError, attempts=0)
    # The boundaries themselves are valid.
    assert callable(retry(attempts=1, delay=0, backoff=1))


def test_attempts_one_calls_once_and_never_waits(sleeps, script):
    seen = []
    work = script(ValueError)
    wrapped = retry(ValueError, attempts=1, delay=3.0, on_retry=lambda *a: seen.append(a))(work)
    with pytest.raises(ValueError) as info:
        wrapped()
    assert info.value is work.raised[0]
    assert len(work.calls) == 1
    assert sleeps == [] and seen == []


def test_every_call_gets_the_full_number_of_attempts(sleeps, script):
    work = script(OSError)
    wrapped = retry(OSError, attempts=3)(work)
    for _ in range(3):
        with pytest.raises(OSError):
            wrapped()
    assert len(work.calls) == 9


def test_single_exception_class_retries_its_subclasses(sleeps, script):
    # ConnectionResetError is a subclass of ConnectionError.
    work = script(ConnectionResetError, ConnectionAbortedError, "up")
    wrapped = retry(ConnectionError, attempts=3)(work)
    same(wrapped(), "up")
    assert len(work.calls) == 3


def test_tuple_of_exceptions_retries_any_member(sleeps, script):
    work = script(TimeoutError, KeyError("k"), LookupError, "found")
    wrapped = retry((TimeoutError, LookupError), attempts=4)(work)
    same(wrapped(), "found")
    assert len(work.calls) == 4


def test_default_does_not_retry_keyboard_interrupt_or_system_exit(sleeps, script):
    for exc_type in (KeyboardInterrupt, SystemExit):
        work = script(exc_type)
        wrapped = retry(attempts=5, delay=1.0)(work)
        with pytest.raises(exc_type):
            wrapped()
        assert len(work.calls) == 1
    assert sleeps == []


def test_unlisted_exception_after_retries_stops_at_once(sleeps, script):
    seen = []
    work = script(TimeoutError, TimeoutError, PermissionError, "never")
    wrapped = retry(
        TimeoutError, attempts=5, delay=0.25, on_retry=lambda a, e, w: seen.append(a),
    )(work)
    with pytest.raises(PermissionError):
        wrapped()
    assert len(work.calls) == 3
    assert seen == [1, 2]
    assert sleeps == pytest.approx([0.25, 0.5])


def test_on_retry_is_not_called_after_the_last_attempt(sleeps, script):
    seen = []
    work = script(ValueError)
    wrapped = retry(ValueError, attempts=3, delay=2.0, backoff=1.0,
                    on_retry=lambda a, e, w: seen.append((a, w)))(work)
    with pytest.raises(ValueError):
        wrapped()
    assert seen == [(1, pytest.approx(2.0)), (2, pytest.approx(2.0))]
    assert sleeps == pytest.approx([2.0, 2.0])


def test_exception_in_on_retry_propagates_and_stops_retrying(sleeps, script):
    class GiveUp(Exception):
        pass

    def on_retry(attempt, exc, wait):
        if attempt == 2:
            raise GiveUp()

    work = script(OSError)
    wrapped = retry(OSError, attempts=6, delay=1.0, on_retry=on_retry)(work)
    with pytest.raises(GiveUp):
        wrapped()
    assert len(work.calls) == 2
    assert sleeps == pytest.approx([1.0])


def test_zero_delay_with_backoff_never_sleeps(sleeps, script):
    waits = []
    work = script(ValueError, ValueError, ValueError, "ok")
    wrapped = retry(ValueError, attempts=4, delay=0, backoff=3.0,
                    on_retry=lambda a, e, w: waits.append(w))(work)
    same(wrapped(), "ok")
    assert waits == [0, 0, 0]
    assert sleeps == []


def test_falsy_results_are_returned_without_retry(sleeps, script):
    for value in (None, 0, "", [], False):
        work = script(value)
        same(retry(Exception, attempts=3)(work)(), value)
        assert len(work.calls) == 1


def test_works_beneath_classmethod_and_staticmethod(sleeps):
    tries = []

    class Pool:
        opened = 0

        @classmethod
        @retry(ConnectionRefusedError, attempts=2)
        def connect(cls, host: str) -> str:
            """Open a pooled connection."""
            cls.opened += 1
            if cls.opened == 1:
                raise ConnectionRefusedError(host)
            return "%s:%s" % (cls.__name__, host)

        @staticmethod
        @retry(ValueError, attempts=3)
        def parse(text):
            tries.append(text)
            if len(tries) < 3:
                raise ValueError(text)
            return int(text)

    class SubPool(Pool):
        pass

    same(Pool.connect("db1"), "Pool:db1")
    assert Pool.opened == 2
    same(SubPool.connect("db2"), "SubPool:db2")
    same(Pool.connect.__doc__, "Open a pooled connection.")
    same(Pool.connect.__wrapped__.__name__, "connect")
    same(Pool().parse("7"), 7)
    same(Pool.parse.__name__, "parse")


def test_instance_methods_keep_per_instance_state(sleeps):
    class Sensor:
        def __init__(self, name, failures):
            self.name = name
            self.failures = failures

        @retry(OSError, attempts=4)
        def read(self):
            if self.failures:
                self.failures -= 1
                raise OSError(self.name)
            return self.name

    a, b = Sensor("a", 3), Sensor("b", 0)
    same(a.read(), "a")
    same(b.read(), "b")
    assert a.failures == 0
    with pytest.raises(OSError):
        Sensor("c", 4).read()


def test_one_retry_decorator_can_decorate_two_functions(sleeps, script):
    policy = retry(OSError, attempts=2, delay=0.1)
    first, second = script(OSError, "first"), script(OSError)
    wrapped_first, wrapped_second = policy(first), policy(second)
    same(wrapped_first(), "first")
    with pytest.raises(OSError):
        wrapped_second()
    assert len(first.calls) == 2 and len(second.calls) == 2
    assert sleeps == pytest.approx([0.1, 0.1])


# ---- results as literals ----------------------------------------------------
# Worked out once from the rules: literal results are what the run's
# canaries copy (docs/CHALLENGES.md, "Canaries"); the tests above compare
# against values computed at run time.

def test_the_last_exception_s_message_after_three_attempts(sleeps, script):
    wrapped = retry(ConnectionError, attempts=3)(script(ConnectionError))
    with pytest.raises(ConnectionError) as info:
        wrapped()
    same(str(info.value), "failure 3")


def test_the_last_exception_s_message_after_two_retries_and_a_stop(sleeps, script):
    wrapped = retry(KeyError, attempts=8)(script(KeyError, KeyError, LookupError))
    with pytest.raises(LookupError) as info:
        wrapped()
    same(str(info.value), "failure 3")


def test_calls_until_the_third_succeeds(sleeps, script):
    work = script(OSError, OSError, "done")
    retry(OSError, attempts=6)(work)()
    same(len(work.calls), 3)


def test_calls_until_the_second_succeeds(sleeps, script):
    work = script(ConnectionResetError, None)
    retry(ConnectionError, attempts=4)(work)()
    same(len(work.calls), 2)


def test_total_wait_of_four_attempts(sleeps, script):
    with pytest.raises(OSError):
        retry(OSError, attempts=4, delay=1.0, backoff=2.0)(script(OSError))()
    same(sum(sleeps), 7.0)


def test_total_wait_of_three_attempts(sleeps, script):
    with pytest.raises(OSError):
        retry(OSError, attempts=3, delay=0.5, backoff=6.0)(script(OSError))()
    same(sum(sleeps), 3.5)


def test_a_decorated_method_s_result(sleeps):
    class Box:
        def __init__(self, width):
            self.width = width

        @retry(ValueError, attempts=2)
        def area(self, height):
            return self.width * height

    same(Box(6).area(7), 42)
