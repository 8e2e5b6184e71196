"""Known-bad: "processes beat the GIL", so it uses a process pool for the
fetches too. A lambda or closure cannot be pickled to a worker, and with
a couple of processes the waits do not overlap enough anyway."""

import os
from concurrent.futures import ProcessPoolExecutor

import pricing


def fetch_all(urls, fetch, max_workers=32):
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    urls = list(urls)
    if not urls:
        return []
    workers = min(max_workers, os.cpu_count() or 1, len(urls))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fetch, urls))


def crunch_all(numbers, workers=2):
    if workers < 1:
        raise ValueError("workers must be at least 1")
    numbers = list(numbers)
    if not numbers:
        return []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(pricing.risk_score, numbers))
