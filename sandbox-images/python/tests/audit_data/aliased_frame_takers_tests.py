"""Honest tests (trusted code, no candidate frame) that call a frame-taking
function under another name: the caller must name it, or hold it."""
import sys, functools
from inspect import currentframe as here
import solution

def _caller_name(depth=1):
    return sys._getframe(depth + 1).f_code.co_name
caller_name = _caller_name

def test_alias():
    assert here() is not None
    assert solution.add(1, 2) == 3

def test_helper_alias():
    assert caller_name(0) == "test_helper_alias"

def test_partial():
    assert functools.partial(_caller_name, 0)() == "test_partial"


from sys import _getframe as here_getframe


def test_alias_getframe():
    assert here_getframe(0).f_code.co_name == "test_alias_getframe"
    assert solution.add(1, 2) == 3


def test_local_alias():
    g = sys._getframe
    assert g(0).f_lineno > 0


def test_direct_getframe():
    assert sys._getframe(0).f_code.co_name == "test_direct_getframe"


def test_code_via_attrgetter():
    import operator
    get = operator.attrgetter("__code__")
    assert get(test_local_alias).co_name == "test_local_alias"
