"""Assay's audit hook (PEP 578) for the forked pytest process.

The candidate's code runs in pytest's interpreter. install() adds an audit
hook, which cannot be removed, that refuses the sharp tools such code could
use to reach pytest's in-flight objects or to get out from under the hook:
frames, gc walks, ctypes, tracing, code objects and bytecode, native code,
writes to the tests and the report, other programs. The harness calls it in
the forked pytest process, from the frame that then calls pytest.main(),
after pytest and the guard are imported and before any test or candidate
code runs:

    assay_audit.install(work="/work", candidate_files=[...],
                        trusted_dirs=[...], protected=[...], report_fd=fd)

A refusal raises PermissionError("refused by the sandbox: ...")
(ModuleNotFoundError for an import, so that `try: import x except
ImportError` copes) and writes one JSON line to report_fd:
{"check": "audit", "seen": "sys._getframe from solution.py:12"}.

WHOSE DOING. A frame is the candidate's when its code's co_filename is not
in a trusted directory (nor "<frozen ...>", the interpreter's own frozen
stdlib): the candidate's files, the scratch modules it writes and imports,
and code compiled from strings ("<string>": exec, eval, dataclasses' and
namedtuple's generated methods). For most events the hook walks the stack
from the frame that raised the event outwards ("any candidate frame on the
stack", not "the immediate caller": inspect.currentframe(), inspect.stack(),
logging.currentframe(), traceback.walk_stack(), walk_tb(), pytest's
ExceptionInfo.traceback and asyncio's Task.get_stack() hand frames to their
caller, so the walk goes through them to whoever called them):

- a candidate frame: the candidate's doing, refused;
- a trampoline, trusted code that calls what someone else handed it
  (threading.Thread.run, Timer.run, the thread pool's work items, asyncio's
  Handle._run, weakref.finalize): the candidate's doing too, since
  Thread(target=gc.get_objects) runs gc under trusted frames only;
- no Python frame at all (a thread started on a builtin with
  _thread.start_new_thread), or the frame that called install() raising the
  event itself (from then on it only runs pytest.main and the exit
  functions, so that is a builtin registered with atexit): the candidate's;
- a consumer, a trusted call site that uses a frame or a code object on its
  caller's behalf, gives back nothing frame-bearing and never hands the
  frame to anything looked up at run time (typing's, namedtuple's and
  enum's module-name lookups, inspect's signature, code-flag and source
  helpers, traceback's extraction from a traceback without capture_locals,
  asyncio's coroutine repr, unittest.mock's spec helpers, pandas' eval
  scope while the frame it gets is the candidate's own, numexpr's):
  allowed. Known by the identity of their code objects (or, for pandas and
  numexpr, imported later, by file and name: code with a trusted filename
  is that file's own code, see below), and only while the frame runs with
  its module's own globals and the real builtins and every global or
  builtin its code names is still what it was at install (a function made
  of a library's readable code object with the candidate's globals, or
  inspect.isframe rebound, would otherwise be handed what getfile reads);
- a trusted module's body run by importlib (the candidate imported numpy,
  whose import-time code calls code.replace): that module's business,
  allowed (not for writes and programs);
- the bottom of the stack, or the frame that called install(): nobody's
  doing, allowed. Walks remember a few outer frames found clean, so that
  pytest's stack is walked once, not at every event.

logging's findCaller and pandas' find_stack_level hand frames to module
globals (logging._is_internal_frame, inspect.getfile) that another thread,
a signal handler or a finalizer could swap between a check and the use:
they are replaced by equivalents in this module that keep the frames to
themselves (pandas' once pandas.util._exceptions is loaded).

WHAT IS REFUSED (when it is the candidate's doing, unless said otherwise):

- frames and code: sys._getframe, sys._current_frames,
  sys._current_exceptions; reading tb_frame, f_code, gi_frame, cr_frame or
  ag_frame; reading __code__, gi_code, cr_code or ag_code of the tests',
  the challenge's modules', pytest's, pluggy's or Assay's code (the
  candidate's own and the stdlib's and dist-packages' are nothing it could
  not read anyway: decorators read fn.__code__.co_varnames, mock's autospec
  the __code__ of a library function it specs); setting __code__;
  setting __defaults__ / __kwdefaults__ of pytest's, pluggy's, Assay's or
  the tests' functions; setting __class__, __bases__, __module__,
  __name__ or __qualname__ where pytest's, pluggy's or Assay's classes
  are involved;
- gc.get_objects, gc.get_referrers, gc.get_referents;
- sys.settrace, sys.setprofile (cProfile, pdb included), and
  threading.settrace / setprofile, which take effect in
  Thread._bootstrap_inner: refused there whenever such a hook is set;
  sys.addaudithook (a hook sees every event's arguments, frames among
  them; CPython swallows the refusal, the hook is not added);
- ctypes: it reads and writes any memory without an audited call (a Union
  of an integer and a pointer), so at install the ctypes modules leave
  sys.modules and every module-level reference to them or their objects is
  dropped (the harness's own ctypes and LIBC: it no longer needs them in
  this process); importing them again is refused from anywhere (numpy
  tries, and does without); pandas.errors, which imports ctypes for
  Windows only, gets an empty stand-in. Every ctypes.* event is refused
  too;
- code.__new__ and code.replace; function.__new__ of code with a trusted
  filename; compile() under a trusted filename unless it is importlib
  compiling the very bytes of that file; exec of code with a trusted
  filename unless importlib's stock loaders execute a module; marshal.loads
  and marshal.load; and, from anywhere, compiled bytecode (.pyc, zip
  imports) that is not the unaltered content of a file in a trusted
  directory. So the candidate cannot mint code that passes for trusted, nor
  run crafted bytecode;
- native code, from anywhere: extension modules from outside the trusted
  directories; the test-only extensions (_testcapi, _testinternalcapi,
  ...) and _xxsubinterpreters; creating a subinterpreter (it would run
  without this hook); sqlite3 extensions;
- writes under protected paths (open for writing, os.open with write or
  truncate flags, rename, replace, remove, rmdir, mkdir, chmod, chown,
  utime, truncate, xattrs, link, symlink, shutil's rmtree / move / copy* /
  unpack_archive, tempfile), checked on the path as written and with
  symlinks resolved; removing, renaming or chmod-ing an ancestor of a
  protected path; writing a path with a ".." component, under /proc or
  /dev/fd; symlinks whose target has "..", is under /proc, or is (or is
  inside, or is an ancestor of) a protected path, and moving or linking a
  relative symlink somewhere it means that; symlinks to /dev (its fd
  leads into /proc); hard links to protected files;
  reading the tests by any path: os.open is sealed, opens a name under
  the candidate's directory descriptor by the directory's path and checks
  the descriptor it opened by its own path; reading, writing, linking to
  or moving into any name whose resolution follows one of /proc's
  per-process links (cwd, root, exe, fd/N, map_files, task/T/...; /dev/fd
  and the standard streams lead there), as written or through other
  links: their targets are whatever another thread makes them by the
  open; moving into the tests or under /proc; a descriptor of a
  directory under /proc;
- opening /proc/*/mem, from anywhere (a second layer: in the sandbox
  each phase is non-dumpable, so the kernel refuses its memory to it);
- running programs (os.exec*, posix_spawn, os.spawn*, os.system,
  subprocess, pty.spawn, os.forkpty) unless allow_processes: they run
  without the hook. Forking is fine: the child inherits it.

Signal handlers get None for the interrupted frame, whoever installs them
(_signal.signal is wrapped: trusted code installs handlers it was handed). _imp._fix_co_filename, which renames code
objects in place, is wrapped too, and _imp.create_builtin / exec_builtin
refuse to make fresh copies of those two modules. The originals sit in
suspended generators, whose frames only gi_frame (refused) reaches.

THE HOOK'S OWN SAFETY. Its state lives in closures of functions nothing the
candidate can reach refers to (the interpreter holds the hook; its frame is
in a refusal's traceback, behind tb_frame). What it puts where the
candidate reaches (the stand-ins) is a bound method of a module-level
function over a tuple, never a closure of install's: closures and their
cells are readable and writable with no audit event, and a host test walks
everything reachable to check it. Signal handlers and the collector's
finalizers run at any bytecode boundary, the hook's included: the hook
takes an event on an object others may hold as its own read only when its
reader's frame raised it (see hook and marked_read). Everything it calls was
captured at install: replacing os.write, json.dumps, builtins or this
module's globals changes nothing (a test checks that no function it runs
looks up a global). It never runs the candidate's code on purpose (exact
built-in types only), and an audited event raised while a thread is inside
it is refused, unless it is the one event the hook itself is about to
raise, matched by the identity of an object nobody else holds: so a
finalizer, a signal handler or a dict key's __eq__ that runs inside the
hook gets nothing. The hook does not even call sys._getframe: it takes its
caller's frame from the traceback of an exception it raises and catches.
Reports are non-blocking and capped (max_reports).

WHAT STAYS OPEN:

- pytest's object graph is reachable through plain attributes, which no
  audit event covers: sys.modules (every module's globals, the guard's
  token), sys.meta_path (pytest's AssertionRewritingHook has .config, and
  from it the plugin manager, the hooks and the session), pytest-timeout's
  SIGALRM handler during a test (signal.getsignal; it closes over the
  item), logging's root handlers, writable closure cells. The hook protects
  the in-flight state (frames and their locals) and reaching objects
  through gc, not that;
- deferred callables: builtins (or functools.partial of them) the
  candidate registers as weakref callbacks, gc.callbacks, sys.path_hooks,
  codecs search functions or pytest hook implementations run when no
  candidate frame is on the stack and are blamed on the trusted code
  running then. What they may do there is narrowed: taking a frame, walking
  gc, compiling under a trusted name, exec or function() of trusted code,
  code.replace, settrace / setprofile, marshal.loads, setting a function's
  __code__ or defaults, and (with no candidate frame below) writing,
  chmod-ing, renaming or removing a protected path, reading a hidden
  module and starting a program need the frame on top to name the
  operation at that moment (or to be a function raising the event with
  sys.audit that its caller calls by name): its current instruction loads that attribute
  or calls a callable loaded by that name; a frame (or a tracer) trusted
  code other than a consumer takes must go to a caller that names (or
  holds) that function; and none of them may have below it a trusted
  frame that is only storing, deleting, popping or returning (such an
  instruction runs no Python code: what runs above it runs because it
  dropped an object). So an attacker must make the collector fire in a
  frame at a plain call of the very operation; so is a second copy of a trusted module the candidate
  loads (module_from_spec + exec_module: genuine code, the candidate's
  globals) and patches into pytest;
- numpy reads and writes arbitrary memory without ctypes
  (__array_interface__ with a raw address, lib.stride_tricks.as_strided);
- races between the check of a path and the system call, narrowed (see
  docs/SECURITY.md, "Paths"): the candidate's code may not move into the
  tests or /proc; while other threads run it may not move into an
  ancestor of /proc, /dev, the tests or the report other than the work
  directory (a thread flipping between a harmless directory and "/" made
  "proc/self/root/..." judged in one and opened in the other), nor read
  a name with "..", nor read or write a relative name that reaches the
  tests, a protected path or a memory file from some directory
  ("tests/...", ".../mem"), nor chmod under a directory descriptor
  ("other threads" includes a process forked since install: a latch);
  names it cannot resolve (past PATH_MAX, an unsearchable directory) are
  refused, not vouched for; reads are let through unresolved only under
  the image's read-only directories; any
  other relative name is judged against the last chdir's
  target too and again if a chdir came during the check; no name whose
  resolution follows a per-process link of /proc is used at all (so no
  descriptor number's os.dup2 changes what a judged name reaches: the
  links the candidate makes may not lead into /proc or /dev, the image's
  build checks that none of the system's outside them do, and os.open
  opens a name under the candidate's directory descriptor by its path); a
  descriptor of a directory under /proc is refused. Left: a thread preempted between a check's end and its system
  call while trusted code (a fixture) moves into the tests; renames,
  links and symlinks under a repointed directory descriptor (writes: the
  watcher's findings). The hidden test modules themselves the kernel
  refuses (sources, above);
- descriptors trusted code holds open (a test reading its data file) can
  be copied by another thread with os.dup, which no event covers: the
  hidden test modules are never opened in this process (sources);
- os.mkfifo and os.mknod are not audited (inotify sees a FIFO planted in
  the tests);
- pytest-timeout's stack dump hands frames to traceback.format_stack, a
  global; with its signal method that only dumps threads the candidate
  started;
- a candidate that closes or floods report_fd loses the reports, not the
  refusals.

COMPATIBILITY: from the candidate's code, traceback.print_stack /
extract_stack / format_stack (they hand the frame to a global),
inspect.currentframe / stack, a task's get_stack, asyncio's debug-mode
source tracebacks, dis on functions, inspect.getmembers of a function,
mock's autospec of a function of the challenge's provided modules (the
stdlib's and dist-packages' are fine), doctest's runner (it sets and
restores a tracer), types.coroutine and
multiprocessing's Value / Array (ctypes) are refused; numpy's .ctypes and ctypeslib are unavailable; the candidate's
signal handlers get frame=None; without allow_processes, platform's
processor name is blank (it runs `uname -p`: refused, quietly); while
other threads run, reading a path with "..", a relative name that starts
"tests/" or ends in "mem", and chmod-like calls under a directory
descriptor are refused (quietly); io.FileIO of a path-like other than
pathlib's is refused; moving into the tests or /proc is refused. logging
(stack_info included), traceback.print_exc / format_exc, warnings,
dataclasses, typing, enum, functools, asyncio, threads and processes work.
"""

import sys as _sys

_installed = []


def _sealed_call(pair, *args, **kwargs):
    """What stands in for a wrapped builtin, bound as a method to pair: a
    lock and the send method of a suspended generator, which makes one
    single-use generator per call; that one runs the policy and the
    original function, which thus stay out of reach (a generator's frame is
    only reachable through gi_frame, which the hook refuses). A bound
    method and a tuple (of builtin methods: copy.deepcopy keeps it as it
    is), not a closure: a closure's cells are writable with
    no audit event, and a send of the candidate's handed a generator it had
    made ahead, with arguments of its choosing, to a trusted caller (a
    twenty-seventh review). The single-use generator checks that it is run
    by this very frame for this very pair."""
    __tracebackhide__ = True  # (pytest's reports show the builtin's caller)
    acquire, release, send = pair
    # (with, not acquire then try: a signal's handler raising right after
    # acquire returned left the lock held, and every later call hung)
    with acquire.__self__:
        gen = send((args, kwargs))
    ok, value = gen.send(None)
    if ok:
        return value
    raise value


def _method_entry(entry):
    """A plain function calling entry (a stand-in), for a class attribute
    that must bind as a method (Logger.findCaller)."""

    def method(*args, **kwargs):
        __tracebackhide__ = True
        return entry(*args, **kwargs)

    return method


def _no_pyc(source, pyc, trace=None):
    """pytest's _read_pyc in the sandbox: no cached rewrite is ever read
    (see marshal.load). (At module level: a function of install's making
    reachable from pytest's module would be a way into install's scope.)"""
    return None


def _ctypes_stub_getattr(name):
    raise AttributeError("ctypes is not available in the sandbox (ctypes.%s)" % name)


_CTYPES = frozenset({"ctypes", "_ctypes"})
_PLAIN = frozenset({str, int, float, bool, type(None), bytes, tuple, frozenset, dict, list, set})


def _ctypes_keys(d, ctypes_ids):
    """The keys of module dict d whose values are ctypes modules (by id)
    or ctypes' classes, functions and objects."""
    import types
    type_module = type.__dict__["__module__"].__get__
    keys = []
    for k, v in list(d.items()):
        try:
            t = type(v)
            if t in _PLAIN:
                continue
            if id(v) in ctypes_ids:
                keys.append(k)
                continue
            if t is types.FunctionType or t is types.BuiltinFunctionType:
                m = v.__module__  # (_ctypes.call_function's is "_ctypes")
            elif issubclass(t, type):
                m = type_module(v)
            else:
                m = type_module(t)
            if type(m) is str and (m in _CTYPES or m.startswith("ctypes.")):
                keys.append(k)
        except Exception:
            pass
    return keys


def ctypes_references():
    """Where the loaded modules hold ctypes: {module name: (its dict's id,
    its length, [keys])}, every loaded module listed. The harness takes
    this once, before any request, so that install (in each phase's fork,
    where the same modules are loaded and no candidate code has run yet)
    need only scan the modules loaded or changed since: the full scan is
    most of install's cost."""
    import types
    module_dict = types.ModuleType.__dict__["__dict__"].__get__
    ids = {id(m) for n, m in list(_sys.modules.items()) if n in _CTYPES or n.startswith("ctypes.")}
    sealable = _sealable_ids()
    out = {}
    for name, mod in list(_sys.modules.items()):
        if not isinstance(mod, types.ModuleType):
            continue
        d = module_dict(mod)
        if type(d) is dict:
            out[name] = (id(d), len(d), _ctypes_keys(d, ids), [k for k, v in list(d.items()) if id(v) in sealable])
    return out


def _sealable_ids():
    """The functions install seals wherever a module holds them."""
    import os
    out = {id(os.open)}
    try:
        import _posixsubprocess
        out.add(id(_posixsubprocess.fork_exec))
    except ImportError:
        pass
    return out


