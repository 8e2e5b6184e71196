"""Assay's in-container harness.

Imports pytest and its plugins first, then waits for one JSON run request
on stdin and runs pytest in up to two phases:

1. visible: the candidate's files, provided modules, fixtures and every test
   but the hidden ones are written to /work, and pytest runs `tests`;
2. hidden (when the request has hidden files): every other process (but
   the hidden phase's waiting zygote) is killed, /work, /tmp and /dev/shm
   are emptied, everything is written afresh with the hidden tests added,
   and pytest runs `tests/hidden`.

The hidden tests come on a second line of stdin that is read only after
the visible phase has ended, so they are neither on disk nor in this
process's memory (which each phase's pytest inherits) while the output a
candidate may see is made.

Each phase's pytest is a fork of this process (a Zygote), which imported
pytest before the request came: a phase starts in milliseconds rather than
paying for a new interpreter and pytest's imports, and a container started
ahead of time (Assay's warm pool) has done that work before the submission
arrives. Under gVisor, where a fork itself costs tens of milliseconds, both
phases' forks are made before the request too, copy the memory they
inherited while they wait (see own_pages), and wait as root. While pytest
runs, inotify watches the test files, fixtures, provided modules and the
report: any change is reported as tampering.

The harness runs as the sandbox user (runc) or as root with only the
capabilities it needs to give that up (gVisor, see ASSAY_SANDBOX_USER): in
both cases the candidate's code runs as the sandbox user and can neither
read this process's memory nor open its file descriptors through /proc.
With ASSAY_MEMORY_WATCH (bytes) it also enforces that memory limit itself,
measured as ASSAY_MEMORY_MEASURE says (see MemoryWatch).

The harness writes one framed result line to stdout:

    <nonce> <base64 of a JSON object>\n

The nonce comes in last on stdin, after the phases, and lives only in this
process, which is made non-dumpable so that the candidate's code (same uid)
cannot read its memory or open its file descriptors through /proc. Candidate output never reaches
this process's stdout: pytest's stdout and stderr go to a pipe read here.

The request: three parts on stdin, each a decimal length, a newline and
that many bytes: the request, the hidden part, and the nonce:
    {"files": {relpath: base64}, "entry": [candidate file names],
     "wall": seconds, "test_timeout": seconds, "output_keep": bytes, "output_cap": bytes}
    {"hidden": {relpath: base64}}
    <nonce>
stdin is read with exact-size reads, never ahead: a buffered read could
pull the hidden part into memory before the visible phase forks. The
harness is the container's PID 1 (no --init), so no other process holds
stdin, and the parts wait in the pipe until they are read.

The result:
    {"phases": [{"name", "exit", "signal", "report", "problem", "output",
                 "output_bytes", "output_truncated", "tampered",
                 "durations": {test id: ns of its call phase}, "not_passed"}],
     "output_limit": bool, "timed_out": bool, "duration": seconds,
     "oom_kills": the memory cgroup's OOM kills, or null if unreadable,
     "peak_memory_bytes": the memory cgroup's peak usage, or null}

After the result, the harness reads a fourth part: {"files": {entry name:
base64}, "wall": seconds}, the reference solution (or {} for none). With
one, it resets the sandbox, runs every test (plain) with the reference in
place of the candidate's files (the visible tests, then the hidden ones, in
two sessions as the candidate's), and writes a second line framed
"<nonce>/reference <base64 of JSON>" (see Run.reference). The reference
arrives only after the first line, when no candidate process is alive, and
nothing it does can change that line.

The worker's end of this protocol is runner/docker/protocol.go; both ends
are tested, without Docker, against the transcripts in
runner/docker/testdata/protocol (tests/test_harness_protocol.py here).
"""

import base64
import ctypes
import errno
import fnmatch
import importlib
import io
import json
import os
import resource
import selectors
import signal
import stat
import struct
import sys
import sysconfig
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import assay_audit  # noqa: E402 (beside this file; -I leaves it off sys.path)
import assay_canary  # noqa: E402

WORK = "/work"
SCRATCH = ("/work", "/tmp", "/dev/shm")
REPORT_MAX = 8 << 20
PAGE = os.sysconf("SC_PAGE_SIZE")
PR_SET_DUMPABLE = 4
# Passes of kill_others that spare the waiting zygotes (5 ms apart)
# before it kills everything at once.
SPARE_PASSES = 20

LIBC = ctypes.CDLL(None, use_errno=True)

# inotify event bits (linux/inotify.h).
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW = 0x400, 0x800, 0x4000
WATCH = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
         | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
CHANGES = [(IN_CREATE, "created"), (IN_DELETE, "deleted"), (IN_MOVED_FROM, "moved away"),
           (IN_MOVED_TO, "moved in"), (IN_MODIFY, "modified"), (IN_ATTRIB, "changed the mode of"),
           (IN_DELETE_SELF, "deleted"), (IN_MOVE_SELF, "moved")]


