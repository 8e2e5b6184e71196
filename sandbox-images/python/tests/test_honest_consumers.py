"""Honest candidate code through the library paths the consumers serve
(tracebacks with limits, chained and grouped exceptions, logging's stack
info, namedtuple, enum, dataclasses, inspect, mock's autospec, asyncio's
reprs, generator states): nothing refused, nothing reported. Written by
the fifteenth attacker review, checking its own fixes' cost. (asyncio's
debug mode and doctest's runner are refused, as harness.py's
COMPATIBILITY section says: their functions stay in the solution, unused.)"""
from test_assay_audit import run

SOL = r'''
import traceback, logging, io, inspect, collections, enum, dataclasses, typing, asyncio, sys, itertools
import unittest.mock, functools, contextlib, warnings, doctest, linecache

def boom():
    raise ValueError("x")

def fmt_exc():
    try:
        boom()
    except ValueError:
        return traceback.format_exc()

def fmt_exc_limit():
    try:
        boom()
    except ValueError as e:
        a = traceback.format_exception(e, limit=-1)
        b = traceback.extract_tb(e.__traceback__, limit=1)
        c = list(traceback.TracebackException.from_exception(e, capture_locals=False).format())
        d = traceback.StackSummary.extract(traceback.walk_tb(e.__traceback__))
        return len(a) + len(b) + len(c) + len(d)

def chained():
    try:
        try:
            boom()
        except ValueError as e:
            raise KeyError("k") from e
    except KeyError:
        return traceback.format_exc()

def group():
    try:
        raise ExceptionGroup("g", [ValueError(1), TypeError(2)])
    except ExceptionGroup:
        return traceback.format_exc()

def log_stack():
    buf = io.StringIO()
    lg = logging.getLogger("cand")
    h = logging.StreamHandler(buf)
    lg.addHandler(h)
    lg.warning("hi", stack_info=True)
    try:
        boom()
    except ValueError:
        lg.exception("oops")
    lg.removeHandler(h)
    return buf.getvalue()

def creations():
    P = collections.namedtuple("P", "x y")
    C = enum.Enum("C", "RED GREEN")
    @dataclasses.dataclass
    class D:
        a: int = 1
    T = typing.NamedTuple("T", [("a", int)])
    TV = typing.TypeVar("TV")
    @typing.overload
    def f(x: int) -> int: ...
    def f(x): return x
    return P(1, 2).x + C.RED.value + D().a + T(1).a + f(0)

def add(a, b=2):
    """
    >>> add(1, 2)
    3
    """
    return a + b

def sig_and_source():
    s = str(inspect.signature(add))
    src = inspect.getsource(add)
    lines = inspect.getsourcelines(creations)
    cv = inspect.getclosurevars(add)
    return s, len(src), len(lines[0]), cv

def autospec():
    m = unittest.mock.create_autospec(add)
    m(1, 2)
    m2 = unittest.mock.Mock(spec=add)
    m3 = unittest.mock.MagicMock(spec=traceback.extract_tb)
    am = unittest.mock.AsyncMock()
    p = unittest.mock.patch("solution.boom", autospec=True)
    with p:
        boom()
    return m.call_count

async def coro():
    await asyncio.sleep(0)
    return 5

def aio():
    async def main():
        t = asyncio.ensure_future(coro())
        r = repr(t)
        r2 = repr(coro.__code__)
        c = coro(); rc = repr(c); c.close()
        return (await t), r
    return asyncio.run(main())

def aio_debug():
    async def main():
        t = asyncio.ensure_future(coro())
        repr(t)
        return await t
    return asyncio.run(main(), debug=True)

def gen_state():
    def g():
        yield 1
    x = g()
    a = inspect.getgeneratorstate(x)
    next(x)
    b = inspect.getgeneratorstate(x)
    return a, b

def ctxmgr():
    @contextlib.contextmanager
    def cm():
        try:
            yield 1
        except KeyError:
            pass
    with cm():
        raise KeyError
    with contextlib.suppress(ValueError):
        boom()
    return 1

def warn():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        warnings.warn("w", stacklevel=2)
    return len(w)

def doct():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for t in finder.find(sys.modules[__name__]):
        runner.run(t, out=lambda s: None)
    return runner.summarize(verbose=False)

def exc_print():
    buf = io.StringIO()
    try:
        boom()
    except ValueError:
        traceback.print_exc(file=buf)
        traceback.print_exception(*sys.exc_info(), file=buf)
    return buf.getvalue()

def singledispatch_():
    @functools.singledispatch
    def f(x): return 0
    @f.register
    def _(x: int): return 1
    return f(1)
'''