def install(work="/work", candidate_files=(), trusted_dirs=(), protected=(), report_fd=None,
            *, allow_processes=False, quiet_processes=False, trusted_programs=True, enforce=True,
            max_reports=50, unreadable=(), ctypes_known=None, sources=None):
    """Add the audit hook. Call once, in the process that will run pytest,
    right before pytest.main().

    work: the candidate's working directory (names files in reports).
    candidate_files: absolute paths of the candidate's entry files (every
      untrusted file is candidate code anyway; these are only named).
    trusted_dirs: directories (or single files) whose code is trusted: the
      stdlib, dist-packages / site-packages, /opt/assay, /work/tests,
      /work/fixtures, the challenge's provided modules. The frozen stdlib
      ("<frozen ...>") is always trusted. None may hold the work directory
      or a candidate file (ValueError).
    protected: files and directories the candidate must never write: the
      tests, the fixtures, the challenge's provided modules, the report
      directory.
    report_fd: a file descriptor (a pipe to the harness) for one JSON line
      per refusal, or None. It is made non-blocking; at most max_reports
      lines are written, then one saying that more were not.
    allow_processes: let the candidate run other programs.
    quiet_processes: without allow_processes, a program the candidate's
      code starts is refused but not reported (an honest solution may try:
      multiprocessing's spawn; it is the refusal that matters).
    trusted_programs: without allow_processes, trusted code (no candidate
      frame below) may still start programs; False refuses them whoever
      asks (a callback the candidate's code left for the garbage collector
      runs with no candidate frame below it).
    enforce: False reports without refusing (to try the hook out).
    unreadable: files and directories the candidate's code must not read
      (the tests: the source of a test holds what it expects). A read by
      candidate code is refused and reported; a read made for it by
      linecache (a traceback or a warning that shows a test's line) is
      refused quietly: the line is left out, nothing is reported.
    ctypes_known: what ctypes_references() returned in this process (or
      the one it was forked from) before any untrusted code ran; modules
      it lists unchanged are not scanned again.
    sources: {absolute path: bytes} of test modules this process cannot
      read (the harness made them mode 000: the hidden tests). pytest's
      assertion rewriter gets each from here, once, so no descriptor of
      them ever exists in this process; nothing with a candidate frame (or
      a trampoline) on its stack gets them. install empties the dict.
    """
    if _installed:
        raise RuntimeError("assay_audit is already installed")

    import _imp
    import gc as gc_mod
    import _signal
    import _thread
    import errno
    import builtins
    import os
    import posix
    import stat as stat_mod
    import types
    # Imported now, so that the code objects of their consumers and
    # trampolines are the ones every later import gets.
    import asyncio.coroutines
    import asyncio.events
    import collections
    import copy
    import concurrent.futures.thread
    import enum
    import importlib._bootstrap as bootstrap
    import importlib._bootstrap_external as bootstrap_external
    import inspect
    import logging
    import platform
    import threading
    import traceback
    import typing
    import unittest.mock as unittest_mock
    import warnings as warnings_mod
    import weakref
    import asyncio.format_helpers as asyncio_format_helpers
    import itertools
    import linecache
    import opcode as opcode_mod
    import operator
    import functools
    import dis as dis_mod

    # ---- everything the hook calls, captured now ------------------------------
    _type = type
    _str = str
    _str_str = str.__str__
    _bytes_bytes = bytes.__bytes__
    _fspath = os.fspath
    _index = operator.index
    _str_ne = str.__ne__
    _bytes = bytes
    _int = int
    _tuple = tuple
    _len = len
    _list = list
    _zip = zip
    _issubclass = issubclass
    _getattr = getattr
    _memoryview = memoryview
    _range = range
    _dict = dict
    _iter = iter
    _next = next
    _id = id
    _isinstance = isinstance
    _staticmethod = staticmethod
    _classmethod = classmethod
    _property = property
    _bool = bool
    _float = float
    _NoneType = type(None)
    _set = set
    _frozenset = frozenset
    _ImportError = ImportError
    _SyntaxError = SyntaxError
    _UnicodeError = UnicodeError
    _callable = callable
    _exec = exec
    _ValueError = ValueError
    _TypeError = TypeError
    _enumerate = enumerate
    _KeyError = KeyError
    _IndexError = IndexError
    _RuntimeError = RuntimeError
    _StopIteration = StopIteration
    _OverflowError = OverflowError
    sealed_call = _sealed_call
    sealed_call_code = _sealed_call.__code__
    method_entry = _method_entry
    no_pyc = _no_pyc
    _PermissionError = PermissionError
    _ModuleNotFoundError = ModuleNotFoundError
    _OSError = OSError
    _RecursionError = RecursionError
    _Exception = Exception
    _BaseException = BaseException
    _CodeType = types.CodeType
    _FunctionType = types.FunctionType
    _MethodType = types.MethodType
    _FrameType = types.FrameType
    # A module's own dict, never a lazy module's __getattr__ or a
    # subclass's property.
    module_dict = types.ModuleType.__dict__["__dict__"].__get__
    _TracebackType = types.TracebackType
    _Namespace = types.SimpleNamespace
    _type_module = type.__dict__["__module__"].__get__
    ctypes_keys = _ctypes_keys
    _getframe = _sys._getframe
    _get_ident = _thread.get_ident
    _allocate_lock = _thread.allocate_lock
    _write = os.write
    _os_open = os.open
    _os_read = os.read
    _os_close = os.close
    _lstat = os.lstat
    _stat = os.stat
    _readlink = os.readlink
    _ENOENT, _ENOTDIR, _ENAMETOOLONG = errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG
    _getcwd = os.getcwd
    _normpath_c = posix._path_normpath
    _S_ISLNK = stat_mod.S_ISLNK
    _S_ISDIR = stat_mod.S_ISDIR
    _O_RDONLY = os.O_RDONLY
    _O_PATH = getattr(os, "O_PATH", 0)
    _O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
    _WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    _threading_dict = threading.__dict__
    _sys_modules = _sys.modules

    def normpath(p):
        n = _normpath_c(p) or "."
        # POSIX keeps exactly two leading slashes ("//proc" is still /proc)
        return n[1:] if n[:2] == "//" else n

    def clean_dir(d):
        return normpath(os.path.abspath(d))

    trusted = _tuple(sorted({clean_dir(d) for d in trusted_dirs if d}))
    trusted_slash = _tuple(d if d == "/" else d + "/" for d in trusted)
    trusted_set = frozenset(trusted)  # (an entry may be a file: a provided module)
    prot = _tuple(sorted({clean_dir(p) for p in protected if p}))
    prot_slash = _tuple(p if p == "/" else p + "/" for p in prot)
    unread = _tuple(sorted({clean_dir(p) for p in unreadable if p}))
    unread_slash = _tuple(p if p == "/" else p + "/" for p in unread)
    # The fast path lets reads through unless the path may name one of
    # them: it holds the last component of an unreadable path.
    unread_words = _tuple(sorted({p.rsplit("/", 1)[-1] for p in unread if p != "/"}))
    work_slash = (clean_dir(work) if work else "/work") + "/"
    # A trusted directory holding the candidate's files would make the hook
    # useless: refuse to start rather than run open.
    for d in trusted:
        if work_slash.startswith(d if d == "/" else d + "/"):
            raise ValueError("assay_audit: trusted directory %s holds the work directory" % d)
    for f in candidate_files:
        f = normpath(os.path.abspath(f)) if f else None
        if f and (f in trusted or f.startswith(trusted_slash)):
            raise ValueError("assay_audit: candidate file %s is inside a trusted directory" % f)

    # Modules whose classes the candidate must not re-class, re-base or
    # rename.
    prot_modules = frozenset({"_pytest", "pytest", "pluggy", "assay_guard", "assay_audit",
                              "pytest_timeout", "iniconfig", "attr", "py"})
    prot_modules_dot = _tuple(m + "." for m in prot_modules)
    prot_code_parts = ("/_pytest/", "/pytest/", "/pluggy/", "/pytest_timeout.py", "/assay_guard.py",
                       "/assay_audit.py", "/harness.py")

    def any_in(text, parts):
        for part in parts:
            if part in text:
                return True
        return False
    # Extension modules never loaded, from anywhere: memory-unsafe test
    # helpers, and subinterpreters (which would run without this hook).
    banned_modules = frozenset({
        "_testcapi", "_testinternalcapi", "_testbuffer", "_testclinic", "_testmultiphase",
        "_testimportmultiple", "_xxtestfuzz", "_ctypes_test", "_xxsubinterpreters",
        # reads any file without an audited event (read_history_file)
        "readline",
    })

    # ---- per-thread state: what the hook itself is doing -----------------------
    # Absent: the thread is not in the hook. BUSY: in the hook. An object:
    # the hook is about to read the tb_frame / f_code / __code__ of that
    # object, or to open that path, and the audited event this raises goes
    # through, once. Any other audited event raised while a thread is in
    # the hook comes from code the hook did not mean to run (a dict key's
    # __eq__, a finalizer run by a collection, a signal handler) and is
    # refused. The hook never calls sys._getframe, whose event could only
    # be matched by name: a signal handler running at that moment would get
    # any frame it asked for.
    state = {}
    state_get = state.get
    BUSY = ["busy"]
    # Signals whose Python handler arrived while its thread was deciding
    # an event or inside a stand-in (tid in judging, a depth; see the
    # trampoline): their handlers run (flush_signals) before judge decides,
    # as the outermost stand-in ends, or at the next signal outside a
    # window, never between a decision and the operation.
    pending_signals = []
    judging = {}
    judging_get = judging.get
    n_signals = _signal.NSIG
    judging_has = judging.__contains__
    pending_add = pending_signals.append

    def flush_signals():
        """Runs the handlers of the held signals, in order (an exception of
        one leaves from here; the rest stay held). Called directly, not
        raised again: raise_signal ran the C handler a second time, which
        wrote the signal to set_wakeup_fd's descriptor twice (asyncio's
        add_signal_handler callbacks ran twice). One whose handler is no
        longer Python's (SIG_DFL, SIG_IGN) is dropped, as the interpreter
        drops it."""
        __tracebackhide__ = True
        while pending_signals:
            try:
                signum = pending_signals.pop(0)
            except _IndexError:
                break
            if _type(signum) is _int and 0 < signum < n_signals:
                h = orig_getsignal(signum)
                if _type(h) is _MethodType and h.__func__ is trampoline_fn:
                    h.__self__[0](signum, None)

    def enter(tid):
        """Marks tid as in the hook; returns what state held for it. (Put
        back inline, never by a call: a call's start is where a signal's
        handler runs, and one that raised there left the thread marked,
        every later event refused.)"""
        prev = state_get(tid)
        state[tid] = BUSY
        return prev


    class Probe(Exception):
        pass

    def getframe(depth, tid):
        """The frame `depth` frames above the caller of getframe: from the
        traceback of an exception raised here, which nobody else holds."""
        try:
            raise Probe
        except Probe as e:
            tb = e.__traceback__
        state[tid] = tb
        try:
            f = tb.tb_frame  # this function's frame
        finally:
            state[tid] = BUSY
        del tb
        for _ in _range(depth + 1):
            if f is None:
                break
            f = f.f_back
        return f

    def codeof(obj, tid):
        """obj.f_code (a frame) or obj.__code__ (a function)."""
        if _type(obj) is not _FrameType:
            # (a function someone else may hold; a frame no one but the
            # hook holds)
            return marked_read(obj, "__code__", tid)
        state[tid] = obj
        try:
            return obj.f_code
        finally:
            state[tid] = BUSY

    # ---- file classification --------------------------------------------------
    fcache = {}

    def classify_path(fn):
        if fn.startswith("<frozen ") and fn.endswith(">"):
            return True
        if not fn.startswith("/") or normpath(fn) != fn:
            return False
        return fn in trusted_set or fn.startswith(trusted_slash)

    def trusted_file(fn):
        if _type(fn) is not _str:
            return False
        r = fcache.get(fn)
        if r is None:
            r = classify_path(fn)
            if _len(fcache) < 100000:
                fcache[fn] = r
        return r

    def frozen_importlib(code):
        """Whether code is importlib's (its file name an exact str: no str
        subclass's own startswith answers)."""
        fn = code.co_filename
        return _type(fn) is _str and fn.startswith("<frozen importlib")

    # The public libraries' code (the stdlib, dist-packages): trusted
    # directories outside the work directory and this module's. Their code
    # objects hold nothing the candidate could not read in the library's
    # source, and code is never run from them unless it is trusted
    # (function(), exec, code.replace are refused for a trusted file name):
    # reading them is not refused (mock's autospec reads the __code__ of
    # the function it specs). The tests', the fixtures', the provided
    # modules', Assay's, pytest's and pluggy's stay closed.
    own_dir_slash = clean_dir(os.path.dirname(os.path.abspath(__file__))) + "/"
    library_slash = _tuple(d for d in trusted_slash
                           if not d.startswith(work_slash) and not own_dir_slash.startswith(d)
                           and not d.startswith(own_dir_slash))

    def library_file(fn):
        if not trusted_file(fn) or any_in(fn, prot_code_parts):
            return False
        return (fn.startswith("<frozen ") and fn.endswith(">")) or fn.startswith(library_slash)

    def show_file(fn):
        if _type(fn) is not _str:
            return "?"
        if fn.startswith(work_slash):
            return fn[_len(work_slash):]
        return fn

    # ---- code identities: consumers, trampolines, importlib -------------------
    code_globals = {}  # code -> the globals of the function it came from

    def code_of(obj):
        for _ in _range(5):
            f = _getattr(obj, "__func__", None) or _getattr(obj, "fget", None)
            if f is None:
                break
            obj = f
        code = _getattr(obj, "__code__", None)
        g = _getattr(obj, "__globals__", None)
        if _type(code) is _CodeType and _type(g) is _dict:
            code_globals[code] = g
        return code

    CONSUMER, TRAMPOLINE = 1, 2
    special = {}  # co_qualname -> [(code or filename suffix, kind, condition)]
    real_builtins = builtins.__dict__
    MISSING = ["missing"]

    # What the consumers' helpers (inspect.isframe, iscode, ...) hand what
    # they are given to: the types module's classes (isinstance(x,
    # types.FrameType): a class with a metaclass's __instancecheck__ gets
    # the frame) and a few builtins.
    types_dict = types.__dict__
    helper_pins = _tuple((types_dict, n, v) for n, v in types_dict.items() if n[:1].isupper())
    helper_builtins = frozenset({"isinstance", "issubclass", "getattr", "hasattr", "type", "callable"})

    def pinned(code, cond):
        """cond, and the frame runs code as its module defined it: with the
        module's own globals, the real builtins, and every global or
        builtin its code names still the object it was at install. Code
        objects of the libraries are readable (a function made of one with
        other globals runs the same code with the candidate's names), and a
        module's names can be rebound (inspect.isframe, which getfile
        hands the frame it reads)."""
        g0 = code_globals.get(code)
        if g0 is None:
            return cond
        names = _tuple((n, g0[n]) for n in code.co_names if n in g0)
        bnames = _tuple((n, real_builtins[n]) for n in code.co_names + _tuple(helper_builtins)
                        if n not in g0 and n in real_builtins)
        attrs = module_attrs(code, g0)

        def check(frame, args=None):
            g = frame.f_globals
            if g is not g0 or frame.f_builtins is not real_builtins:
                return False
            for n, orig in names:
                if g.get(n, MISSING) is not orig:
                    return False
            for n, orig in bnames:
                if g.get(n, MISSING) is not MISSING or real_builtins.get(n, MISSING) is not orig:
                    return False
            for d, n, orig in helper_pins:
                if d.get(n, MISSING) is not orig:
                    return False
            for d, n, orig in attrs:
                if d.get(n, MISSING) is not orig:
                    return False
            return cond is None or cond(frame, args)
        return check

    def module_attrs(code, g0):
        """(module dict, name, object) for every callable or module that a
        module among code's globals (or a module under one: os.path) holds
        under a name the code uses. A plain setattr on a module raises no
        audit event: sys._getframe, sys._current_frames or
        functools._unwrap_partial rebound to a callable of C parts
        (functools.partial of reduce) runs with the consumer's frame on
        top, at its own call by that name, and hands what it gets to the
        candidate (an attacker's review). Data (sys.stdout, which pytest
        swaps) is not pinned: a consumer hands it no frame."""
        used = code.co_names
        out, seen, todo = [], [], []
        for n in used:
            m = g0.get(n)
            if _type(m) is types.ModuleType:
                todo.append(m)
        while todo:
            m = todo.pop()
            if _id(m) in seen or _len(seen) > 16:
                continue
            seen.append(_id(m))
            d = module_dict(m)
            if _type(d) is not _dict:
                continue
            for n in used:
                v = d.get(n, MISSING)
                if v is MISSING:
                    continue
                if _type(v) is types.ModuleType:
                    todo.append(v)
                    out.append((d, n, v))
                elif _callable(v):
                    out.append((d, n, v))
        return _tuple(out)

    def add(match, kind, cond=None, qualname=None):
        if _type(match) is _CodeType:
            if kind == CONSUMER:
                cond = pinned(match, cond)
            special.setdefault(match.co_qualname, []).append((match, kind, cond))
        elif _type(match) is _str and qualname:
            special.setdefault(qualname, []).append((match, kind, cond))

    def intact(pairs=(), builtin_names=(), frame_names=()):
        """A condition: these entries of module (or class) dicts, of the
        builtins and of the consumer frame's own globals are still the
        objects they were at install, and the frame runs with the real
        builtins."""
        pairs = _tuple((d, name, d.get(name)) for d, name in pairs)
        pairs += _tuple((real_builtins, name, real_builtins.get(name)) for name in builtin_names)
        frame_names = _tuple(frame_names)

        def cond(frame, args=None):
            g = frame.f_globals
            if _type(g) is not _dict or frame.f_builtins is not real_builtins:
                return False
            for name, orig in frame_names:
                if g.get(name) is not orig:
                    return False
            for d, name, orig in pairs:
                if d.get(name) is not orig:
                    return False
            return True
        return cond

    def frame_local(frame, name, tid):
        """The frame's local `name` (f_locals raises no audited event), or
        a value no object is."""
        try:
            return frame.f_locals.get(name, frame_local)
        except _Exception:
            return frame_local

    def local_false(frame, name):
        """The consumer frame's local `name` is None, False or 0."""
        v = frame.f_locals.get(name)
        return v is None or v is False or (_type(v) is _int and v == 0)

    # Consumers: trusted call sites that use a frame (or code) on their
    # caller's behalf, give back nothing frame-bearing, and never hand the
    # frame to anything looked up at run time: a module global or a method
    # could be swapped by another thread, a signal handler or a finalizer
    # between this check and its use. (logging's findCaller and pandas'
    # find_stack_level do hand frames on: they are replaced below.)

    # traceback's extraction from a traceback: the frames come out of a
    # generator that reads tb_frame at each step, and whoever resumes it
    # is checked then; this frame only reads f_code, f_globals and line
    # numbers. With capture_locals it would hand f_locals on.
    # (it hands the frames to collections.deque or itertools.islice when
    # given a limit, and their globals to linecache: module attributes,
    # which the pin of its own globals does not cover)
    tb_helpers_intact = intact([(collections.__dict__, "deque"), (itertools.__dict__, "islice"),
                                (linecache.__dict__, "lazycache"), (linecache.__dict__, "checkcache")])
    add(code_of(traceback.StackSummary._extract_from_extended_frame_gen), CONSUMER,
        lambda frame, args=None: local_false(frame, "capture_locals") and tb_helpers_intact(frame, args))
    # The generators the traceback consumer resumes (and nothing between
    # them and it): their module's names pinned as a consumer's are.
    resumed_generators = {}
    tb_gens = [code_of(traceback.walk_tb), code_of(traceback.walk_stack),
               code_of(traceback.__dict__.get("_walk_tb_with_full_positions"))]
    extract_code = code_of(traceback.StackSummary.extract)
    for c in (extract_code.co_consts if _type(extract_code) is _CodeType else ()):
        if _type(c) is _CodeType and c.co_flags & inspect.CO_GENERATOR:
            code_globals[c] = traceback.__dict__
            tb_gens.append(c)
    for c in tb_gens:
        if _type(c) is _CodeType and c.co_flags & inspect.CO_GENERATOR:
            check = pinned(c, None)
            if check is not None:
                resumed_generators[c] = check
    # Module-name lookups: sys._getframe(n).f_globals.get("__name__").
    add(code_of(typing.__dict__.get("_caller")), CONSUMER)
    add(code_of(collections.namedtuple), CONSUMER)
    add(code_of(enum.EnumType.__dict__.get("_create_")), CONSUMER)
    # Code flags, signatures, source lines: the code object stays inside.
    add(code_of(inspect._signature_from_function), CONSUMER)
    add(code_of(inspect.__dict__.get("_has_code_flag")), CONSUMER)
    add(code_of(inspect.getfile), CONSUMER)
    add(code_of(inspect.findsource), CONSUMER)
    add(code_of(inspect.getclosurevars), CONSUMER)
    add(code_of(inspect.__dict__.get("_signature_is_functionlike")), CONSUMER)
    add(code_of(typing.overload), CONSUMER)
    add(code_of(unittest_mock.__dict__.get("_is_async_func")), CONSUMER)
    add(code_of(unittest_mock.NonCallableMock._mock_add_spec), CONSUMER)
    add(code_of(asyncio_format_helpers.__dict__.get("_get_function_source")), CONSUMER)
    # A generator's or coroutine's state, a coroutine's repr: f_lineno only.
    add(code_of(inspect.getgeneratorstate), CONSUMER)
    add(code_of(inspect.getcoroutinestate), CONSUMER)
    add(code_of(asyncio.coroutines.__dict__.get("_format_coroutine")), CONSUMER)

    # pandas' Scope (DataFrame.query, DataFrame.eval, pandas.eval) copies
    # the globals and locals of its caller's frame, at a level the caller
    # chooses: only while the frame sys._getframe hands it is the
    # candidate's own.
    def returns_candidate_frame(frame, args=None):
        r = args[0] if args else None
        return _type(r) is _FrameType and not trusted_file(codeof(r, _get_ident()).co_filename)
    add("/pandas/core/computation/scope.py", CONSUMER, returns_candidate_frame, qualname="Scope.__init__")
    # numexpr (pandas' engine for those, when installed) reads a flag in its
    # caller's globals, and the arguments by name from its caller's locals
    # unless it is given them.
    # (only where it is installed: a consumer known by file and name can
    # be forged by code that claims that file, which must not exist)
    if any(os.path.isfile(d + "numexpr/necompiler.py") for d in trusted_slash):
        add("/numexpr/necompiler.py", CONSUMER, qualname="getContext")
        add("/numexpr/necompiler.py", CONSUMER,
            lambda frame, args=None: returns_candidate_frame(frame, args)
            or frame.f_locals.get("local_dict") is not None, qualname="getArguments")

    try:
        import pytest_timeout
    except ImportError:
        pytest_timeout = None
    if pytest_timeout is not None:
        # dump_stacks hands the other threads' frames to
        # traceback.format_stack: racy in principle (see above), but with
        # the signal method it runs in the main thread, so only threads the
        # candidate started are dumped, whose frames lead nowhere.
        tb_dict = traceback.__dict__
        # (and what format_stack hands the frame to, and how dump_stacks
        # tells its own thread: a tenth review made it dump the main
        # thread's stack into a StackSummary.extract of its own)
        pt_intact = intact([(tb_dict, n) for n in ("format_stack", "format_list", "extract_stack",
                                                   "walk_stack", "StackSummary")]
                           + [(traceback.StackSummary.__dict__, n) for n in ("extract", "_extract_from_extended_frame_gen")]
                           + [(threading.__dict__, n) for n in ("current_thread", "enumerate")],
                           frame_names=[("traceback", traceback), ("sys", _sys)])
        add(code_of(pytest_timeout.__dict__.get("dump_stacks")), CONSUMER, pt_intact)

    # Trampolines: trusted code that calls what someone else handed it.
    add(code_of(threading.Thread.run), TRAMPOLINE)
    add(code_of(threading.Timer.run), TRAMPOLINE)
    add(code_of(concurrent.futures.thread._WorkItem.run), TRAMPOLINE)
    add(code_of(asyncio.events.Handle._run), TRAMPOLINE)
    add(code_of(weakref.finalize.__call__), TRAMPOLINE)
    add(code_of(weakref.finalize._exitfunc), TRAMPOLINE)
    # copy calls what the object copied says: its __deepcopy__ or
    # __copy__, and the callable its __reduce_ex__ returns, with the
    # arguments it returns (an honest test's copy.deepcopy(result), or
    # dataclasses.asdict, ran the candidate's (os.remove, ("tests/x",))
    # with only trusted frames on the stack: a twenty-first review)
    add(code_of(copy.deepcopy), TRAMPOLINE)
    add(code_of(copy.copy), TRAMPOLINE)
    add(code_of(copy._reconstruct), TRAMPOLINE)

    code_call_removed = code_of(bootstrap._call_with_frames_removed)
    code_exec_module = code_of(bootstrap_external._LoaderBasics.exec_module)
    code_frozen_exec = code_of(bootstrap.FrozenImporter.exec_module)
    code_source_to_code = code_of(bootstrap_external.SourceLoader.source_to_code)
    code_compile_bytecode = code_of(bootstrap_external._compile_bytecode)
    code_bootstrap_inner = code_of(threading.Thread._bootstrap_inner)
    code_uname_p = code_of(getattr(getattr(platform, "_Processor", None), "from_subprocess", None))

    # The loaders whose code for a trusted file is that file's: they get it
    # from compile() or marshal, both checked.
    source_loader = bootstrap_external.SourceFileLoader
    sourceless_loader = bootstrap_external.SourcelessFileLoader
    source_get_code = source_loader.get_code
    sourceless_get_code = sourceless_loader.get_code

    def stock_loader(loader):
        t = _type(loader)
        if t is source_loader:
            if source_loader.get_code is not source_get_code:
                return False
        elif t is sourceless_loader:
            if sourceless_loader.get_code is not sourceless_get_code:
                return False
        else:
            return False
        d = loader.__dict__
        return _type(d) is _dict and "get_code" not in d

    # The frame that called install(): from now on it only runs pytest.main
    # and the exit functions.
    base = _getframe(1)

    # ---- blame: who is responsible for an event --------------------------------
    NO_FRAME = "a thread with no Python frame"
    EXIT = "a callback run by the harness"

    # Frames known to have no candidate frame and no trampoline at or below
    # them (a walk went from them to the bottom and found none). The frames
    # below a function's frame never change while it runs, so a walk that
    # reaches one can stop: pytest's outer frames are walked once, not at
    # every event. Holding a frame keeps it alive: only a few, outer ones,
    # are kept.
    pure = {}
    PURE_MAX = 48

    def remember_outer(memo, visited, at_instruction):
        """Keeps three of a walk's outer frames (visited, top first) in memo
        (with the instruction each is at, or None), at most PURE_MAX."""
        n = _len(visited)
        if n > 4:
            for i in (n - 1, (3 * n) // 4, n // 2):
                memo[visited[i]] = visited[i].f_lasti if at_instruction else None
            try:
                while _len(memo) > PURE_MAX:
                    del memo[_next(_iter(memo))]
            except (_KeyError, _RuntimeError, _StopIteration):
                pass  # another thread evicted it first
    GENERATOR_FLAGS = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR \
        | inspect.CO_ITERABLE_COROUTINE

    def blame(f, tid, imports=True, args=None, consumers=False):
        """The candidate frame (or a description) responsible for an event
        raised while frame f ran, or None.

        consumers: the event is one a consumer makes itself (taking a
        frame, reading a frame's or function's attribute), which a
        consumer on top answers for. No other: with its frame on top it
        may be calling whatever its caller handed it (StackSummary's
        klass(), the candidate's __gt__ under logging's stacklevel), made
        of C parts (partial(io.open, "tests/x", "w"), os.system, setattr of
        a __code__, sys.settrace: a sixteenth review).

        imports: a trusted module's body run by importlib (the candidate
        imported numpy, whose import-time code calls code.replace) is that
        module's business, not the candidate's: the walk stops there."""
        if f is None:
            return NO_FRAME
        if f is base:
            return EXIT
        visited = []
        # A consumer answers for what it does itself, and for the
        # generators it resumes: not for a function it called, which may be
        # one its caller chose (StackSummary's klass(), mock's dir(spec):
        # functools.partial(dis.dis, a hidden test module) ran trusted and
        # unblamed above the consumer, an attacker's review).
        own = consumers
        try:
            while f is not None:
                if f is base or f in pure:
                    break
                state[tid] = f
                code = f.f_code
                if not trusted_file(code.co_filename):
                    return f
                generator = code.co_flags & GENERATOR_FLAGS
                entries = special.get(code.co_qualname)
                if entries is not None:
                    for m, kind, cond in entries:
                        if m is code or (_type(m) is _str and code.co_filename.endswith(m)):
                            if kind == TRAMPOLINE:
                                return f
                            state[tid] = BUSY
                            if own and (cond is None or cond(f, args)):
                                return None
                back = f.f_back
                if own and (not generator or not consumers_generator(f, code, back, tid)):
                    own = False
                if imports and back is not None and code.co_name == "<module>" \
                        and f.f_builtins is real_builtins and is_code(back, code_call_removed, tid) \
                        and is_code(back.f_back, code_exec_module, tid):
                    return None
                if not generator:
                    # (a generator's frame gets a new f_back at every
                    # resumption: never remembered)
                    visited.append(f)
                f = back
        finally:
            state[tid] = BUSY
        # Nothing found down to the bottom: remember a few outer frames.
        remember_outer(pure, visited, False)
        return None

    # A deferred call (a callable made of trusted parts that the candidate
    # left for trusted code or the collector to call from C: a weakref
    # callback, a defaultdict's factory, functools.partial(sys._getframe))
    # raises its events with only trusted frames on the stack, the one on
    # top being whatever ran when C called it. Trusted code that takes a
    # frame names what it takes: the frame on top must be one that names
    # it (an attribute it loads, a function it calls, a string it passes to
    # getattr), or the event is a deferred call's, refused and reported.
    intent_names = {
        "sys._getframe": ("_getframe",), "sys._current_frames": ("_current_frames",),
        "sys._current_exceptions": ("_current_exceptions",), "gc.get_objects": ("get_objects",),
        "gc.get_referrers": ("get_referrers",), "gc.get_referents": ("get_referents",),
        # (numpy's import-time code.replace names it)
        "code.__new__": ("replace", "CodeType"), "sys.addaudithook": ("addaudithook",),
        "os.fwalk": ("fwalk",), "sqlite3.enable_load_extension": ("enable_load_extension",),
        "sqlite3.load_extension": ("load_extension",),
        "sys.settrace": ("settrace",), "sys.setprofile": ("setprofile",),
        "compile": ("compile",), "exec": ("exec",), "function.__new__": ("FunctionType",),
    }

    # Trusted functions that hand the frame they take back to their caller:
    # a deferred call of one (a defaultdict's factory) passes the check
    # above (its own code names _getframe) and gives the frame to C, to be
    # read from the candidate's dict later. The caller of such a frame must
    # name the function too (a deferred call's is whatever ran when C
    # called it).
    returners = {}

    def returner(fn, names):
        code = code_of(fn)
        if _type(code) is _CodeType:
            returners[code] = names
    returner(inspect.currentframe, ("currentframe",))
    returner(inspect.stack, ("stack",))
    returner(traceback.walk_stack, ("walk_stack", "frame_gen"))
    returner(logging.currentframe, ("currentframe",))
    frame_events = frozenset({"sys._getframe", "sys._current_frames", "sys._current_exceptions",
                              "sys.settrace", "sys.setprofile"})
    consumer_events = frozenset({"sys._getframe", "sys._current_frames", "sys._current_exceptions"})

    def consumer_frame(f, code, tid):
        if code in own_consumers:
            return True
        for m, kind, cond in special.get(code.co_qualname, ()):
            if kind == CONSUMER and (m is code or (_type(m) is _str and code.co_filename.endswith(m))):
                state[tid] = BUSY
                if cond is None or cond(f, None):
                    return True
        return False

    def called_by_name(f, tid):
        """Whether trusted code that takes a frame (or sets a tracer) was
        called by code that names it, as a caller does: a deferred call of
        it (traceback.extract_stack or a Bdb's set_trace as a
        defaultdict's factory) runs above whatever ran when C called it.
        Consumers (they hand nothing on) and generators (resumed by
        whoever iterates) are not asked, but for walk_stack."""
        code = codeof(f, tid)
        names = returners.get(code)
        if names is None:
            if code.co_flags & GENERATOR_FLAGS or consumer_frame(f, code, tid):
                return True
            if own_code(code):
                # the challenge's own tests and modules (a test that calls
                # sys._getframe() itself, entered by pytest's call of a
                # local); pytest's own functions are asked like a library's
                # (pytest.set_trace entered from a C slot, a seventeenth
                # review, took the test's frame and set pdb's tracer)
                return True
            names = call_names(code)
        state[tid] = f
        try:
            back = f.f_back
        finally:
            state[tid] = BUSY
        if back is None:
            return False
        # The caller must be calling it now: a call of a callable loaded by
        # its name (or its class's), or by another name that holds this
        # very function (`from inspect import currentframe as here`); a
        # caller at any other instruction (a comparison that called the
        # candidate's __eq__, made of C parts) did not call it.
        now = current_call(back, tid)
        if now is None:
            return intends(back, names, tid)
        what, x = now
        if what != "call":
            return what == "attr" and x in names
        if x is None:
            return intends(back, names, tid)
        if x[1] in names:
            return True
        obj = held_by(back, x, tid)
        for _ in _range(8):
            if _type(obj) is _partial:
                obj = obj.func  # (pytest's rewritten asserts keep a partial in a local)
            elif _type(obj) is _MethodType:
                obj = obj.__func__
            else:
                break
        if _type(obj) is _FunctionType:
            return codeof(obj, tid) is code
        # a callable of C parts other than these: what its caller's code
        # names
        return obj is not MISSING and intends(back, names, tid)

    def call_names(code):
        """The names a caller calls code's function by: its own, and for a
        dunder (a constructor) its class's too (super().__init__ names
        __init__)."""
        name = code.co_name
        if name[:2] == "__" and name[-2:] == "__":
            owner = code.co_qualname.rsplit(".", 2)
            if _len(owner) > 1:
                return (name, owner[-2])
        return (name,)

    def intends(f, names, tid):
        """Whether frame f's own code names one of names."""
        code = codeof(f, tid)
        for n in names:
            # (co_freevars: this module's own replacements call the
            # sys._getframe it captured, a closure's variable)
            if n in code.co_names or n in code.co_consts or n in code.co_freevars:
                return True
        return False

    def is_code(f, code, tid):
        return f is not None and code is not None and codeof(f, tid) is code

    # ---- what the frame on top is doing right now -------------------------------
    # Names in a code object say what it may do, not what it is doing: a
    # deferred call fires inside any instruction that frees an object or
    # reads a property (namedtuple's isinstance() of the candidate's list,
    # whose __class__ is a property that calls partial(sys._getframe)),
    # and namedtuple's code names _getframe. The instruction the frame is
    # at says which: an attribute load of that name, or a call of a
    # callable loaded by that name.
    op = opcode_mod.opmap
    OP_PRECALL, OP_CALL, OP_CALL_EX = op.get("PRECALL"), op.get("CALL"), op.get("CALL_FUNCTION_EX")
    OP_KW_NAMES = op.get("KW_NAMES")
    OP_ATTR = frozenset(op[n] for n in ("LOAD_ATTR", "LOAD_METHOD") if n in op)
    OP_LOADS = frozenset(op[n] for n in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_FAST", "LOAD_DEREF",
                                          "LOAD_CLASSDEREF", "LOAD_ATTR", "LOAD_METHOD") if n in op)
    OP_JUMPS = frozenset(opcode_mod.hasjrel) | frozenset(opcode_mod.hasjabs)
    stack_effect = dis_mod.stack_effect
    get_instructions = dis_mod.get_instructions
    code_steps = {}  # code -> ({offset: index}, [(opcode, arg, argval, is_jump_target)])

    def steps_of(code):
        st = code_steps.get(code)
        if st is None:
            listed = _tuple(get_instructions(code))
            instrs = _tuple((i.opcode, i.arg, i.argval, i.is_jump_target) for i in listed)
            index = {i.offset: n for n, i in _enumerate(listed)}
            st = (index, instrs)
            if _len(code_steps) < 4096:
                code_steps[code] = st
        return st

    # (pops, pushes) of the instructions a call's operands are made of
    # (3.11); anything else makes the callee untold.
    OPS_1 = frozenset(op[n] for n in ("LOAD_CONST", "LOAD_FAST", "LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF",
                                      "LOAD_CLOSURE", "PUSH_NULL", "LOAD_ASSERTION_ERROR") if n in op)
    OPS_2_1 = frozenset(op[n] for n in ("BINARY_OP", "COMPARE_OP", "IS_OP", "CONTAINS_OP", "BINARY_SUBSCR")
                        if n in op)
    OPS_1_1 = frozenset(op[n] for n in ("UNARY_NEGATIVE", "UNARY_NOT", "UNARY_INVERT", "UNARY_POSITIVE",
                                        "LOAD_ATTR", "GET_ITER") if n in op)
    OPS_N_1 = frozenset(op[n] for n in ("BUILD_TUPLE", "BUILD_LIST", "BUILD_SET", "BUILD_STRING",
                                        "BUILD_SLICE") if n in op)
    OP_LOAD_GLOBAL, OP_LOAD_METHOD = op.get("LOAD_GLOBAL"), op.get("LOAD_METHOD")
    OP_BUILD_MAP, OP_CONST_KEY_MAP = op.get("BUILD_MAP"), op.get("BUILD_CONST_KEY_MAP")
    OP_FORMAT = op.get("FORMAT_VALUE")
    OPS_MERGE = frozenset(op[n] for n in ("DICT_MERGE", "DICT_UPDATE", "LIST_EXTEND", "SET_UPDATE", "LIST_APPEND",
                                          "SET_ADD") if n in op)
    OP_LIST_TO_TUPLE = op.get("LIST_TO_TUPLE")

    def pops_pushes(opc, arg):
        arg = arg or 0
        if opc in OPS_1:
            return 0, 1
        if opc == OP_LOAD_GLOBAL:
            return 0, 1 + (arg & 1)
        if opc == OP_LOAD_METHOD:
            return 1, 2
        if opc in OPS_1_1:
            return 1, 1
        if opc in OPS_2_1:
            return 2, 1
        if opc in OPS_N_1:
            return arg, 1
        if opc == OP_BUILD_MAP:
            return 2 * arg, 1
        if opc == OP_CONST_KEY_MAP:
            return arg + 1, 1
        if opc == OP_FORMAT:
            return 1 + ((arg & 4) >> 2), 1
        if opc == OP_PRECALL or opc == OP_KW_NAMES:
            return 0, 0
        if opc in OPS_MERGE:
            return 1, 0  # (into the collection below it)
        if opc == OP_LIST_TO_TUPLE:
            return 1, 1
        if opc == OP_CALL:
            return arg + 2, 1
        if opc == OP_CALL_EX:
            return 3 + (arg & 1), 1
        return None

    OP_LOAD_CONST = op.get("LOAD_CONST")

    def operand_at(instrs, k, d):
        """The index of the instruction that placed operand d (from the
        top) of the operands ending right below instruction k, or None
        (as loaded_by)."""
        j = k - 1
        while j >= 0:
            opc, arg, argval, target = instrs[j]
            pp = pops_pushes(opc, arg)
            if pp is None:
                return None
            pops, pushes = pp
            if d <= pushes:
                return j
            d += pops - pushes
            if target:
                return None
            j -= 1
        return None

    def loaded_by(instrs, k, d, const=False):
        """The name (or constant) the operand d places from the top was
        loaded by, for the operands that end right below instruction k;
        None if that cannot be told (a jump among them, an expression's
        value)."""
        j = operand_at(instrs, k, d)
        if j is None:
            return None
        opc, arg, argval, _target = instrs[j]
        if const and opc != OP_LOAD_CONST:
            return None
        if (opc == OP_LOAD_GLOBAL or opc in OPS_1 or opc in OP_ATTR) and _type(argval) is _str:
            return (opc, argval)
        return None

    OP_LOAD_FAST, OP_LOAD_NAME = op.get("LOAD_FAST"), op.get("LOAD_NAME")
    OP_STORE_ATTR = op.get("STORE_ATTR")
    OP_STORE_FAST = op.get("STORE_FAST")
    OP_LOCALS = frozenset(op[n] for n in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF") if n in op)
    _BuiltinType = types.BuiltinFunctionType
    _partial = functools.partial
    import operator as operator_mod
    _attrgetter = operator_mod.attrgetter

    def current_call(f, tid):
        """What frame f is doing: ("attr", name) an attribute load,
        ("call", (opcode, name) or None) a call of a callable loaded so,
        ("getattr", name or None) getattr / hasattr of a constant name,
        ("other", None) anything else, or None if its code is unreadable."""
        at = instruction_at(f, tid)
        if at is None:
            return None
        instrs, k = at
        opc, arg, argval, _target = instrs[k]
        if opc in OP_ATTR or opc == OP_STORE_ATTR:
            return ("attr", argval)
        if (opc == OP_CALL and k > 0) or opc == OP_PRECALL:
            # (a builtin is called by PRECALL itself once specialised)
            shape = call_shape(instrs, k)
            if shape is None:
                return ("call", None)
            start, n = shape
            callee = loaded_by(instrs, start, n + 1)
            if callee is not None and callee[1] in ("getattr", "hasattr", "setattr"):
                # getattr(obj, "<name>"): the name is its second operand
                attr = loaded_by(instrs, start, n - 1, const=True) if n >= 2 else None
                return ("getattr", attr[1] if attr is not None else None)
            return ("call", callee)
        if opc == OP_CALL_EX:
            callee = loaded_by(instrs, k, 2 + ((arg or 0) & 1))
            if callee is not None and callee[1] in ("getattr", "hasattr"):
                return ("getattr", None)
            return ("call", callee)
        return ("other", None)

    def held_by(f, callee, tid):
        """What the name a callable was loaded by holds in frame f now
        (locals, globals, builtins), or MISSING."""
        opc, name = callee
        if opc in OP_LOCALS or opc == OP_LOAD_NAME:
            v = f.f_locals.get(name, MISSING)
            if v is not MISSING or opc != OP_LOAD_NAME:
                return v
        if opc == OP_LOAD_GLOBAL or opc == OP_LOAD_NAME:
            g = f.f_globals
            v = g.get(name, MISSING) if _type(g) is _dict else MISSING
            if v is MISSING:
                b = f.f_builtins
                v = b.get(name, MISSING) if _type(b) is _dict else MISSING
            return v
        return MISSING

    # What a frame, traceback or generator reached from one of those by
    # these attributes is, whoever asks: their getters are C's, on types
    # no one can change.
    real_holders = frozenset({_FrameType, types.TracebackType, types.GeneratorType, types.CoroutineType,
                              types.AsyncGeneratorType})
    chain_attrs = frozenset({"tb_frame", "tb_next", "f_back", "gi_frame", "cr_frame", "ag_frame"})

    def operand_value(f, instrs, j, tid, depth=0):
        """What instruction j of frame f's code loaded: a local, or a chain
        of the attributes above from a local holding one of those types;
        MISSING if that cannot be told."""
        opc, arg, argval, _t = instrs[j]
        if opc in OP_LOCALS and _type(argval) is _str:
            return frame_local(f, argval, tid)
        if opc in OP_ATTR and argval in chain_attrs and depth < 4:
            k = operand_at(instrs, j, 1)
            if k is None:
                return MISSING
            base = operand_value(f, instrs, k, tid, depth + 1)
            if _type(base) not in real_holders:
                return MISSING
            return marked_read(base, argval, tid)
        return MISSING

    def instruction_at(f, tid):
        """(frame f's instructions, the index of the one it is at), or None."""
        state[tid] = f
        try:
            code = f.f_code
            lasti = f.f_lasti
        finally:
            state[tid] = BUSY
        try:
            index, instrs = steps_of(code)
        except _Exception:
            return None
        i = lasti
        while i >= 0 and i not in index:
            i -= 2  # a cache entry: its instruction is before it
        if i < 0:
            return None
        return instrs, index[i]

    def call_shape(instrs, k):
        """(the index its operands end below, their number) for the call at
        instruction k (CALL or PRECALL), or None."""
        opc = instrs[k][0]
        pk = k - 1 if opc == OP_CALL else k
        if pk < 0 or instrs[pk][0] != OP_PRECALL:
            return None
        start = pk - 1 if pk > 0 and instrs[pk - 1][0] == OP_KW_NAMES else pk
        return start, instrs[pk][1] or 0

    consumer_last = {}
    installed_names = {}  # id(a module's dict) -> (the dict, a copy of it at install)

    def snapshot_names():
        """At the end of install: every loaded module's callables and
        modules by name, for names_as_installed."""
        for m in _list(_sys_modules.values()):
            if _type(m) is not types.ModuleType:
                continue
            d = module_dict(m)
            if _type(d) is not _dict:
                continue
            installed_names[_id(d)] = (d, d.copy())  # (a copy in C: about 1 ms for all)

    def names_as_installed(f, tid):
        """Whether every name frame f's code uses that its module (or a
        module its module holds under such a name: traceback.print_stack)
        held at install as a callable or a module still holds the same
        object. A module loaded after install is not checked."""
        g = f.f_globals
        snap = installed_names.get(_id(g))
        if snap is None or snap[0] is not g:
            return True
        names = codeof(f, tid).co_names
        held = snap[1]
        for n in names:
            orig = held.get(n, MISSING)
            if not code_like(orig):
                continue  # (data, which pytest swaps: sys.stdout)
            if g.get(n, MISSING) is not orig:
                return False
            if _type(orig) is types.ModuleType:
                sub = installed_names.get(_id(module_dict(orig)))
                if sub is None:
                    continue
                d2, held2 = sub
                for n2 in names:
                    o2 = held2.get(n2, MISSING)
                    if code_like(o2) and d2.get(n2, MISSING) is not o2:
                        return False
        return True

    def code_like(v):
        """A name's value that names_as_installed pins: a module or a
        callable (not MISSING, not data)."""
        return v is not MISSING and (_type(v) is types.ModuleType or _callable(v))

    def first_at(f, obj, tid):
        """Whether a consumer's read of obj, allowed at frame f's current
        instruction, is the first there: a garbage collection started by
        the allocation of the read's own audit arguments ran a callback
        made of C parts (attrgetter("__code__") over a hidden test) with
        the consumer's frame on top, at its own instruction, on the object
        it holds, and the read passed as the consumer's (a thirtieth
        review). Such a read comes first; the consumer's own is then
        refused, a finding. (The frame and the object are held until the
        next such read, so that neither's id is reused meanwhile.)"""
        lasti = f.f_lasti
        last = consumer_last.get(tid)
        if last is not None and last[0] is f and last[1] == lasti and last[2] is obj:
            return False
        consumer_last[tid] = (f, lasti, obj)
        return True

    def reads_its_own(f, name, obj, tid):
        """Whether frame f, at its own read of attribute `name` (an
        attribute load, or getattr/hasattr with that constant), reads it
        from obj: the object a local of its holds, or one reached from such
        a local through frames and tracebacks."""
        at = instruction_at(f, tid)
        if at is None:
            return False
        instrs, k = at
        opc, arg, argval, _t = instrs[k]
        if opc in OP_ATTR:
            if argval != name:
                return False
            j = operand_at(instrs, k, 1)
        elif opc == OP_CALL or opc == OP_PRECALL:
            shape = call_shape(instrs, k)
            if shape is None:
                return False
            start, n = shape
            callee = loaded_by(instrs, start, n + 1)
            attr = loaded_by(instrs, start, n - 1, const=True) if n >= 2 else None
            if callee is None or callee[1] not in ("getattr", "hasattr") or attr is None or attr[1] != name:
                return False
            j = operand_at(instrs, start, n)
        else:
            return False
        if j is None:
            return False
        v = operand_value(f, instrs, j, tid)
        # (a bound method's attribute is its function's: mock's
        # _is_async_func reading a stand-in's __code__)
        return v is obj or (_type(v) is _MethodType and v.__func__ is obj)

    OP_GET_ITER, OP_FOR_ITER = op.get("GET_ITER"), op.get("FOR_ITER")
    _islice = itertools.islice

    def resumes(c, g, tid):
        """Whether frame c is resuming the generator whose frame is g
        itself: at its own FOR_ITER over a local that holds that generator
        (or an islice of it: a traceback's limit), or at its call of deque
        over one (a negative limit). A C iterator between them (map, tee)
        hands what the generator yields to someone else: the candidate's
        function, or a copy the candidate reads later (an attacker's
        review)."""
        if c is None:
            return False
        at = instruction_at(c, tid)
        if at is None:
            return False
        instrs, k = at
        opc = instrs[k][0]
        if opc == OP_FOR_ITER:
            if k == 0 or instrs[k - 1][0] != OP_GET_ITER:
                return False
            j = operand_at(instrs, k - 1, 1)
        elif opc == OP_CALL or opc == OP_PRECALL:
            shape = call_shape(instrs, k)
            if shape is None:
                return False
            start, n = shape
            callee = loaded_by(instrs, start, n + 1)
            if n < 1 or callee is None or callee[1] != "deque":
                return False
            j = operand_at(instrs, start, n)  # (its first argument)
        else:
            return False
        if j is None:
            return False
        v = operand_value(c, instrs, j, tid)
        for _ in _range(3):
            t = _type(v)
            if t is types.GeneratorType:
                return marked_read(v, "gi_frame", tid) is g
            if t is not _islice:
                return False
            try:
                v = v.__reduce__()[1][0]
            except _Exception:
                return False
        return False

    def consumers_generator(f, code, back, tid):
        """Whether generator frame f (running code) does a consumer's work:
        one of the generators consumers are known to resume, its module's
        names and what they hold as they were (traceback's
        _walk_tb_with_full_positions hands the code it reads to the module
        global _get_code_position), resumed by frame back itself."""
        check = resumed_generators.get(code)
        return check is not None and check(f) and resumes(back, f, tid)

    def under_consumer(f, tid):
        """Whether frame f is a consumer's, or a generator's that a
        consumer resumes (through generators)."""
        for _ in _range(8):
            if f is None:
                return False
            code = codeof(f, tid)
            if consumer_frame(f, code, tid):
                return True
            if not code.co_flags & GENERATOR_FLAGS:
                return False
            state[tid] = f
            try:
                back = f.f_back
            finally:
                state[tid] = BUSY
            if not consumers_generator(f, code, back, tid):
                return False
            f = back
        return False

    def doing(f, names, tid):
        """True if frame f is at an attribute load of one of names or a
        call of a callable loaded by one of them (or holding the builtin of
        that name), False if it is at anything else, None if that cannot be
        told (the caller falls back on the names its code holds)."""
        now = current_call(f, tid)
        if now is None:
            return None
        what, x = now
        if what == "attr":
            return x in names
        if what == "other":
            return False
        if x is not None and (x if what == "getattr" else x[1]) in names:
            return True
        if under_consumer(f, tid):
            # A consumer calls what it names, by that name: its locals
            # hold what its caller passed (klass = partial(sys._getframe, 0)
            # is no call of _getframe), and a call it makes that cannot be
            # told is not its own either (a sixteenth review).
            return False
        if what == "getattr":
            return None if x is None else False
        if x is None:
            return None
        if x[0] in OP_ATTR:
            # a method of another name (namedtuple's field_names.replace,
            # the candidate's string whose replace is a staticmethod made of
            # C parts that calls sys._getframe): not what the code names
            return False
        obj = held_by(f, x, tid)
        if obj is MISSING:
            return None
        for _ in _range(8):
            if _type(obj) is not _partial:
                break
            obj = obj.func
        if _type(obj) is _BuiltinType:
            # sys._getframe under another name (`g = sys._getframe`); any
            # other builtin (isinstance() of an object whose __class__ is a
            # property made of C parts) did not mean it
            return obj.__name__ in names
        if _type(obj) is _attrgetter:
            # (a test's operator.attrgetter("__code__"))
            try:
                wanted = obj.__reduce__()[1]
            except _Exception:
                return False
            for w in wanted:
                if _type(w) is _str and w.rsplit(".", 1)[-1] in names:
                    return True
            return False
        # A function's own frame would be on top; a class or any other
        # callable it holds (namedtuple's list(map(str, field_names)), the
        # candidate's __str__ a partial that calls sys._getframe: an
        # attacker's review) is not the builtin its code names.
        return False

    # Where code may be compiled or run under a trusted file name with no
    # candidate frame below (beside importlib, checked on its own): the
    # trusted code that names compile or exec (codeop, code.InteractiveInterpreter)
    # could be made to mint code passing for a library's by a deferred
    # call, so only these call sites: pytest's assertion rewriter (its
    # compile and its loader's exec, and this module's stand-in for the
    # first), and ast.parse (an AST is not code: compiling it is checked
    # again).
    compile_sites = set()
    exec_sites = set()
    try:
        import _pytest.assertion.rewrite as rewrite_early
        compile_sites.add(code_of(rewrite_early._rewrite_test))
        exec_sites.add(code_of(rewrite_early.AssertionRewritingHook.exec_module))
    except (ImportError, AttributeError):
        pass
    import ast as ast_mod
    compile_sites.add(code_of(ast_mod.parse))
    # The defaults of Assay's functions hold the guard's record: read only
    # by pluggy as it registers the guard, before any candidate code runs.
    try:
        import pluggy as pluggy_mod
        code_register = code_of(pluggy_mod.PluginManager.register)
    except (ImportError, AttributeError):
        code_register = None
    # Functions that read a function's __code__ and keep it in their own
    # frame, handing on only what they computed from it: the guard's check
    # of a hook implementation's file (a bool), inspect's signature (names
    # and flags) and its flag test (a bool), which pytest and pluggy run on
    # every test, fixture and hook implementation (over a thousand reads a
    # run, each walked as any other read was: a tenth of a small run's
    # latency). Whoever called them gets no code object: no walk, when
    # what they read is the function they hold (code_read_locals), at
    # their own load of __code__ (not under a call they make).
    code_readers = set()
    # Where the trusted functions that read a __code__ (these and the
    # consumers that do) hold the function they read it from. A read of
    # another object's __code__ under them is a C getter's (a property
    # made of C parts on an object that passes for a function, which
    # hands the code object to the candidate: an attacker's review of the
    # change above), never theirs: refused.
    code_read_locals = {}
    guard_mod = _sys_modules.get("assay_guard")
    # (fn, its local, fast, strict): strict ones read __code__ only at an
    # instruction of their own that names it (an attribute load, or a
    # getattr with that constant), so a read anywhere else in their frame
    # (under a call of a module attribute rebound to C parts,
    # functools._unwrap_partial) is not theirs; mock's spec walk reads it
    # by getattr with a variable name, which cannot be told.
    for fn, local, fast, strict in (
            (guard_mod.__dict__.get("_trusted_code") if guard_mod is not None else None, "fn", True, True),
            (inspect.__dict__.get("_signature_from_function"), "func", True, True),
            (inspect.__dict__.get("_has_code_flag"), "f", True, True),
            (inspect.__dict__.get("_signature_is_functionlike"), "obj", False, True),
            (inspect.getfile, "object", False, True), (inspect.findsource, "object", False, True),
            (inspect.getclosurevars, "func", False, True), (typing.overload, "f", False, True),
            (unittest_mock.__dict__.get("_is_async_func"), "func", False, True),
            (unittest_mock.NonCallableMock._mock_add_spec, "spec", False, False),
            (asyncio_format_helpers.__dict__.get("_get_function_source"), "func", False, True)):
        c = code_of(fn) if fn is not None else None
        if _type(c) is _CodeType:
            code_read_locals[c] = (local, strict)
            if fast:
                code_readers.add(c)

    def own_code(code):
        """The challenge's own code (its tests, conftest files, modules):
        trusted, not a library's, not Assay's; a test that compiles or
        execs one of its files does it at a call of compile or exec."""
        fn = code.co_filename
        return trusted_file(fn) and fn.startswith(work_slash)

    def under(f, code, tid):
        """Whether a frame running code is on the stack from f down."""
        n = 0
        try:
            while f is not None and n < 512:
                state[tid] = f
                if f.f_code is code:
                    return True
                f = f.f_back
                n += 1
        finally:
            state[tid] = BUSY
        return False

    def intends_now(f, names, tid):
        r = doing(f, names, tid)
        return intends(f, names, tid) if r is None else r

    # A frame whose current instruction only stores, deletes, pops or
    # returns calls no Python code: a frame above it runs because that
    # instruction dropped the last reference to an object (a weakref
    # callback, a __del__, a defaultdict's factory reached from one). So
    # a sharp operation with only trusted frames below, one of them at
    # such an instruction, is a deferred call's, whatever the frame on top
    # names. (A collection run by an allocation inside a call is not told
    # apart this way.)
    rest_ops = frozenset(opcode_mod.opmap[n] for n in (
        "STORE_FAST", "STORE_NAME", "STORE_GLOBAL", "STORE_DEREF", "DELETE_FAST", "DELETE_NAME",
        "DELETE_GLOBAL", "DELETE_DEREF", "POP_TOP", "RETURN_VALUE") if n in opcode_mod.opmap)
    own_consumers = set()  # this module's own stand-ins (logging's, pandas'): hand nothing on
    code_bytes = {}

    # Frames known, at the instruction each was at, to have no such frame
    # at or below them (down to the bottom or to a candidate frame) and no
    # consumer: a walk went from them down and found none. While a function's frame stays on the stack
    # the frames below it do not run, so while it is at that instruction
    # the walk can stop there: pytest's outer frames are read once, not at
    # every frame read pytest and the guard make (the walk to the bottom
    # at every event was about a fifth of a small run's latency). As for
    # pure: only a few outer frames are kept, never a generator's (its
    # f_back changes at each resumption).
    rested = {}
    rested_get = rested.get

    def rest_frame(f, tid):
        """The trusted frame at such an instruction below f (down to the
        first candidate frame or one of this module's stand-ins), or None."""
        n = 0
        visited = []
        try:
            while f is not None and n < 256:
                at = rested_get(f)
                if at is not None and at == f.f_lasti:
                    break
                state[tid] = f
                code = f.f_code
                state[tid] = BUSY
                if not trusted_file(code.co_filename):
                    break  # (the walk's end: what is below is the candidate's)
                if code in own_consumers:
                    return None
                raw = code_bytes.get(code)
                if raw is None:
                    raw = code.co_code
                    if _len(code_bytes) < 4096:
                        code_bytes[code] = raw
                i = f.f_lasti
                if 0 <= i < _len(raw) and raw[i] in rest_ops:
                    return f
                if consumer_frame(f, code, tid):
                    # what a consumer does it keeps: a finalizer run at a
                    # store that reprs a coroutine or formats a traceback
                    # (asyncio's "Task exception was never retrieved") is
                    # no deferred grab (the twelfth review's false positive)
                    return None
                if not code.co_flags & GENERATOR_FLAGS:
                    visited.append(f)
                f = f.f_back
                n += 1
            if n >= 256:
                return None
        finally:
            state[tid] = BUSY
        # Clean down to the bottom or to a candidate frame (or to a frame
        # known clean): remember a few outer frames where they are now. (Not
        # when a consumer ended the walk: whether it is one reads its
        # module, which can change while it waits below.)
        remember_outer(rested, visited, True)
        return None

    # What trusted code that does these calls them (or the function that
    # raises the event with sys.audit, called by its name): a write to a
    # protected path or a program with no candidate frame below is a C
    # slot's (the test's comparison calling the candidate's __eq__ made of
    # partial(io.open, "tests/x", "w"), os.chmod, os.system: a seventeenth
    # review) unless the frame on top is at such a call.
    write_intents = {
        "open": ("open", "open_code", "open_func", "_open", "fdopen", "FileIO"),
        "os.remove": ("remove", "unlink"), "os.rename": ("rename", "replace", "renames"),
        "os.mkdir": ("mkdir", "makedirs"), "os.exec": ("execv", "execve", "execl", "execle", "execlp",
                                                       "execlpe", "execvp", "execvpe", "_execvpe"),
        "os.posix_spawn": ("posix_spawn", "posix_spawnp"), "os.spawn": ("spawnv", "spawnve", "spawnl",
                                                                       "spawnle", "_spawnvef"),
        "os.truncate": ("truncate", "ftruncate"), "os.utime": ("utime", "touch"),
    }

    def deferred(f, tid, names, rest=True, protocol=True):
        """For an event no candidate frame is below: the frame to blame
        if it is a deferred call's (a frame at a store below, or a frame on
        top that is not at a call of one of names, nor at sys.audit in a
        function its caller calls by name; or a library function on the
        way down that its caller did not call by name), else None. This
        module's stand-ins for builtins (os.open, fork_exec...) are looked
        through: the frame that called one is the one asked."""
        for _ in _range(6):
            if f is None or codeof(f, tid).co_filename != own_file:
                break
            state[tid] = f
            try:
                f = f.f_back
            finally:
                state[tid] = BUSY
        if f is None:
            return None
        if rest:
            r = rest_frame(f, tid)
            if r is not None:
                return r
        if doing(f, ("audit",), tid) is True:
            if not called_by_name(f, tid):
                return f
        elif not intends_now(f, names, tid):
            # (the challenge's own test at a call of list or any over
            # map(os.remove, paths): its code names the operation)
            # (for writes only when they remove what trusted code made in
            # this run: list(solution.items()) in a test that removes its
            # own scratch file elsewhere, items a map(os.remove, [a hidden
            # module]): a twentieth review)
            now = current_call(f, tid)
            if not (protocol and own_code(codeof(f, tid)) and now is not None and now[0] == "call"
                    and intends(f, names, tid)):
                return f
        return entered_by_slot(f, tid, protocol)

    def entered_by_slot(f, tid, protocol=True):
        """The first library frame from f down that its caller did not
        call (a C slot of the candidate's object entered it: the test's
        comparison or truth test calling partial(shutil.copy, src,
        "tests/x"), a map over pathlib's chmod consumed there: an
        eighteenth review), down to the first frame of the challenge's,
        pytest's, Assay's or importlib's code; or None. Its caller is at
        an instruction that calls nothing by itself (a comparison, a jump,
        a format; without protocol, also a with statement's, a for loop's
        or a finalizer's), at an attribute load of another name than a
        getter of it would have, or at a call of something else than this
        function (the test's `solution.add(1, 2)` where add is
        partial(os.makedirs, "tests/x"), or Path("tests/x").touch: a
        twentieth review)."""
        for _ in _range(48):
            if f is None:
                return None
            code = codeof(f, tid)
            fn = code.co_filename
            if not library_file(fn):
                return None
            state[tid] = f
            try:
                back = f.f_back
            finally:
                state[tid] = BUSY
            if back is None:
                return None
            if fn.startswith("<frozen importlib"):
                # importlib's own frames: entered by an import statement
                # (or __import__), by importlib itself (its C parts'
                # __import__ included), or by a call that names them
                # (importlib.import_module's _gcd_import)
                if importing(back, tid):
                    return None
                if frozen_importlib(codeof(back, tid)):
                    f = back
                    continue
            elif code.co_name == "<module>" and frozen_importlib(codeof(back, tid)):
                f = back  # (a module's body, run by importlib's exec)
                continue
            if not code.co_flags & GENERATOR_FLAGS:  # (resumed by whoever iterates)
                now = current_call(back, tid)
                if now is not None:
                    what, x = now
                    if what == "other" and not ((protocol or not own_code(codeof(back, tid)))
                                                and protocol_call(back, code.co_name, tid)):
                        return f
                    if what in ("attr", "getattr") and x != code.co_name and code.co_name not in getter_names \
                            and not wraps_named(f, x, tid):
                        return f
                    if what == "call" and not calls_this(back, x, f, code, tid, protocol):
                        return f
            f = back
        return None

    OP_IMPORT_NAME = op.get("IMPORT_NAME")

    def importing(back, tid):
        """Whether frame back is at an import statement or a call of
        __import__."""
        at = instruction_at(back, tid)
        if at is None:
            return False
        instrs, k = at
        if instrs[k][0] == OP_IMPORT_NAME:
            return True
        now = current_call(back, tid)
        return now is not None and now[0] == "call" and now[1] is not None and now[1][1] == "__import__"

    def calls_this(back, x, f, code, tid, protocol=False):
        """Whether frame back, at a call of the callable loaded as x (see
        current_call), called the function frame f runs. A library's or
        pytest's frame is taken at its word (the callbacks they hold,
        ExitStack's, unittest's cleanups, are often bound methods; the
        ones that call what the data says, copy's, are trampolines). The
        challenge's own code must have loaded it by its name (a method's,
        or a constructor's class's; also through the temporary pytest's
        rewritten assert keeps it in), by a name holding that very plain
        function, or through a functools.wraps wrapper of a function of
        that name; or hand a function of its own to a callable of C parts.
        Not by a name holding a bound method or partial of it, nor at a
        call of list or sorted over what the candidate returned (those
        carry the candidate's arguments: `add = Path("tests/x").touch`,
        map(partial(shutil.copy, src), ...), a twentieth review)."""
        if not own_code(codeof(back, tid)):
            return True
        name = code.co_name
        names = call_names(code)
        if x is None:
            return intends(back, names, tid)
        if x[1] in names or wraps_named(f, x[1], tid):
            return True
        if x[0] in OP_LOCALS and x[1][:10] == "@py_assert":
            loaded = assert_temp(back, x[1], tid)
            if loaded is not None and (loaded in names or wraps_named(f, loaded, tid)):
                return True
        obj = held_by(back, x, tid)
        if obj is MISSING and x[0] in OP_ATTR:
            obj = module_attr_callee(back, tid)
        if _type(obj) is _FunctionType:
            return codeof(obj, tid) is code
        if hands_its_own(back, code, tid):
            # a callable of C parts given a function of back's own
            return True
        if _isinstance(obj, _type) and name in ("__init__", "__new__"):
            # a subclass's call entering the constructor it inherits, or
            # the one of the subclass its __new__ chose (pd.ExcelWriter's
            # engine's)
            return inherits(obj, name, code, tid) or (name == "__init__" and made_by(f, obj, code, tid))
        if obj is not MISSING and protocol and intends(back, names, tid):
            # (removing what trusted code made in this run through a
            # callable of C parts its code names: list(map(Path.unlink,
            # paths)))
            return True
        return False

    def module_attr_callee(back, tid):
        """What frame back calls when it calls an attribute of a name
        holding a module (`pd.ExcelWriter(...)`), read from the module's
        dict, or MISSING."""
        at = instruction_at(back, tid)
        if at is None:
            return MISSING
        instrs, k = at
        shape = call_shape(instrs, k)
        if shape is None:
            return MISSING
        start, n = shape
        j = operand_at(instrs, start, n + 1)
        if j is None or instrs[j][0] not in OP_ATTR:
            return MISSING
        b = operand_at(instrs, j, 1)
        if b is None:
            return MISSING
        bopc, _a, bname, _t = instrs[b]
        if _type(bname) is not _str:
            return MISSING
        base = held_by(back, (bopc, bname), tid)
        if _type(base) is not _ModuleType:
            return MISSING
        d = module_dict(base)
        return d.get(instrs[j][2], MISSING) if _type(d) is _dict else MISSING

    def made_by(f, cls, code, tid):
        """Whether frame f, running the __init__ code, initialises an
        instance of a subclass of cls (its first argument's type) whose
        own __init__ is that plain function (not a partialmethod of it
        binding the candidate's arguments: `class Cache(zipfile.ZipFile):
        __init__ = partialmethod(ZipFile.__init__, "tests/x", "w")`, a
        twenty-third review)."""
        if code.co_argcount < 1:
            return False
        t = _type(frame_local(f, code.co_varnames[0], tid))
        try:
            if cls not in type_mro(t):
                return False
        except _Exception:
            return False
        return inherits(t, "__init__", code, tid)

    def assert_temp(back, temp, tid):
        """The name whose value pytest's rewritten assert stored in the
        temporary temp last before frame back's instruction (`@py_assert1
        = p.read_text`), or None."""
        at = instruction_at(back, tid)
        if at is None:
            return None
        instrs, k = at
        j = k - 1
        while j > 0:
            opc, _arg, argval, _t = instrs[j]
            if opc == OP_STORE_FAST and argval == temp:
                popc, _a, pval, _t2 = instrs[j - 1]
                if (popc in OP_ATTR or popc in OP_LOADS) and _type(pval) is _str:
                    return pval
                return None
            j -= 1
        return None

    def hands_its_own(back, code, tid):
        """Whether a local of frame back is a function running code."""
        state[tid] = back
        try:
            loc = back.f_locals
        finally:
            state[tid] = BUSY
        if _type(loc) is not _dict:
            return False
        for v in loc.values():
            if _type(v) is _FunctionType and codeof(v, tid) is code:
                return True
        return False

    def wraps_named(f, attr, tid):
        """Whether frame f is a wrapper (a closure) around a function named
        attr, as functools.wraps decorators are (pandas' deprecation
        wrappers): the name its caller loaded is the wrapped one's."""
        if _type(attr) is not _str:
            return False
        code = codeof(f, tid)
        free = code.co_freevars
        if not free:
            return False
        state[tid] = f
        try:
            loc = f.f_locals
        finally:
            state[tid] = BUSY
        for n in free:
            v = loc.get(n, MISSING)
            # (__name__: functools.wraps gives a wrapper the wrapped one's
            # name, as pandas' stacked deprecation wrappers have it)
            # (an exact str only: a str subclass's own __eq__ would run,
            # and answer, inside the decision; a thirty-eighth review)
            if _type(v) is _FunctionType and (codeof(v, tid).co_name == attr
                                              or (_type(v.__name__) is _str and v.__name__ == attr)):
                return True
        return False

    def inherits(cls, name, code, tid):
        """Whether class cls finds method name with this code (read through
        type's own slots: the class may be the candidate's)."""
        try:
            mro = type_mro(cls)
        except _Exception:
            return False
        for k in mro:
            try:
                d = type_dict(k)
            except _Exception:
                return False
            v = d.get(name, MISSING)
            if v is MISSING:
                continue
            if _type(v) is _staticmethod:
                v = v.__func__
            return _type(v) is _FunctionType and codeof(v, tid) is code
        return False

    type_mro = _type.__dict__["__mro__"].__get__
    _ModuleType = types.ModuleType
    type_dict = _type.__dict__["__dict__"].__get__

    getter_names = frozenset({"__getattr__", "__getattribute__", "__get__"})

    # The method an instruction that calls no function by name runs: a
    # with statement's __enter__ and __exit__ (also as it unwinds on a
    # failing assert: a test's TemporaryDirectory under tests/), a for
    # loop's __next__ (fileinput's in-place edit), a finalizer at a store
    # or pop. A library function of any other name entered there was
    # entered by the candidate's slot (partial(shutil.copy, ...) as a
    # __bool__).
    protocol_ops = {}
    for opname, methods in (("BEFORE_WITH", ("__enter__",)), ("BEFORE_ASYNC_WITH", ("__aenter__",)),
                            ("WITH_EXCEPT_START", ("__exit__", "__aexit__")), ("FOR_ITER", ("__next__",)),
                            ("RETURN_VALUE", ("__del__",)), ("POP_TOP", ("__del__",)),
                            ("STORE_FAST", ("__del__",)), ("STORE_NAME", ("__del__",)),
                            ("STORE_GLOBAL", ("__del__",)), ("STORE_DEREF", ("__del__",)),
                            ("STORE_ATTR", ("__del__",)), ("STORE_SUBSCR", ("__del__",)),
                            ("DELETE_FAST", ("__del__",)), ("DELETE_NAME", ("__del__",)),
                            ("DELETE_GLOBAL", ("__del__",)), ("DELETE_DEREF", ("__del__",)),
                            ("DELETE_ATTR", ("__del__",)), ("DELETE_SUBSCR", ("__del__",))):
        if opname in op:
            protocol_ops[op[opname]] = frozenset(methods)

    def protocol_call(f, name, tid):
        """Whether frame f's current instruction runs a method named name
        by itself (see protocol_ops)."""
        at = instruction_at(f, tid)
        if at is None:
            return False
        instrs, k = at
        methods = protocol_ops.get(instrs[k][0])
        return methods is not None and name in methods

    def slot_culprit(depth, names):
        """culprit_at for a stand-in's caller, or the deferred call's frame
        when no candidate frame is below."""
        tid = _get_ident()
        prev = enter(tid)
        try:
            f = getframe(depth + 1, tid)
            c = blame(f, tid)
            if c is None:
                c = deferred(f, tid, names)
            return c
        finally:
            if prev is None:  # (inline: see enter)
                state.pop(tid, None)
            else:
                state[tid] = prev

    def blame_write(f, tid, event, fresh=False):
        """The frame to blame for a protected write, or None. fresh: it
        removes what trusted code created in this run."""
        c = blame(f, tid, imports=False)
        if c is None:
            # (no walk for a store below: a finalizer that removes a test's
            # own file, a NamedTemporaryFile dropped, is honest; a C
            # slot's is at that store itself, or enters a library
            # function there, which the checks above see. A with
            # statement's, a for loop's or a finalizer's library method
            # may only remove what trusted code created in this run: the
            # test's TemporaryDirectory cleaned up as a failing assert
            # unwinds, not an ExitStack's shutil.copy callback nor a
            # _TemporaryFileCloser of a hidden module the candidate's
            # object held: a twentieth review)
            c = deferred(f, tid, write_intents.get(event) or (event.rpartition(".")[2],), rest=False,
                         protocol=fresh)
        return c

    # What trusted code created under the protected directories in this
    # run (resolved paths), which library cleanup may remove.
    created = set()

    def real_path(p, dir_fd=None):
        if _type(p) is posix_path:
            p = posix_text(p)
        a = absolute(p, dir_fd)
        if a is None:
            return None
        real, magic = walk(a)
        return None if magic else normpath(real)

    def note_created(p, dir_fd=None):
        """Before an allowed creating write of p: remember it if it is new."""
        r = real_path(p, dir_fd)
        if r is None or _len(created) >= 100000:
            return
        try:
            _lstat(r)
        except _OSError:
            created.add(r)

    def fresh_path(p, dir_fd=None):
        """Whether p is, or is under, a path created in this run."""
        r = real_path(p, dir_fd)
        while r:
            if r in created:
                return True
            r = r[:r.rfind("/")]
        return False

    # pandas' check of a chained assignment (`s = df[df.a > 1]; s["c"] =
    # ...`, its most common warning) asks the collector whether the frame
    # the slice came from is still referred to, and keeps only the answer's
    # truth. At its own call, with its module's gc the real one.
    own_file = install.__code__.co_filename
    gc_dict = gc_mod.__dict__
    real_get_referents = gc_dict.get("get_referents")

    def pandas_copy_check(f, tid):
        code = codeof(f, tid)
        fn = code.co_filename
        if code.co_qualname != "NDFrame._check_setitem_copy" or not fn.endswith("/pandas/core/generic.py") \
                or not library_file(fn):
            return False
        g = f.f_globals
        if _type(g) is not _dict or f.f_builtins is not real_builtins or g.get("gc") is not gc_mod \
                or gc_dict.get("get_referents") is not real_get_referents:
            return False
        return doing(f, ("get_referents",), tid) is True

    # ---- paths -----------------------------------------------------------------
    def as_text(p):
        t = _type(p)
        if t is _str:
            return p
        if t is _bytes:
            return p.decode("utf-8", "surrogateescape")
        return None

    def fd_path(fd):
        try:
            return _readlink("/proc/self/fd/%d" % fd)
        except (_OSError, _ValueError, _OverflowError):
            return None

    def absolute(p, dir_fd=None):
        """An absolute (not normalised) path for p, or None if unknown."""
        if _type(p) is _int:
            return fd_path(p)
        p = as_text(p)
        if p is None or "\0" in p:
            return None
        if p.startswith("/"):
            return p
        if _type(dir_fd) is _int and dir_fd >= 0:
            base_dir = fd_path(dir_fd)
        else:
            try:
                base_dir = _getcwd()
            except _OSError:
                base_dir = None
        if base_dir is None or not base_dir.startswith("/"):
            return None
        return base_dir + "/" + p

    def walk(path):
        """(the absolute path with every existing symlink resolved, like
        os.path.realpath with functions captured at install; whether the
        walk followed one of /proc's per-process links). Those links (cwd,
        root, exe, fd/N, map_files/..., task/T/...) lead wherever another
        thread makes them lead by the time of the open (os.dup2 onto the
        number, os.chdir), so a name judged through one is judged on a
        target the kernel may not find: the candidate's code may not use
        such a name at all, whatever it leads to now."""
        rest = [c for c in path.split("/") if c and c != "."]
        rest.reverse()
        result = ""
        links = 0
        magic = 0
        while rest:
            name = rest.pop()
            if name == "..":
                result = result[:result.rfind("/")] if result else ""
                continue
            new = result + "/" + name
            try:
                st = _lstat(new)
            except _OSError as e:
                if e.errno == _ENAMETOOLONG:
                    # Fails closed: the kernel, walking from a deep working
                    # directory, may still find what this cannot name
                    # (longer than PATH_MAX spelled absolutely): no honest
                    # program's name, refused and reported.
                    magic = True
                elif e.errno not in (_ENOENT, _ENOTDIR):
                    # (a directory this may not search: nothing vouched for
                    # past it, refused quietly)
                    magic = magic or UNRESOLVED
                result = new
                continue
            except _ValueError:
                magic = magic or UNRESOLVED
                result = new
                continue
            if not _S_ISLNK(st.st_mode):
                result = new
                continue
            links += 1
            if new[:6] == "/proc/" and new.count("/") >= 3:
                # (/proc/self, /proc/thread-self and /proc/mounts are
                # /proc's only links above the per-process ones; they
                # lead to this process's own directory, which stays put)
                magic = True
            try:
                target = _readlink(new)
            except _OSError:
                magic = magic or UNRESOLVED
                result = new
                continue
            if links > 40:
                rest.reverse()
                return normpath(new + "/" + "/".join(rest)), magic
            if target.startswith("/"):
                result = ""
            parts = [c for c in target.split("/") if c and c != "."]
            parts.reverse()
            rest.extend(parts)
        return result or "/", magic

    def resolve(path):
        return walk(path)[0]

    # walk's second value: 0, True (through a per-process link: refused and
    # reported), or UNRESOLVED (a name it could not examine: refused, and
    # quietly, since an honest program may name a file under a directory
    # it may not search; the refusal is whole, not a race)
    UNRESOLVED = 2

    def inside(p):
        for q, qs in _zip(prot, prot_slash):
            if p == q or p.startswith(qs):
                return True
        return False

    def ancestor(p):
        ps = p if p == "/" else p + "/"
        for q in prot:
            if q.startswith(ps):
                return True
        return False

    def has_dotdot(t):
        return t == ".." or t.startswith("../") or t.endswith("/..") or "/../" in t

    std_streams = frozenset({"/dev/stdin", "/dev/stdout", "/dev/stderr"})

    def under_proc(p):
        if p[:2] == "//" or "/." in p:
            p = normpath(p)
        return (p == "/proc" or p.startswith(("/proc/", "/dev/fd/"))
                or p in ("/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr"))

    def unreadable_path(p):
        """The unreadable path p names (as written or with its links
        resolved), or None."""
        a = absolute(p)
        if a is None:
            return None
        for x in (normpath(a), resolve(a)):
            for q, qs in _zip(unread, unread_slash):
                if x == q or x.startswith(qs):
                    return x
        return None

    cwd_moves = [0]  # chdir events so far
    cwd_next = [None]  # the last one's target (absolute), or None
    thread_count_ = _thread._count
    forked = [False]  # (a latch: a forked process shares the namespace too)

    def thread_count():
        """Other threads of this process, or 1 once any process forked
        from it: either can move the working directory or rename what a
        judged name goes through between a check and the call."""
        return thread_count_() or forked[0]
    import pathlib
    posix_path = pathlib.PosixPath
    path_slots = [pathlib.PurePath.__dict__.get(n) for n in ("_str", "_drv", "_root", "_parts")]

    def posix_text(p):
        """A PosixPath's string, read from its slots: no method of a class
        the candidate's code could have patched runs here."""
        str_slot, drv_slot, root_slot, parts_slot = path_slots
        try:
            return str_slot.__get__(p, posix_path)
        except _Exception:
            pass
        try:
            drv, root, parts = drv_slot.__get__(p, posix_path), root_slot.__get__(p, posix_path), \
                parts_slot.__get__(p, posix_path)
        except _Exception:
            return None
        if _type(drv) is not _str or _type(root) is not _str or _type(parts) is not _list:
            return None
        for x in parts:
            if _type(x) is not _str:
                return None
        return drv + root + "/".join(parts[1:]) if drv or root else "/".join(parts)

    def unreadable_in(base, t):
        a = base + "/" + t
        for x in (normpath(a), resolve(a)):
            for q, qs in _zip(unread, unread_slash):
                if x == q or x.startswith(qs):
                    return x
        return None

    # Relative names that reach an unreadable directory from some working
    # directory ("tests/...", "work/tests/..."): while other threads run,
    # refused to the candidate's code whatever the working directory is
    # now, since a fixture may move it between the check and the open
    # (quietly when it is harmless now).
    def tails_of(paths):
        out = []
        for q in paths:
            comps = [c for c in q.split("/") if c]
            for i in _range(_len(comps)):
                out.append("/".join(comps[i:]))
        return _tuple(out)
    unread_tails = tails_of(unread)
    prot_tails = tails_of(prot)

    def reaches_tail(t, tails):
        parts = [c for c in t.split("/") if c and c != "."]
        while parts and parts[0] == "..":
            del parts[0]
        rest = "/".join(parts)
        for tail in tails:
            if rest == tail or rest.startswith(tail + "/"):
                return True
        return False

    # While other threads run, the candidate's code may move only where no
    # relative name leads anywhere it must not go (below /proc, /dev, the
    # tests, the report...): not into an ancestor of them, except the work
    # directory, whose names that reach the tests ("tests/...") are refused
    # whatever the working directory is (reaches_tail). Otherwise a thread
    # flipping between a harmless directory and "/" makes a name judged in
    # the first ("proc/self/root/work/tests/x") opened in the second.
    work_dir = work_slash[:-1]
    move_roots = _tuple(sorted({"/proc", "/dev"} | set(unread) | set(prot)))

    def holds_a_root(d):
        """Whether directory d is one of move_roots or an ancestor of one."""
        if d == work_dir:
            return False
        ds = d if d == "/" else d + "/"
        for q in move_roots:
            if q == d or q.startswith(ds):
                return True
        return False

    class QuietWhy(_str):
        """A reason to refuse that is not reported: an honest program may
        try it (the refusal itself is whole, not a race)."""

    def reaches_unreadable(t):
        """Whether relative name t, from some directory, names an
        unreadable path or a process's memory (its last part "mem")."""
        if t.rstrip("/").rpartition("/")[2] == "mem":
            return True
        return reaches_tail(t, unread_tails)

    def unreadable_name(p):
        """(unreadable_path(p), whether only a chdir in flight made it so)
        for a name as the open event gives it: a relative one is judged
        against the working directory and the last chdir's target, and
        again if a chdir event came during the check."""
        t = as_text(p)
        if t is None or t[:1] == "/":
            return unreadable_path(p), False
        for _ in _range(4):
            moves = cwd_moves[0]
            x, moving = unreadable_path(p), False
            nxt = cwd_next[0]
            if x is None and nxt is not None:
                x, moving = unreadable_in(nxt, t), True
            if x is None and thread_count() > 0 and reaches_unreadable(t):
                x, moving = t, True
            if cwd_moves[0] == moves:
                return x, moving
        return "a name read while the working directory kept changing", True

    def mem_name(t):
        """(whether opening t may open a process's memory, whether only a
        directory other than the current one makes it so) for a name as
        the open event gives it (a relative one judged as in
        unreadable_name)."""
        if t[:1] == "/":
            return is_mem(t), False
        for _ in _range(4):
            moves = cwd_moves[0]
            nxt = cwd_next[0]
            hit, quiet = is_mem(t), False
            if not hit:
                hit = (nxt is not None and is_mem(nxt + "/" + t)) \
                    or (thread_count() > 0 and t.rstrip("/").rpartition("/")[2] == "mem")
                quiet = True
            if cwd_moves[0] == moves:
                return hit, quiet
        return True, True

    def proc_link(t):
        """Whether a name goes through one of /proc's per-process links
        (see walk) as written (/dev/fd is /proc/self/fd) or as its links
        resolve now: a relative one from the working directory and from
        the last chdir's target."""
        if t[:1] == "/":
            spellings = (t,)
        else:
            nxt = cwd_next[0]
            spellings = (absolute(t), nxt + "/" + t if nxt is not None else "/")
        for a in spellings:
            if a is None:
                return True
            parts = normpath(a).split("/")
            n = _len(parts)
            if n > 2 and parts[1] == "dev" and parts[2] == "fd":
                return True
            if n > 3 and parts[1] == "proc":
                if parts[3] == "task" and n > 5:
                    if parts[5] in ("cwd", "root", "fd", "map_files", "exe"):
                        return True
                elif parts[3] in ("cwd", "root", "fd", "map_files", "exe"):
                    return True
            magic = walk(a)[1]
            if magic:
                return magic
        return False

    def proc_dir(t):
        a = absolute(t)
        if a is None:
            return True
        real, magic = walk(a)
        return magic or under_proc(normpath(a)) or under_proc(real)

    def names_unreadable(p):
        for w in unread_words:
            if w in p:
                return True
        return False

    def reader(f, tid):
        """(the candidate's frame, whether linecache is reading) for a read
        made while frame f ran: any candidate frame on the stack makes the
        read the candidate's, whatever trusted code sits between (a
        consumer does not stop this walk: what it reads, it hands back)."""
        culprit, quiet, lines = None, False, False
        while f is not None and f is not base:
            state[tid] = f
            name = f.f_code.co_filename
            state[tid] = BUSY
            if _type(name) is _str and name.endswith(("/linecache.py", "/tokenize.py")):
                lines = True
            elif lines:
                # (quiet only when trusted code, a traceback's formatting,
                # asked for the lines: the candidate's own call of
                # linecache or tokenize.open is a read like any other)
                lines = False
                if trusted_file(name):
                    quiet = True
            if culprit is None and not trusted_file(name):
                culprit = f
            f = f.f_back
        return culprit, quiet

    def check_path(p, dir_fd=None, anc=False, strict=True):
        """What writing (with anc: removing, renaming, chmod-ing) p would
        touch that it must not, or None. Not strict: a path of another type
        (shutil's events pass pathlib objects as given) is let through, the
        os-level events it leads to are checked."""
        a = absolute(p, dir_fd)
        if a is None:
            return "an unresolvable path" if strict or _type(p) in (_str, _bytes, _int) else None
        t = as_text(p) or ""
        if has_dotdot(t):
            return "a path with '..' (%s)" % a
        lex = normpath(a)
        if lex in std_streams:
            return QuietWhy(lex)  # (an honest program may print to /dev/stdout)
        real, magic = walk(a)
        if magic == UNRESOLVED:
            return QuietWhy("a path the sandbox cannot resolve (%s)" % lex)
        if magic:
            return "a path through a link of /proc or too long to resolve (%s)" % lex
        for x in (lex, real):
            if under_proc(x) or inside(x) or (anc and ancestor(x)):
                return x
        if t and t[:1] != "/" and not (_type(dir_fd) is _int and dir_fd >= 0):
            # A relative name: also from the last chdir's target (a
            # fixture's move in flight) and, while other threads run, from
            # the work directory, where the candidate may always return.
            nxt = cwd_next[0]
            if nxt is not None:
                b = normpath(nxt + "/" + t)
                if under_proc(b) or inside(b) or (anc and ancestor(b)):
                    return QuietWhy(b)
            if thread_count() > 0 and reaches_tail(t, prot_tails):
                return QuietWhy("%s (a name that reaches a protected path from some directory, "
                                "while other threads run)" % t)
        return None

    def is_mem(p):
        a = absolute(p)
        if a is None:
            return False
        for x in (normpath(a), resolve(a)):
            if x.startswith("/proc/") and x.endswith("/mem"):
                n = _len(x.split("/"))
                if n == 4 or n == 6:
                    return True
        return False

    def symlink_target_bad(target, link, dir_fd=None):
        t = as_text(target)
        if t is None or "\0" in t:
            return "an unresolvable target"
        if has_dotdot(t):
            return "a target with '..'"
        if t.startswith("/"):
            a = t
        else:
            la = absolute(link, dir_fd)
            if la is None:
                return "an unresolvable link"
            la = normpath(la)
            a = la[:la.rfind("/")] + "/" + t
        real, magic = walk(a)
        if magic == UNRESOLVED:
            return QuietWhy("a target the sandbox cannot resolve")
        if magic:
            return "a target through a link of /proc or too long to resolve"
        for x in (normpath(a), real):
            # (/dev holds /dev/fd, a way into /proc whatever a link's
            # later parts say)
            if under_proc(x) or inside(x) or ancestor(x) or x == "/dev":
                return "a target at " + x
        return None

    def moved_symlink_bad(src, dst, src_dir_fd=None, dst_dir_fd=None):
        """A symlink moved (or hard-linked) elsewhere: its relative target
        means something else there."""
        a = absolute(src, src_dir_fd)
        if a is None:
            # (shutil's events pass path-likes as given: the os-level
            # events they lead to are checked)
            return "an unresolvable source" if _type(src) in (_str, _bytes, _int) else None
        try:
            if not _S_ISLNK(_lstat(a).st_mode):
                return None
            target = _readlink(a)
        except _OSError as e:
            if e.errno == _ENOENT:
                return None  # (the call fails too)
            if e.errno == _ENAMETOOLONG:
                # (as walk: past PATH_MAX, the kernel may still find it
                # from a deep working directory; reported)
                return "a source too long to examine"
            # (a directory this may not search: refused quietly, as walk)
            return QuietWhy("a source the sandbox cannot examine")
        except _ValueError:
            return QuietWhy("a source the sandbox cannot examine")
        return symlink_target_bad(target, dst, dst_dir_fd)

    def is_dir(p):
        a = absolute(p)
        if a is None:
            return True
        try:
            return _S_ISDIR(_stat(a).st_mode)
        except (_OSError, _ValueError):
            return False

    def file_equals(path, data, tid):
        """Whether the file at path holds exactly data (bytes); None when
        it cannot be read (no descriptor left, no memory: a run at its
        limits)."""
        path = (path + "/")[:-1]  # a new object, which nobody else holds
        state[tid] = path
        try:
            fdr = _os_open(path, _O_RDONLY)
        except (_OSError, _ValueError):
            return None
        finally:
            state[tid] = BUSY
        try:
            chunks = []
            total = 0
            limit = _len(data)
            while True:
                b = _os_read(fdr, 1 << 20)
                if not b:
                    break
                chunks.append(b)
                total += _len(b)
                if total > limit + 16:
                    return False
            return b"".join(chunks) == data
        finally:
            _os_close(fdr)

    def file_holds(path, data, tid):
        """Whether the file at path (at most 4 MiB of it) holds the bytes
        data somewhere; False when it cannot be read."""
        path = (path + "/")[:-1]
        state[tid] = path
        try:
            fdr = _os_open(path, _O_RDONLY)
        except (_OSError, _ValueError):
            return False
        finally:
            state[tid] = BUSY
        try:
            chunks = []
            total = 0
            while total < (4 << 20):
                b = _os_read(fdr, 1 << 20)
                if not b:
                    break
                chunks.append(b)
                total += _len(b)
            return _len(data) > 0 and data in b"".join(chunks)
        except _OSError:
            return False
        finally:
            _os_close(fdr)

    # ---- reporting ---------------------------------------------------------------
    esc = {i: "\\u%04x" % i for i in range(32)}
    esc[ord('"')] = '\\"'
    esc[ord("\\")] = "\\\\"
    reports = [0]
    fd = report_fd if _type(report_fd) is _int and report_fd >= 0 else None
    if fd is not None:
        try:
            import fcntl
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        except (_OSError, ImportError):
            pass

    def emit(seen):
        if fd is None or reports[0] > max_reports:
            return
        reports[0] += 1
        if reports[0] > max_reports:
            seen = "more refusals, not reported"
        if _len(seen) > 1000:
            seen = seen[:1000] + "..."
        line = '{"check": "audit", "seen": "' + seen.translate(esc) + '"}\n'
        try:
            _write(fd, line.encode("utf-8", "backslashreplace"))
        except _OSError:
            pass

    def where(culprit, tid):
        if _type(culprit) is _str:
            return culprit
        code = codeof(culprit, tid)
        return "%s:%d" % (show_file(code.co_filename), culprit.f_lineno or 0)

    # ---- the policy ----------------------------------------------------------------
    (K_STACK, K_CTYPES, K_GETATTR, K_SETATTR, K_TRACE, K_COMPILE, K_EXEC, K_FUNC, K_MARSHAL,
     K_IMPORT, K_OPEN, K_PATH, K_FDPATH, K_MKTEMP, K_RMTREE, K_MOVE, K_COPY, K_LINK, K_SYMLINK,
     K_PROC, K_ALWAYS, K_CHDIR, K_FORK) = range(23)

    kinds = {
        "sys._getframe": K_STACK, "sys._current_frames": K_STACK, "sys._current_exceptions": K_STACK,
        "gc.get_objects": K_STACK, "gc.get_referrers": K_STACK, "gc.get_referents": K_STACK,
        "sys.addaudithook": K_STACK, "code.__new__": K_STACK, "os.fwalk": K_STACK,
        "sqlite3.enable_load_extension": K_STACK, "sqlite3.load_extension": K_STACK,
        "object.__getattr__": K_GETATTR,
        "object.__setattr__": K_SETATTR, "object.__delattr__": K_SETATTR,
        "sys.settrace": K_TRACE, "sys.setprofile": K_TRACE,
        "compile": K_COMPILE, "exec": K_EXEC, "function.__new__": K_FUNC,
        "marshal.loads": K_MARSHAL, "marshal.load": K_MARSHAL,
        "import": K_IMPORT, "open": K_OPEN,
        # (path, ..., dir_fd): the path may be a descriptor for these
        "os.chmod": K_FDPATH, "os.chown": K_FDPATH, "os.utime": K_FDPATH,
        "os.truncate": K_FDPATH, "os.setxattr": K_FDPATH, "os.removexattr": K_FDPATH,
        "os.chflags": K_FDPATH,
        # (path, ..., dir_fd)
        "os.remove": K_PATH, "os.rmdir": K_PATH, "os.mkdir": K_PATH, "shutil.chown": K_PATH,
        "tempfile.mkstemp": K_MKTEMP, "tempfile.mkdtemp": K_MKTEMP,
        "shutil.rmtree": K_RMTREE,
        # (src, dst, ...)
        "os.rename": K_MOVE, "shutil.move": K_MOVE,
        "shutil.copyfile": K_COPY, "shutil.copymode": K_COPY, "shutil.copystat": K_COPY,
        "shutil.copytree": K_COPY, "shutil.unpack_archive": K_COPY,
        "os.link": K_LINK, "os.symlink": K_SYMLINK, "os.chdir": K_CHDIR, "os.fork": K_FORK,
        "cpython.PyInterpreterState_New": K_ALWAYS,
    }
    for ev in ("os.exec", "os.posix_spawn", "os.spawn", "os.system", "subprocess.Popen",
               "pty.spawn", "os.forkpty"):
        # (allowed, a program renames and moves as a forked process does:
        # the same latch)
        kinds[ev] = K_FORK if allow_processes else K_PROC
    kinds_get = kinds.get
    ancestor_events = frozenset({"os.remove", "os.rmdir", "os.chmod", "os.chown", "os.utime",
                                 "os.chflags", "shutil.chown"})

    def last_int(args):
        return args[-1] if _len(args) > 1 and _type(args[-1]) is _int else None

    # Where an event's dir_fd is, as C raises it: os.truncate's event is
    # (path, length) and os.setxattr's (path, attribute, value, flags),
    # whose last int is no descriptor (a fortieth review: a relative name
    # judged under the descriptor numbered by the length, /dev/null for 0,
    # and truncated in the working directory).
    dir_fd_at = {"os.chmod": 2, "os.chown": 3, "os.utime": 3, "os.remove": 1, "os.rmdir": 1,
                 "os.mkdir": 2}

    def dir_fd_of(event, args):
        i = dir_fd_at.get(event)
        if i is None or _len(args) <= i:
            return None
        d = args[i]
        return d if _type(d) is _int else None

    def module_of_type(t):
        try:
            m = _type_module(t)
        except _Exception:
            return None
        return m if _type(m) is _str else None

    def protected_module(m):
        return m is not None and (m in prot_modules or m.startswith(prot_modules_dot))

    code_attrs = frozenset({"__code__", "gi_code", "cr_code", "ag_code"})
    code_owners = frozenset({_FunctionType, types.GeneratorType, types.CoroutineType,
                             types.AsyncGeneratorType})

    def decide(kind, event, args, f, tid):
        """(what, culprit) if the event is refused, else None."""
        if kind == K_STACK or kind == K_CTYPES:
            if event == "gc.get_referents" and f is not None and pandas_copy_check(f, tid):
                return None
            c = blame(f, tid, args=args, consumers=event in consumer_events)
            if c is None and kind == K_STACK:
                r = rest_frame(f, tid)
                if r is not None:
                    return ("%s from a deferred call" % event, r)
                if event == "code.__new__":
                    # Code under another name is what the candidate may
                    # compile anyway (numpy renames its dispatchers'); under
                    # a trusted file name, only an extension module's init
                    # run by importlib (Cython's modules make code objects).
                    new_name = args[1] if _len(args) > 1 else None
                    if not (_type(new_name) is _str and trusted_file(new_name)) \
                            or is_code(f, code_call_removed, tid):
                        return None
                    return ("%s from a deferred call" % event, f)
                names = intent_names.get(event)
                if names is not None and not intends_now(f, names, tid):
                    return ("%s from a deferred call" % event, f)
                if event in frame_events and not called_by_name(f, tid):
                    return ("%s from a deferred call" % event, f)
            return (event, c) if c is not None else None

        if kind == K_GETATTR:
            name = args[1] if _len(args) > 1 else None
            obj = args[0] if args else None
            read_under = None
            if name == "__code__" and f is not None:
                fcode = codeof(f, tid)
                code_reader = code_read_locals.get(fcode)
                if code_reader is not None:
                    # the function it holds, at its own load of that
                    # attribute: a global it calls (inspect.isfunction
                    # rebound to C parts) reads with the same frame on top
                    own = doing(f, ("__code__",), tid)
                    held = frame_local(f, code_reader[0], tid)
                    if _type(held) is _MethodType:
                        held = held.__func__  # (a bound method's __code__ is its function's: a stand-in's)
                    if held is obj and (own is True or (own is None and not code_reader[1])):
                        if fcode in code_readers and own is True:
                            if not first_at(f, obj, tid):
                                return ("reading __code__ twice at one instruction of %s" % fcode.co_qualname, f)
                            return None
                    else:
                        read_under = fcode
            if name in defaults_attrs:
                # Assay's own functions keep what they must not share
                # there, out of their module's reach (the guard's token,
                # its record of the session): plain values elsewhere.
                if _type(obj) is not _FunctionType or obj is sealed_call or obj is no_pyc \
                        or not any_in(codeof(obj, tid).co_filename, assay_code_parts):
                    # (the stand-ins' function and _read_pyc's hold nothing:
                    # inspect.signature(os.open), mock's autospec of it)
                    return None
                # Whoever reads them for the candidate (inspect.signature
                # is a consumer of frames, not of these) is refused too.
                c = blame(f, tid)
                if c is None:
                    r = rest_frame(f, tid)
                    if r is not None or not intends_now(f, (name,), tid) or code_register is None \
                            or not under(f, code_register, tid):
                        return ("reading %s from a deferred call" % name, r or f)
                    return None
                return ("reading %s" % name, c)
            if name in code_attrs and _type(obj) in code_owners:
                # The candidate's own code (a decorator reading
                # fn.__code__.co_varnames): nothing it did not have.
                code = marked_read(obj, name, tid)
                if _type(code) is _CodeType and (not trusted_file(code.co_filename)
                                                 or library_file(code.co_filename)):
                    return None
            if read_under is not None:
                return ("reading __code__ of another object than %s holds" % read_under.co_qualname, blame(f, tid) or f)
            c = blame(f, tid, consumers=name in frame_attrs)
            if c is None:
                r = rest_frame(f, tid)
                if r is not None:
                    return ("reading %s from a deferred call" % (name if _type(name) is _str else "?"), r)
                if _type(name) is _str and not intends_now(f, (name,), tid):
                    return ("reading %s from a deferred call" % name, f)
                if name in frame_attrs and under_consumer(f, tid) and not reads_its_own(f, name, obj, tid):
                    # A consumer (or the generator it resumes) at its own
                    # load of the name, from an object that passes for a
                    # traceback, frame or generator: a property made of C
                    # parts reads the real one's and hands it over (an
                    # attacker's review). Its own read is of what it holds.
                    return ("reading %s of another object than %s holds" % (name, codeof(f, tid).co_qualname), f)
                if name in frame_attrs and under_consumer(f, tid) and not first_at(f, obj, tid):
                    return ("reading %s twice at one instruction of %s" % (name, codeof(f, tid).co_qualname), f)
                if name in frame_attrs and not names_as_installed(f, tid):
                    # Trusted code taking a frame hands it to what its
                    # names hold now: logging's handleError to
                    # traceback.print_stack, pytest's TracebackEntry.frame
                    # to Frame, each rebound by a plain setattr (no event)
                    # and the read triggered from a C slot with no
                    # candidate frame (a thirty-first review).
                    return ("reading %s in %s with a name it uses rebound" % (name, codeof(f, tid).co_qualname), f)
                return None
            return ("reading %s" % (name if _type(name) is _str else "?"), c)

        if kind == K_SETATTR:
            if _len(args) < 2 or _type(args[1]) is not _str:
                return None
            obj, name = args[0], args[1]
            if name == "__code__":
                pass
            elif name in ("__defaults__", "__kwdefaults__"):
                # pytest's, pluggy's, the guard's and the tests' functions
                # (call_and_report(item, when, log=True)): their code's file
                # says whose they are, their __module__ could lie.
                if _type(obj) is not _FunctionType:
                    return None
                fn = codeof(obj, tid).co_filename
                if not (trusted_file(fn) and (inside(fn) or any_in(fn, prot_code_parts))):
                    return None
            elif name in ("__class__", "__bases__", "__module__", "__name__", "__qualname__"):
                t = obj if _issubclass(_type(obj), _type) else _type(obj)
                hit = protected_module(module_of_type(t))
                if not hit and name == "__class__" and _len(args) > 2 and _issubclass(_type(args[2]), _type):
                    hit = protected_module(module_of_type(args[2]))
                if not hit:
                    return None
            else:
                return None
            c = blame(f, tid)
            if c is None:
                r = rest_frame(f, tid)
                if r is not None:
                    return ("setting %s from a deferred call" % name, r)
                if name == "__code__" and _len(args) > 2 and _type(args[2]) is _CodeType \
                        and trusted_file(args[2].co_filename):
                    # (code that claims a library's file, in a function of
                    # any origin: nothing trusted does that but this hook)
                    return ("setting __code__ to code of %s" % args[2].co_filename, f)
                if deferred(f, tid, (name,)) is not None:
                    # A C slot (the test's comparison calling the
                    # candidate's __eq__, partial(setattr, the guard's hook,
                    # "__code__", ...)) swapping a trusted function's code
                    # or defaults (a seventeenth review: the guard's record
                    # handed to the candidate's code)
                    return ("setting %s from a deferred call" % name, f)
                return None
            return ("setting %s" % name, c)

        if kind == K_TRACE:
            if is_code(f, code_bootstrap_inner, tid) and (
                    _threading_dict.get("_trace_hook") is not None
                    or _threading_dict.get("_profile_hook") is not None):
                return (event + " (threading.settrace / setprofile)", "a new thread")
            c = blame(f, tid)
            if c is None:
                r = rest_frame(f, tid)
                if r is not None or not intends_now(f, intent_names[event], tid) or not called_by_name(f, tid):
                    return ("%s from a deferred call" % event, r or f)
                return None
            return (event, c)

        if kind == K_COMPILE:
            if _len(args) > 1 and _type(args[1]) is not _str and _issubclass(_type(args[1]), _str):
                # compile() keeps a str subclass as the code's co_filename,
                # whose own methods (startswith, __eq__) whoever checks a
                # code's file name would call: the guard took one's word
                # that a report-rewriting hook was pytest's (a
                # thirty-eighth review). No honest code names its code so.
                return ("compiling code under a file name of a str subclass", blame(f, tid) or f or "a trusted frame")
            fn = as_text(args[1]) if _len(args) > 1 else None
            if f is None or fn is None or not trusted_file(fn):
                # No frame: the interpreter printing a traceback's carets.
                # No filename: an AST (the event does not say which name
                # it will get): exec, function() and __code__ check the
                # code object it makes.
                return None
            c = blame(f, tid)
            importlib_compiles = (is_code(f, code_call_removed, tid) and is_code(f.f_back, code_source_to_code, tid)
                                  and _type(args[0]) is _bytes)
            caret = _type(args[0]) is _bytes and b"\n" not in args[0] and unreadable_path(fn) is None \
                and (not args[0].strip() or file_holds(fn, args[0], tid))
            if c is None:
                # Trusted code compiling under a trusted name names compile
                # (importlib's call passes it through a trampoline); a
                # deferred call (partial(compile, ...) left for the
                # collector) would mint code that passes for a library's.
                if caret:
                    return None
                r = rest_frame(f, tid)
                fcode = codeof(f, tid)
                if r is None and (importlib_compiles or ((fcode in compile_sites or own_code(fcode))
                                                         and intends_now(f, intent_names[event], tid))):
                    return None
                return ("compiling code that claims to be %s from a deferred call" % fn, r or f)
            # importlib compiling the very bytes of that file
            if importlib_compiles:
                same = file_equals(fn, args[0], tid)
                if same:
                    return None
                if same is None:
                    # It could not be checked (the run is at its limits):
                    # refused, but not evidence of anything.
                    return ("compiling %s unchecked" % fn, c, True)
            if caret:
                # The interpreter printing a traceback (an exception that
                # hit the candidate's frame on its way, or one ignored in
                # an at-fork or __del__ callback) parses a piece of the
                # file's own line to place its carets (an empty piece for
                # an exception raised as a function starts). Refused, so no code
                # object claims that file, but not evidence: a candidate
                # gets nothing from compiling a file's own piece of a line
                # (and the same words either way: no oracle on the file).
                return ("compiling code that claims to be %s" % fn, c, True)
            return ("compiling code that claims to be %s" % (fn or "?"), c)

        if kind == K_EXEC or kind == K_FUNC:
            code = args[0] if args else None
            if _type(code) is _CodeType and _type(code.co_filename) is not _str:
                # (compiled from an AST, whose compile event names no file:
                # a str subclass as co_filename, whose own methods would
                # answer whoever checks the name; a fortieth review)
                return ("running code under a file name of a str subclass", blame(f, tid) or f or "a trusted frame")
            if _type(code) is not _CodeType or not trusted_file(code.co_filename):
                return None
            c = blame(f, tid)
            if kind == K_EXEC and ((is_code(f, code_frozen_exec, tid) and code.co_filename.startswith("<frozen ")) or (
                    is_code(f, code_call_removed, tid) and is_code(f.f_back, code_exec_module, tid)
                    and stock_loader(f.f_back.f_locals.get("self")))):
                return None  # importlib executing a module
            what = "exec" if kind == K_EXEC else "a function made"
            if c is None:
                # (as for compile: trusted code doing it names it)
                r = rest_frame(f, tid)
                fcode = codeof(f, tid)
                if r is None and kind == K_EXEC and (fcode in exec_sites or own_code(fcode)) \
                        and intends_now(f, intent_names[event], tid):
                    return None
                return ("%s of the code of %s from a deferred call" % (what, code.co_filename), r or f)
            return ("%s of the code of %s" % (what, code.co_filename), c)

        if kind == K_MARSHAL:
            if event == "marshal.loads" and is_code(f, code_compile_bytecode, tid):
                # importlib loading a .pyc: only the bytes of a file in a
                # trusted directory.
                loc = f.f_locals
                p, data = loc.get("bytecode_path"), loc.get("data")
                same = False
                if (_type(p) is _str and trusted_file(normpath(p)) and _type(data) is _memoryview
                        and _type(data.obj) is _bytes and _len(args) > 0 and _type(args[0]) is _bytes
                        and data.obj[16:] == args[0]):
                    same = file_equals(p, data.obj, tid)
                if same:
                    return None
                # (None: it could not be checked, the run is at its limits:
                # refused, but not evidence of anything)
                return ("loading the compiled code %s" % (p if _type(p) is _str else "?"),
                        blame(f, tid) or "an import", same is None)
            if event == "marshal.load":
                # (from a file: pytest's cache of rewritten tests, whose
                # header checks only the source's time and size, is where a
                # planted .pyc would be trusted code. Nothing needs it: the
                # rewriter compiles afresh.)
                c = blame(f, tid)
                return (event, c or "a trusted frame", c is None)
            c = blame(f, tid)
            if c is None and event == "marshal.loads" and f is not None and codeof(f, tid).co_name == "_unmarshal_code":
                c = "an import from a zip archive"
            if c is None:
                # (bytes made into code that claims any file: trusted code
                # that does it names it)
                c = deferred(f, tid, ("loads",))
            return (event, c) if c is not None else None

        if kind == K_IMPORT:
            name = args[0] if args else None
            if _type(name) is _str and (name in ctypes_names or name.startswith("ctypes.")):
                if name == "ctypes" and f is not None and trusted_file(codeof(f, tid).co_filename) \
                        and codeof(f, tid).co_filename.endswith(ctypes_stub_for):
                    # pandas.errors imports ctypes at import, for Windows
                    # only: it gets a module with nothing in it.
                    _sys_modules["ctypes"] = ctypes_stub
                    return None
                c = blame(f, tid)
                # Refused quietly for trusted importers (numpy tries, and
                # does without).
                return ("importing %s" % name, c or "a trusted import", c is None)
            if _type(name) is _str and name.rpartition(".")[2] in banned_modules:
                return ("importing %s" % name, blame(f, tid) or "an import")
            path = args[1] if _len(args) > 1 else None
            if path is None:
                return None
            pt = as_text(path)
            if pt is not None and trusted_file(normpath(pt)):
                return None
            return ("loading the native module %s" % (pt or "?"), blame(f, tid) or "an import")

        if kind == K_OPEN:
            if _len(args) < 3:
                return None
            p, mode, flags = args[0], args[1], args[2]
            if _type(flags) is not _int:
                flags = 0
            writing = (flags & _WRITE_FLAGS) != 0
            if not writing and _type(mode) is _str:
                writing = "w" in mode or "a" in mode or "x" in mode or "+" in mode
            pt = as_text(p)
            pathlike = None
            if pt is None and p is not None and _type(p) is not _int:
                # io.FileIO takes a path-like as it is: read as a string
                # (pathlib's, from its slots), or refused to the candidate.
                pt = posix_text(p) if _type(p) is posix_path else None
                c = blame(f, tid)
                if c is None:
                    # (with no candidate frame below, a C slot's FileIO of
                    # a path whose __fspath__ was replaced: asked like any
                    # deferred open, not judged by the slots, a
                    # thirty-ninth review)
                    c = deferred(f, tid, write_intents["open"])
                if pt is None:
                    if c is not None:
                        # (quietly: an honest program may hand it a PurePath)
                        return ("opening a path of another type than str or bytes", c, True)
                    return None
                p = pt
                # C converted it (__fspath__, a class attribute anyone
                # may replace) before the event, and the slots read here
                # may have changed since (a finalizer, a handler, another
                # thread): what the slots say is reported below if it is
                # refused, but the open is refused to the candidate either
                # way (a thirty-eighth review read tests/ and wrote
                # fixtures/ through a patched PurePath.__fspath__)
                pathlike = c
            if pt is not None and pt.endswith("mem"):
                hit, quiet = mem_name(pt)
                if hit and not quiet:
                    return ("opening %s" % pt, blame(f, tid) or "a trusted frame")
                if hit:
                    # (another working directory would make it the memory:
                    # the candidate's, refused quietly)
                    c = blame(f, tid)
                    if c is not None:
                        return ("opening %s" % pt, c, True)
            if _type(p) is _int:
                return None  # wraps a descriptor: checked when it was opened
            if not writing:
                # os.open of a directory by candidate code itself: a
                # descriptor whose *at() calls the hook could not follow.
                if mode is None and f is not None and not trusted_file(codeof(f, tid).co_filename) \
                        and (flags & (_O_PATH | _O_DIRECTORY) or is_dir(p)):
                    return ("a directory descriptor for %s" % (pt or "?"), f)
                if unread:
                    x, moving = unreadable_name(p)
                    if x is not None:
                        c, quiet = reader(f, tid)
                        if c is None:
                            # (a C slot's io.open of a hidden module: the
                            # kernel refuses it while its mode is 000, but
                            # that is no reason to let it try)
                            c = deferred(f, tid, write_intents["open"])
                        if c is not None:
                            return ("reading %s" % x, c, quiet or moving)
                lk = proc_link(pt) if pt is not None else False
                if lk:
                    c, quiet = reader(f, tid)
                    if c is not None:
                        # (quietly for the standard streams' own names: an
                        # honest program may open /dev/stdin)
                        return ("reading through %s" % pt, c, quiet or pt in std_streams or lk == UNRESOLVED)
                if pt is not None and (flags & (_O_PATH | _O_DIRECTORY) or is_dir(p)) and proc_dir(pt):
                    # A descriptor of a directory under /proc: with os.dup2
                    # onto a number a link judged earlier goes through
                    # (/dev/fd/N/mem), it reaches the memory.
                    c, quiet = reader(f, tid)
                    if c is not None:
                        return ("a directory descriptor for %s" % pt, c)
                if pt is not None and has_dotdot(pt) and thread_count() > 0:
                    # The kernel walks ".." through the directory as it is
                    # then: another thread's rename between the check and
                    # the open moves what a judged name reaches.
                    c, quiet = reader(f, tid)
                    if c is not None:
                        return ("reading %s while other threads run" % pt, c, True)
                if pathlike is not None:
                    return ("opening a path-like with io.FileIO", pathlike, True)
                return None
            why = check_path(p)
            if why is None:
                if pathlike is not None:
                    return ("opening a path-like with io.FileIO", pathlike, True)
                return None
            c = blame_write(f, tid, event)
            if c is None:
                note_created(p)
            return ("writing %s" % why, c, _type(why) is QuietWhy) if c is not None else None

        if kind == K_FDPATH or kind == K_PATH or kind == K_MKTEMP:
            if not args:
                return None
            p = args[0]
            if _type(p) is _int:
                a = fd_path(p)
                why = check_path(a) if a is not None else None
            else:
                why = check_path(p, dir_fd_of(event, args),
                                 anc=event in ancestor_events, strict=not event.startswith("shutil."))
            if why is None and kind == K_FDPATH:
                dfd = dir_fd_of(event, args)
                if dfd is not None and dfd >= 0 and thread_count() > 0:
                    # (another thread can point dir_fd elsewhere, os.dup2,
                    # between this check and the call: chmod-ing a hidden
                    # test module readable again)
                    c = blame(f, tid, imports=False)
                    if c is not None:
                        return ("%s under a directory descriptor while other threads run" % event, c, True)
            if why is None:
                return None
            dfd = dir_fd_of(event, args) if kind == K_PATH else None
            removing = event == "os.remove" or event == "os.rmdir"
            c = blame_write(f, tid, event, fresh=removing and _type(p) is not _int and fresh_path(p, dfd))
            if c is None and event == "os.mkdir" and _type(p) is not _int:
                note_created(p, dfd)
            return ("%s on %s" % (event, why), c, _type(why) is QuietWhy) if c is not None else None

        if kind == K_RMTREE:
            why = check_path(args[0], last_int(args), anc=True, strict=False) if args else None
            if why is None:
                return None
            c = blame_write(f, tid, event, fresh=fresh_path(args[0], last_int(args)))
            return ("%s on %s" % (event, why), c, _type(why) is QuietWhy) if c is not None else None

        if kind == K_MOVE or kind == K_COPY or kind == K_LINK:
            if _len(args) < 2:
                return None
            src, dst = args[0], args[1]
            sfd = args[2] if kind != K_COPY and _len(args) > 3 and _type(args[2]) is _int else None
            dfd = args[3] if kind != K_COPY and _len(args) > 3 and _type(args[3]) is _int else None
            strict = not event.startswith("shutil.")
            why = check_path(dst, dfd, strict=strict)
            if why is None and kind == K_MOVE:
                why = check_path(src, sfd, anc=True, strict=strict)
            if why is None and kind == K_LINK:
                why = check_path(src, sfd)  # a second name for a protected file
            if why is None and kind != K_COPY:
                why = moved_symlink_bad(src, dst, sfd, dfd)
            if why is None:
                return None
            c = blame_write(f, tid, event)
            return ("%s on %s" % (event, why), c, _type(why) is QuietWhy) if c is not None else None

        if kind == K_SYMLINK:
            if _len(args) < 2:
                return None
            dfd = last_int(args) if _len(args) > 2 else None
            why = check_path(args[1], dfd) or symlink_target_bad(args[0], args[1], dfd)
            if why is None:
                return None
            c = blame_write(f, tid, event)
            return ("a symlink with %s" % why, c, _type(why) is QuietWhy) if c is not None else None

        if kind == K_PROC:
            # The candidate's; trusted code's too without trusted_programs
            # (with it, a "tests" challenge's hidden tests run the
            # candidate's tests in a program).
            c = blame_write(f, tid, event)
            if c is None:
                if trusted_programs:
                    return None
                c = "a trusted frame or a deferred call"
            # platform.uname().processor runs `uname -p` (pandas asks at
            # import): refused, it copes, and it is not worth a report.
            g, quiet = f, False
            for _ in _range(8):
                if g is None:
                    break
                if is_code(g, code_uname_p, tid):
                    quiet = True
                    break
                g = g.f_back
            return ("running a program (%s)" % event, c, quiet or quiet_processes)

        if kind == K_CHDIR:
            # A relative name is judged against the working directory when
            # its event is raised and opened against the one the kernel
            # finds then. The candidate's code may not move into the tests
            # or /proc (whose links another thread can repoint), so no
            # directory it can flip to makes a name it could not read now
            # readable (the names that reach the tests from the work
            # directory or /, ".." and memory are refused while threads run,
            # see unreadable_name); a fixture's move is counted, and its
            # target judged too until the next.
            p = args[0] if args else None
            if _type(p) is posix_path:
                p = posix_text(p)
            target = fd_path(p) if _type(p) is _int else absolute(p)
            c = blame(f, tid, imports=False)
            if c is not None:
                bad = target is None
                if not bad:
                    real, bad = walk(target)
                    if bad == UNRESOLVED:
                        return ("moving into %s, which the sandbox cannot resolve" % target, c, True)
                    for x in (normpath(target), real):
                        if under_proc(x) or unreadable_path(x) is not None:
                            bad = True
                if bad:
                    return ("moving into %s" % (target or "an unresolvable directory"), c)
                if thread_count() > 0 and (holds_a_root(normpath(target)) or holds_a_root(real)):
                    # (quietly: an honest program may, and the refusal is
                    # whole; see holds_a_root)
                    return ("moving into %s while other threads run" % target, c, True)
            cwd_next[0] = normpath(target) if target is not None else None
            cwd_moves[0] += 1
            return None

        if kind == K_ALWAYS:
            return (event, blame(f, tid) or "a trusted frame")
        return None

    def judge(kind, event, args, depth, tid):
        """Runs decide for an event raised `depth` frames above the
        caller, in thread tid, which is not in the hook; returns the
        refusal text, or None.

        A signal's handler does not run while the event is decided (the
        trampoline defers it while tid is in judging): one that raised
        there aborted the decision, which was reported as an event the
        sandbox could not check (pytest-timeout's Failed, the harness's
        KeyboardInterrupt at the wall-time limit: honest timeouts graded
        tampered). Deferred handlers run before a decision, never between
        a decision and the operation: run there, a handler changed what
        had been decided on (a chdir after a relative path was judged:
        a thirty-third review). So after they run the event is decided
        again (three decisions at most)."""
        outer = tid not in judging  # (inside a stand-in: it raises them as it ends)
        if pending_signals and outer:
            flush_signals()
        last, cwd_was = consumer_last.get(tid, MISSING), (cwd_next[0], cwd_moves[0])
        what = judge_once(kind, event, args, depth + 1, tid)
        # (twice at most, unrolled: a loop's jump back is a boundary where
        # a handler runs, after the decision; what is held after the third
        # waits for the next signal, event or stand-in)
        if pending_signals and outer:
            flush_signals()
            if what is None:
                redecide(last, cwd_was, tid)
                what = judge_once(kind, event, args, depth + 1, tid)
                if pending_signals:
                    flush_signals()
                    if what is None:
                        redecide(last, cwd_was, tid)
                        what = judge_once(kind, event, args, depth + 1, tid)
        return what

    def redecide(last, cwd_was, tid):
        """Puts back what a decision records (first_at's last read, the
        working directory's), so that the next decides as the first did:
        first_at took the first decision's read as one already made, a
        finding (a thirty-fourth review)."""
        if last is MISSING:
            consumer_last.pop(tid, None)
        else:
            consumer_last[tid] = last
        cwd_next[0], cwd_moves[0] = cwd_was

    def judge_once(kind, event, args, depth, tid):
        judging[tid] = judging_get(tid, 0) + 1
        state[tid] = BUSY
        try:
            try:
                verdict = decide(kind, event, args, getframe(depth + 1, tid), tid)
                if verdict is None:
                    return None
                what, culprit = verdict[0], verdict[1]
                if _len(verdict) < 3 or not verdict[2]:
                    emit("%s from %s" % (what, where(culprit, tid)))
                return what
            except _RecursionError:
                raise
            except _Exception:
                what = "%s (the sandbox could not check it)" % event
                emit(what)
                return what
            except _BaseException:
                # (not the hook's: reported, and let through to whoever
                # raised the event)
                emit("%s (the sandbox could not check it)" % event)
                raise
        finally:
            # (no call here, nor after it before the return: a call's end
            # is where a handler would run, after the decision, and at the
            # recursion limit a call raised before judging went back down,
            # which then held every later signal: a thirty-fifth review)
            del state[tid]
            try:
                n = judging[tid]
            except _KeyError:  # (a child forked inside: cleared)
                n = 0
            if n > 1:
                judging[tid] = n - 1
            elif n:
                del judging[tid]

    frame_attrs = frozenset({"tb_frame", "f_code", "gi_frame", "gi_code", "cr_frame", "cr_code",
                             "ag_frame", "ag_code", "__code__"})
    setattr_names = frozenset({"__code__", "__defaults__", "__kwdefaults__", "__class__", "__bases__",
                               "__module__", "__name__", "__qualname__"})
    defaults_attrs = frozenset({"__defaults__", "__kwdefaults__"})
    getattr_names = frame_attrs | defaults_attrs
    assay_code_parts = ("/assay_guard.py", "/assay_audit.py", "/assay_canary.py", "/harness.py")

    # Reads let through unresolved (see hook): the read-only directories of
    # the image, where the modules are, not the candidate's writable ones.
    fast_roots = _tuple(r for r in ("/usr/", "/opt/", "/etc/", "/lib/", "/lib64/", "/bin/")
                        if not work_slash.startswith(r))

    def hook(event, args):
        kind = kinds_get(event)
        if kind is None:
            if event[:7] != "ctypes.":
                return
            kind = K_CTYPES
        # Fast paths, for the events every import raises: allowed whoever
        # raised them, no frame needed.
        elif kind == K_OPEN:
            if _len(args) == 3:
                p, mode, flags = args
                if _type(mode) is _str and _type(flags) is _int and not flags & _WRITE_FLAGS \
                        and "w" not in mode and "a" not in mode and "x" not in mode and "+" not in mode \
                        and (_type(p) is _int or (_type(p) is _str and p.startswith(fast_roots)
                                                  and not p.endswith("mem") and not names_unreadable(p)
                                                  and "//" not in p and "/." not in p)):
                    # (only under the image's read-only directories, where
                    # the candidate plants no link and the image's build
                    # checks the system's: a relative path goes the slow
                    # way, and so does any name under the work directory,
                    # /tmp, /dev or /proc, whose links lead anywhere)
                    return
        elif kind == K_FORK:
            forked[0] = True
            return
        elif kind == K_IMPORT:
            if pandas_pending[0] and pandas_target in _sys_modules:
                tid = _get_ident()
                if state_get(tid) is None:
                    state[tid] = BUSY
                    try:
                        patch_pandas(tid)
                    except _Exception:
                        pass
                    finally:
                        state.pop(tid, None)  # (inline: see enter)
            if _len(args) > 1 and args[1] is None:
                name = args[0]
                if _type(name) is _str and name not in ctypes_names and name not in banned_modules \
                        and not name.startswith("ctypes."):
                    return
        elif kind == K_EXEC or kind == K_FUNC:
            code = args[0] if args else None
            if _type(code) is _CodeType and _type(code.co_filename) is _str and not trusted_file(code.co_filename):
                return
        elif kind == K_COMPILE:
            fn = args[1] if _len(args) > 1 else None
            if fn is None or (_type(fn) is _str and not trusted_file(fn)):
                return
        elif kind == K_SETATTR:
            if _len(args) > 1 and _type(args[1]) is _str and args[1] not in setattr_names:
                return
        elif kind == K_GETATTR:
            # (3.11 also audits reading __defaults__ and __kwdefaults__:
            # refused of Assay's own functions, see decide)
            if _len(args) > 1 and _type(args[1]) is _str and args[1] not in getattr_names:
                return
        tid = _get_ident()
        st = state_get(tid)
        if st is not None:
            # Raised while this thread is in the hook.
            if st is not BUSY and args and args[0] is st:
                # The hook's own read of st, once, and only the read it
                # makes: a signal handler or a collection's finalizer can
                # run inside the hook and raise an event on the same object
                # first (twenty-eighth and twenty-ninth reviews). Frames,
                # tracebacks and path strings the hook reads are its own
                # (no one can get them without an event, refused here): the
                # event and attribute must be the hook's. Anything else (a
                # function, a generator: marked_read, or pandas' patch)
                # must be read by the hook's own reader's frame.
                t = _type(st)
                state[tid] = BUSY  # (once)
                if t is _FrameType or t is _TracebackType:
                    if event == "object.__getattr__" and _len(args) > 1 \
                            and args[1] == ("f_code" if t is _FrameType else "tb_frame"):
                        return
                elif t is _str:
                    if event == "open":
                        return
                elif own_reader(tid):
                    return
                raise _PermissionError("refused by the sandbox: %s while the audit hook runs" % event)
            raise _PermissionError("refused by the sandbox: %s while the audit hook runs" % event)
        what = judge(kind, event, args, 1, tid)
        if what is not None and enforce:
            if kind == K_IMPORT:
                # so that `try: import x / except ImportError` copes
                raise _ModuleNotFoundError("refused by the sandbox: %s" % what)
            raise _PermissionError("refused by the sandbox: %s" % what)

    # ---- ctypes -----------------------------------------------------------------------
    # ctypes reads and writes any memory without an audited call (a Union
    # of an integer and a pointer), so the candidate must not get hold of
    # it at all: the ctypes modules leave sys.modules, every module-level
    # reference to them or to their objects goes (the harness's own ctypes
    # and LIBC included: it no longer needs them in this process), and
    # importing them again is refused (ModuleNotFoundError: numpy tries and
    # does without). pandas.errors, which imports ctypes unconditionally
    # but uses it on Windows only, gets an empty stand-in module.
    ctypes_names = frozenset({"ctypes", "_ctypes"})
    ctypes_stub_for = "/pandas/errors/__init__.py"
    ctypes_stub = types.ModuleType("ctypes", "ctypes is not available in the sandbox")
    ctypes_stub.__getattr__ = _ctypes_stub_getattr


    def scrub_ctypes():
        gone = []
        for name in _list(_sys_modules):
            if name in ctypes_names or name.startswith("ctypes."):
                gone.append(_sys_modules.pop(name))
        if not gone:
            return
        gone_ids = {_id(m) for m in gone}
        known = ctypes_known if _type(ctypes_known) is _dict else {}
        # The module of a class, of a function, or of an object's class.
        for name, mod in _list(_sys_modules.items()):
            if not _isinstance(mod, types.ModuleType):
                continue
            d = module_dict(mod)
            if _type(d) is not _dict:
                continue
            seen = known.get(name)
            if seen is not None and seen[0] == _id(d) and seen[1] == _len(d):
                keys = seen[2]
            else:
                keys = ctypes_keys(d, gone_ids)
            for k in keys:
                d.pop(k, None)

    # ---- sealed wrappers ------------------------------------------------------------
    # A Python signal handler receives the interrupted frame: one the
    # candidate installs runs through a trampoline that passes None. The
    # trampoline is compiled under a name outside the trusted directories,
    # so that a builtin handler (dict.__setitem__) still has a candidate
    # frame under it.
    # Signal handlers run through a trampoline that gives them no frame. A
    # bound method over a tuple, as the stand-ins: signal.getsignal hands
    # it out.
    # A handler also waits while its thread decides an event or runs a
    # stand-in (see judge and sealed).
    tramp_ns = {"__builtins__": builtins.__dict__}
    exec(compile(
        "def trampoline(held, signum, frame):\n"
        "    __tracebackhide__ = True\n"
        "    frame = None\n"
        "    held[3](signum)\n"
        "    if not held[1](held[2]()):\n"
        "        held[4]()\n",
        "<assay signal trampoline>", "exec"), tramp_ns)
    trampoline_fn = tramp_ns.pop("trampoline")

    def make_trampoline(handler):
        if _type(handler) is _MethodType and handler.__func__ is trampoline_fn:
            return handler  # (one of ours, handed back by getsignal's caller: as it is)
        # (builtins over judging and pending_signals, and flush_signals,
        # which hold nothing the hook trusts: a handler's cost stays a few
        # microseconds, and whoever reaches them can only hold its own
        # handlers back or queue signals for the next flush, what
        # raise_signal does anyway. Every signal is queued, and outside a
        # window every held one runs, in order: one held in a decision
        # that found another held waits for the next signal at most, not
        # for the next event, a thirty-sixth review)
        return _MethodType(trampoline_fn, (handler, judging_has, _get_ident, pending_add, flush_signals))

    def tramp_unwrap(h):
        """The handler a trampoline of ours runs, or h."""
        if _type(h) is _MethodType and h.__func__ is trampoline_fn:
            return h.__self__[0]
        return h

    def marked_read(obj, name, tid):
        """getattr(obj, name) as the hook's own read, for an object someone
        else may hold (a function, a generator): the hook lets the event
        through only from this function's frame (see hook). A signal
        handler or a collection's finalizer runs at any bytecode boundary,
        the hook's own included, and there raised the same event on the
        same object first, which passed as the hook's: the hidden tests'
        code read or replaced, the hook's state through a generator's
        frame (a twenty-eighth review); a handler's sys._getframe of a
        frame the hook was reading passed the same way (a twenty-ninth)."""
        state[tid] = obj
        try:
            return _getattr(obj, name)
        finally:
            state[tid] = BUSY

    def sealed(call, keep_tb=False, waits=True):
        """A stand-in for a builtin: call(args, kwargs) runs inside a
        single-use generator, made by a suspended one. An exception it
        raises leaves without a traceback, or with keep_tb with what is
        below call's own frame (the frames of the code call ran).

        waits: signal handlers wait while the policy and the call run, and
        run as the outermost stand-in ends: run inside, one that raised
        skipped the check after a call (os.open's descriptor, opened
        through a relative name another handler had moved, stayed open)
        or a refusal's report (a thirty-fourth review). Not for a call that
        runs the candidate's code for long (_rewrite_test: a hidden
        module's import), whose handlers must still run."""

        def one(args, kwargs):
            tid = _get_ident()
            if waits:
                judging[tid] = judging_get(tid, 0) + 1
            out = None
            try:
                # (only as sealed_call's frame for this pair runs it: the
                # pair's send is readable, and a candidate who drives the
                # generator itself puts its own frame where each call_*
                # skips the stand-in's, a twenty-seventh review)
                f = run_by(pair)
                if f is not None:
                    try:
                        refuse("a stand-in's policy run around it", f)
                    except _BaseException as e:
                        e.__traceback__ = None
                        out = (False, e)
                if out is None:
                    try:
                        value = call(args, kwargs)
                    except _BaseException as e:
                        tb = e.__traceback__ if keep_tb else None
                        # (the first entries are this generator's and
                        # call's frames: tb_next does not reach back to
                        # them)
                        tb = tb.tb_next if tb is not None else None
                        e.__traceback__ = tb.tb_next if tb is not None else None
                        out = (False, e)
                    else:
                        out = (True, value)
            finally:
                if waits:
                    # (no call: see judge_once)
                    try:
                        n = judging[tid]
                    except _KeyError:
                        n = 0
                    if n > 1:
                        judging[tid] = n - 1
                    elif n:
                        del judging[tid]
            if pending_signals and tid not in judging:
                try:
                    flush_signals()
                except _BaseException as e:
                    e.__traceback__ = None
                    out = (False, e)
            yield out

        def failed(e):
            e.__traceback__ = None
            yield (False, e)

        def maker():
            # (an exception raised inside it, a signal's handler that
            # raised at the resume or at the loop's jump back, is handed to
            # the caller, and the maker lives on: one that ended left the
            # stand-in broken for the rest of the run. The inner loop is
            # inside the try: its jump back is a point where handlers run.
            # Only a second signal inside the except clause still ends it.)
            out = None
            while True:
                try:
                    while True:
                        request = yield out
                        out = one(request[0], request[1])
                except _BaseException as e:
                    out = failed(e)

        gen = maker()
        gen.send(None)
        lock = _allocate_lock()
        pair = (lock.acquire, lock.release, gen.send)
        return _MethodType(sealed_call, pair)

    def run_by(pair):
        """None if the single-use generator calling this is run by
        sealed_call's frame for pair, else the frame that runs it."""
        tid = _get_ident()
        prev = enter(tid)
        try:
            # (0 is this, 1 the single-use generator, 2 who sent it None)
            f = getframe(2, tid)
            if f is not None and codeof(f, tid) is sealed_call_code and frame_local(f, "pair", tid) is pair:
                return None
            return f if f is not None else "an unknown frame"
        finally:
            if prev is None:  # (inline: see enter)
                state.pop(tid, None)
            else:
                state[tid] = prev

    # In call_*: frame 0 is call_*, 1 the single-use generator, 2 the
    # stand-in, 3 whoever called the stand-in.
    def culprit_at(depth):
        tid = _get_ident()
        prev = enter(tid)
        try:
            return blame(getframe(depth + 1, tid), tid)
        finally:
            if prev is None:  # (inline: see enter)
                state.pop(tid, None)
            else:
                state[tid] = prev

    def refuse(what, culprit):
        if _type(culprit) is not _str:
            tid = _get_ident()
            prev = enter(tid)
            try:
                culprit = where(culprit, tid)
            finally:
                if prev is None:  # (inline: see enter)
                    state.pop(tid, None)
                else:
                    state[tid] = prev
        emit("%s from %s" % (what, culprit))
        if enforce:
            raise _PermissionError("refused by the sandbox: %s" % what)

    orig_signal = _signal.signal

    def call_signal(args, kwargs):
        if _len(args) == 2 and not kwargs:
            signum, handler = args
            if _type(handler) is not _int:
                # Only an exact int is not a handler (C compares it with
                # SIG_DFL and SIG_IGN, or refuses it). Anything else C
                # calls if it is callable, an int subclass with __call__
                # included: raw, it was handed the interrupted frame (a
                # thirty-seventh review). Refused here as C refuses it, so
                # that a type made callable afterwards is still wrapped.
                if not _callable(handler):
                    raise _TypeError("signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object")
                # Every handler, whoever installs it: the frame a signal
                # interrupts may be the hook's own. Deciding by the
                # installer let a handler through that trusted code
                # installed from the candidate's data (pytest-timeout's
                # call through signal's _enum_to_int, a module global: a
                # twenty-seventh review), and a builtin handler such as a
                # dict's setdefault keeps the frame too. No honest handler
                # in the sandbox reads its frame.
                if culprit_at(3) is None:
                    c = slot_culprit(3, ("signal",))
                    if c is not None:
                        # (a C slot installing a handler: an eighteenth
                        # review; a finding, as before)
                        refuse("installing a signal handler from a deferred call", c)
                handler = make_trampoline(handler)
            return tramp_unwrap(orig_signal(signum, handler))
        return tramp_unwrap(orig_signal(*args, **kwargs))

    orig_getsignal = _signal.getsignal
    orig_set_debug = gc_mod.set_debug
    gc_saveall = gc_mod.DEBUG_SAVEALL

    def call_set_debug(args, kwargs):
        # DEBUG_SAVEALL keeps every collected object in gc.garbage, a plain
        # list: a dead frame (a function that kept its own exception in a
        # local) came back that way with no event, and its f_back and
        # f_locals, which raise none either, led through the live stack to
        # the hook's frames (a thirtieth review).
        flags = args[0] if _len(args) == 1 and not kwargs else None
        if _type(flags) is not _int or flags & gc_saveall:
            refuse("gc.set_debug with DEBUG_SAVEALL", culprit_at(3) or "a trusted frame")
        return orig_set_debug(*args, **kwargs)

    def call_getsignal(args, kwargs):
        # (the handler installed, not our trampoline: asyncio.Runner and
        # unittest compare handlers by identity)
        return tramp_unwrap(orig_getsignal(*args, **kwargs))

    orig_fix = _imp._fix_co_filename

    def call_fix(args, kwargs):
        if _len(args) == 2 and not kwargs:
            code, path = args
            if _type(code) is _CodeType and _issubclass(_type(path), _str):
                # As C sees them: C takes any str (a subclass included),
                # compares by value and stores the object it was given. A
                # subclass's own __ne__ (a review-38 rename: first to a
                # subclass, then to a trusted name the subclass said it
                # already was) never decides; C gets an exact copy.
                path = _str_str(path)
                if _str_ne(code.co_filename, path) and trusted_file(path):
                    c = slot_culprit(3, ("_fix_co_filename",))
                    if c is not None:
                        refuse("renaming code to %s" % path, c)
                return orig_fix(code, path)
        return orig_fix(*args, **kwargs)

    sealed_modules = (_imp, _signal)
    orig_create = _imp.create_builtin
    orig_exec_builtin = _imp.exec_builtin

    def call_create(args, kwargs):
        spec = args[0] if _len(args) == 1 and not kwargs else None
        name = _getattr(spec, "name", None)
        # A fresh copy of a loaded builtin module holds its functions
        # unsealed (posix.open, _posixsubprocess.fork_exec...).
        if _type(name) is not _str or name in ("_imp", "_signal", "posix", "_posixsubprocess", "gc") \
                or name in _sys_modules:
            refuse("a second %s module" % (name if _type(name) is _str else "builtin"),
                   culprit_at(3) or "a trusted frame")
        # The name checked is the name used: a spec of an immutable type,
        # not one whose .name could answer differently the second time.
        return orig_create(_Namespace(name=name))

    # _imp.create_dynamic makes a fresh module of an extension file, by
    # any name, without an audited event when the file is already loaded:
    # a second _ctypes (raw memory), a banned module under another name, a
    # second _posixsubprocess. Refused by the name's last part and by the
    # file's own module name.
    orig_create_dynamic = _imp.create_dynamic
    never_dynamic = ctypes_names | banned_modules | (frozenset() if allow_processes else {"_posixsubprocess"})

    def call_create_dynamic(args, kwargs):
        spec = args[0] if args else kwargs.get("spec")
        name, origin = _getattr(spec, "name", None), _getattr(spec, "origin", None)
        if _type(name) is not _str or (origin is not None and _type(origin) is not _str):
            refuse("an extension module by an odd spec", culprit_at(3) or "a trusted frame")
        base = origin.rpartition("/")[2].partition(".")[0] if origin else ""
        if name.rpartition(".")[2] in never_dynamic or base in never_dynamic:
            refuse("a fresh copy of %s" % (base or name), culprit_at(3) or "a trusted frame")
        rest = args[1:] if args else ()
        # (the name and file checked are the ones used)
        return orig_create_dynamic(_Namespace(name=name, origin=origin), *rest)

    # os.open(name, dir_fd=d) raises "open" with the name alone, which the
    # hook would resolve against the working directory: the wrapper checks
    # where it really is, under d.
    orig_os_open = os.open

    def os_open_args(args, kwargs):
        """os.open's (path, flags, mode, dir_fd) as C will read them, each
        read once here (os.fspath, operator.index) and handed to C as read:
        deciding by Python's view (an exact int dir_fd, a str or bytes
        name) let an __index__ dir_fd or a path-like name through
        unrewritten, judged against the working directory while C opened
        it under the descriptor (a thirty-eighth review). None: a call C
        refuses (its TypeError)."""
        a = _list(args)
        # Keyword names by value, as C's argument parser matches them
        # (find_keyword: _PyUnicode_EQ): a str subclass's own __hash__ or
        # __eq__ made this dict's pops miss a name C then read (a
        # thirty-ninth review: dir_fd given as K("dir_fd"), the call handed
        # to C as given, unrewritten and unchecked).
        kw = {}
        for k, v in kwargs.items():
            if not _issubclass(_type(k), _str):
                return None
            k = _str_str(k)
            if k in kw:
                return None
            kw[k] = v
        for i, n in _enumerate(("path", "flags", "mode")):
            if i < _len(a):
                continue
            if n not in kw:
                break
            a.append(kw.pop(n))
        dfd = kw.pop("dir_fd", None)
        if kw or _len(a) < 2 or _len(a) > 3:
            return None
        path = a[0]
        if _type(path) is not _str and _type(path) is not _bytes:
            path = _fspath(path)  # (a str or bytes, or its TypeError)
            path = _str_str(path) if _issubclass(_type(path), _str) else _bytes_bytes(path)
        flags = _index(a[1])
        mode = _index(a[2]) if _len(a) > 2 else 0o777
        if dfd is not None:
            dfd = _index(dfd)
        return path, flags, mode, dfd

    def call_os_open(args, kwargs):
        # Checked after the real open, on the descriptor's own path: a name
        # under dir_fd, a path-like, a link, whatever spelling (and no race
        # between a check and the open). The "open" event the call raises
        # comes from this wrapper's frame (trusted), so a read that only a
        # candidate's frame below would refuse is judged here.
        parsed = os_open_args(args, kwargs)
        if parsed is None:
            # Never C with what was not read here: C's TypeError for a
            # call whose every keyword name is an exact str (the lookups
            # above then agree with C's), else this one.
            for k in kwargs:
                if _type(k) is not _str:
                    # (no honest call names an argument so: evidence)
                    refuse("os.open with a keyword name of a str subclass",
                           slot_culprit(3, ("open",)) or "a trusted frame")
                    raise _TypeError("open() got keyword arguments it cannot take")
            fd = orig_os_open(*args, **kwargs)
            if _type(fd) is _int:
                _os_close(fd)
            raise _TypeError("open() got arguments the sandbox cannot read")
        path, flags, mode, dfd = parsed
        kwargs = {}
        if dfd is not None:
            kwargs["dir_fd"] = dfd
            name = as_text(path)
            culprit = slot_culprit(3, ("open",)) if name is not None and name[:1] != "/" else None
            if culprit is not None:
                # Another thread can point dir_fd elsewhere (os.dup2) between
                # any check and the open: the name is opened by the path the
                # directory has now, which the open event judges as it is.
                base = fd_path(dfd) if dfd >= 0 else None
                if base is not None and base[:1] == "/" and _len(base) + _len(name) < 4000:
                    kwargs = {}
                    path = base + "/" + name
                elif flags & _WRITE_FLAGS:
                    # (a write the event would judge against the working
                    # directory: refused, not checked after the damage)
                    refuse("writing %s under a directory descriptor it cannot judge" % name, culprit)
        fd = orig_os_open(path, flags, mode, **kwargs)
        if unread or flags & _WRITE_FLAGS:
            where_ = fd_path(fd) if _type(fd) is _int else None
            bad = where_ is None or (unread and unreadable_path(where_) is not None) \
                or (where_.endswith("/mem") and is_mem(where_)) \
                or (flags & _WRITE_FLAGS and check_path(where_) is not None)
            if bad:
                c = slot_culprit(3, ("open",))
                if c is not None:
                    _os_close(fd)
                    refuse("%s %s" % ("writing" if flags & _WRITE_FLAGS else "reading",
                                      where_ or "a file opened by descriptor"), c)
        return fd

    # _posixsubprocess.fork_exec starts a program without an audited event
    # (subprocess raises its own first; multiprocessing's spawn does not).
    try:
        import _posixsubprocess
    except ImportError:
        _posixsubprocess = None
    orig_fork_exec = _getattr(_posixsubprocess, "fork_exec", None)

    def call_fork_exec(args, kwargs):
        c = slot_culprit(3, ("fork_exec", "_fork_exec"))
        if c is None and not trusted_programs:
            c = "a trusted frame or a deferred call"
        if c is not None:
            what = "running a program (_posixsubprocess.fork_exec)"
            if quiet_processes:
                if enforce:
                    raise _PermissionError("refused by the sandbox: %s" % what)
            else:
                refuse(what, c)
        return orig_fork_exec(*args, **kwargs)

    def call_exec_builtin(args, kwargs):
        mod = args[0] if args else kwargs.get("mod")
        for m in sealed_modules:
            if mod is m:
                refuse("re-initialising %s" % m.__name__, culprit_at(3) or "a trusted frame")
        return orig_exec_builtin(*args, **kwargs)

    # logging's findCaller hands frames to logging._is_internal_frame, a
    # module global: replaced by this one, which keeps them to itself.
    log_srcfile = logging.__dict__.get("_srcfile")
    this_file = __file__
    stack_summary_from_list = traceback.StackSummary.from_list

    def log_internal(frame):
        fn = frame.f_code.co_filename
        return fn == log_srcfile or fn == this_file or ("importlib" in fn and "_bootstrap" in fn)

    def find_caller(args, kwargs):
        # Frame 0 is this, 1 the single-use generator, 2 the stand-in
        # (Logger.findCaller itself), 3 its caller.
        stack_info = args[1] if _len(args) > 1 else kwargs.get("stack_info", False)
        stacklevel = args[2] if _len(args) > 2 else kwargs.get("stacklevel", 1)
        f = _getframe(2)
        internal = log_internal
        while stacklevel > 0:
            next_f = f.f_back
            if next_f is None:
                break
            f = next_f
            if not internal(f):
                stacklevel -= 1
        co = f.f_code
        sinfo = None
        if stack_info:
            entries = []
            g = f
            while g is not None:
                gc_ = g.f_code
                entries.append((gc_.co_filename, g.f_lineno, gc_.co_name, None))
                g = g.f_back
            entries.reverse()
            sinfo = "Stack (most recent call last):\n" + "".join(stack_summary_from_list(entries).format())
            if sinfo[-1] == "\n":
                sinfo = sinfo[:-1]
        return co.co_filename, f.f_lineno, co.co_name, sinfo

    add(find_caller.__code__, CONSUMER)
    add(log_internal.__code__, CONSUMER)
    own_consumers.update((find_caller.__code__, log_internal.__code__))

    # pandas' find_stack_level (the stacklevel of its warnings) hands
    # frames to inspect.getfile, a global: once pandas.util._exceptions is
    # loaded, its code is swapped for a call to this one.
    pandas_target = "pandas.util._exceptions"
    pandas_pending = [True]
    repl_ns = {"__builtins__": builtins.__dict__}
    exec(compile("def find_stack_level(_assay_stack_level=None):\n"
                 "    return _assay_stack_level()\n", __file__, "exec"), repl_ns)
    pandas_repl_code = repl_ns.pop("find_stack_level").__code__
    pandas_dirs = []

    def pandas_stack_level(args, kwargs):
        # Frame 0 is this, 1 the single-use generator, 2 the stand-in, 3
        # pandas' find_stack_level (its code is now this file's; counted,
        # as pandas counts it), 4 its caller.
        pkg_dir, test_dir = pandas_dirs[0]
        f = _getframe(4)
        n = 1
        while f is not None:
            fn = f.f_code.co_filename
            if fn.startswith(pkg_dir) and not fn.startswith(test_dir):
                f = f.f_back
                n += 1
            else:
                break
        return n

    add(pandas_stack_level.__code__, CONSUMER)
    own_consumers.add(pandas_stack_level.__code__)

    def patch_pandas(tid):
        mod = _sys_modules.get(pandas_target)
        d = _getattr(mod, "__dict__", None)
        func = d.get("find_stack_level") if _type(d) is _dict else None
        if _type(func) is not _FunctionType:
            return
        pandas_pending[0] = False
        code = codeof(func, tid)
        fn = code.co_filename
        if not (trusted_file(fn) and fn.endswith("/pandas/util/_exceptions.py")) or code.co_freevars:
            return
        pkg_dir = fn[:-_len("/util/_exceptions.py")]
        pandas_dirs.append((pkg_dir + "/", pkg_dir + "/tests/"))
        try:
            state[tid] = func
            func.__code__ = pandas_repl_code
            state[tid] = func
            func.__defaults__ = (sealed(pandas_stack_level),)
        finally:
            state[tid] = BUSY

    # ---- test modules this process cannot read ---------------------------------
    # The harness makes the hidden test modules unreadable to the sandbox
    # user (mode 000) and hands their bytes to this process before any
    # candidate code runs: pytest's assertion rewriter compiles each from
    # memory, once. So no descriptor of them ever exists here, which
    # another thread could copy with os.dup while pytest reads them; no
    # check of a path can be raced into reading one (the kernel refuses);
    # and a deferred call of trusted code (a builtin the candidate left
    # for the garbage collector, see WHAT STAYS OPEN) finds nothing to read
    # either: each module's bytes are handed out once, to its import, and
    # linecache is not given them (a hidden test's failure shows its
    # assertion's explanation, not its source line). A call that takes
    # them first leaves pytest unable to import that module: its tests and
    # canaries go missing, which is a finding.
    def install_sources(sources):
        import ast
        import pathlib
        import _pytest.assertion.rewrite as rewrite_mod

        locked = precompiled
        locked_get = locked.get

        code_pt_exec, code_import_path, importers, pt_module_type, node_path = pt_import_codes

        def pytest_imports(p, tid):
            """The module pytest's collection is importing from p right
            now, as it does, or None: the _rewrite_test stand-in called by
            its exec_module by name, called by import_path on the module it
            put in sys.modules, called by _importtestmodule or
            _importconftest on p. (A gc callback made of C parts calling
            the stand-in, or pytest's exec_module with a module of its own,
            got the hidden module's code: a twenty-second review.)"""
            state[tid] = BUSY
            # (frame 0 is this one, 1 call_rewrite, 2 the single-use
            # generator, 3 the stand-in, 4 its caller)
            e = getframe(4, tid)
            if e is None or codeof(e, tid) is not code_pt_exec:
                return None
            now = current_call(e, tid)
            if now is None or now[0] != "call" or now[1] is None or now[1][1] != "_rewrite_test":
                return None
            i = e.f_back
            if i is not None and frozen_importlib(codeof(i, tid)):
                return imported_by_tests(e, i, tid)
            if i is None or codeof(i, tid) is not code_import_path:
                return None
            now = current_call(i, tid)
            if now is None or now[0] != "call" or now[1] is None or now[1][1] != "exec_module":
                return None
            mod = frame_local(i, "mod", tid)
            name = frame_local(i, "module_name", tid)
            if mod is not frame_local(e, "module", tid) or _type(name) is not _str \
                    or _sys_modules.get(name) is not mod or path_text(frame_local(i, "path", tid)) != p:
                return None
            b = i.f_back
            arg = importers.get(codeof(b, tid)) if b is not None else None
            if arg is None:
                return None
            now = current_call(b, tid)
            if now is None or now[0] != "call" or now[1] is None or now[1][1] != "import_path":
                return None
            v = frame_local(b, arg, tid)
            if arg == "self":
                # (the slot's own getter: nothing the candidate can have
                # put on the class runs)
                try:
                    if pt_module_type not in type_mro(_type(v)):
                        return None
                except _Exception:
                    return None
                v = node_path(v)
            return mod if path_text(v) == p else None

        def imported_by_tests(e, i, tid):
            """The module pytest's exec_module (frame e) runs when the
            tests' own import statement imports a locked module (a hidden
            test module importing a helper from another one): importlib's
            frames from i down to the challenge's own code at an
            IMPORT_NAME of that module or its package, the module the one
            in sys.modules. Or None."""
            mod = frame_local(e, "module", tid)
            if _type(mod) is not _ModuleType:
                return None
            name = module_dict(mod).get("__name__")
            if _type(name) is not _str or _sys_modules.get(name) is not mod:
                return None
            x = i
            for _ in _range(16):
                if x is None or not frozen_importlib(codeof(x, tid)):
                    break
                state[tid] = x
                x = x.f_back
                state[tid] = BUSY
            if x is None or not own_code(codeof(x, tid)):
                return None
            at = instruction_at(x, tid)
            if at is None:
                return None
            instrs, k = at
            opc, _a, imported, _t = instrs[k]
            if opc != OP_IMPORT_NAME or _type(imported) is not _str:
                return None
            return mod if name == imported or name.startswith(imported + ".") else None

        def path_text(v):
            return posix_text(v) if _type(v) is posix_path else None

        orig_rewrite = rewrite_mod._rewrite_test
        ast_parse = ast.parse
        rewrite_asserts = rewrite_mod.rewrite_asserts
        compile_ = builtins.compile
        _os_fstat = os.fstat
        orig_write_pyc = rewrite_mod._write_pyc
        warn_explicit = warnings_mod.warn_explicit
        stat_ = os.stat
        fspath = os.fspath
        posix_path = pathlib.PosixPath
        exec = builtins.exec

        def call_rewrite(args, kwargs):
            # pytest's _rewrite_test (fn, config), sealed: for a locked
            # module, and only for pytest's collection importing that very
            # module (with no candidate frame or trampoline below), runs
            # the module's code (rewritten at install) in the module
            # pytest is importing and hands pytest an empty module's code
            # to run after it, so that nothing pytest looks up at run time
            # (exec, _write_pyc) is given the module's code. Sealed, as
            # every stand-in: a plain function's closure is a plain
            # attribute, and its cells are writable (this function's
            # helpers, the hook's state among them, were reached so: a
            # twenty-sixth review).
            fn = args[0] if _len(args) == 2 and not kwargs else None
            # The path's own name, from its slots: os.fspath(fn) runs
            # PurePath.__fspath__, a class attribute the candidate's code
            # may replace, and pytest's rewriter reads the file through it
            # (fn.read_bytes, io.open) but names the code str(fn): a
            # hidden module's path answering with the candidate's file
            # missed `locked` and the candidate's code was compiled and run
            # as that hidden module, trusted (a fortieth review).
            name = path_text(fn)
            if name is not None:
                name = normpath(name)
            if name is None:
                return orig_rewrite(*args, **kwargs)
            if name not in locked:
                # (not pytest's reader: the bytes of the file its name
                # says, read and rewritten by what was taken at install)
                if not trusted_file(name):
                    # (the candidate's own module, or a name that is no
                    # trusted file's: tests/x.py relative, /proc/self/cwd/...,
                    # a link; read as whoever called, judged)
                    return rewrite_unlocked(name, args[1], False)
                # A hidden module that is not locked (a plugin a conftest
                # names, a register_assert_rewrite helper): read as the
                # hook's own only for pytest's loader with no candidate
                # frame below (the candidate's own call of this stand-in
                # read any file under tests/ unjudged: a forty-first
                # review).
                c = culprit_at(3)
                if c is None:
                    tid = _get_ident()
                    prev = state_get(tid)
                    try:
                        if not pytest_loads(tid):
                            c = "a call not from pytest's loader"
                    finally:
                        if prev is None:  # (inline: see enter)
                            state.pop(tid, None)
                        else:
                            state[tid] = prev
                if c is not None:
                    refuse("reading %s" % name, c)
                    raise _ImportError("refused by the sandbox: reading %s" % name)
                return rewrite_unlocked(name, args[1], True)
            c = culprit_at(3)
            mod = None
            if c is None:
                tid = _get_ident()
                prev = state_get(tid)
                try:
                    mod = pytest_imports(name, tid)
                    if mod is None:
                        c = "a call not from pytest's import of it"
                finally:
                    if prev is None:  # (inline: see enter)
                        state.pop(tid, None)
                    else:
                        state[tid] = prev
            if c is not None:
                refuse("reading %s" % name, c)
                return orig_rewrite(*args, **kwargs)
            # (not popped: each import is checked, and the code is run,
            # never handed over; pytest's collection imports a module
            # another hidden module imported before it again)
            co, empty, error, caught = locked[name]
            for w in caught:
                warn_explicit(w[0], w[1], w[2], w[3])
            if error is not None:
                # (what pytest's own compile of it raised, as it would)
                raise error
            st = stat_(name)
            d = module_dict(mod)
            if _type(mod) is not _ModuleType or _type(d) is not _dict or not fresh_module(d, name):
                # A module the candidate's finder or create_module made,
                # with globals of its choosing (`len = eval`, or a
                # `__builtins__`): twenty-fifth and twenty-sixth reviews.
                raise _ImportError("refused by the sandbox: %s imported into a module made elsewhere" % name)
            run_module(co, d)
            if not own_builtins(d, name):
                # The candidate's code, run by the module's import of it,
                # gave the module other builtins, which the functions
                # defined after that keep (a `len` that is eval runs the
                # candidate's string in the test's frame).
                raise _ImportError("refused by the sandbox: %s ran with other builtins than Python's" % name)
            return st, empty

        def pytest_loads(tid):
            """Whether the stand-in's caller is pytest's loader, at its call
            of _rewrite_test (frames as in pytest_imports)."""
            state[tid] = BUSY
            e = getframe(4, tid)
            if e is None or codeof(e, tid) is not code_pt_exec:
                return False
            now = current_call(e, tid)
            return now is not None and now[0] == "call" and now[1] is not None and now[1][1] == "_rewrite_test"

        def rewrite_unlocked(name, config, trusted):
            tid = _get_ident()
            if trusted:
                prev = state_get(tid)
                path = (name + "/")[:-1]  # (a new object, which nobody else holds: see hook)
                state[tid] = path
                try:
                    fdr = _os_open(path, _O_RDONLY)
                finally:
                    if prev is None:  # (inline: see enter)
                        state.pop(tid, None)
                    else:
                        state[tid] = prev
            else:
                fdr = _os_open(name, _O_RDONLY)
            try:
                chunks = []
                while True:
                    b = _os_read(fdr, 1 << 20)
                    if not b:
                        break
                    chunks.append(b)
                st = _os_fstat(fdr)
            finally:
                _os_close(fdr)
            data = b"".join(chunks)
            if trusted:
                # Rewritten at install (helpers_pre), or its bytes compiled
                # as they are, asserts not rewritten: pytest's rewriter (AssertionRewriter, its methods, ast's
                # helpers, ast.parse's `compile`) is looked up as the
                # candidate's code left it, which added its own statements
                # to the tree, run as the hidden module (a forty-first
                # review). And pytest's loader hands the code to
                # `_write_pyc` and `exec` looked up in its module's
                # globals: handed over only while they are pytest's and
                # Python's.
                g = module_dict(rewrite_mod)
                if "exec" in g or g.get("_write_pyc") is not orig_write_pyc or builtins.exec is not _exec:
                    refuse("importing %s with pytest's loader replaced" % name, "a trusted frame")
                    raise _ImportError("refused by the sandbox: %s with pytest's loader replaced" % name)
                pre = helpers_pre.get(name)
                if pre is not None and pre[0] == data:
                    return st, pre[1]
                return st, compile_(data, name, "exec", dont_inherit=True)
            tree = ast_parse(data, filename=name)
            rewrite_asserts(tree, data, name, config)
            return st, compile_(tree, name, "exec", dont_inherit=True)

        compile_sites.add(rewrite_unlocked.__code__)

        def run_module(co, d):
            # (an exception from the module's code leaves with the frames
            # below this one: sealed(keep_tb) drops the generator's and
            # call_rewrite's, and this frame hides itself)
            __tracebackhide__ = True
            exec(co, d)

        exec_sites.add(run_module.__code__)

        # (no __builtins__: module_from_spec sets none, and one the
        # candidate put there is the module frame's builtins: its
        # __build_class__ and __import__ run at each class and import
        # statement, a twenty-sixth review)
        fresh_keys = _frozenset(("__name__", "__doc__", "__package__", "__loader__", "__spec__", "__file__",
                                "__cached__"))

        def fresh_module(d, name):
            """Whether d is a module's dict as importlib's module_from_spec
            makes it for the file name (its attributes only, of plain types,
            the name that of the file under the work directory)."""
            for k in _list(d):
                if _type(k) is not _str or k not in fresh_keys:
                    return False
            n = d.get("__name__")
            f = d.get("__file__")
            if _type(n) is not _str or (f is not None and _type(f) is not _str):
                return False
            rel = name[_len(work_slash):] if name.startswith(work_slash) else None
            if rel is None:
                return False
            base = rel[:-3] if rel.endswith(".py") else rel
            if base.endswith("/__init__"):
                base = base[:-9]
            return n == base.replace("/", ".") or n.endswith("." + base.replace("/", "."))

        function_dict = _FunctionType.__dict__["__dict__"].__get__

        def own_builtins(d, name):
            """Whether the module's globals, and the functions its own code
            defined that its globals reach (as methods, inherited ones
            included, properties, closures, defaults, partials, bound
            methods, in plain containers), have Python's builtins. (Not
            namedtuple's: made with no builtins, from another file name.)
            The walk runs no code of anyone's: exact types, slots and
            identities only, and the keys must be exact strings before any
            lookup (a str subclass key hashed as "__builtins__" has its
            __eq__ run by the lookup: a twenty-seventh review). A
            twenty-sixth review built a class with such methods under
            another name and gave the module a subclass of it with an empty
            dict (inherited test methods); the twenty-seventh held them in
            functools.partial objects, which pytest collects. Asking the
            collector for every function made from the module's code
            objects finds them wherever held, but its scan of the whole
            heap at each hidden module's import cost about 8% of a run's
            latency, and what such a function gives away, the test's
            locals, the candidate also gets through the hidden module's
            globals at test time, which stay open (docs/SECURITY.md)."""
            for k in _list(d):
                if _type(k) is not _str:
                    return False
            b = d.get("__builtins__")
            if b is not real_builtins and b is not builtins:
                return False  # (by identity: a dict subclass's __eq__ is the candidate's code)
            tid = _get_ident()
            todo = _list(d.values())
            seen = _set()
            budget = 20000
            while todo and budget > 0:
                budget -= 1
                v = todo.pop()
                t = _type(v)
                # (identities only: a metaclass's __eq__ or __hash__ is
                # someone's code)
                if t is _str or t is _int or t is _bool or t is _NoneType or t is _float or _id(v) in seen:
                    continue
                seen.add(_id(v))
                if t is _FunctionType:
                    if v.__builtins__ is not real_builtins and code_file(v, tid) == name:
                        return False
                    for cell in v.__closure__ or ():
                        try:
                            todo.append(cell.cell_contents)
                        except _ValueError:
                            pass  # (an empty cell)
                    todo.extend(v.__defaults__ or ())
                    kw = v.__kwdefaults__
                    if _type(kw) is _dict:
                        todo.extend(kw.values())
                    fd = function_dict(v)
                    if _type(fd) is _dict:
                        todo.extend(fd.values())
                elif t is _staticmethod or t is _classmethod or t is _MethodType:
                    todo.append(v.__func__)
                elif t is _partial:
                    todo.append(v.func)
                    todo.extend(v.args)
                    kw = v.keywords
                    if _type(kw) is _dict:
                        todo.extend(kw.values())
                elif t is _property:
                    todo.extend((v.fget, v.fset, v.fdel))
                elif t is _list or t is _tuple or t is _set or t is _frozenset:
                    todo.extend(v)
                elif t is _dict:
                    todo.extend(v.values())
                elif _issubclass(t, _type):
                    for k in type_mro(v):
                        todo.extend(type_dict(k).values())
            return budget > 0

        def code_file(fn, tid):
            prev = state_get(tid)
            try:
                return codeof(fn, tid).co_filename
            finally:
                if prev is None:  # (inline: see enter)
                    state.pop(tid, None)
                else:
                    state[tid] = prev

        rewrite_mod._rewrite_test = sealed(call_rewrite, keep_tb=True, waits=False)
        rewrite_mod._read_pyc = no_pyc
        sources.clear()  # (the caller's copy: locked holds them now)

    def pytest_import_codes():
        # (read before the hook is on: pytest's code is closed to readers)
        import _pytest.assertion.rewrite as rewrite_mod
        import _pytest.config as pytest_config
        import _pytest.nodes as pytest_nodes
        import _pytest.pathlib as pytest_pathlib
        import _pytest.python as pytest_python
        return (code_of(rewrite_mod.AssertionRewritingHook.exec_module), code_of(pytest_pathlib.import_path),
                {code_of(pytest_python.Module._importtestmodule): "self",
                 code_of(pytest_config.PytestPluginManager._importconftest): "conftestpath"},
                pytest_python.Module, pytest_nodes.Node.__dict__["path"].__get__)

    def precompile(sources):
        """{path: (its code with pytest's asserts rewritten, an empty
        module's code)} for the locked modules, made before any candidate
        code runs: what pytest's rewriting looks up at run time (its
        AssertionRewriter, _write_pyc, exec: module globals anyone can
        set) saw the source and the code of every hidden module but the
        first, a twenty-third review. (config=None: the assertion pass
        hook, which the harness does not enable, stays off.) Their test
        functions' and test classes' docstrings go: `__doc__` is a plain
        attribute, and a test's docstring naming its expected value told
        a canary from its twin (a twenty-fourth review)."""
        import ast
        import _pytest.assertion.rewrite as rewrite_mod
        out = {}
        for p, data in sources.items():
            if _type(p) is _str and p.startswith("/") and _type(data) is _bytes:
                p = normpath(p)
                # A file that does not compile (or that pytest never
                # imports: a sample named test_*.py a conftest ignores)
                # raises at its import, as pytest's own compile would; the
                # rewriter's warnings are given again there, where pytest
                # collects them.
                with warnings_mod.catch_warnings(record=True) as caught:
                    warnings_mod.simplefilter("always")
                    try:
                        co, empty = compile_locked(ast, rewrite_mod, p, data)
                        error = None
                    except (_SyntaxError, _ValueError, _UnicodeError) as exc:
                        co, empty, error = None, None, exc
                out[p] = (co, empty, error, _tuple((w.message, w.category, w.filename, w.lineno) for w in caught))
        return out

    def precompile_helpers(locked):
        """{path: (its bytes, its code with pytest's asserts rewritten)}
        for the other .py files under the tests directory (hidden plugins,
        register_assert_rewrite helpers), made before any candidate code
        runs: rewritten later, pytest's rewriter (AssertionRewriter, its
        methods, ast's helpers, ast.parse's `compile`) would be what the
        candidate's code left it (a forty-first review)."""
        import ast
        import _pytest.assertion.rewrite as rewrite_mod
        out = {}
        top = work_slash + "tests"
        n = 0
        for d, _dirs, files in os.walk(top):
            for fn in files:
                # (not the test modules, python_files: the hidden ones are
                # locked, and the visible ones are not collected in a
                # hidden phase; compiling them cost every run's install
                # about 15 ms of CPU for nothing)
                if not fn.endswith(".py") or fn.startswith("test_") or n >= 200:
                    continue
                p = normpath(os.path.join(d, fn))
                if p in locked:
                    continue
                try:
                    fdr = _os_open(p, _O_RDONLY)
                    try:
                        data = _os_read(fdr, 1 << 20)
                    finally:
                        _os_close(fdr)
                    tree = ast.parse(data, filename=p)
                    with warnings_mod.catch_warnings():
                        warnings_mod.simplefilter("ignore")
                        rewrite_mod.rewrite_asserts(tree, data, p, None)
                    out[p] = (data, builtins.compile(tree, p, "exec", dont_inherit=True))
                    n += 1
                except (_OSError, _SyntaxError, _ValueError, _UnicodeError):
                    continue
        return out

    def compile_locked(ast, rewrite_mod, p, data):
        """(p's code with its asserts rewritten and its test functions'
        and test classes' docstrings gone, an empty module's code)."""
        tree = ast.parse(data, filename=p)
        rewrite_mod.rewrite_asserts(tree, data, p, None)
        # (only the tests' own: a helper's or a nested function's docstring
        # is what a decorator challenge checks functools.wraps keeps)
        todo = _list(tree.body)
        while todo:
            node = todo.pop()
            test_fn = _isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")
            test_cls = _isinstance(node, ast.ClassDef) and node.name.startswith("Test")
            if test_cls:
                todo.extend(node.body)
            if (test_fn or test_cls) and node.body and _isinstance(node.body[0], ast.Expr) \
                    and _isinstance(node.body[0].value, ast.Constant) and _isinstance(node.body[0].value.value, _str):
                node.body[0] = ast.copy_location(ast.Pass(), node.body[0])
        return (builtins.compile(tree, p, "exec", dont_inherit=True),
                builtins.compile("", p, "exec", dont_inherit=True))

    pt_import_codes = pytest_import_codes() if sources else None
    precompiled = precompile(sources) if sources else None
    helpers_pre = precompile_helpers(precompiled) if sources else None
    scrub_ctypes()
    # A forked child has only the forking thread, which was not in the hook.
    os.register_at_fork(after_in_child=state.clear)
    os.register_at_fork(after_in_child=pending_signals.clear)
    os.register_at_fork(after_in_child=judging.clear)
    own_reader_codes = (marked_read.__code__, patch_pandas.__code__)

    def own_reader(tid):
        """Whether the frame that raised the event the hook is deciding
        is one of the hook's readers of objects others may hold."""
        # (0 is this, 1 hook, 2 the frame that raised the event)
        f = getframe(2, tid)
        if f is None:
            return False
        c = codeof(f, tid)
        return c is own_reader_codes[0] or c is own_reader_codes[1]

    _sys.addaudithook(hook)
    logging.Logger.findCaller = method_entry(sealed(find_caller))
    _signal.signal = sealed(call_signal)
    _signal.getsignal = sealed(call_getsignal)
    # Handlers installed before the hook (the harness's SIGINT: Python's
    # default_int_handler) go through the trampoline too, and so wait.
    for signum in _signal.valid_signals():
        h = orig_getsignal(signum)
        if _type(h) is not _int and _callable(h):
            try:
                orig_signal(signum, make_trampoline(h))
            except _ValueError:
                break  # (not the main thread: handlers cannot be set here)
    gc_mod.set_debug(0)
    del gc_mod.garbage[:]
    gc_mod.set_debug = sealed(call_set_debug)
    _imp._fix_co_filename = sealed(call_fix)
    _imp.create_builtin = sealed(call_create)
    _imp.exec_builtin = sealed(call_exec_builtin)
    _imp.create_dynamic = sealed(call_create_dynamic)
    swaps = {_id(orig_os_open): sealed(call_os_open, waits=False)}
    if not allow_processes and orig_fork_exec is not None:
        swaps[_id(orig_fork_exec)] = sealed(call_fork_exec)
    # Everywhere a loaded module holds them (subprocess imported
    # fork_exec by name, os and posix hold open): where the harness's list
    # says, for modules unchanged since, else found by a scan.
    known = ctypes_known if _type(ctypes_known) is _dict else {}
    for name, mod in _list(_sys_modules.items()):
        if not _isinstance(mod, types.ModuleType):
            continue
        d = module_dict(mod)
        if _type(d) is not _dict:
            continue
        seen = known.get(name)
        keys = seen[3] if seen is not None and _len(seen) > 3 and seen[0] == _id(d) and seen[1] == _len(d) \
            else _list(d)
        for k in keys:
            new_ = swaps.get(_id(d.get(k)))
            if new_ is not None:
                d[k] = new_
    if sources:
        install_sources(sources)
    snapshot_names()
    _installed.append(True)