# Where the code the audit hook trusts lives: the interpreter's library,
# Debian's and pip's packages, and Assay's own modules (the challenge's
# tests, fixtures and provided modules are added per run).
TRUSTED = sorted({sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
                 | {"/usr/lib/python3/dist-packages", "/opt/assay"})


# Imported before the request arrives, so that every phase's fork has them.
# assay_guard is not among them: it must load fresh in each phase, after
# the harness has given it its pipes.
PRELOAD = (
    "pytest", "pytest_timeout", "_pytest.config", "_pytest.main", "_pytest.python",
    "_pytest.runner", "_pytest.junitxml", "_pytest.terminal", "_pytest.fixtures",
    "_pytest.assertion.rewrite", "_pytest.skipping", "_pytest.reports", "_pytest.outcomes",
    "pluggy", "asyncio", "concurrent.futures", "logging", "decimal", "unittest.mock",
    "dataclasses", "typing", "json", "csv", "xml.etree.ElementTree", "multiprocessing",
    # pytest imports these at start-up in every phase.
    "pdb", "faulthandler", "_pytest._argcomplete", "_pytest.config.compat",
    # the audit hook's install imports it
    "concurrent.futures.thread",
)  # not openpyxl: 150 ms of CPU in every container, for one challenge


def preload():
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:
        import _pytest.config
        for name in _pytest.config.default_plugins:
            try:
                importlib.import_module("_pytest." + name)
            except ImportError:
                pass
    except ImportError:
        pass
    # A failing test's report finds its source through inspect.getmodule,
    # which, the first time in a process, resolves the real path of every
    # loaded module's file: about 1,300 lstat calls, 60-100 ms on the
    # engine's overlay file system, in every run with a failing test (and
    # every hidden phase has its failing canaries). Done once here, each
    # phase's fork inherits the map and resolves only its own new modules;
    # and here each directory is resolved once, not once per file.
    import inspect
    with directories_resolved_once():
        inspect.getmodule(preload.__code__)
    try:
        precise_junit_times()
    except (ImportError, AttributeError):
        pass
    try:
        faster_plugin_registration()
    except (ImportError, AttributeError):
        pass
    # Regular expressions pytest compiles in every session, into re's
    # cache, which each phase's fork inherits: the JUnit writer's escape of
    # illegal XML characters (a large character class, about 3 ms to
    # compile) and its test address.
    try:
        import _pytest.junitxml
        _pytest.junitxml.bin_xml_escape("")
        _pytest.junitxml.mangle_test_address("tests/test_a.py::test_a")
    except (ImportError, AttributeError):
        pass
    # ctypes' classes out of reach of __subclasses__ walks, once, for every
    # phase's fork.
    unlink_ctypes_classes()
    # Last: where the loaded modules hold ctypes, for the audit hook's
    # install in each phase (which then scans only what is new).
    return assay_audit.ctypes_references()


def _is_ctypes_class(c):
    m = type.__dict__["__module__"].__get__(c)
    return type(m) is str and (m in ("ctypes", "_ctypes") or m.startswith("ctypes."))


def ctypes_classes_reachable():
    """The ctypes classes that a walk of __subclasses__ from object finds,
    as candidate code can walk it (no audit event): a ctypes class is raw
    memory access, the end of the audit hook (its list can be emptied)."""
    seen, todo, found = {id(object)}, [object], []
    while todo:
        c = todo.pop()
        try:
            subs = type.__subclasses__(c)
        except TypeError:
            continue
        for sub in subs:
            if id(sub) not in seen:
                seen.add(id(sub))
                todo.append(sub)
                if _is_ctypes_class(sub):
                    found.append(sub)
    return found


def _subclasses_offset():
    """Where a type object holds tp_subclasses (3.11: two pointers after
    tp_mro, tp_cache between), found from two classes made for it: tp_mro
    located by its value, the result checked before it is trusted."""
    class Base:
        pass

    class Sub(Base):
        pass

    word = ctypes.sizeof(ctypes.c_void_p)
    mro = next(off for off in range(0, 128 * word, word)
               if ctypes.c_void_p.from_address(id(Sub) + off).value == id(Sub.__mro__))
    off = mro + 2 * word
    ptr = ctypes.c_void_p.from_address(id(Base) + off).value
    # a dict (its ob_type) holding Sub under its id
    if not ptr or ctypes.c_void_p.from_address(ptr + word).value != id(dict):
        raise RuntimeError("tp_subclasses is not where CPython 3.11 keeps it")
    if id(Sub) not in ctypes.cast(ptr, ctypes.py_object).value:
        raise RuntimeError("tp_subclasses does not list a subclass")
    return off


def unlink_ctypes_classes():
    """Removes every ctypes class from its bases' lists of subclasses
    (object, type, dict, Exception...). The harness needs ctypes (prctl,
    inotify, SysV IPC) and every phase's pytest is its fork, so ctypes'
    classes live in the candidate's process; the audit hook's install
    removes every module-level reference to them, and this removes the
    other way to them, object.__subclasses__() and its like. Their own
    references to each other stay: unreachable from anything else."""
    off = _subclasses_offset()
    word = ctypes.sizeof(ctypes.c_void_p)
    for c in ctypes_classes_reachable():
        for base in type.__dict__["__bases__"].__get__(c):
            if _is_ctypes_class(base):
                continue
            ptr = ctypes.c_void_p.from_address(id(base) + off).value
            if ptr and ctypes.c_void_p.from_address(ptr + word).value == id(dict):
                ctypes.cast(ptr, ctypes.py_object).value.pop(id(c), None)
    left = ctypes_classes_reachable()
    if left:
        raise RuntimeError("ctypes classes still reachable: %s" % ", ".join(c.__qualname__ for c in left[:5]))


class directories_resolved_once:
    """While in effect, os.path.realpath resolves each directory once: the
    image's files do not move, and a path whose last part is a link is
    resolved in full as usual."""

    def __enter__(self):
        import posixpath
        self.posixpath, self.realpath = posixpath, posixpath.realpath
        dirs = {}

        def realpath(path, *, strict=False):
            if strict or type(path) is not str or not path.startswith("/"):
                return self.realpath(path, strict=strict)
            head, tail = posixpath.split(path)
            if tail in ("", ".", ".."):
                return self.realpath(path)
            resolved = dirs.get(head)
            if resolved is None:
                resolved = dirs[head] = self.realpath(head)
            out = posixpath.join(resolved, tail)
            try:
                if stat.S_ISLNK(os.lstat(out).st_mode):
                    return self.realpath(path)
            except OSError:
                return self.realpath(path)
            return out

        posixpath.realpath = realpath
        return self

    def __exit__(self, *exc):
        self.posixpath.realpath = self.realpath


def faster_plugin_registration():
    """pluggy reads the signature of every hook function of a plugin as it
    registers it (inspect, about 270 functions for pytest's own ~40
    plugins), in every session: remembered per function, and read once
    here, by making one configuration, for every phase's fork."""
    import inspect
    import pluggy._hooks as hooks
    from _pytest.config import get_config

    varnames = hooks.varnames
    known = {}  # (function, bound) -> (argnames, kwargnames)

    def remembered_varnames(func):
        if inspect.isfunction(func):
            key = (func, False)
        elif inspect.ismethod(func) and inspect.isfunction(func.__func__):
            key = (func.__func__, True)
        else:
            return varnames(func)
        names = known.get(key)
        if names is None:
            names = known[key] = varnames(func)
        return names

    hooks.varnames = remembered_varnames
    get_config()


def _precise_to_xml(self):
    # pytest's _NodeReporter.to_xml, with the time to the microsecond. Made
    # a function of junitxml's own globals (below), with no closure: a
    # wrapper's cell would hold the writer where candidate code could swap
    # it unseen by the guard, which watches this function's identity.
    testcase = ET.Element("testcase", self.attrs, time="%.6f" % self.duration)  # noqa: F821
    properties = self.make_properties_node()
    if properties is not None:
        testcase.append(properties)
    testcase.extend(self.nodes)
    return testcase


def precise_junit_times():
    """pytest's JUnit report gives each test's time in seconds to 3
    decimals, so a suite of fast tests reads 0.000 for every one: the
    times are written to the microsecond instead (pytest measures them
    with its monotonic performance counter)."""
    import types
    from _pytest import junitxml

    junitxml._NodeReporter.to_xml = types.FunctionType(
        _precise_to_xml.__code__, junitxml.__dict__, "to_xml")


def no_dumping():
    LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


PR_CAPBSET_DROP = 24
CAP_LAST = 63


def sandbox_ids():
    """The (uid, gid) the candidate's code runs as when the harness is root,
    from ASSAY_SANDBOX_USER ("uid:gid"); None when the harness is not root
    (it then already is the sandbox user)."""
    if os.getuid() != 0:
        return None
    uid, _, gid = os.environ.get("ASSAY_SANDBOX_USER", "").partition(":")
    if not uid.isdigit() or not gid.isdigit() or int(uid) == 0 or int(gid) == 0:
        raise RuntimeError("running as root without a sandbox user (ASSAY_SANDBOX_USER=uid:gid)")
    return int(uid), int(gid)


def drop_bounding_set():
    """Empties the capability bounding set, so that nothing this process
    becomes can ever gain a capability again (the ones it holds stay until
    it gives up root in become)."""
    for cap in range(CAP_LAST + 1):
        if LIBC.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:  # no such cap
            raise OSError(ctypes.get_errno(), "drop capability %d from the bounding set" % cap)


def become(ids):
    """Gives up root for good (in a phase's child, its bounding set already
    empty): every uid and gid becomes the sandbox user's."""
    uid, gid = ids
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid):
        raise RuntimeError("could not become the sandbox user")


