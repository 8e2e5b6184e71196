"""Known-bad: uses a thread pool for the CPU-bound half too. The scores are
right, but they are computed in the calling process, one at a time under
the GIL, so the second core stays idle."""

from concurrent.futures import ThreadPoolExecutor

import pricing


def fetch_all(urls, fetch, max_workers=32):
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    urls = list(urls)
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(urls))) as pool:
        futures = [pool.submit(fetch, url) for url in urls]
    return [f.result() for f in futures]


def crunch_all(numbers, workers=2):
    if workers < 1:
        raise ValueError("workers must be at least 1")
    numbers = list(numbers)
    if not numbers:
        return []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(pricing.risk_score, numbers))
