"""An ordinary candidate solution: the stdlib and numpy / pandas the way
solutions use them. Runs as candidate code (its file is outside the trusted
directories) under the audit hook; nothing here may be refused."""

import abc
import asyncio
import collections
import concurrent.futures
import contextlib
import copy
import dataclasses
import decimal
import enum
import fractions
import functools
import inspect
import io
import itertools
import json
import logging
import multiprocessing
import os
import re
import sys
import threading
import traceback
import typing
import warnings
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, Optional, Protocol, TypedDict, TypeVar, runtime_checkable

try:  # as solutions do, at import: numpy's and pandas' import-time code runs under the candidate's frame
    import numpy as np
    import pandas as pd
except ImportError:  # the image without the scientific stack
    np = pd = None

log = logging.getLogger("solution")

T = TypeVar("T")
K = typing.TypeVar("K", bound=typing.Hashable)
P = typing.ParamSpec("P")
UserId = typing.NewType("UserId", int)


# ---- dataclasses -------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0

    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)


@dataclass(slots=True)
class Account:
    owner: str
    balance: decimal.Decimal = decimal.Decimal("0")
    history: list = field(default_factory=list)
    tags: typing.Set[str] = field(default_factory=set, repr=False)

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += decimal.Decimal(amount)
        self.history.append(("deposit", amount))
        return self.balance


@dataclass(kw_only=True)
class Config:
    name: str
    retries: int = 3

    def __post_init__(self):
        if self.retries < 0:
            raise ValueError("retries")


Pair = dataclasses.make_dataclass("Pair", [("a", int), ("b", int, field(default=2))])


# ---- typing --------------------------------------------------------------------
@runtime_checkable
class Shape(Protocol):
    def area(self) -> float: ...


class Square:
    def __init__(self, side):
        self.side = side

    def area(self) -> float:
        return float(self.side * self.side)


class Movie(TypedDict):
    title: str
    year: int


Movie2 = TypedDict("Movie2", {"title": str, "year": int})


class Employee(NamedTuple):
    name: str
    id: int = 3


class Stack(Generic[T]):
    def __init__(self) -> None:
        self.items: list[T] = []

    def push(self, item: T) -> None:
        self.items.append(item)

    def pop(self) -> T:
        return self.items.pop()


def first(xs: typing.Sequence[T]) -> Optional[T]:
    return xs[0] if xs else None


# ---- functools -------------------------------------------------------------------
def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        log.info("calling %s", fn.__name__)
        return fn(*args, **kwargs)
    return wrapper


@logged
def add(a, b):
    """Adds."""
    return a + b


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@functools.cache
def fact(n):
    return 1 if n < 2 else n * fact(n - 1)


@functools.singledispatch
def describe(x):
    return "thing"


@describe.register
def _(x: int):
    return "int"


@describe.register(list)
def _(x):
    return "list"


@functools.total_ordering
class Version:
    def __init__(self, *parts):
        self.parts = parts

    def __eq__(self, other):
        return self.parts == other.parts

    def __lt__(self, other):
        return self.parts < other.parts


class Circle:
    def __init__(self, r):
        self.r = r

    @functools.cached_property
    def area(self):
        return 3.14159 * self.r * self.r


def product(xs):
    return functools.reduce(lambda a, b: a * b, xs, 1)


power_of_two = functools.partial(pow, 2)


# ---- enum ---------------------------------------------------------------------
class Color(enum.Enum):
    RED = enum.auto()
    GREEN = enum.auto()


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Perm(enum.Flag):
    R = enum.auto()
    W = enum.auto()
    X = enum.auto()


class Status(str, enum.Enum):
    OK = "ok"
    BAD = "bad"


Animal = enum.Enum("Animal", "ANT BEE CAT")


@enum.unique
class Weekday(enum.Enum):
    MON = 1
    TUE = 2


