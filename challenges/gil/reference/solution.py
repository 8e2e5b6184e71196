"""The nightly pricing job: fetch concurrently, crunch in parallel (reference solution)."""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pricing


def fetch_all(urls, fetch, max_workers=32):
    """Returns [fetch(url) for url in urls], running up to max_workers
    fetches at the same time in threads of this process."""
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1, got %r" % (max_workers,))
    urls = list(urls)
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(urls))) as pool:
        futures = [pool.submit(fetch, url) for url in urls]
        # Leaving the with block waits for every fetch, so nothing is still
        # running when an exception is raised below.
    return [f.result() for f in futures]


def crunch_all(numbers, workers=2):
    """Returns [pricing.risk_score(n) for n in numbers], computed in
    `workers` worker processes."""
    if workers < 1:
        raise ValueError("workers must be at least 1, got %r" % (workers,))
    numbers = list(numbers)
    if not numbers:
        return []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(pricing.risk_score, numbers))
