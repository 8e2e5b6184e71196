"""Shared fixtures for the gil challenge: a fake network fetch and a
trace of where pricing.risk_score ran."""

import os
import threading
import time

import pytest


class FakeNetwork:
    """Builds fetch functions that wait like a network call (time.sleep
    releases the GIL, as a socket read does) and record what happened.

    The fetch functions are closures over a lock: they cannot be pickled,
    so they can only run in the test's own process."""

    # How long fetches made with together= wait for the others to start.
    GRACE = 3.0

    def __init__(self):
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.running = 0
        self.peak = 0
        self.calls = []        # urls, in the order the calls started
        self.pids = set()      # processes the fetches ran in
        self.threads = set()   # threads the fetches ran in
        self.first = None      # when the first call started
        self.gathering = 0.0   # from it until `together` calls ran at once

    def fetch(self, latency=0.3, latencies=None, failures=None, together=None):
        """A fetch(url) that sleeps `latency` seconds (or latencies[url]),
        then returns "<url>:ok", or raises failures[url] if it is set.

        With together=N each call first waits, up to GRACE seconds from the
        first call, until N calls are running at once, and `gathering` is
        how long that took: code that runs N fetches at the same time
        reaches `peak == N` however slowly a loaded machine starts its
        threads (a plain sleep let the first fetches end before the last
        ones began), and a time limit can leave the start-up out."""
        latencies = latencies or {}
        failures = failures or {}

        def fetch(url):
            with self.lock:
                now = time.perf_counter()
                if self.first is None:
                    self.first = now
                self.calls.append(url)
                self.running += 1
                self.peak = max(self.peak, self.running)
                self.pids.add(os.getpid())
                self.threads.add(threading.get_ident())
                if together:
                    if self.peak >= together and not self.gathering:
                        self.gathering = now - self.first
                        self.arrived.notify_all()
                    deadline = self.first + self.GRACE
                    while self.peak < together and time.perf_counter() < deadline:
                        self.arrived.wait(deadline - time.perf_counter())
            try:
                time.sleep(latencies.get(url, latency))
                if url in failures:
                    raise failures[url]
                return url + ":ok"
            finally:
                with self.lock:
                    self.running -= 1

        return fetch


@pytest.fixture
def network():
    return FakeNetwork()


@pytest.fixture
def trace(monkeypatch, tmp_path):
    """Makes pricing.risk_score log where it runs; returns a function
    giving the (pid, n) pairs logged so far."""
    path = tmp_path / "pricing-trace.log"
    monkeypatch.setenv("PRICING_TRACE", str(path))

    def entries():
        if not path.exists():
            return []
        out = []
        for line in path.read_text().splitlines():
            pid, n = line.split()
            out.append((int(pid), int(n)))
        return out

    return entries

