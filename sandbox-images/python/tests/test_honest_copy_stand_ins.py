"""Honest candidate code copying data that holds os.open (an `opener=`
for open(), a dataclass field): copy.deepcopy, copy.copy and
dataclasses.asdict (which deep-copies every leaf) worked with the builtin
and with the stand-in as a plain function (both are atomic to the copy
module). The stand-in is now types.MethodType(_sealed_call, (lock, send)),
and copy treats a bound method as (func, deepcopy(__self__)): the lock in
the pair cannot be copied ("TypeError: cannot pickle '_thread.lock'
object"); copy.copy reduces a method to getattr(__self__, __func__.__name__),
i.e. getattr((lock, send), "_sealed_call"): AttributeError.

Now the pair is (lock.acquire, lock.release, send): builtin methods are
atomic to copy, so deepcopy gives back a stand-in over the very same pair.
copy.copy of the stand-in itself still fails (and pickle, as before)."""
from test_assay_audit import run

SOL = r'''
import copy, dataclasses, functools, os, typing

@dataclasses.dataclass
class Store:
    path: str
    opener: typing.Callable = os.open
    retries: int = 2

def store_as_dict():
    d = dataclasses.asdict(Store("data.txt"))
    return d["path"], d["retries"], d["opener"] == os.open

def deep_copied_config():
    cfg = {"opener": os.open, "modes": [0o644]}
    c = copy.deepcopy(cfg)
    fd = c["opener"]("out.txt", os.O_WRONLY | os.O_CREAT, c["modes"][0])
    os.close(fd)
    return c["opener"] == os.open

def deep_copied_partial():
    p = functools.partial(os.open, flags=os.O_RDONLY)
    q = copy.deepcopy(p)
    return q.func == os.open

# (not copy.copy(os.open) itself: copy reduces a bound method to getattr of
# its self, the stand-in's tuple, and fails; a shallow copy of what holds
# it keeps the same object)
def shallow_copied():
    s = copy.copy(Store("data.txt"))
    return s.opener is os.open
'''

TESTS = r'''
import solution

def test_asdict():
    assert solution.store_as_dict() == ("data.txt", 2, True)

def test_deepcopy_dict():
    assert solution.deep_copied_config() is True

def test_deepcopy_partial():
    assert solution.deep_copied_partial() is True

def test_copy():
    assert solution.shallow_copied() is True
'''


def test_copying_data_that_holds_os_open(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS)
    bad = {n: o[1].strip().splitlines()[-1:] for n, o in r.outcomes().items() if o[0] != "passed"}
    assert not bad and r.seen == [], (bad, r.seen)


SIGNATURE_SOL = r'''
import inspect, os
from unittest import mock


def opener_params():
    return list(inspect.signature(os.open).parameters)


def autospec_open():
    with mock.patch("os.open", autospec=True) as m:
        m.return_value = 7
        return os.open("x", os.O_RDONLY)
'''

SIGNATURE_TESTS = r'''
import solution

def test_signature():
    assert solution.opener_params() == ["args", "kwargs"]

def test_autospec():
    assert solution.autospec_open() == 7
'''


def test_introspecting_a_stand_in(tmp_path):
    # (inspect.signature reads the stand-in's function's __defaults__: the
    # hook refused it as an Assay function's, a finding, before)
    r = run(tmp_path, solution=SIGNATURE_SOL, tests=SIGNATURE_TESTS)
    bad = {n: o[1].strip().splitlines()[-1:] for n, o in r.outcomes().items() if o[0] != "passed"}
    assert not bad and r.seen == [], (bad, r.seen)