# ---- collections, abc, copy ------------------------------------------------------------
Card = collections.namedtuple("Card", ["rank", "suit"], defaults=["spades"])


class Base(abc.ABC):
    @abc.abstractmethod
    def run(self):
        ...


class Impl(Base):
    def run(self):
        return "ran"


def word_counts(text):
    return collections.Counter(re.findall(r"[a-z']+", text.lower())).most_common(3)


def deep_copy_check():
    a = {"x": [1, 2, {"y": Point(1, 2)}], "acct": Account("a")}
    b = copy.deepcopy(a)
    b["x"][2]["y"] = Point(3, 4)
    return a["x"][2]["y"] == Point(1, 2) and copy.copy(a) is not a


# ---- concurrency ------------------------------------------------------------------------
def square(x):
    return x * x


def fails(x):
    raise KeyError(x)


def threads_sum(n):
    total = [0]
    lock = threading.Lock()
    done = threading.Event()

    def work(k):
        with lock:
            total[0] += k

    ts = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    done.set()
    cond = threading.Condition()
    with cond:
        cond.notify_all()
    local = threading.local()
    local.x = 1
    return total[0]


def thread_pool(xs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
        out = list(ex.map(square, xs))
        futs = [ex.submit(square, x) for x in xs]
        out2 = sorted(f.result() for f in concurrent.futures.as_completed(futs))
        try:
            ex.submit(fails, 1).result()
        except KeyError:
            pass
    return out, out2


def process_pool(xs):
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as ex:
        out = list(ex.map(square, xs))
        try:
            ex.submit(fails, 2).result()
            raised = False
        except KeyError:
            raised = True
    return out, raised


def mp_pool(xs):
    with multiprocessing.Pool(2) as pool:
        out = pool.map(square, xs)
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=q.put, args=(42,))
    p.start()
    got = q.get(timeout=10)
    p.join()
    return out, got, p.exitcode


async def fetch(i, delay=0.001):
    await asyncio.sleep(delay)
    return i * 2


async def producer_consumer(n):
    q = asyncio.Queue()
    results = []

    async def consumer():
        while True:
            item = await q.get()
            if item is None:
                q.task_done()
                break
            results.append(item)
            q.task_done()

    task = asyncio.create_task(consumer())
    for i in range(n):
        await q.put(i)
    await q.put(None)
    await q.join()
    await task
    return results


async def async_main():
    got = await asyncio.gather(*(fetch(i) for i in range(5)))
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.01)
        timed_out = False
    except asyncio.TimeoutError:
        timed_out = True
    try:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(10)
    except TimeoutError:
        timed_out = timed_out and True
    sem = asyncio.Semaphore(2)
    async with sem:
        pass
    pc = await producer_consumer(4)
    t = asyncio.create_task(fetch(7))
    repr(t)
    results = await asyncio.gather(fetch(1), asyncio.sleep(0), return_exceptions=True)
    ev = asyncio.Event()
    ev.set()
    await ev.wait()
    loop = asyncio.get_running_loop()
    in_thread = await loop.run_in_executor(None, square, 6)
    await asyncio.to_thread(square, 2)
    async with asyncio.TaskGroup() as tg:
        t2 = tg.create_task(fetch(3))
    return got, timed_out, pc, await t, results, in_thread, t2.result()


def run_async():
    return asyncio.run(async_main())


async def agen(n):
    for i in range(n):
        yield i


async def collect_agen():
    return [x async for x in agen(3)]


# ---- logging, traceback, warnings, contextlib ---------------------------------------------
def _log_for_caller(logger):
    logger.warning("from helper", stacklevel=2)


def log_things():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(funcName)s:%(lineno)d %(message)s"))
    logger = logging.getLogger("solution.things")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.debug("debug %d", 1)
    logger.warning("careful")
    try:
        {}["missing"]
    except KeyError:
        logger.exception("lookup failed")
    logger.error("with info", exc_info=True)
    _log_for_caller(logger)
    logger.info("with stack", stack_info=True)
    logging.getLogger().info("root")
    logging.info("module-level")
    logger.removeHandler(handler)
    return stream.getvalue()


