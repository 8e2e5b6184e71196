"""Shared fixtures: a fake time.sleep and a scripted flaky function."""

import pytest

import solution


@pytest.fixture
def sleeps(monkeypatch):
    """Replaces solution.time.sleep; returns the list of waits requested."""
    recorded = []

    def fake_sleep(seconds):
        recorded.append(seconds)

    monkeypatch.setattr(solution.time, "sleep", fake_sleep)
    return recorded


def make_script(*outcomes):
    """Builds a plain function that plays back outcomes, one per call:
    exception classes or instances are raised (a class is instantiated
    afresh for each call), anything else is returned; the last outcome
    repeats forever. The function records its calls' arguments in
    .calls and the exceptions it raised in .raised."""
    calls = []
    raised = []

    def flaky(*args, **kwargs):
        calls.append((args, kwargs))
        outcome = outcomes[min(len(calls), len(outcomes)) - 1]
        if isinstance(outcome, type) and issubclass(outcome, BaseException):
            outcome = outcome("failure %d" % len(calls))
        if isinstance(outcome, BaseException):
            raised.append(outcome)
            raise outcome
        return outcome

    flaky.calls = calls
    flaky.raised = raised
    return flaky


@pytest.fixture
def script():
    """script(*outcomes) builds a scripted flaky function (see make_script)."""
    return make_script
