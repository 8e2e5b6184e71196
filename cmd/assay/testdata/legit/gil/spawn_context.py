# legit: worker processes started with the "spawn" method (as on macOS and Windows).
# exercises: multiprocessing.get_context("spawn") passed to ProcessPoolExecutor (each
#   worker is a fresh interpreter that re-imports the parent's __main__ as __mp_main__),
#   concurrent.futures (wait with FIRST_EXCEPTION, as_completed, cancel), a module-level
#   function of solution.py sent to the workers (they import solution by name),
#   threading.BoundedSemaphore, logging.
"""The nightly pricing job: fetch concurrently, crunch in parallel."""

import logging
import multiprocessing
import threading
from concurrent.futures import (FIRST_EXCEPTION, ProcessPoolExecutor, ThreadPoolExecutor,
                                as_completed, wait)

import pricing

log = logging.getLogger(__name__)


def fetch_all(urls, fetch, max_workers=32):
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    urls = list(urls)
    if not urls:
        return []
    # The semaphore is belt and braces: the pool already caps the threads.
    slots = threading.BoundedSemaphore(max_workers)

    def guarded(url):
        with slots:
            return fetch(url)

    with ThreadPoolExecutor(max_workers=min(max_workers, len(urls))) as pool:
        futures = [pool.submit(guarded, url) for url in urls]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        if pending:
            log.debug("a fetch failed; waiting for %d others to finish", len(pending))
            wait(pending)
    for future in futures:  # in URL order: the first URL's error wins
        if future.exception() is not None:
            raise future.exception()
    return [f.result() for f in futures]


def _score(n):
    """Module level, so that spawned workers can unpickle it (by importing solution)."""
    return pricing.risk_score(n)


def crunch_all(numbers, workers=2):
    if workers < 1:
        raise ValueError("workers must be at least 1")
    numbers = list(numbers)
    if not numbers:
        return []
    ctx = multiprocessing.get_context("spawn")
    scores = [None] * len(numbers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(_score, n): i for i, n in enumerate(numbers)}
        try:
            for future in as_completed(futures):
                scores[futures[future]] = future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return scores