class acting_as:
    """Runs a block with the sandbox user's effective ids, so that the files
    it makes are the candidate's, as when the harness is that user. No
    candidate process is alive at these points (before the first phase,
    after kill_others), so nothing can use the moment. A no-op without ids."""

    def __init__(self, ids):
        self.ids = ids

    def __enter__(self):
        if self.ids:
            os.setegid(self.ids[1])
            os.seteuid(self.ids[0])

    def __exit__(self, *exc):
        if self.ids:
            os.seteuid(0)
            os.setegid(0)


def write_files(files):
    for rel, data in files.items():
        parts = rel.split("/")
        if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise ValueError("bad path in request: %r" % rel)
        path = os.path.join(WORK, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


def lock_tests(hidden):
    """The hidden files pytest imports as test modules (test_*.py, the
    harness's python_files, and conftest.py), which the hidden phase makes
    unreadable to the sandbox user (mode 000) and hands to its pytest in
    memory: whatever path or descriptor the candidate's code finds, the
    kernel refuses to read them. Other hidden files (data, helper modules,
    a driver's mutants) stay readable: trusted test code opens those
    itself, and the audit hook guards them."""
    return {rel: data for rel, data in hidden.items()
            if fnmatch.fnmatchcase(rel.rpartition("/")[2], "test_*.py") or rel.rpartition("/")[2] == "conftest.py"}


def kill_others(spare=()):
    """Kills every process but this one, init and the spared zygotes'
    (Child; not yet started, so no candidate code has run in them), and
    waits until they are gone. A spared zygote found dead is spared no
    more: once reaped, its pid may be reused."""
    me = os.getpid()

    def survivors():
        reap_orphans()
        # poll, not returncode: another reap may have taken a zygote's status.
        keep = {1, me} | {z.pid for z in spare if z.poll() is None}
        return [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in keep]

    for attempt in range(500):
        others = survivors()
        if not others:
            return
        if not spare or attempt >= SPARE_PASSES:
            # One atomic kill that no fork outruns; past SPARE_PASSES it
            # takes the zygotes too (Run.run forks the hidden phase's
            # again, before the hidden part is read).
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            # kill(-1) would take the zygotes too. Those listed die in this
            # pass; what they fork meanwhile is listed in the next (a chain
            # of processes that fork and exit can outrun this for ever).
            for pid in others:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if not survivors():
            return
        time.sleep(0.005)
    raise RuntimeError("processes survived SIGKILL")


def empty_dir(top):
    """Removes everything under top, whatever modes the candidate gave its
    directories (their owner, the sandbox user, may give them back) and
    however deep: iterative, without following links, and by relative
    names from inside each directory, so no path grows past PATH_MAX."""
    back = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.chdir(top)
        names = []
        while True:
            sub = None
            with os.scandir(".") as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        sub = e.name
                        break
                    os.unlink(e.name)
            if sub is not None:
                os.chmod(sub, 0o700)  # a real directory (lstat), not a link
                os.chdir(sub)
                names.append(sub)
                continue
            if not names:
                break
            os.chdir("..")
            os.rmdir(names.pop())
    finally:
        os.fchdir(back)
        os.close(back)


class Watch:
    """Reports changes to watched files and directories through inotify."""

    def __init__(self):
        self.fd = LIBC.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.paths = {}

    def add(self, path):
        wd = LIBC.inotify_add_watch(self.fd, path.encode(), WATCH)
        if wd < 0:
            raise OSError(ctypes.get_errno(), "inotify_add_watch " + path)
        self.paths[wd] = path

    def add_tree(self, top):
        for d, _, files in os.walk(top):
            self.add(d)
            for f in files:
                self.add(os.path.join(d, f))

    def events(self):
        data = b""
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                break
            data += chunk
        out, i = [], 0
        while i + 16 <= len(data):
            wd, mask, _, n = struct.unpack_from("iIII", data, i)
            name = data[i + 16:i + 16 + n].rstrip(b"\0").decode("utf-8", "replace")
            i += 16 + n
            if mask & IN_Q_OVERFLOW:
                # The kernel dropped events: what they said is unknown.
                out.append((mask, "(the watcher's queue overflowed: changes went unseen)"))
                continue
            path = self.paths.get(wd, "?")
            if name:
                path = os.path.join(path, name)
            out.append((mask, path))
        return out

    def close(self):
        os.close(self.fd)


def tampering(events, report, lib):
    """Turns inotify events into human descriptions of forbidden changes.

    The test tree and fixtures must not change at all. The provided modules
    at the top of /work must not change. The report directory may see only
    pytest writing the report once."""
    found, report_writes = [], 0
    for mask, path in events:
        if mask & IN_Q_OVERFLOW:
            found.append("the watcher's queue overflowed: changes went unseen")
            continue
        rel = os.path.relpath(path, WORK) if path.startswith(WORK) else path
        if path.startswith(os.path.dirname(report)):
            if mask & IN_CLOSE_WRITE and path == report:
                report_writes += 1
            if mask & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) \
                    or (path != report and mask & IN_CREATE):
                found.append("touched the report directory (%s)" % path)
            continue
        if os.path.dirname(path) == WORK and os.path.basename(path) not in lib:
            continue  # the candidate's own scratch files at the top
        if mask & IN_CLOSE_WRITE and not mask & ~IN_CLOSE_WRITE:
            found.append("wrote " + rel)
            continue
        for bit, verb in CHANGES:
            if mask & bit:
                found.append("%s %s" % (verb, rel))
                break
    if report_writes > 1:
        found.append("the report was written %d times" % report_writes)
    seen, unique = set(), []
    for f in found:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique[:20]


def read_all(fd):
    data = b""
    while len(data) < (1 << 20):
        try:
            b = os.read(fd, 1 << 16)
        except BlockingIOError:
            break
        if not b:
            break
        data += b
    return data


def audit_findings(raw):
    """The audit hook's refusals: one JSON line each. Anything on that
    pipe is a finding: only the hook, or candidate code that found the
    descriptor, writes there."""
    found = []
    for line in raw.splitlines():
        try:
            msg = json.loads(line)
            seen = str(msg["seen"])
        except (ValueError, TypeError, KeyError):
            seen = "something other than the audit hook wrote to its channel"
        found.append({"check": "audit", "seen": seen[:500]})
        if len(found) >= 20:
            break
    return found


def guard_messages(raw, token):
    """The guard plugin's messages on its pipe: JSON lines carrying token."""
    msgs = []
    for line in raw.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if isinstance(msg, dict) and msg.get("token") == token:
            msgs.append(msg)
    return msgs


def guard_findings(raw, token, code, report):
    """Reads the guard plugin's message; an honest run has exactly one.
    Returns (findings, tally): the tally is the guard's count of outcomes,
    which the grader checks against the report."""
    msgs = guard_messages(raw, token)
    if not msgs:
        if code in (0, 1) and report is not None:
            return ["pytest ended without its guard's report (was pytest's exit path changed?)"], None
        return [], None
    if len(msgs) > 1:
        return ["the guard's report came more than once"], None
    found = []
    lines = raw.split(b"\n")
    if code in (0, 1) and (lines[-1] != b"" or len(lines) != 2):
        # The guard writes one line and pytest then exits: anything else
        # on its pipe was written by other code (a byte left to spoil the
        # guard's own line, so that a forged one is read instead).
        found.append("the guard's pipe carried something besides its report")
    found += [str(f) for f in msgs[0].get("findings", [])]
    tally = msgs[0].get("tally")
    try:
        tally = {k: int(tally.get(k, 0)) for k in ("passed", "failed", "skipped")}
    except (AttributeError, TypeError, ValueError):
        return found + ["the guard's tally is unreadable"], None
    return found, tally


