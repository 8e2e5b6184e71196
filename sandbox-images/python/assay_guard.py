"""Assay's pytest guard plugin, loaded with -p before any test or candidate code.

Code that runs in the same interpreter as pytest can change how pytest
reports: this plugin cannot prevent that, but it detects the direct ways.
At load it records the identity of the functions pytest's outcome and report
depend on, and at the end of the session it checks that none was replaced
and that no plugin was registered besides the challenge's own conftest
files. It reports to the harness over an inherited pipe, with a token the
harness sent over another pipe that is read and closed here before any
candidate code runs.
"""

import json
import linecache
import os
import sys
import time
import types

import _pytest.junitxml
import _pytest.main
import _pytest.outcomes
import _pytest.python
import _pytest.reports
import _pytest.runner
import _pytest.skipping
import _pytest.terminal
import pluggy
import pytest

# The challenge's own conftest files: the only plugins pytest may register
# once the session has started.
_CONFTESTS = frozenset(json.loads(os.environ.pop("ASSAY_GUARD_CONFTESTS", "[]")))
# Where trusted code lives (the audit hook's list): a hook implementation
# or a test function whose code comes from elsewhere is the candidate's.
_TRUSTED = tuple(d.rstrip("/") + "/" for d in json.loads(os.environ.get("ASSAY_AUDIT", "{}")).get("trusted", []))
_token_fd = int(os.environ.pop("ASSAY_GUARD_TOKEN_FD"))

# (owner, attribute) pairs whose replacement changes what pytest reports.
_WATCHED = (
    (_pytest.runner, "call_and_report"),
    (_pytest.runner, "runtestprotocol"),
    (_pytest.runner, "call_runtest_hook"),
    (_pytest.runner, "pytest_runtest_makereport"),
    (_pytest.runner, "check_interactive_exception"),
    (_pytest.runner.CallInfo, "from_call"),
    (_pytest.reports.TestReport, "from_item_and_call"),
    (_pytest.reports.TestReport, "__init__"),
    (_pytest.reports.BaseReport, "passed"),
    (_pytest.reports.BaseReport, "failed"),
    (_pytest.reports.BaseReport, "skipped"),
    (_pytest.junitxml.LogXML, "pytest_runtest_logreport"),
    (_pytest.junitxml.LogXML, "pytest_sessionfinish"),
    (_pytest.junitxml.LogXML, "finalize"),
    (_pytest.junitxml._NodeReporter, "append_failure"),
    (_pytest.junitxml._NodeReporter, "append_error"),
    (_pytest.junitxml._NodeReporter, "append_skipped"),
    (_pytest.junitxml._NodeReporter, "to_xml"),
    (_pytest.junitxml._NodeReporter, "_add_simple"),
    (_pytest.python, "pytest_pyfunc_call"),
    (_pytest.python.Function, "runtest"),
    (_pytest.main, "pytest_runtestloop"),
    (_pytest.main.Session, "perform_collect"),
    (_pytest.skipping, "pytest_runtest_makereport"),
    (_pytest.terminal.TerminalReporter, "pytest_runtest_logreport"),
    (_pytest.outcomes, "skip"),
    (_pytest.outcomes, "fail"),
    (_pytest.outcomes, "xfail"),
    (pytest, "skip"),
    (pytest, "fail"),
    (pluggy.PluginManager, "register"),
    (pluggy.PluginManager, "_hookexec"),
    (sys, "excepthook"),
    # where test files' lines would be kept (see _updatecache)
    (linecache, "updatecache"),
    (linecache, "getlines"),
    (linecache, "cache"),
)


# The challenge's tests (pytest runs in the work directory: /work/tests/).
_TESTS = os.path.join(os.path.realpath(os.getcwd()), "tests", "")


def _under_tests(filename, _tests=_TESTS, _type=type, _issubclass=issubclass, _str=str, _str_str=str.__str__):
    # Every spelling ("/work/./tests", a relative name, /proc/self/cwd):
    # resolved. A plain absolute path without "tests" in it cannot lead
    # there (the audit hook refuses links to the tests), and is most of
    # them: no lookup for those.
    if not _issubclass(_type(filename), _str):
        return False
    # (its value, not a subclass's own startswith or rpartition: a
    # thirty-eighth review's lying file name)
    filename = _str_str(filename)
    if filename.startswith(_tests):
        return True
    if filename[:1] == "/" and "tests" not in filename and "/proc" not in filename \
            and "/." not in filename and "//" not in filename:
        return False
    if filename.rpartition("/")[2][:1] == "<":
        return False  # "<attrs generated ...>", "<string>": no test file is named so
    try:
        return os.path.realpath(os.path.abspath(filename)).startswith(_tests) or filename.startswith(_tests)
    except (OSError, ValueError):
        return True


