"""The nightly pricing job: fetch concurrently, crunch in parallel.

Use threads for the I/O-bound half and worker processes for the
CPU-bound half (see the prompt). concurrent.futures has both.
"""

import concurrent.futures  # noqa: F401

import pricing  # noqa: F401


def fetch_all(urls, fetch, max_workers=32):
    """Returns [fetch(url) for url in urls], running up to max_workers
    fetches at the same time in threads of this process."""
    raise NotImplementedError


def crunch_all(numbers, workers=2):
    """Returns [pricing.risk_score(n) for n in numbers], computed in
    `workers` worker processes."""
    raise NotImplementedError