def guard_timings(raw, token):
    """Each test's call phase in nanoseconds, as the guard measured it, and
    the ids whose call did not pass: ({test id: ns}, [test id]). Taken from
    the guard's message even when the phase was cut short (its tests' times
    matter most then); nothing when there is no single such message. For
    interviewers only: code in pytest's process can change them, so they
    are never evidence."""
    msgs = guard_messages(raw, token)
    if len(msgs) != 1:
        return {}, []
    durations, not_passed = msgs[0].get("durations"), msgs[0].get("not_passed")
    out = {}
    if isinstance(durations, dict):
        for test, ns in list(durations.items())[:4096]:
            if isinstance(test, str) and len(test) <= 1000 and type(ns) is int and 0 <= ns < 1 << 62:
                out[test] = ns
    failed = []
    if isinstance(not_passed, list):
        failed = [t for t in not_passed[:4096] if isinstance(t, str) and len(t) <= 1000]
    return out, failed


def read_report(path):
    """Reads the report without following links, regular files only, capped."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, "pytest wrote no report"
    except OSError as e:
        return None, "report unreadable: %s" % e.strerror
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, "report is not a regular file"
        if st.st_size > REPORT_MAX:
            return None, "report larger than %d bytes" % REPORT_MAX
        chunks = []
        while True:
            b = os.read(fd, 1 << 16)
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)[:REPORT_MAX].decode("utf-8", "replace"), ""
    finally:
        os.close(fd)


class Output:
    """Keeps the head and the tail of a stream, counting everything."""

    def __init__(self, keep):
        self.head_max = keep // 2
        self.tail_max = keep - self.head_max
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, b):
        self.total += len(b)
        room = self.head_max - len(self.head)
        if room > 0:
            self.head += b[:room]
            b = b[room:]
        if b:
            self.tail += b
            if len(self.tail) > self.tail_max:
                del self.tail[: len(self.tail) - self.tail_max]

    def value(self):
        kept = len(self.head) + len(self.tail)
        if kept >= self.total:
            return bytes(self.head + self.tail), False
        gap = b"\n[... %d bytes of output left out ...]\n" % (self.total - kept)
        return bytes(self.head) + gap + bytes(self.tail), True


def killpg(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# The plugins of every phase: the guard first, so that it sees pytest
# before any other plugin or the candidate's code can change it.
PLUGINS = ("assay_guard", "pytest_timeout")


def zygote_main(go_r, out_w, keep_fds, ids, ctypes_known, ahead):
    """Runs in a fork of the harness (a zygote): waits for its phase's go,
    then becomes that phase's pytest and never returns. Only the output
    pipe and the guard's pipes stay open, so the candidate's code has no
    way to the harness's stdin, stdout or inotify. With ids (the harness is
    root), the zygote stays root until its go, out of reach of the
    candidate's code in an earlier phase, then becomes the sandbox user."""
    try:
        os.setsid()
        if ids:
            drop_bounding_set()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        keep = {0, 1, 2, go_r} | set(keep_fds)
        for fd in [int(f) for f in os.listdir("/proc/self/fd")]:
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if ahead:
            # Its own map, not the parent's: the fork may have unmapped
            # some of that since.
            own_pages(private_ranges())
        go = b""
        while True:
            b = os.read(go_r, 1 << 16)
            if not b:
                break
            go += b
        os.close(go_r)
        if not go:
            os._exit(0)  # discarded
        go = json.loads(go)
        sources = {p: base64.b64decode(data) for p, data in go.pop("sources", {}).items()}
        # No POSIX message queues: they outlive the phase. (gVisor refuses
        # to change this limit, and has no /dev/mqueue to list them by;
        # there only ctypes, which the audit hook refuses, reaches them.)
        try:
            resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, 0))
        except (ValueError, OSError):
            pass
        if ids:
            become(ids)
        # Non-dumpable again after the change of ids (the kernel resets it
        # to fs.suid_dumpable, a host setting): /proc/self/mem (and environ)
        # are then root's, so the kernel refuses the candidate's code its
        # own memory whatever path or race the audit hook might miss.
        # Checked, not assumed: a phase that would run dumpable fails.
        no_dumping()
        if os.stat("/proc/self/mem").st_uid == os.geteuid():
            raise RuntimeError("the phase's memory is open to its own uid (not dumpable failed)")
        os.chdir(WORK)
        os.environ.update(go["env"])
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        # What PYTHONDONTWRITEBYTECODE does for a new interpreter (the
        # harness runs with -I, which ignores it): no __pycache__ in tests/.
        sys.dont_write_bytecode = True
        sys.path[:0] = ["/opt/assay", WORK]
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True, errors="backslashreplace")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True, errors="backslashreplace")
        sys.argv = ["pytest"]
        import atexit
        import threading
        import pytest
        # Plugins as objects rather than "-p NAME": -p makes pytest scan
        # every installed distribution's entry points for each name. The
        # guard is imported here, fresh, with its pipes in the environment.
        plugins = [importlib.import_module(name) for name in PLUGINS]
        # Last, right before pytest: from here on, the candidate's code
        # (any frame whose file is not trusted) may not use the sharp tools
        # (frames, gc, ctypes, code objects, writes to the tests...).
        audit = json.loads(os.environ.pop("ASSAY_AUDIT"))
        assay_audit.install(work=WORK, candidate_files=audit["candidate"], trusted_dirs=audit["trusted"],
                            protected=audit["protected"], report_fd=int(os.environ.pop("ASSAY_AUDIT_FD")),
                            allow_processes=bool(audit.get("processes", True)), quiet_processes=True,
                            trusted_programs=bool(audit.get("trusted_programs", True)),
                            unreadable=[os.path.join(WORK, "tests")],
                            ctypes_known=ctypes_known, sources=sources)
        code = pytest.main(go["args"], plugins=plugins)
        # End as an interpreter does: wait for non-daemon threads, then run
        # atexit handlers (never this process's own exit path, which
        # belongs to the harness).
        try:
            threading._shutdown()
        except Exception:
            pass
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(code))
    except BaseException:
        try:
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(4)


def private_ranges():
    """The address ranges of this process's private writable memory (the
    interpreter's heap and data), except the stack and the kernel's pages."""
    ranges = []
    with open("/proc/self/maps") as f:
        maps = f.read().splitlines()
    for line in maps:
        parts = line.split()
        name = parts[5] if len(parts) > 5 else ""
        if parts[1] != "rw-p" or (name.startswith("[") and name != "[heap]"):
            continue
        a, b = (int(x, 16) for x in parts[0].split("-"))
        ranges.append((a, b))
    return ranges


def own_pages(ranges):
    """Writes every page of ranges back unchanged, so that a fork copies
    them now rather than in a fault each while its phase runs: under
    gVisor's ptrace platform a fault costs tens of microseconds, and
    pytest's run would take thousands (about 60 ms per submission)."""
    for a, b in ranges:
        for p in range(a, b, PAGE):
            # One C call reads and writes the byte back: between a read
            # and a write in Python, the interpreter could change it (a
            # pymalloc pool's header sits at the start of its page).
            ctypes.memmove(p, p, 1)


