"""Known-bad: starts one thread per URL and ignores max_workers, so a
partner that allows four connections at a time gets all of them at once."""

import threading
from concurrent.futures import ProcessPoolExecutor

import pricing


def fetch_all(urls, fetch, max_workers=32):
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    urls = list(urls)
    results = [None] * len(urls)
    errors = [None] * len(urls)

    def work(i, url):
        try:
            results[i] = fetch(url)
        except Exception as exc:
            errors[i] = exc

    threads = [threading.Thread(target=work, args=(i, u)) for i, u in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for exc in errors:
        if exc is not None:
            raise exc
    return results


def crunch_all(numbers, workers=2):
    if workers < 1:
        raise ValueError("workers must be at least 1")
    numbers = list(numbers)
    if not numbers:
        return []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(pricing.risk_score, numbers))