class _LineCache(dict):
    """linecache's cache, which never keeps a test file's lines, whoever
    stores them (pytest's report through linecache, or linecache's own
    reader called by a callback the candidate's code left)."""

    def __setitem__(self, key, value, _under=_under_tests, _set=dict.__setitem__):
        if not _under(key):
            _set(self, key, value)


linecache.cache = _LineCache({k: v for k, v in linecache.cache.items() if not _under_tests(k)})


def _updatecache(filename, module_globals=None, _read=linecache.updatecache, _tests=_TESTS):
    # Formatting a failure reads the test's file through linecache, whose
    # plain dict the candidate's code reads without an audited event, and
    # pytest then calls the candidate's own code (str() of its exception)
    # while the lines are there: a test file's lines are handed to pytest
    # and never kept.
    # (_tests is bound here, not read from the module's globals, which the
    # candidate's code could change; the audit hook refuses changing the
    # defaults of Assay's functions)
    lines = _read(filename, module_globals)
    if isinstance(filename, str) and (filename.startswith(_tests) or _under_tests(filename)):
        linecache.cache.pop(filename, None)
    return lines


linecache.updatecache = _updatecache


# pluggy's hook caller class (its name changed in pluggy 1.1): its method
# is taken now, so that one set on the class later does not reach the guard.
_HOOK_CALLER = getattr(pluggy, "HookCaller", None) or pluggy._hooks._HookCaller
_HOOK_RELAY = getattr(pluggy, "HookRelay", None) or pluggy._hooks._HookRelay


def _identity(_watched=_WATCHED, _id=id, _getattr=getattr):
    out = {}
    for owner, name in _watched:
        out["%s.%s" % (_getattr(owner, "__name__", owner), name)] = _id(owner.__dict__.get(name, _getattr(owner, name, None)))
    return out


# The guard's record of the session and the pipe it reports on, with the
# token that proves its message. Any code in this process can rebind a
# module's names (the candidate's code once replaced the check below with
# one that finds nothing, and read the token), so they are kept only in
# the default arguments of the functions that use them, bound as each is
# defined, as are the builtins and functions those call: the audit hook
# refuses the candidate's code reading or setting the defaults of Assay's
# functions. (A caller could pass its own: the hooks refuse to run under
# the candidate's code, below.) The names are deleted at the end of this
# module.
_S = {
    "token": os.read(_token_fd, 256).decode(),
    "out": int(os.environ.pop("ASSAY_GUARD_OUT_FD")),
    "base": _identity(),
    "modules": {name: id(mod) for name, mod in sys.modules.items() if name.startswith(("_pytest", "pytest", "pluggy"))},
    "start": None,
    "tally": {"passed": 0, "failed": 0, "skipped": 0},
    "found": [],
    # Each collected test's function, as collection found it (kept alive,
    # so that an id is never reused), by node id.
    "tests": {},
    # Each test's call phase in nanoseconds (the monotonic performance
    # counter), by node id, and the node ids whose call did not pass. For
    # interviewers only, never evidence: code in this process can change
    # them.
    "durations": {},
    "not_passed": [],
}
os.close(_token_fd)
# At most this many durations in the message, and ids of at most this
# many bytes in all (a suite has far fewer tests): the harness reads the
# guard's pipe up to 1 MiB, and a message cut there would read as no
# guard report at all.
_MAX_DURATIONS = 4096
_MAX_TIMING_BYTES = 256 << 10


# Exact types: an object of the candidate's can claim a __code__ or a
# __func__ of any file (a class attribute), a function or a bound method
# cannot (their types are built in, and their attributes with them).
_FUNCTION = types.FunctionType


def _function(obj, _type=type, _method=types.MethodType):
    return obj.__func__ if _type(obj) is _method else obj


def _trusted_code(fn, _trusted=_TRUSTED, _type=type, _function_type=_FUNCTION, _function=_function,
                  _str=str, _startswith=str.startswith):
    fn = _function(fn)  # (a plugin object's hooks are its bound methods)
    if _type(fn) is not _function_type:
        return False
    # (an exact str: compile() keeps a str subclass as the file name, whose
    # own startswith says what it likes, a thirty-eighth review)
    name = fn.__code__.co_filename
    return _type(name) is _str and _startswith(name, _trusted)