class Zygote:
    """A phase's pytest process, forked from the harness ahead of its phase
    with its pipes (output, the guard's token and report) and waiting for
    its go: the pytest arguments and environment.

    Under gVisor a fork of the preloaded harness costs tens of
    milliseconds, so there (the harness is root) both phases' zygotes are
    made before the request arrives, off the submission's critical path;
    they hold nothing of the request. Under runc a fork takes about a
    millisecond, and a zygote is made when its phase starts: a waiting one
    would have the candidate's uid, and an earlier phase could stop it."""

    def __init__(self, ids, ctypes_known, ahead=False):
        # Made ahead, it takes its own copy of the harness's memory while
        # it waits (see own_pages); what that costs is counted out of
        # the memory watch's measure while it waits (see MemoryWatch).
        self.private = sum(b - a for a, b in private_ranges()) if ahead else 0
        self.token = os.urandom(16).hex()
        token_r, token_w = os.pipe()
        os.write(token_w, self.token.encode())
        os.close(token_w)
        self.guard_r, guard_w = os.pipe()
        os.set_blocking(self.guard_r, False)
        # The audit hook's refusals, a line each (it never blocks on it).
        self.audit_r, audit_w = os.pipe()
        os.set_blocking(self.audit_r, False)
        self.out_r, out_w = os.pipe()
        go_r, self.go_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            zygote_main(go_r, out_w, (token_r, guard_w, audit_w), ids, ctypes_known, ahead)
        self.child = Child(pid)
        self.guard_fds = {"ASSAY_GUARD_TOKEN_FD": str(token_r), "ASSAY_GUARD_OUT_FD": str(guard_w),
                          "ASSAY_AUDIT_FD": str(audit_w)}
        for fd in (go_r, out_w, token_r, guard_w, audit_w):
            os.close(fd)

    def alive(self):
        return self.child.poll() is None

    def start(self, args, env, sources=None):
        """Gives the zygote its go: it becomes the phase's pytest. sources:
        {path: base64} of the test modules it cannot read (lock_tests)."""
        go = memoryview(json.dumps({"args": args, "env": dict(env, **self.guard_fds),
                                    "sources": sources or {}}).encode())
        try:
            while go:  # (the zygote reads until end of file)
                go = go[os.write(self.go_w, go):]
        except BrokenPipeError:
            pass  # it died: the phase finds no report
        finally:
            os.close(self.go_w)
            self.go_w = None

    def discard(self):
        """Ends an unused zygote and closes its pipes."""
        if self.go_w is not None:
            os.close(self.go_w)  # EOF without a go: the zygote exits
            self.go_w = None
        if self.alive():  # else reaped: its pid may be another's
            self.child.send_signal(signal.SIGKILL)  # before its go: no descendants
        self.child.wait()
        for fd in (self.out_r, self.guard_r, self.audit_r):
            os.close(fd)


def reap_orphans(child=None):
    """Reaps exited processes (as PID 1, orphans are ours), recording the
    pytest child's status if it is among them."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if child is not None and pid == child.pid and child.returncode is None:
            child.returncode = os.waitstatus_to_exitcode(status)


class Child:
    """A forked pytest, with Popen's poll/wait/send_signal semantics."""

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def _reap(self, flags):
        reap_orphans(self)
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:
                self.returncode = -signal.SIGKILL
                return
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)

    def poll(self):
        self._reap(os.WNOHANG)
        return self.returncode

    def wait(self):
        self._reap(0)
        return self.returncode

    def send_signal(self, sig):
        if self.returncode is None:
            os.kill(self.pid, sig)