TESTS = r'''
import solution

def test_fmt_exc(): assert "ValueError" in solution.fmt_exc()
def test_fmt_exc_limit(): assert solution.fmt_exc_limit() > 0
def test_chained(): assert "KeyError" in solution.chained()
def test_group(): assert "ExceptionGroup" in solution.group()
def test_log_stack(): assert "Stack" in solution.log_stack()
def test_creations(): assert solution.creations() == 4
def test_sig(): assert solution.sig_and_source()
def test_autospec(): assert solution.autospec() == 1
def test_aio(): assert solution.aio()[0] == 5
def test_gen_state(): assert solution.gen_state() == ("GEN_CREATED", "GEN_SUSPENDED")
def test_ctx(): assert solution.ctxmgr() == 1
def test_warn(): assert solution.warn() == 1
def test_exc_print(): assert "ValueError" in solution.exc_print()
def test_sd(): assert solution.singledispatch_() == 1
'''


def test_honest_code_through_the_consumers(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS)
    bad = {n: o for n, o in r.outcomes().items() if o[0] != "passed"}
    assert r.seen == [] and not bad, (r.seen, bad, r.output[-6000:])


CLEANUP_TESTS = r'''
import collections, contextlib, fileinput, os, pathlib, tempfile
import solution

HERE = os.path.dirname(os.path.abspath(__file__))


def test_wrong_answer_in_with_blocks():
    # the candidate is wrong: each block unwinds through its __exit__,
    # which removes a file the test made under tests/
    try:
        with tempfile.TemporaryDirectory(dir=HERE) as d:
            assert solution.add(1, 1) == 3
    except AssertionError:
        pass
    try:
        with tempfile.NamedTemporaryFile("w", dir=HERE) as f:
            assert solution.add(1, 1) == 3
    except AssertionError:
        pass
    p = os.path.join(HERE, "es")
    open(p, "w").close()
    try:
        with contextlib.ExitStack() as st:
            st.callback(os.remove, p)
            assert solution.add(1, 1) == 3
    except AssertionError:
        pass
    assert not os.path.exists(p)


def test_removal_through_c_iteration():
    paths = [os.path.join(HERE, n) for n in ("o1", "o2", "o3")]
    for p in paths:
        open(p, "w").close()
    list(map(os.remove, paths[:1]))
    any(map(os.remove, paths[1:2]))
    collections.deque(map(os.unlink, paths[2:]), maxlen=0)
    assert not any(os.path.exists(p) for p in paths)


def test_fileinput_in_place(tmp_path):
    # (under tests/ a for loop's library __next__ that renames and writes
    # there is refused: see test_fileinput_in_place_under_tests_is_refused)
    p = tmp_path / "fi.txt"
    p.write_text("a\nb\n")
    for line in fileinput.input([str(p)], inplace=True):
        print(line.upper(), end="")
    assert p.read_text() == "A\nB\n"


class Scratch:
    def __init__(self, name):
        self.p = os.path.join(HERE, name)
        open(self.p, "w").close()

    def __del__(self):
        os.remove(self.p)


def test_finalizers_remove_the_tests_own_files():
    t = Scratch("dd")
    p = t.p
    del t
    assert not os.path.exists(p)
    f = tempfile.NamedTemporaryFile(dir=HERE)
    f.write(b"x")
    name = f.name
    f = None
    assert not os.path.exists(name)
'''


def test_honest_cleanup_under_tests(tmp_path):
    # (the nineteenth review, of the checks for C slots with no candidate
    # frame below: each of these was refused and reported, a failing
    # candidate's run made `tampered`)
    r = run(tmp_path, solution="def add(a, b):\n    return a + b\n", tests=CLEANUP_TESTS)
    assert r.seen == [], r.seen
    assert r.outcomes() and all(o[0] == "passed" for o in r.outcomes().values()), r.outcomes()


FILEINPUT_UNDER_TESTS = '''import fileinput, os, pathlib

HERE = os.path.dirname(os.path.abspath(__file__))


def test_fileinput_in_place():
    p = pathlib.Path(HERE, "fi.txt")
    p.write_text("a\\nb\\n")
    for line in fileinput.input([str(p)], inplace=True):
        print(line.upper(), end="")
    assert p.read_text() == "A\\nB\\n"
'''


def test_fileinput_in_place_under_tests_is_refused(tmp_path):
    # A for loop's (a with statement's, a finalizer's) library method may
    # only remove, under tests/, what trusted code created in this run:
    # the candidate's object can stand where the iterator is (a twentieth
    # review: fileinput in place over a hidden module). A test editing its
    # own files there in place is refused as well, whatever the candidate
    # answers, so `assay challenges check` shows it to the author.
    r = run(tmp_path, solution="def add(a, b):\n    return a + b\n", tests=FILEINPUT_UNDER_TESTS)
    assert any(s.startswith("os.rename on ") and "fileinput.py" in s for s in r.seen), r.seen
    assert r.outcomes()["test_fileinput_in_place"][0] == "failure", r.outcomes()
