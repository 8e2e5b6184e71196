# legit: hand-rolled worker threads over a queue, and multiprocessing.Pool for the scores.
# exercises: threading.Thread (joined), queue.Queue with sentinels, multiprocessing.Pool
#   (map, close or terminate, join), collections.deque, dataclasses
#   (dataclass with field(default_factory)), typing (Any, Generic, Optional, TypeVar).
"""The nightly pricing job: fetch concurrently, crunch in parallel."""

import collections
import multiprocessing
import queue
import threading
from dataclasses import dataclass, field
from typing import Any, Generic, List, Optional, TypeVar

import pricing

T = TypeVar("T")
_STOP = object()


@dataclass
class Slot(Generic[T]):
    """One URL's outcome: a value or the exception its fetch raised."""

    value: Optional[T] = None
    error: Optional[BaseException] = None
    done: bool = False


@dataclass
class _Work:
    tasks: "queue.Queue[Any]" = field(default_factory=queue.Queue)
    threads: List[threading.Thread] = field(default_factory=list)


def fetch_all(urls, fetch, max_workers=32):
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    todo = collections.deque(enumerate(urls))
    if not todo:
        return []
    slots = [Slot() for _ in todo]
    work = _Work()

    def worker():
        while True:
            item = work.tasks.get()
            if item is _STOP:
                return
            index, url = item
            slot = slots[index]
            try:
                slot.value = fetch(url)
            except BaseException as exc:  # handed to the caller below
                slot.error = exc
            finally:
                slot.done = True

    for _ in range(min(max_workers, len(todo))):
        t = threading.Thread(target=worker, name="fetch", daemon=True)
        t.start()
        work.threads.append(t)
    while todo:
        work.tasks.put(todo.popleft())
    for _ in work.threads:
        work.tasks.put(_STOP)
    for t in work.threads:
        t.join()
    for slot in slots:
        if slot.error is not None:
            raise slot.error
    return [slot.value for slot in slots]


def crunch_all(numbers, workers=2):
    if workers < 1:
        raise ValueError("workers must be at least 1")
    numbers = list(numbers)
    if not numbers:
        return []
    pool = multiprocessing.Pool(processes=workers)
    try:
        scores = pool.map(pricing.risk_score, numbers, chunksize=1)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return scores