class Run:
    def __init__(self, req, ids, memory, zygotes, ctypes_known):
        self.ctypes_known = ctypes_known
        self.req = req
        self.ids = ids
        self.memory = memory
        self.zygotes = zygotes  # phase name -> Zygote made ahead
        self.start = time.monotonic()
        self.canary_groups = None
        self.wall = float(req.get("wall", 30))
        self.cap = int(req.get("output_cap", 8 << 20))
        self.keep = int(req.get("output_keep", 64 << 10))
        # Top-level files that are the challenge's, not the candidate's.
        entry = set(req.get("entry", []))
        self.lib = {p for p in req.get("files", {}) if "/" not in p and p not in entry}
        self.total_output = 0
        self.timed_out = self.output_limit = False
        self.phases = []  # as they end
        self.candidate_ran = False
        self.watches = []  # inotify instances to close once the reply is out
        self.plain_hidden = {}  # the hidden tests as they came (see reference)
        self.clean = False  # run() ended with every candidate process dead

    def phase(self, name, paths, locked=None):
        """Runs one pytest session over paths. locked: {relpath: base64} of
        test modules made unreadable to the sandbox user for the session
        (see lock_tests); pytest gets their bytes from memory."""
        began = time.monotonic()
        report_dir = "/tmp/.assay-%s" % name
        with acting_as(self.ids):
            os.makedirs(report_dir, mode=0o700)
        report = os.path.join(report_dir, "junit.xml")
        watch = Watch()
        for top in ("tests", "fixtures"):
            if os.path.isdir(os.path.join(WORK, top)):
                watch.add_tree(os.path.join(WORK, top))
        for name_ in self.lib:
            watch.add(os.path.join(WORK, name_))
        watch.add(WORK)
        watch.add(report_dir)
        if locked:
            # After the watches (the sandbox user may watch only what it can
            # read), and before any candidate process lives: the events of
            # this chmod are dropped, every later one counts.
            with acting_as(self.ids):
                for rel in locked:
                    os.chmod(os.path.join(WORK, rel), 0)
            watch.events()

        args = [
            "-c", "/opt/assay/pytest.ini", "--rootdir", WORK,
            # No conftest.py above tests/ is read: /work's top is the
            # candidate's scratch space, where one could be planted.
            "--confcutdir", os.path.join(WORK, "tests"),
            "-p", "no:cacheprovider",
            "--timeout", str(max(1, int(self.req.get("test_timeout", 10)))),
            "--import-mode=importlib", "--junitxml", report,
            "-q", "--tb=short", "-rfE", "--color=no", "--capture=no",
        ] + paths
        env = {
            "PYTHONPATH": "/opt/assay:" + WORK,
            "PYTHONUNBUFFERED": "1",
            # Messages stay untranslated: without this, every gettext call
            # (argparse makes dozens) looks for catalogues on disk, slow on
            # the engine's overlay file system.
            "LANGUAGE": "C",
            # The only conftest files the guard lets pytest register: the
            # challenge's own (one planted meanwhile is tampering).
            "ASSAY_GUARD_CONFTESTS": json.dumps(sorted(self.conftests())),
            # What the audit hook protects, and whose code it trusts.
            "ASSAY_AUDIT": json.dumps({
                # Programs only in the visible phase: a program runs
                # without the hook, and could read the hidden tests (the
                # candidate's own process may fork: the child keeps it).
                # In the hidden phase none, whoever asks (a callback the
                # candidate's code left runs with no candidate frame below
                # it), unless the hidden tests start them themselves.
                "processes": name != "hidden",
                "trusted_programs": bool(self.req.get("hidden_programs")),
                "candidate": sorted(os.path.join(WORK, e) for e in self.req.get("entry", [])),
                "trusted": TRUSTED + [os.path.join(WORK, "tests"), os.path.join(WORK, "fixtures")]
                + sorted(os.path.join(WORK, m) for m in self.lib),
                "protected": [os.path.join(WORK, "tests"), os.path.join(WORK, "fixtures"), report_dir]
                + sorted(os.path.join(WORK, m) for m in self.lib),
            }),
        }
        zygote = self.zygotes.pop(name, None)
        if zygote is None or not zygote.alive():
            if zygote is not None:
                zygote.discard()
            if name == "hidden":
                # Never forked afresh here: a fork now would carry this
                # frame's callers (run's renames, canaries and twins, the
                # hidden tests under their own names) into the candidate's
                # process, and with them the canaries' bound. The one
                # forked before the hidden part was read is gone (killed
                # with the visible phase's processes): the run fails, an
                # error after the candidate's code ran, never a pass.
                raise RuntimeError("the hidden phase's process did not survive the visible phase")
            zygote = Zygote(self.ids, self.ctypes_known)
        out = Output(self.keep)
        # At most the harness's copy (about 22 MiB), well within the
        # cgroup's headroom over the watch's limit (gvisorMemoryHeadroom).
        self.memory.allowance = sum(z.private for z in self.zygotes.values() if z.alive())
        self.candidate_ran = True
        zygote.start(args, env, {os.path.join(WORK, rel): data for rel, data in (locked or {}).items()})
        child, out_r, guard_r, token = zygote.child, zygote.out_r, zygote.guard_r, zygote.token
        guard = bytearray()
        sel = selectors.DefaultSelector()
        sel.register(out_r, selectors.EVENT_READ)
        sel.register(guard_r, selectors.EVENT_READ)
        interrupted_at = exited_at = None
        while True:
            now = time.monotonic()
            if not self.timed_out and now - self.start > self.wall:
                # SIGINT lets pytest write the report for the tests that ran.
                self.timed_out = True
                interrupted_at = now
                try:
                    child.send_signal(signal.SIGINT)
                except ProcessLookupError:
                    pass
            if interrupted_at is not None and now - interrupted_at > 1.0:
                killpg(child.pid)
            if exited_at is None and child.poll() is not None:
                # A process that escaped pytest's session may hold the pipe
                # open: drain briefly, then stop listening.
                exited_at = now
                killpg(child.pid)
            if exited_at is not None and now - exited_at > 0.5:
                break
            if self.memory.over():
                # Every process but this one: one that left pytest's
                # session may be the one that holds the memory.
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            ready = [key.fileobj for key, _ in sel.select(timeout=self.memory.tick or 0.05)]
            if guard_r in ready:
                b = os.read(guard_r, 1 << 16)
                if not b:
                    sel.unregister(guard_r)
                elif len(guard) < (1 << 20):
                    guard += b
            if out_r in ready:
                b = os.read(out_r, 1 << 16)
                if not b:
                    break
                out.add(b)
                self.total_output += len(b)
                if self.total_output > self.cap:
                    self.output_limit = True
                    killpg(child.pid)
        sel.close()
        killpg(child.pid)
        code = child.wait()
        # Every process of the phase dies before its evidence is read: one
        # that outlived pytest, or holds a descriptor of the report, could
        # otherwise still rewrite it, or write to the guard's pipe.
        kill_others([z.child for z in self.zygotes.values()])
        try:
            guard += os.read(guard_r, 1 << 20)
        except BlockingIOError:
            pass
        os.close(guard_r)
        os.close(out_r)
        audit = read_all(zygote.audit_r)
        os.close(zygote.audit_r)

        text, problem = read_report(report)
        findings = [{"check": "watcher", "seen": f} for f in tampering(watch.events(), report, self.lib)]
        tally = None
        findings += audit_findings(audit)
        if not (self.timed_out or self.output_limit):
            seen, tally = guard_findings(bytes(guard), token, code, text)
            findings += [{"check": "guard", "seen": f} for f in seen]
        durations, not_passed = guard_timings(bytes(guard), token)
        # Closed after the reply: closing an inotify instance waits for the
        # kernel to retire its watches, about 5 ms a phase on the
        # submission's critical path.
        self.watches.append(watch)
        output, truncated = out.value()
        return {
            "name": name,
            "exit": code if code >= 0 else -1,
            "signal": -code if code < 0 else 0,
            "report": text,
            "problem": problem,
            "output": base64.b64encode(output).decode(),
            "output_bytes": out.total,
            "output_truncated": truncated,
            "findings": findings[:40],
            "tally": tally,
            "seconds": time.monotonic() - began,
            "durations": durations,
            "not_passed": not_passed,
        }

    def reference(self, part):
        """The reference solution's timing run, after the reply is out: the
        same tests (plain: their own names, no canaries), in the same
        container, with the reference's files in place of the candidate's.
        Nothing here can change the reply already written. Every process
        of the candidate's is dead (run ended with kill_others), and every
        place it could write is emptied first: what survives the wipe ends
        the timing run, never the verdict. Returns {"durations": {test id:
        ns of a passed call}, "not_passed", "seconds", "timed_out",
        "problem"}."""
        solution = part.get("files") or {}
        entry = set(self.req.get("entry", []))
        if not self.clean:
            return {"problem": "the candidate's run did not end cleanly"}
        if not solution or set(solution) != entry:
            return {"problem": "the reference solution does not name exactly the entry files"}
        kill_others()
        with acting_as(self.ids):
            left = wipe_ipc()
            for top in SCRATCH:
                if os.path.isdir(top):
                    empty_dir(top)
            left += ["%s is not empty after the wipe" % top for top in SCRATCH if os.path.isdir(top) and os.listdir(top)]
        if left:
            return {"problem": "the sandbox could not be reset: " + "; ".join(left)}
        files = dict(self.req.get("files", {}), **solution)
        with acting_as(self.ids):
            write_files(files)
        self.present = files
        # A budget of its own: the candidate's flags were reported already.
        self.start, self.wall = time.monotonic(), float(part.get("wall") or self.wall)
        self.timed_out = self.output_limit = False
        self.total_output = 0
        self.memory.exceeded = False
        # Two sessions, as the candidate's run had: the visible tests, then
        # the hidden ones in a fresh fork, so that each test runs as early
        # or late in its session as the candidate's did (a session's first
        # calls pay for what later ones find cached: regular expressions,
        # lazy imports).
        phases = [self.phase("reference-visible", ["tests"])]
        if self.plain_hidden and not (self.timed_out or self.output_limit or self.memory.exceeded):
            kill_others()
            with acting_as(self.ids):
                write_files(self.plain_hidden)
            self.present = dict(files, **self.plain_hidden)
            phases.append(self.phase("reference-hidden", ["tests/hidden"], lock_tests(self.plain_hidden)))
        kill_others()
        durations, failed = {}, set()
        for ph in phases:
            durations.update(ph["durations"])
            failed.update(ph["not_passed"])
        return {
            "durations": {t: ns for t, ns in durations.items() if t not in failed},
            "not_passed": len(failed),
            "seconds": sum(ph["seconds"] for ph in phases),
            "timed_out": self.timed_out,
            "problem": "" if durations else (phases[0]["problem"] or "the reference's run measured no test"),
        }

    def conftests(self):
        """The challenge's conftest files on disk now, as paths under /work."""
        return {os.path.join(WORK, p) for p in self.present if os.path.basename(p) == "conftest.py"}

    def run(self, read_hidden):
        files = self.req.get("files", {})
        phases = self.phases
        self.present = files
        with acting_as(self.ids):
            write_files(files)
        phases.append(self.phase("visible", ["tests"]))
        # Nothing of the visible phase may live while the hidden tests come
        # (but the hidden phase's zygote, where no candidate code has run).
        kill_others([z.child for z in self.zygotes.values()])
        ahead = self.zygotes.get("hidden")
        if ahead is None or not ahead.alive():
            # Forked now (or again: kill_others' last resort takes the one
            # made ahead), while no candidate process is alive and before
            # the hidden part is read: it holds nothing of the hidden tests,
            # their run names or the canaries, which stay in this process.
            if ahead is not None:
                ahead.discard()
            self.zygotes["hidden"] = Zygote(self.ids, self.ctypes_known)
        part = read_hidden()
        hidden, policy = part.get("hidden") or {}, part.get("canaries") or {}
        # As they came, for the reference's timing run (no run names, no
        # canaries).
        self.plain_hidden = hidden
        renames, canaries, twins = {}, [], {}
        scratch = self.req.get("scratch") or {}
        if scratch and not hidden and not (self.timed_out or self.output_limit or self.memory.exceeded):
            # A Run's own tests (never with hidden tests): a phase of their
            # own after the visible one, whose results never count.
            kill_others([z.child for z in self.zygotes.values()])
            with acting_as(self.ids):
                write_files(scratch)
            self.present = dict(files, **scratch)
            phases.append(self.phase("scratch", sorted({os.path.dirname(p) or "." for p in scratch})))
        if hidden and not (self.timed_out or self.output_limit or self.memory.exceeded):
            raw = {rel: base64.b64decode(data) for rel, data in hidden.items()}
            if policy.get("all"):
                # `assay challenges check`: how many independent guesses a
                # live run's canaries make, for the author.
                self.canary_groups = assay_canary.groups_per_run(raw, cost_ms=policy.get("cost_ms"), draws=20)
            raw, renames, canaries, twins = assay_canary.disguise(raw, cost_ms=policy.get("cost_ms"),
                                                                  everything=bool(policy.get("all")))
            hidden = {rel: base64.b64encode(data).decode() for rel, data in raw.items()}
            # Under runc the harness's memory counts against the run's
            # limit: one copy fewer of the hidden files during their phase.
            del raw
            with acting_as(self.ids):
                left = wipe_ipc()
                for top in SCRATCH:
                    if os.path.isdir(top):
                        empty_dir(top)
                write_files(files)
                write_files(hidden)
            self.present = dict(files, **hidden)
            phases.append(self.phase("hidden", ["tests/hidden"], lock_tests(hidden)))
            phases[-1]["findings"] += [{"check": "harness", "seen": f} for f in left]
        for z in self.zygotes.values():
            z.discard()
        self.zygotes.clear()
        kill_others()
        self.clean = True
        return {
            "renames": renames,
            "canaries": canaries,
            "twins": twins,
            "canary_groups": self.canary_groups,
            "phases": phases,
            "output_limit": self.output_limit,
            "timed_out": self.timed_out,
            "memory_exceeded": self.memory.exceeded,
            # Under runc the cgroup's own limit still applies as well.
            "memory_watched": self.memory.limit > 0 and self.memory.measure == "meminfo",
            "duration": time.monotonic() - self.start,
            "oom_kills": oom_kills(),
            "peak_memory_bytes": peak_memory() or self.memory.peak or None,
        }


