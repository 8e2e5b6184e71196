"""Shared fixtures for the asyncio-aggregation challenge."""

import asyncio

import pytest

import providers


@pytest.fixture
def provider():
    """provider(name, latency=0.05, outcomes=()) builds a FakeProvider."""
    return providers.FakeProvider


@pytest.fixture
def sleeps(monkeypatch):
    """Watches asyncio.sleep: returns the list of delays requested through
    it (the waits still happen; the fake providers' own waits are not
    recorded)."""
    recorded = []
    real_sleep = providers._sleep

    async def watched_sleep(delay, result=None):
        recorded.append(delay)
        return await real_sleep(delay, result)

    monkeypatch.setattr(asyncio, "sleep", watched_sleep)
    return recorded
