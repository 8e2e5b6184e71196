# legit: threads for the fetches, a process pool (default fork start) for the crunching.
# exercises: concurrent.futures (ThreadPoolExecutor.submit, ProcessPoolExecutor.map with
#   chunksize), contextlib.ExitStack, collections.namedtuple, math.ceil,
#   typing (Callable, Iterable, List, TypeVar generics).
"""The nightly pricing job: fetch concurrently, crunch in parallel."""

import contextlib
import math
from collections import namedtuple
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Callable, Iterable, List, TypeVar

import pricing

T = TypeVar("T")

Job = namedtuple("Job", "index url")


def fetch_all(urls: Iterable[str], fetch: Callable[[str], T], max_workers: int = 32) -> List[T]:
    if max_workers < 1:
        raise ValueError(f"max_workers must be >= 1, not {max_workers}")
    jobs = [Job(i, url) for i, url in enumerate(urls)]
    if not jobs:
        return []
    futures: List[Future] = []
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(
            ThreadPoolExecutor(max_workers=min(max_workers, len(jobs)), thread_name_prefix="fetch"))
        for job in jobs:
            futures.append(pool.submit(fetch, job.url))
    # The pool is shut down (every fetch finished): collect in URL order, so
    # the first URL's error wins whatever finished first.
    return [futures[job.index].result() for job in jobs]


def crunch_all(numbers: Iterable[int], workers: int = 2) -> List[int]:
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    numbers = list(numbers)
    if not numbers:
        return []
    # Several numbers per message, but enough chunks that every worker gets some.
    chunksize = max(1, math.ceil(len(numbers) / (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(pricing.risk_score, numbers, chunksize=chunksize))
