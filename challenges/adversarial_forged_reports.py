"""Assay's adversarial solution "forged_reports".

`assay challenges check` writes this file as every entry file of a
challenge (solution.py, ...) and runs the challenge's tests against it: it
must not pass. It computes nothing: whatever a test imports from it (PEP
562's module __getattr__) raises NotImplementedError when called. Instead
it turns every test's failure into a pass, through pytest's own machinery
as a candidate's code can reach it without an audited event: while a
challenge's conftest.py imports it, it puts a hook wrapper that rewrites
each test's report into that conftest's namespace, which pytest then
registers as the conftest's own; and it rebinds every name of Assay's guard
module to a function that finds nothing.

Against it: the guard (a hook implementation from untrusted code, checked
with functions bound when the guard loaded, not through its module's
names) and the canaries (each passes beside its twin). A challenge whose
conftest does not import the solution gives it no way in: its tests fail.
"""

import sys

import pytest


def _unimplemented(name):
    def call(*args, **kwargs):
        raise NotImplementedError(name)
    call.__name__ = call.__qualname__ = name
    return call


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _unimplemented(name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        rep.outcome, rep.longrepr = "passed", None


for _mod in list(sys.modules.values()):
    if (getattr(_mod, "__file__", "") or "").endswith("conftest.py") and "/tests/" in (getattr(_mod, "__file__", "") or ""):
        _mod.pytest_runtest_makereport = pytest_runtest_makereport
del pytest_runtest_makereport

_guard = sys.modules.get("assay" + "_guard")
if _guard is not None:
    for _name in list(vars(_guard)):
        if _name.startswith("_") and not _name.startswith("__") and callable(getattr(_guard, _name)):
            setattr(_guard, _name, lambda *a, **k: [])
