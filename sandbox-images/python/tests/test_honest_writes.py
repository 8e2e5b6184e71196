"""Honest challenge tests writing under tests/ through the stdlib and the
installed packages (a twenty-first review, of the checks for C slots
with no candidate frame below): nothing refused but the few that
docs/SECURITY.md lists as refused (KNOWN), which still are."""
import os
from test_assay_audit import run

HERE = os.path.dirname(os.path.abspath(__file__))
SOL = "def add(a, b):\n    return a + b\n"


def load(name):
    with open(os.path.join(HERE, "audit_data", "honest_writes", name)) as f:
        return f.read()


# Refused, and listed so in docs/SECURITY.md: a thread pool's or a
# finalizer's work is a trampoline's (what runs there was handed to it),
# and numpy's dispatchers run code under a file name no library has.
KNOWN = {"test_thread_pool", "test_weakref_finalize_and_atexit", "test_numpy", "test_numpy_text"}


def check(tmp_path, tests, solution=SOL, **kw):
    r = run(tmp_path, solution=solution, tests=tests, **kw)
    bad = {n: o for n, o in r.outcomes().items() if o[0] != "passed"}
    print("SEEN", r.seen)
    for n, o in bad.items():
        print("BAD", n, o[1][-1500:])
    assert r.outcomes() and set(bad) <= KNOWN, (r.seen, list(bad))
    if not bad:
        assert r.seen == [], r.seen
    return r


def test_batch1(tmp_path):
    check(tmp_path, load("batch1.py"))


def test_p1(tmp_path):
    check(tmp_path, load("p1.py"))


def test_p2(tmp_path):
    check(tmp_path, load("p2.py"), files={"tests/data.json": '{"a": 1}'})


def test_p3(tmp_path):
    check(tmp_path, load("p3.py"), files={"tests/data.json": '{"a": 1}'})


def test_p4(tmp_path):
    check(tmp_path, load("p4.py"), files={"tests/data.json": '{"a": 1}'})


def test_p5(tmp_path):
    import numpy, io
    buf = io.BytesIO(); numpy.save(buf, numpy.arange(3))
    (tmp_path / "work" / "tests").mkdir(parents=True)
    (tmp_path / "work" / "tests" / "pre.npy").write_bytes(buf.getvalue())
    check(tmp_path, load("p5.py"), files={"tests/in.csv": "a\n1\n2\n"})


def test_candidate_scientific(tmp_path):
    check(tmp_path, load("t_sci.py"), solution=load("sol_sci.py"))


def test_p6(tmp_path):
    check(tmp_path, load("p6.py"))