class MemoryWatch:
    """Enforces the memory limit from inside, where the engine's cgroup
    cannot be relied on: when the memory in use goes over the limit, the
    phase is killed. This check, every 10 ms, comes before the cgroup's:

    - measure "meminfo" (gVisor): the sandbox's memory in use as its own
      kernel reports it in /proc/meminfo, less the allowance. The cgroup's
      limit is set higher: a forked pytest that reaches it can stall (the
      host neither kills nor serves it) until the wall time.
    - measure "cgroup" (runc): the memory cgroup's usage less its
      reclaimable page cache (cgroup_unreclaimable), what the kernel cannot
      reclaim without swap, the harness's own included, as the kernel
      counts it. The limit given is the cgroup's less some headroom: a
      process that fills the cgroup can stall in reclaim, evicting and
      refaulting file pages, instead of being OOM-killed (seen on a loaded
      host: a memory bomb inside bytearray() until the wall time). The
      cgroup's files are found once (v1 or v2); where they cannot be read,
      the kernel's limit alone applies.

    Off with a limit of 0. The allowance is memory of the harness's own (a
    later phase's waiting zygote) that is not counted against the run."""

    def __init__(self, limit, measure="meminfo"):
        self.measure = measure
        self.sources = ()
        if measure == "cgroup" and limit > 0:
            self.sources = tuple(s for s in CGROUP_MEMORY if cgroup_unreclaimable((s,)) is not None)[:1]
            if not self.sources:
                print("assay harness: the memory cgroup cannot be read; the kernel's memory limit alone applies",
                      file=sys.stderr, flush=True)
                limit = 0
        self.limit = limit
        self.tick = 0.01 if limit > 0 else None
        self.exceeded = False
        self.peak = 0
        self.allowance = 0

    def used(self):
        """The memory counted against the limit, in bytes."""
        if self.measure == "cgroup":
            # No allowance: the kernel's limit counts the harness's too.
            return cgroup_unreclaimable(self.sources) or 0
        total = available = None
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemTotal:"):
                    total = int(line.split()[1]) << 10
                elif line.startswith(b"MemAvailable:"):
                    available = int(line.split()[1]) << 10
        if total is None or available is None:
            raise RuntimeError("/proc/meminfo has no MemTotal or MemAvailable")
        return total - available - self.allowance

    def over(self):
        if not self.limit or self.exceeded:
            return self.exceeded
        used = self.used()
        self.peak = max(self.peak, used)
        self.exceeded = used > self.limit
        return self.exceeded


CGROUP_MEMORY = (
    # cgroup v1, then v2: the counter the limit is enforced on, the
    # statistics, and the page cache's LRU lists in them
    ("/sys/fs/cgroup/memory/memory.usage_in_bytes", "/sys/fs/cgroup/memory/memory.stat",
     (b"total_active_file", b"total_inactive_file")),
    ("/sys/fs/cgroup/memory.current", "/sys/fs/cgroup/memory.stat", (b"active_file", b"inactive_file")),
)


def cgroup_unreclaimable(sources=None):
    """The memory cgroup's usage as its limit counts it, less the page cache
    the kernel can reclaim (the file LRU lists): anonymous and shared (tmpfs,
    System V) memory and kernel memory (slab, pipes, page tables), which a
    process can fill with no memory of its own (mkdir in a loop). In bytes,
    from the first of sources (CGROUP_MEMORY's entries) that can be read, or
    None."""
    for usage_path, stat_path, keys in CGROUP_MEMORY if sources is None else sources:
        try:
            with open(usage_path, "rb") as f:
                usage = int(f.read().strip())
            files = {}
            with open(stat_path, "rb") as f:
                for line in f:
                    name, _, value = line.partition(b" ")
                    if name in keys:
                        files[name] = int(value)
        except (OSError, ValueError):
            continue
        if len(files) == len(keys):
            return max(usage - sum(files.values()), 0)
    return None