def tracebacks():
    try:
        1 / 0
    except ZeroDivisionError:
        buf = io.StringIO()
        traceback.print_exc(file=buf)
        text = traceback.format_exc()
        exc = sys.exc_info()[1]
        te = traceback.TracebackException.from_exception(exc)
        lines = list(te.format())
        summary = traceback.extract_tb(exc.__traceback__)
        formatted = traceback.format_exception(exc)
        buf2 = io.StringIO()
        traceback.print_exception(exc, file=buf2)
    return buf.getvalue(), text, lines, [s.name for s in summary], formatted, buf2.getvalue()


def warn_things():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("old api", DeprecationWarning)
        warnings.warn("careful", stacklevel=2)
    warnings.warn("seen by pytest", UserWarning)
    return [str(w.message) for w in caught]


@contextlib.contextmanager
def opened(items):
    items.append("open")
    try:
        yield items
    finally:
        items.append("closed")


def contexts():
    items = []
    with opened(items):
        pass
    with contextlib.suppress(KeyError):
        {}["x"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print("hello")
    with contextlib.ExitStack() as stack:
        stack.callback(items.append, "callback")
        stack.enter_context(opened(items))
    with contextlib.nullcontext(5) as five:
        pass
    try:
        with opened(items):
            raise ValueError("inside")
    except ValueError:
        pass
    return items, out.getvalue(), five


# ---- itertools, re, json, decimal, fractions -------------------------------------------------
def iter_things():
    return (
        list(itertools.permutations("abc", 2))[:3],
        [(k, len(list(g))) for k, g in itertools.groupby("aaabbc")],
        list(itertools.accumulate([1, 2, 3])),
        list(itertools.islice(itertools.count(), 3)),
        list(itertools.chain.from_iterable([[1], [2, 3]])),
        list(itertools.product([0, 1], repeat=2)),
        list(itertools.pairwise([1, 2, 3])),
    )


def parse(text):
    m = re.compile(r"(?P<key>\w+)=(?P<val>\d+)").findall(text)
    data = json.loads(json.dumps({k: int(v) for k, v in m}, sort_keys=True))
    d = decimal.Decimal("0.1") + decimal.Decimal("0.2")
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        third = decimal.Decimal(1) / decimal.Decimal(3)
    f = fractions.Fraction(1, 3) + fractions.Fraction(1, 6)
    return data, str(d), str(third), f


def introspect(fn):
    src = inspect.getsource(fn)
    lines, start = inspect.getsourcelines(fn)
    assert "def" in src and start > 0 and inspect.getfile(fn).endswith("solution.py")
    sig = inspect.signature(fn)
    inner = getattr(fn, "__wrapped__", fn)
    assert inner.__code__.co_varnames[:2] == ("a", "b")  # a decorator's look at its own function's code
    return list(sig.parameters), inspect.isfunction(fn), inspect.iscoroutinefunction(fetch), \
        asyncio.iscoroutinefunction(fetch), inspect.getdoc(add), callable(fn)


# ---- numpy / pandas ---------------------------------------------------------------------------
def numpy_things():
    a = np.arange(12, dtype=float).reshape(3, 4)
    b = np.sqrt(a) * 2 + 1
    c = a @ a.T
    rng = np.random.default_rng(0)
    r = rng.normal(size=5)
    mask = a > 5
    inv = np.linalg.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    with np.errstate(divide="ignore"):
        d = np.array([1.0, 0.0]) / np.array([0.0, 1.0])
    s = np.sort(np.array([3, 1, 2]))
    u, counts = np.unique(np.array([1, 1, 2]), return_counts=True)
    return float(b.sum()), c.shape, len(r), int(mask.sum()), float(inv[1, 1]), bool(np.isinf(d[0])), \
        s.tolist(), counts.tolist(), np.mean(a, axis=0).tolist(), a.dtype.name


def pandas_things(csv_path):
    with open(csv_path, "w") as f:
        f.write("team,player,points,when\nA,x,10,2024-01-01\nA,y,20,2024-01-02\nB,z,5,2024-01-03\n")
    df = pd.read_csv(csv_path, parse_dates=["when"])
    by_team = df.groupby("team")["points"].agg(["sum", "mean", "count"])
    df["double"] = df["points"] * 2
    df2 = df.merge(pd.DataFrame({"team": ["A", "B"], "city": ["P", "Q"]}), on="team")
    pivot = df.pivot_table(index="team", values="points", aggfunc="sum")
    s = pd.Series([1, 2, None]).fillna(0)
    top = df.sort_values("points", ascending=False).head(1)["player"].iloc[0]
    mean_all = df.groupby("team").mean(numeric_only=True)
    applied = df.apply(lambda row: row["points"] + 1, axis=1).tolist()
    out = io.StringIO()
    df.to_csv(out, index=False)
    return by_team.to_dict(), df2["city"].tolist(), pivot["points"].to_dict(), s.tolist(), top, \
        mean_all["points"].to_dict(), applied, len(out.getvalue()), str(df["when"].dt.year.tolist())


def pandas_query():
    df = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    limit = 1
    q = df.query("a > @limit and b < 6")
    e = df.eval("c = a + b")
    return q["a"].tolist(), e["c"].tolist(), float(pd.eval("df.a.sum() * 2"))


def pandas_chained_assignment():
    # (a slice assigned to: pandas asks the collector whether the frame it
    # came from is still referred to, gc.get_referents, and warns)
    df = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    s = df[df.a > 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s["c"] = s["a"] * 2
    return int(s["c"].sum())


def pandas_warns():
    df = pd.DataFrame({"a": ["x", "x", "y"], "b": [1, 2, 3], "c": ["p", "q", "r"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = df.groupby("a").sum()
    # pandas points its warnings at its caller's line (find_stack_level)
    return res["b"].to_dict(), [os.path.basename(w.filename) for w in caught]


def mocking():
    from unittest import mock
    m = mock.MagicMock(return_value=3)
    auto = mock.create_autospec(add, return_value=7)
    with mock.patch("json.dumps", return_value="patched"):
        patched = json.dumps({})
    with mock.patch.object(Circle, "area", new_callable=mock.PropertyMock, return_value=1.0):
        area = Circle(5).area
    am = mock.AsyncMock(return_value=5)
    # autospec reads the __code__ of what it specs: a library's function
    lib = mock.create_autospec(json.loads, return_value=9)
    with mock.patch.object(json, "dumps", autospec=True, return_value="spec") as dumps:
        spec = json.dumps([1], indent=2)
    return m(1), auto(1, 2), patched, area, asyncio.run(am()), m.call_count, lib("1"), spec, dumps.call_count


def raises_deep(n):
    if n == 0:
        raise RuntimeError("deep failure")
    return raises_deep(n - 1)


# ---- the interpreter printing a traceback while this file's frame runs -----
def unraisable_in_stdlib():
    """An at-fork callback of the stdlib's that raises: the interpreter
    prints it ("Exception ignored in") while os.fork's caller, this frame,
    is current, parsing pieces of json's lines for its carets (a fork bomb
    interrupted in logging's _releaseLock does the same)."""
    os.register_at_fork(after_in_parent=functools.partial(json.loads, "{"))
    # the interpreter's own printer, as during collection (pytest's
    # replaces it while a test runs)
    saved, sys.unraisablehook = sys.unraisablehook, sys.__unraisablehook__
    printed = io.StringIO()
    try:
        with contextlib.redirect_stderr(printed):
            pid = os.fork()
    finally:
        sys.unraisablehook = saved
    if pid == 0:
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), printed.getvalue()
