"""Known-bad: collects the results with as_completed, so they come back in
the order the fetches finished, not in the order of the urls."""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

import pricing


def fetch_all(urls, fetch, max_workers=32):
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    urls = list(urls)
    if not urls:
        return []
    results = []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(urls))) as pool:
        futures = [pool.submit(fetch, url) for url in urls]
        for future in as_completed(futures):
            results.append(future.result())
    return results


def crunch_all(numbers, workers=2):
    if workers < 1:
        raise ValueError("workers must be at least 1")
    numbers = list(numbers)
    if not numbers:
        return []
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(pricing.risk_score, n) for n in numbers]
        for future in as_completed(futures):
            results.append(future.result())
    return results