def _foreign_hooks(pm, _trusted_code=_trusted_code, _function=_function, _function_type=_FUNCTION, _vars=vars,
                   _list=list, _type=type, _isinstance=isinstance, _hook_caller=_HOOK_CALLER,
                   _get_hookimpls=_HOOK_CALLER.get_hookimpls, _hook_relay=_HOOK_RELAY):
    """Hook implementations whose code is not trusted code's: one the
    candidate's code put in a plugin's namespace (a conftest's, as it
    imported the solution) runs as pytest's own would."""
    out = []
    if _type(pm.hook) is not _hook_relay:
        # (a stand-in that hides the hook callers from vars())
        return ["the plugin manager's hooks were replaced (%s)" % _type(pm.hook).__name__]
    for name, caller in _list(_vars(pm.hook).items()):
        if not _isinstance(caller, _hook_caller):
            continue
        for impl in _get_hookimpls(caller):
            if not _trusted_code(impl.function):
                fn = _function(impl.function)
                where = fn.__code__.co_filename if _type(fn) is _function_type else _type(fn).__name__
                out.append("a hook implementation of %s comes from untrusted code (%s)" % (name, where))
    return out


# Only pytest calls the guard's hooks, never with the candidate's code on
# the stack below: each of those that keeps or sends the record starts by
# reading a frame, `(_ for _ in ()).gi_frame`, an audited read made of
# syntax alone (no name a caller could pass or rebind), which the audit
# hook refuses and reports as the candidate's doing when a candidate frame
# is below (code that calls a hook itself, directly with its own default
# arguments to learn the token, or through pluggy with forged reports or
# an early unconfigure). With nothing of the candidate's below, it reads
# the frame of a generator that never ran.


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session, _s=_S, _id=id, _get_plugins=pluggy.PluginManager.get_plugins):
    (_ for _ in ()).gi_frame
    # trylast: after pytest's own plugins have registered theirs.
    if _s["start"] is not None:
        _s["found"].append("the session started twice")
    _s["start"] = {_id(p) for p in _get_plugins(session.config.pluginmanager)}


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item, _s=_S, _function=_function, _getattr=getattr):
    (_ for _ in ()).gi_frame
    if item.nodeid in _s["tests"]:
        _s["found"].append("test %s was collected twice" % item.nodeid)
    _s["tests"][item.nodeid] = _function(_getattr(item, "obj", None))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session, _s=_S, _foreign_hooks=_foreign_hooks):
    (_ for _ in ()).gi_frame
    _s["found"].extend(_foreign_hooks(session.config.pluginmanager))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem, _s=_S, _function=_function, _trusted_code=_trusted_code):
    (_ for _ in ()).gi_frame
    # Right before pytest calls the test: it must be the function that
    # collection found, from the challenge's tests.
    fn = _function(pyfuncitem.obj)
    if fn is not _s["tests"].get(pyfuncitem.nodeid) or not _trusted_code(fn):
        _s["found"].append("the function of test %s was replaced before it ran" % pyfuncitem.nodeid)


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_call(item, _clock=time.perf_counter_ns, _durations=_S["durations"]):
    # The innermost wrapper of the call phase: what it measures is the test
    # function's call (its fixtures were made in setup), not the other
    # plugins' wrappers. perf_counter_ns is CLOCK_MONOTONIC, in nanoseconds,
    # bound here so that a later change to the time module does not reach it.
    start = _clock()
    yield
    _durations[item.nodeid] = _clock() - start


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report, _s=_S, _type=type, _str=str):
    when, outcome = report.when, report.outcome
    if _type(when) is _str and _type(outcome) is _str and when != "call" and outcome == "passed":
        # A passed setup or teardown: nothing kept, no check needed (plain
        # strings: one that compares as it likes could pass for "setup"
        # here and "call" in the JUnit writer, an attacker's review found).
        return
    (_ for _ in ()).gi_frame
    _s["tally"][outcome] = _s["tally"].get(outcome, 0) + 1
    if when == "call" and outcome != "passed":
        _s["not_passed"].append(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_runtest_logfinish(nodeid, location, _tests=_TESTS, _under_tests=_under_tests, _list=list, _isinstance=isinstance, _str=str):
    # Formatting a failure reads the test's module into linecache's plain
    # dict, where the next test's candidate code could read what the tests
    # expect without any audited event: dropped once the report is made.
    for path in [p for p in _list(linecache.cache) if _isinstance(p, _str) and (p.startswith(_tests) or _under_tests(p))]:
        linecache.cache.pop(path, None)


def _findings(config, _s=_S, _foreign_hooks=_foreign_hooks, _identity=_identity, _conftests=_CONFTESTS,
              _modules=sys.modules, _list=list, _id=id, _getattr=getattr, _type=type, _any=any,
              _get_plugins=pluggy.PluginManager.get_plugins, _get_plugin=pluggy.PluginManager.get_plugin):
    (_ for _ in ()).gi_frame
    pm = config.pluginmanager
    found = _list(_s["found"]) + _foreign_hooks(pm)
    now = _identity()
    for name, ident in _s["base"].items():
        if now.get(name) != ident:
            found.append("pytest's %s was replaced" % name)
    for name, ident in _s["modules"].items():
        if _id(_modules.get(name)) != ident:
            found.append("module %s was replaced" % name)
    if _s["start"] is not None:
        for p in _get_plugins(pm):
            if _id(p) in _s["start"]:
                continue
            if _any(p is _get_plugin(pm, c) for c in _conftests):
                continue  # the challenge's own conftest files, by the name pytest gave them
            found.append("a plugin was registered during the run (%s)" % (_getattr(p, "__name__", None) or _type(p).__name__))
    return found


def _scalar(obj, _type=type, _str=str, _int=int, _bool=bool, _quote=json.encoder.encode_basestring_ascii):
    t = _type(obj)
    if t is _str:
        return _quote(obj)
    if t is _bool:
        return "true" if obj else "false"
    if t is _int:
        return "%d" % obj
    return "null"  # nothing the guard sends; never a call into the object


def _encode(obj, _scalar=_scalar, _type=type, _list=list, _tuple=tuple, _dict=dict, _join=", ".join):
    """JSON of the guard's message (a dict of strings, and of lists and dicts
    of them), made with nothing looked up at call time: json.dumps reads the
    json module's names (its default encoder) when called, which any code
    can rebind."""
    def one(x):
        t = _type(x)
        if t is _list or t is _tuple:
            return "[" + _join([_scalar(y) for y in x]) + "]"
        if t is _dict:
            return "{" + _join([_scalar(k) + ": " + _scalar(v) for k, v in x.items()]) + "}"
        return _scalar(x)
    if _type(obj) is not _dict:
        return _scalar(obj)
    return "{" + _join([_scalar(k) + ": " + one(v) for k, v in obj.items()]) + "}"


def _report_id(nodeid, _mangle=_pytest.junitxml.mangle_test_address):
    """A node id as the JUnit report names the test (classname::name,
    tests.visible.test_x.TestC::test_y[1]), the id the grader knows."""
    names = _mangle(nodeid)
    return ".".join(names[:-1]) + "::" + names[-1]


def _timings(_s=_S, _report_id=_report_id, _list=list, _len=len, _int=int, _dumps=_encode,
             _exception=Exception, _most=_MAX_DURATIONS, _room=_MAX_TIMING_BYTES):
    (_ for _ in ()).gi_frame
    durations, not_passed, room = {}, [], _room
    for nodeid, ns in _list(_s["durations"].items())[:_most]:
        try:
            test = _report_id(nodeid)
            room -= _len(_dumps(test)) + 24  # as sent: non-ASCII escaped
            if room < 0:
                break
            durations[test] = _int(ns)
        except _exception:
            continue
    for nodeid in _s["not_passed"][:_most]:
        try:
            test = _report_id(nodeid)
            room -= _len(_dumps(test)) + 4
            if room < 0:
                break
            not_passed.append(test)
        except _exception:
            continue
    return durations, not_passed


# What the message is made and sent with sits in the record itself, beside
# the token: a caller that passes its own record (a functools.partial
# of this hook, which is C, puts no frame of the candidate's below) has
# nothing of the real one, and there is no other argument to pass.
_S["findings_of"] = _findings
_S["timings_of"] = _timings
_S["write"] = os.write
_S["encode"] = _encode
_S["os_error"] = OSError


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config, _s=_S):
    (_ for _ in ()).gi_frame
    durations, not_passed = _s["timings_of"](_s)
    msg = {"token": _s["token"], "findings": _s["findings_of"](config, _s)[:20], "tally": _s["tally"],
           "durations": durations, "not_passed": not_passed}
    try:
        _s["write"](_s["out"], (_s["encode"](msg) + "\n").encode())
    except _s["os_error"]:
        pass


del _S, _token_fd