def oom_kills():
    """The memory cgroup's count of OOM kills, or None where it cannot be
    read (then the worker asks the engine once the container has ended)."""
    for path, key in (("/sys/fs/cgroup/memory/memory.oom_control", "oom_kill"),
                      ("/sys/fs/cgroup/memory.events", "oom_kill")):
        try:
            with open(path) as f:
                for line in f:
                    name, _, value = line.partition(" ")
                    if name == key:
                        return int(value)
        except (OSError, ValueError):
            continue
    return None


def peak_memory():
    """The memory cgroup's peak usage in bytes (the whole container's), or
    None where it cannot be read."""
    for path in ("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", "/sys/fs/cgroup/memory.peak"):
        try:
            with open(path) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            continue
    return None


# System V IPC (sys/ipc.h, sys/shm.h, sys/msg.h, sys/sem.h).
IPC_RMID = 0
SYSV_IPC = (
    # kind, *_INFO, *_STAT, ctl(id, cmd, buf)
    ("shared memory segment", 14, 13, lambda i, cmd, buf: LIBC.shmctl(i, cmd, buf)),
    ("message queue", 12, 11, lambda i, cmd, buf: LIBC.msgctl(i, cmd, buf)),
    ("semaphore set", 19, 18, lambda i, cmd, buf: LIBC.semctl(i, 0, cmd, buf)),
)


def wipe_ipc():
    """Removes the System V IPC objects and POSIX message queues that a
    phase left (they outlive its processes, in the container's IPC
    namespace), so that nothing of one phase reaches the next. Runs with the
    sandbox user's ids, when no candidate process is alive. Returns what
    could not be removed (an object whose owner the candidate changed):
    state that survives the wipe is a finding.

    Objects are listed by index (*_STAT), as gVisor has no /proc/sysvipc.
    The kernel hands out the lowest free index, so a scan past the highest
    index found by 256 sees them all. gVisor has no /dev/mqueue to list
    either: there the phases cannot make POSIX message queues at all
    (RLIMIT_MSGQUEUE is 0 in each phase, see zygote_main)."""
    left = []
    buf = ctypes.create_string_buffer(512)
    for kind, info, stat_, ctl in SYSV_IPC:
        top, i = max(ctl(0, info, buf), 0) + 256, 0
        while i <= top:
            ident = ctl(i, stat_, buf)
            if ident >= 0:
                top = max(top, i + 256)
                if ctl(ident, IPC_RMID, None) != 0:
                    left.append("a %s survived the wipe between the phases" % kind)
            i += 1
    if os.path.isdir("/dev/mqueue"):
        for name in os.listdir("/dev/mqueue"):
            try:
                os.unlink(os.path.join("/dev/mqueue", name))
            except OSError:
                left.append("a POSIX message queue survived the wipe between the phases")
    return left


# The wire protocol with the worker (runner/docker/protocol.go): the ready
# line, the parts of stdin, the framed lines of the reply. Both ends are
# tested against the transcripts in runner/docker/testdata/protocol.
READY_LINE = b"assay-harness-ready\n"


def read_exact(n, fd=0):
    chunks = []
    while n > 0:
        b = os.read(fd, min(n, 1 << 20))
        if not b:
            raise EOFError("stdin ended early")
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def read_part(fd=0):
    """Reads one part of stdin: a decimal length, a newline, that many bytes."""
    header = b""
    while not header.endswith(b"\n"):
        b = os.read(fd, 1)
        if not b or len(header) > 20:
            raise EOFError("no part length on stdin")
        header += b
    return read_exact(int(header), fd)


def read_hidden(fd=0):
    """The hidden part: {"hidden": {path: base64}, "canaries": {"all":
    bool, "cost_ms": {test id: ms}}} (the canaries' policy comes with the
    hidden tests, whose names it holds)."""
    return json.loads(read_part(fd))


def framed(nonce, obj, tag=""):
    """A line of the reply as written to stdout: a newline (whatever the
    stream held before), then "<nonce><tag> <base64 of obj's JSON>\n"."""
    return b"\n" + nonce.encode() + tag.encode() + b" " + base64.b64encode(json.dumps(obj).encode()) + b"\n"


def failure_result(run, why):
    """The reply of a run the harness failed (why: the end of its
    traceback)."""
    if run.candidate_ran:
        # Candidate code has run, and may be what broke the harness (a
        # sandbox it cannot reset): the phases so far are the result,
        # and what is missing makes it an error, never a retry.
        return {"phases": run.phases, "problem": "the harness failed after the candidate's code ran: " + why,
                "renames": {}, "canaries": []}
    # The harness's own failure before any candidate code ran (a setup
    # that failed, a bug): the system's, never the candidate's verdict.
    # The worker retries it.
    return {"system_error": why}


def main():
    no_dumping()
    # This process is PID 1 of the container: nothing else holds the
    # container's stdin or stdout, and, being non-dumpable (runc) or root
    # (gVisor, which leaves a non-dumpable process's /proc/1/fd open to the
    # same uid), its memory and file descriptors are closed to the
    # candidate's code. Ignore SIGINT and SIGTERM from inside (the phases
    # restore the default).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ids = sandbox_ids()
    memory = MemoryWatch(int(os.environ.get("ASSAY_MEMORY_WATCH") or 0), os.environ.get("ASSAY_MEMORY_MEASURE") or "meminfo")
    ctypes_known = preload()
    zygotes = {name: Zygote(ids, ctypes_known, ahead=True) for name in ("visible", "hidden")} if ids else {}
    # Ready: the worker's deadline counts from this line, as the run's wall
    # time counts from the request read next (runner/docker's readyLine).
    sys.stdout.buffer.write(READY_LINE)
    sys.stdout.buffer.flush()
    req = json.loads(read_part())
    parts = []

    def hidden_once():
        parts.append(read_hidden())
        return parts[0]

    run = Run(req, ids, memory, zygotes, ctypes_known)
    try:
        result = run.run(hidden_once)
    except Exception:
        if not parts:
            read_part()  # the hidden part, unread: the nonce comes after it
        try:
            kill_others()
        except Exception:
            pass
        result = failure_result(run, "".join(traceback.format_exc().splitlines(True)[-6:]))
    # The nonce comes last, after every phase's process is gone: no
    # candidate code ever runs in a process that knows it.
    nonce = read_part().decode()
    sys.stdout.buffer.write(framed(nonce, result))
    sys.stdout.buffer.flush()
    # The reference's timing run, for interviewers, once the reply above is
    # out: the worker sends the reference solution only now (a fourth part,
    # empty when it wants no timing run), so it reaches the container after
    # every candidate process is dead, and nothing of it can change the
    # verdict. Its reply is framed as "<nonce>/reference <base64>".
    if "phases" in result and not result.get("problem"):
        try:
            part = json.loads(read_part() or b"{}")
        except (EOFError, ValueError):
            part = {}
        if part.get("files"):
            try:
                timing = run.reference(part)
            except Exception as e:
                try:
                    kill_others()
                except Exception:
                    pass
                # a fixed phrase: the exception's text may hold what the
                # candidate chose (a path left behind)
                timing = {"problem": "the reference's run failed (" + type(e).__name__ + ")"}
            sys.stdout.buffer.write(framed(nonce, timing, "/reference"))
            sys.stdout.buffer.flush()
    for watch in run.watches:
        watch.close()


if __name__ == "__main__":
    main()
