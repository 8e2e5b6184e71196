"""Attacks, run as candidate code under the audit hook (this file is copied
outside the trusted directories). Each attack_* either raises (the runner
records "refused: ..." for a PermissionError) or returns a value the tests
compare with what they expect, "blocked" when the attack was stopped in a
way that raises nothing in this frame (a thread, a signal handler)."""

import asyncio
import collections
import concurrent.futures
import gc
import importlib.machinery
import importlib.util
import inspect
import itertools
import logging
import marshal
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import types

WORK = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(WORK, "tests")
FIXTURES = os.path.join(WORK, "fixtures")
REPORT_DIR = os.environ["ASSAY_TEST_REPORT_DIR"]
TRUSTED_FILE = os.path.join(os.path.dirname(logging.__file__), "__init__.py")
PYTEST_RUNNER = sys.modules["_pytest.runner"].__file__


# ---- frames --------------------------------------------------------------------
def attack_getframe():
    return sys._getframe(1).f_back


def attack_getframe_own():
    return sys._getframe()


def attack_getframe_aliased():
    g = getattr(sys, "_get" + "frame")
    return g(0)


def attack_inspect_currentframe():
    return inspect.currentframe()


def attack_inspect_stack():
    return inspect.stack()


def attack_logging_currentframe():
    return logging.currentframe()


def attack_walk_stack():
    return next(traceback.walk_stack(None))


def attack_tb_frame():
    try:
        1 / 0
    except Exception as e:
        return e.__traceback__.tb_frame


def attack_exc_info_tb_frame():
    try:
        {}["x"]
    except KeyError:
        return sys.exc_info()[2].tb_frame


def attack_walk_tb():
    try:
        1 / 0
    except Exception as e:
        return next(traceback.walk_tb(e.__traceback__))


def attack_inspect_trace():
    try:
        1 / 0
    except Exception:
        return inspect.trace()


def attack_refusal_traceback_frame():
    """The hook's own frame is in the traceback of a refusal."""
    try:
        sys._getframe()
    except PermissionError as e:
        tb = e.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        return tb.tb_frame


def attack_extract_stack():
    """traceback.extract_stack / print_stack / format_stack hand the frame
    to walk_stack, a global another thread could swap: refused."""
    return traceback.extract_stack()


def attack_print_stack():
    traceback.print_stack()


def attack_capture_locals():
    try:
        1 / 0
    except Exception as e:
        return traceback.TracebackException.from_exception(e, capture_locals=True)


def attack_gi_frame():
    g = (x for x in [1])
    return g.gi_frame


def attack_gi_code():
    """pytest's generator's code."""
    return sys.modules["_pytest.pathlib"].visit(".", lambda entry: False).gi_code


def attack_library_gi_code_is_fine():
    """A library's generator's code: public, like its source."""
    return traceback.walk_stack(None).gi_code.co_name


def attack_cr_frame():
    async def c():
        pass
    co = c()
    try:
        return co.cr_frame
    finally:
        co.close()


def attack_ag_frame():
    async def a():
        yield 1
    return a().ag_frame


def attack_task_get_stack():
    async def main():
        t = asyncio.ensure_future(asyncio.sleep(0.01))
        try:
            return t.get_stack()
        finally:
            await t
    return asyncio.run(main())


def attack_current_frames():
    return sys._current_frames()


def attack_current_exceptions():
    return sys._current_exceptions()


def attack_exec_string_getframe():
    ns = {}
    exec("import sys\ndef f():\n    return sys._getframe()\n", ns)
    return ns["f"]()


# ---- code ------------------------------------------------------------------------
def attack_read_own_code_is_fine():
    g = (x for x in [1])
    return (lambda: 0).__code__.co_name, g.gi_code.co_name


def attack_read_pytest_code():
    return sys.modules["_pytest.runner"].call_and_report.__code__


def attack_read_library_code_is_fine():
    import json
    return json.dumps.__code__.co_name, inspect.getsource(json.dumps).count("def dumps")


def attack_read_guard_code():
    return sys.modules["assay_guard"].pytest_unconfigure.__code__


def attack_read_pluggy_code():
    return sys.modules["pluggy"].PluginManager.register.__code__


def attack_set_code():
    def f():
        return 1
    object.__setattr__(f, "__code__", compile("2", "<x>", "eval"))


def attack_code_replace():
    return compile("1", "x.py", "exec").replace(co_filename=PYTEST_RUNNER)


def attack_code_replace_bytecode():
    c = compile("1", "x.py", "exec")
    return c.replace(co_code=c.co_code)


def attack_code_new():
    c = compile("1", "x.py", "exec")
    return types.CodeType(c.co_argcount, c.co_posonlyargcount, c.co_kwonlyargcount, c.co_nlocals,
                          c.co_stacksize, c.co_flags, c.co_code, c.co_consts, c.co_names, c.co_varnames,
                          PYTEST_RUNNER, c.co_name, c.co_qualname, c.co_firstlineno, c.co_linetable,
                          c.co_exceptiontable)


def attack_compile_as_pytest():
    return compile("import sys\nf = sys._getframe\n", PYTEST_RUNNER, "exec")


def attack_compile_piece_of_a_stdlib_line():
    # what the interpreter's traceback printer compiles (a piece of the
    # file's own line): refused all the same, only not reported
    import json
    return compile(b"_default_decoder.decode(s)", json.__file__, "exec")


def attack_compile_nothing_as_stdlib():
    # what the printer compiles for an exception raised as a function
    # starts (a fork bomb's SIGINT landing in logging's _releaseLock)
    import logging
    return compile(b"", logging.__file__, "exec")


def attack_compile_as_test():
    return compile("x = 1\n", os.path.join(TESTS, "test_ok.py"), "exec")


def attack_compile_as_frozen():
    return compile("x = 1\n", "<frozen importlib._bootstrap>", "exec")


def attack_compile_ast_as_stdlib():
    """An AST compiles under any name (the event does not say which), but
    the code it makes cannot be run."""
    import ast
    tree = ast.parse("import sys\nf = sys._getframe\n")
    code = compile(tree, TRUSTED_FILE, "exec")
    exec(code, {})


def attack_compile_dotdot_is_untrusted():
    """A trusted-looking name with '..' is not trusted: compiling is
    allowed, and the code still counts as the candidate's."""
    name = os.path.dirname(TRUSTED_FILE) + "/../../../" + WORK.lstrip("/") + "/x.py"
    ns = {}
    exec(compile("import sys\ndef f():\n    return sys._getframe()\n", name, "exec"), ns)
    return ns["f"]()


def attack_frozen_code_exec():
    import _imp
    return exec(_imp.get_frozen_object("zipimport"), {})


def attack_frozen_code_function():
    import _imp
    code = _imp.get_frozen_object("zipimport")
    return types.FunctionType(code, {})


def attack_fix_co_filename():
    import _imp
    c = compile("def g():\n    pass\n", "x.py", "exec")
    _imp._fix_co_filename(c, PYTEST_RUNNER)
    return c.co_filename


def attack_fresh_imp():
    import _imp
    return _imp.create_builtin(importlib.machinery.ModuleSpec("_imp", None))


def attack_fresh_signal():
    import _imp
    return _imp.create_builtin(importlib.machinery.ModuleSpec("_signal", None))


def attack_exec_builtin_imp():
    import _imp
    _imp.exec_builtin(_imp)
    return _imp._fix_co_filename


def attack_reimport_signal():
    saved = sys.modules.pop("_signal")
    try:
        import _signal
        return _signal.signal
    finally:
        sys.modules["_signal"] = saved


def attack_wrapper_closure():
    """The stand-ins are bound to a lock and a generator's send: calling
    send and running what it makes is refused (the single-use generator
    runs only for the stand-in's own frame)."""
    import _imp
    send = _imp._fix_co_filename.__self__[-1]
    gen = send(((compile("1", "x.py", "exec"), PYTEST_RUNNER), {}))
    ok, value = gen.send(None)
    if ok:
        return "LEAK"
    raise value


def attack_marshal_loads():
    return marshal.loads(marshal.dumps(compile("1", "x.py", "exec")))


def attack_marshal_load():
    import io
    return marshal.load(io.BytesIO(marshal.dumps(1)))


def attack_sourceless_pyc():
    import py_compile
    src = os.path.join(WORK, "evilsrc.py")
    with open(src, "w") as f:
        f.write("X = 1\n")
    py_compile.compile(src, cfile=os.path.join(WORK, "evilpyc.pyc"))
    os.remove(src)
    import evilpyc  # noqa: F401
    return "LEAK"


def attack_pycache():
    import py_compile
    src = os.path.join(WORK, "cachedmod.py")
    with open(src, "w") as f:
        f.write("X = 1\n")
    py_compile.compile(src, cfile=importlib.util.cache_from_source(src))
    import cachedmod  # noqa: F401
    return "LEAK"


def attack_zipimport():
    import zipfile
    import py_compile
    src = os.path.join(WORK, "zsrc.py")
    with open(src, "w") as f:
        f.write("X = 1\n")
    pyc = py_compile.compile(src, cfile=os.path.join(WORK, "zmod.pyc"))
    z = os.path.join(WORK, "evil.zip")
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(pyc, "zmod.pyc")
    sys.path.insert(0, z)
    try:
        import zmod  # noqa: F401
    finally:
        sys.path.remove(z)
    return "LEAK"


def attack_loader_subclass():
    class Loader(importlib.machinery.SourceFileLoader):
        def get_data(self, path):
            if path.endswith(".py"):
                return b"import sys\nf = sys._getframe\n"
            raise OSError(path)

    loader = Loader("fake_runner", PYTEST_RUNNER)
    return loader.get_code("fake_runner")


def attack_extension_copy():
    import _json
    dst = os.path.join(WORK, "_json.so")
    shutil.copyfile(_json.__file__, dst)
    loader = importlib.machinery.ExtensionFileLoader("_json", dst)
    spec = importlib.util.spec_from_loader("_json", loader)
    return importlib.util.module_from_spec(spec)


def attack_testcapi():
    import _testcapi
    return _testcapi


def attack_subinterpreter():
    import _xxsubinterpreters
    return _xxsubinterpreters.create()


# ---- gc ---------------------------------------------------------------------------
def attack_gc_objects():
    import gc as g
    return len(g.get_objects())


def attack_gc_referrers():
    return gc.get_referrers(sys.modules["_pytest.runner"])


def attack_gc_referents():
    return gc.get_referents(attack_gc_referents)


# ---- tracing, audit hooks ------------------------------------------------------------
def attack_settrace():
    sys.settrace(lambda *a: None)


def attack_setprofile():
    sys.setprofile(lambda *a: None)


def attack_cprofile():
    import cProfile
    cProfile.Profile().enable()


def attack_threading_settrace():
    seen = []

    def tracer(frame, event, arg):
        seen.append(frame)
        return None

    threading.settrace(tracer)
    old = threading.excepthook
    threading.excepthook = lambda args: None
    try:
        t = threading.Thread(target=lambda: None)
        t.start()
        t.join()
    finally:
        threading.settrace(None)
        threading.excepthook = old
    return "LEAK" if seen else "blocked"


def attack_addaudithook():
    """An audit hook sees every event's arguments (frames among them).
    Refused (sys.addaudithook swallows the refusal): the hook never runs."""
    seen = []
    sys.addaudithook(lambda event, args: seen.append(event))
    sys.audit("assay.test")
    return "LEAK" if seen else "blocked"


def attack_breakpoint():
    import pdb
    pdb.Pdb().set_trace()


# ---- ctypes, native code -------------------------------------------------------------
def attack_ctypes_import():
    import ctypes
    return ctypes.cast(id(sys), ctypes.POINTER(ctypes.c_char))


def attack_ctypes_private_import():
    import _ctypes
    return _ctypes


def attack_ctypes_via_importlib():
    return importlib.import_module("ctypes.util")


def attack_ctypes_from_harness_globals():
    """The harness's module holds ctypes and a CDLL: they are gone, by
    either name it has (assay_start.py imports it as "harness"; the runner here
    is also "__main__")."""
    found = []
    for name in ("__main__", "harness"):
        mod = sys.modules.get(name)
        if mod is not None:
            # (ctypes' objects and classes by their type, its modules by
            # name: not the harness's functions named after ctypes)
            found += ["%s.%s" % (name, k) for k, v in vars(mod).items()
                      if "ctypes" in repr(type(v))
                      or (isinstance(v, type(sys)) and "ctypes" in v.__name__)]
    return found


def attack_ctypes_via_subclasses():
    """ctypes' classes found by walking __subclasses__ from object (no
    audit event): with them, raw memory, and the hook's list emptied."""
    seen, todo, found = set(), [object], []
    while todo:
        c = todo.pop()
        try:
            subs = type.__subclasses__(c)
        except TypeError:
            continue
        for s in subs:
            if s not in seen:
                seen.add(s)
                todo.append(s)
                if type.__dict__["__module__"].__get__(s) in ("ctypes", "_ctypes"):
                    found.append(s.__name__)
    return sorted(found)[:5]


def attack_ctypes_in_an_unchanged_module():
    """A module that held ctypes before the list was taken: scrubbed."""
    return sorted(k for k in vars(sys.modules["c_holder"]) if not k.startswith("__"))


def attack_ctypes_left_in_modules():
    return sorted(k for k in sys.modules if "ctypes" in k and k != "numpy.ctypeslib")


def attack_sqlite_extension():
    import sqlite3
    sqlite3.connect(":memory:").enable_load_extension(True)


# ---- processes ---------------------------------------------------------------------------
def attack_subprocess():
    import subprocess
    return subprocess.run(["true"])


def attack_os_system():
    return os.system("true")


def attack_posix_spawn():
    return os.posix_spawn("/bin/true", ["true"], os.environ)


def attack_execv():
    os.execv("/bin/true", ["true"])


# ---- files -----------------------------------------------------------------------------------
def attack_write_test():
    open(os.path.join(TESTS, "conftest_new.py"), "w").close()


def attack_append_test():
    open(os.path.join(TESTS, "test_ok.py"), "a").close()


def attack_rw_test():
    open(os.path.join(TESTS, "test_ok.py"), "r+").close()


def attack_write_fixture():
    open(os.path.join(FIXTURES, "data.txt"), "wb").close()


def attack_write_report():
    with open(os.path.join(REPORT_DIR, "junit.xml"), "w") as f:
        f.write("<testsuites/>")


def attack_write_provided():
    open(os.path.join(WORK, "helpers.py"), "w").close()


def attack_pathlib_write():
    import pathlib
    (pathlib.Path(TESTS) / "conftest.py").write_text("x = 1")


def attack_os_open_create():
    os.close(os.open(os.path.join(TESTS, "conftest.py"), os.O_WRONLY | os.O_CREAT))


def attack_os_open_trunc_readonly():
    os.close(os.open(os.path.join(TESTS, "test_ok.py"), os.O_RDONLY | os.O_TRUNC))


def attack_relative_write():
    os.chdir(WORK)
    open("tests/conftest.py", "w").close()


def attack_dotdot_write():
    os.makedirs(os.path.join(WORK, "scratch"), exist_ok=True)
    open(os.path.join(WORK, "scratch", "..", "tests", "c.py"), "w").close()


def attack_symlinked_dir_write():
    link = os.path.join(WORK, "innocent")
    try:
        os.symlink(TESTS, link)
    except PermissionError:
        raise
    open(os.path.join(link, "conftest.py"), "w").close()


def attack_symlink_to_tests():
    os.symlink(os.path.join(TESTS, "test_ok.py"), os.path.join(WORK, "t.py"))


def attack_symlink_to_ancestor():
    os.symlink(os.path.dirname(WORK), os.path.join(WORK, "up"))


def attack_symlink_dotdot():
    os.makedirs(os.path.join(WORK, "d1"), exist_ok=True)
    os.symlink("..", os.path.join(WORK, "d1", "up"))


def attack_symlink_proc():
    os.symlink("/proc/self/cwd", os.path.join(WORK, "cwd"))


def attack_symlink_inside_tests():
    os.symlink("/tmp", os.path.join(TESTS, "l"))


def attack_move_relative_symlink():
    """A relative symlink made harmless in a subdirectory, moved up next
    to the tests."""
    d = os.path.join(WORK, "sub")
    os.makedirs(d, exist_ok=True)
    os.symlink("tests", os.path.join(d, "rel"))  # WORK/sub/tests: harmless
    os.rename(os.path.join(d, "rel"), os.path.join(WORK, "rel"))  # would be WORK/tests


def attack_hardlink_test():
    os.link(os.path.join(TESTS, "test_ok.py"), os.path.join(WORK, "hard.py"))


def attack_rename_test():
    os.rename(os.path.join(TESTS, "test_ok.py"), os.path.join(WORK, "moved.py"))


def attack_replace_into_tests():
    p = os.path.join(WORK, "mine.py")
    open(p, "w").close()
    os.replace(p, os.path.join(TESTS, "test_ok.py"))


def attack_rename_tests_dir():
    os.rename(TESTS, os.path.join(WORK, "tests_moved"))


def attack_remove_test():
    os.remove(os.path.join(TESTS, "test_ok.py"))


def attack_unlink_report_dir():
    os.rmdir(REPORT_DIR)


def attack_rmtree_tests():
    shutil.rmtree(TESTS)


def attack_rmtree_work():
    shutil.rmtree(WORK)


def attack_mkdir_in_tests():
    os.mkdir(os.path.join(TESTS, "sub"))


def attack_chmod_test():
    os.chmod(os.path.join(TESTS, "test_ok.py"), 0o777)


def attack_chmod_work():
    os.chmod(WORK, 0o000)


def attack_fchmod_test():
    fd = os.open(os.path.join(TESTS, "test_ok.py"), os.O_RDONLY)
    try:
        os.fchmod(fd, 0o777)
    finally:
        os.close(fd)


def attack_truncate_test():
    os.truncate(os.path.join(TESTS, "test_ok.py"), 0)


def attack_utime_test():
    os.utime(os.path.join(TESTS, "test_ok.py"), (0, 0))


def attack_shutil_copy_into_tests():
    p = os.path.join(WORK, "c.py")
    open(p, "w").close()
    shutil.copy(p, os.path.join(TESTS, "conftest.py"))


def attack_shutil_move_test():
    shutil.move(os.path.join(TESTS, "test_ok.py"), os.path.join(WORK, "m.py"))


def attack_mkstemp_in_tests():
    return tempfile.mkstemp(dir=TESTS)


def attack_proc_fd_reopen():
    fd = os.open(os.path.join(TESTS, "test_ok.py"), os.O_RDONLY)
    try:
        open("/proc/self/fd/%d" % fd, "w").close()
    finally:
        os.close(fd)


def attack_dev_stdout_dup():
    fd = os.open(os.path.join(TESTS, "test_ok.py"), os.O_RDONLY)
    saved = os.dup(1)
    try:
        os.dup2(fd, 1)
        open("/dev/stdout", "w").close()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(fd)


def attack_proc_cwd_write():
    os.chdir(WORK)
    open("/proc/self/cwd/tests/conftest.py", "w").close()


def attack_dir_fd_tests():
    return os.open(TESTS, os.O_RDONLY)


def attack_dir_fd_root_is_fine():
    # a directory descriptor is harmless now that os.open checks what it
    # really opened (below)
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    os.close(fd)
    return "opened"


def attack_read_under_a_dir_fd_of_root():
    d = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    return os.read(os.open(os.path.join(TESTS, "test_ok.py").lstrip("/"), os.O_RDONLY, dir_fd=d), 100)


def attack_read_under_an_o_path_descriptor():
    d = os.open(WORK, os.O_PATH)
    here = os.getcwd()
    os.chdir("/tmp")
    try:
        return os.read(os.open(pathlib_purepath("tests/test_ok.py"), os.O_RDONLY, dir_fd=d), 100)
    finally:
        os.chdir(here)


def pathlib_purepath(p):
    import pathlib
    return pathlib.PurePath(p)


def attack_fwalk():
    return next(os.fwalk(WORK))


def attack_proc_mem():
    return open("/proc/self/mem", "rb")


def attack_proc_mem_os_open():
    return os.open("/proc/%d/mem" % os.getpid(), os.O_RDWR)


def attack_proc_task_mem():
    return open("/proc/self/task/%d/mem" % threading.get_native_id(), "rb")


# ---- deferred callables ------------------------------------------------------------------------
def attack_thread_pool_builtin():
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        return ex.submit(gc.get_objects).result()


def attack_thread_target_builtin():
    got = []
    old = threading.excepthook
    threading.excepthook = lambda args: None
    try:
        t = threading.Thread(target=got.extend, args=(itertools.starmap(sys._current_frames, [()]),))
        t.start()
        t.join()
    finally:
        threading.excepthook = old
    return "LEAK" if got else "blocked"


def attack_start_new_thread_builtin():
    import _thread
    got = []
    _thread.start_new_thread(got.extend, (itertools.starmap(sys._current_frames, [()]),))
    time.sleep(0.3)
    return "LEAK" if got else "blocked"


def attack_timer_builtin():
    got = []
    t = threading.Timer(0, got.extend, args=(itertools.starmap(gc.get_objects, [()]),))
    old = threading.excepthook
    threading.excepthook = lambda args: None
    try:
        t.start()
        t.join()
    finally:
        threading.excepthook = old
    return "LEAK" if got else "blocked"


def attack_finalize_builtin():
    class O:
        pass
    got = []
    o = O()
    f = __import__("weakref").finalize(o, got.extend, itertools.starmap(sys._current_frames, [()]))
    f()
    return "LEAK" if got else "blocked"


def attack_run_in_executor():
    async def main():
        return await asyncio.get_running_loop().run_in_executor(None, sys._current_frames)
    return asyncio.run(main())


def attack_signal_builtin_handler():
    got = {}
    old = signal.signal(signal.SIGUSR1, got.__setitem__)
    try:
        os.kill(os.getpid(), signal.SIGUSR1)
        time.sleep(0.05)
    finally:
        signal.signal(signal.SIGUSR1, old)
    return "LEAK" if got.get(signal.SIGUSR1) is not None else "blocked"


def attack_signal_python_handler():
    got = []
    old = signal.signal(signal.SIGUSR2, lambda signum, frame: got.append(frame))
    try:
        signal.raise_signal(signal.SIGUSR2)
    finally:
        signal.signal(signal.SIGUSR2, old)
    return "LEAK" if got and got[0] is not None else "blocked"


def attack_signal_via_module_function():
    import _signal
    got = []
    old = _signal.signal(signal.SIGUSR2, lambda signum, frame: got.append(frame))
    try:
        signal.raise_signal(signal.SIGUSR2)
    finally:
        _signal.signal(signal.SIGUSR2, old)
    return "LEAK" if got and got[0] is not None else "blocked"


# ---- trusted helpers turned against the hook ---------------------------------------------------
def attack_patched_is_internal_frame():
    leaked = []
    orig = logging._is_internal_frame
    logging._is_internal_frame = lambda f: leaked.append(f) or orig(f)
    try:
        logging.getLogger("x").warning("hello")
    finally:
        logging._is_internal_frame = orig
    return "LEAK" if leaked else "blocked"


def attack_patched_traceback_deque():
    leaked = []

    class Spy:
        @staticmethod
        def deque(gen, maxlen):
            for item in gen:
                leaked.append(item)
            return collections.deque(leaked, maxlen)

    old_limit = getattr(sys, "tracebacklimit", None)
    traceback.collections = Spy
    sys.tracebacklimit = -3
    try:
        traceback.extract_stack()
    finally:
        traceback.collections = collections
        if old_limit is None:
            del sys.tracebacklimit
        else:
            sys.tracebacklimit = old_limit
    return "LEAK" if leaked else "blocked"


def attack_evil_dict_key():
    """A key whose __eq__ runs while the hook checks logging's globals."""
    leaked = []
    orig = logging.currentframe

    class Evil(str):
        def __hash__(self):
            return hash("currentframe")

        def __eq__(self, other):
            try:
                leaked.append(sys._getframe(1))
            except PermissionError:
                pass
            return str.__eq__(self, other)

    d = logging.__dict__
    del d["currentframe"]
    d[Evil("currentframe")] = orig
    try:
        try:
            logging.getLogger("x").warning("hello")
        except PermissionError:
            pass
    finally:
        del d["currentframe"]
        d["currentframe"] = orig
    return "LEAK" if leaked else "blocked"


def attack_logging_clone():
    spec = importlib.util.spec_from_file_location("logging_clone", logging.__file__)
    clone = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(clone)
    return clone.currentframe()


def attack_fake_audit_event():
    sys.audit("open", os.path.join(TESTS, "x.py"), "w", 0)


def attack_pytest_class_bases():
    reports = sys.modules["_pytest.reports"]
    reports.TestReport.__bases__ = reports.TestReport.__bases__


def attack_pytest_class_assign():
    reports = sys.modules["_pytest.reports"]
    r = reports.CollectReport.__new__(reports.CollectReport)

    class Fake(reports.CollectReport):
        pass
    r.__class__ = Fake


def attack_pytest_module_rename():
    sys.modules["_pytest.reports"].TestReport.__module__ = "mine"


def attack_pytest_defaults():
    f = sys.modules["_pytest.runner"].call_and_report
    f.__defaults__ = (False,)


def attack_assay_defaults():
    """What Assay's functions keep in their defaults (the guard's token)."""
    import assay_audit
    return [repr(f.__defaults__) for f in vars(assay_audit).values() if type(f) is type(attack_assay_defaults)]


def attack_own_class_and_pytest_defaults():
    """The candidate's own classes are its own, and pytest's functions'
    defaults are plain values."""
    class Mine:
        pass
    Mine.x = 1
    Mine.__name__ = "Renamed"
    return (Mine.x, Mine.__name__, sys.modules["_pytest.runner"].call_and_report.__defaults__)


def attack_reinstall():
    """A second, permissive hook (it would not weaken the first anyway)."""
    import assay_audit
    assay_audit._installed.clear()
    assay_audit.install(trusted_dirs=[os.path.dirname(TRUSTED_FILE)])


def attack_signal_in_hook_window():
    """A handler that runs while the hook itself runs (in its own
    sys._getframe) would have its sys._getframe let through: handlers wait
    until the hook is done."""
    got = []
    armed = [False]

    def handler(signum, frame):
        armed[0] = False
        try:
            got.append(sys._getframe(1))
        except PermissionError:
            pass

    # One shot at a time, armed again by the loop once the handler has run:
    # a periodic timer faster than the handler (a loaded machine) nests
    # handlers until the C stack or the recursion limit gives out anywhere,
    # this finally included, leaving the timer armed for the whole process.
    old = signal.signal(signal.SIGALRM, handler)
    try:
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            if not armed[0]:
                armed[0] = True
                signal.setitimer(signal.ITIMER_REAL, 0.00002)
            try:
                sys._getframe()
            except PermissionError:
                pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return "LEAK" if got else "blocked"


def attack_finalizer_in_hook_window():
    """A finalizer run by a collection inside the hook: no collection
    there."""
    got = []

    class Bait:
        def __init__(self):
            self.me = self

        def __del__(self):
            try:
                got.append(sys._getframe(1))
            except PermissionError:
                pass

    old = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        for _ in range(5000):
            Bait()
            try:
                sys._getframe()
            except PermissionError:
                pass
    finally:
        gc.set_threshold(*old)
    return "LEAK" if got else "blocked"


def attack_pandas_eval_level():
    """pandas.eval copies the globals and locals of the frame `level`
    frames up: only the candidate's own."""
    try:
        import pandas as pd
    except ImportError:
        return "blocked"
    leaked = []
    for level in range(12):
        try:
            leaked.append(pd.eval("guard_r", level=level))
        except PermissionError:
            pass
        except Exception:  # undefined in the candidate's own frames, or no such frame
            pass
    return "LEAK" if leaked else "blocked"


def attack_pandas_patched_inspect():
    """pandas' find_stack_level hands frames to inspect.getfile: replaced."""
    try:
        import pandas as pd
        import pandas.util._exceptions as pex
    except ImportError:
        return "blocked"
    import warnings
    leaked = []

    class Spy:
        def __getattr__(self, name):
            def f(*a):
                leaked.extend(a)
                return getattr(inspect, name)(*a)
            return f

    old = pex.__dict__.get("inspect")
    pex.inspect = Spy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.DataFrame({"a": ["x", "y"], "b": [1, 2], "c": ["p", "q"]}).groupby("a").sum()
            pex.find_stack_level()
    finally:
        pex.inspect = old
    return "LEAK" if leaked else "blocked"


def attack_racing_thread_on_logging():
    """Another thread swapping logging's helpers while the main thread logs."""
    leaked = []
    stop = []
    orig_internal, orig_current = logging._is_internal_frame, logging.currentframe

    def spy(f):
        leaked.append(f)
        return orig_internal(f)

    def flip():
        while not stop:
            logging._is_internal_frame = spy
            logging._is_internal_frame = orig_internal

    t = threading.Thread(target=flip)
    t.start()
    try:
        log = logging.getLogger("race")
        for _ in range(3000):
            try:
                log.debug("x")
            except PermissionError:
                pass
    finally:
        stop.append(1)
        t.join()
        logging._is_internal_frame, logging.currentframe = orig_internal, orig_current
    return "LEAK" if leaked else "blocked"


def attack_shadow_builtins():
    """Globals of assay_audit named like builtins would shadow them in the
    hook's functions, were they looked up there."""
    import assay_audit
    for name in ("range", "dict", "iter", "next", "isinstance", "type", "len", "id", "getattr"):
        setattr(assay_audit, name, lambda *a, **k: ())
    try:
        return sys._getframe()
    finally:
        for name in ("range", "dict", "iter", "next", "isinstance", "type", "len", "id", "getattr"):
            delattr(assay_audit, name)


# ---- what must keep working, asked from candidate code -------------------------------------------
def attack_own_class_assign_is_fine():
    class A:
        pass

    class B:
        pass
    a = A()
    a.__class__ = B
    return type(a).__name__


def attack_own_defaults_are_fine():
    def f(x=1):
        return x
    f.__defaults__ = (2,)
    return f()


def attack_scratch_write_is_fine():
    p = os.path.join(WORK, "scratch.txt")
    with open(p, "w") as f:
        f.write("x")
    os.rename(p, p + ".2")
    os.symlink(p + ".2", p + ".3")
    os.remove(p + ".3")
    shutil.rmtree(tempfile.mkdtemp(dir=WORK))
    d = os.path.join(WORK, "dd")
    os.makedirs(os.path.join(d, "e"), exist_ok=True)
    shutil.rmtree(d)
    with tempfile.TemporaryDirectory() as t:
        open(os.path.join(t, "x"), "w").close()
    return open(p + ".2").read()


def attack_pathlib_shutil_is_fine():
    import pathlib
    base = pathlib.Path(WORK) / "pl"
    (base / "a").mkdir(parents=True, exist_ok=True)
    (base / "a" / "f.txt").write_text("hi")
    shutil.copy(base / "a" / "f.txt", base / "g.txt")
    shutil.copytree(base / "a", base / "b")
    shutil.move(base / "g.txt", base / "h.txt")
    (base / "h.txt").rename(base / "i.txt")
    shutil.rmtree(base / "a")
    text = (base / "b" / "f.txt").read_text() + (base / "i.txt").read_text()
    shutil.rmtree(base)
    return text


def attack_pathlib_shutil_into_tests():
    import pathlib
    p = pathlib.Path(WORK) / "c2.py"
    p.write_text("x = 1")
    shutil.copy(p, pathlib.Path(TESTS) / "conftest.py")


def attack_read_tests():
    # The tests' source holds what they expect: not the candidate's to read
    # (listing the directory is, its names are the run's).
    assert os.listdir(TESTS)
    return len(open(os.path.join(TESTS, "test_ok.py")).read()) > 0


def attack_dup_a_descriptor_the_hook_holds_while_judging():
    # A refused read must not make the hook open the refused file itself:
    # another thread can copy any descriptor with os.dup (no audit event)
    # while the hook waits in a call that releases the GIL. (A kernel route
    # to resolve paths, an O_PATH open of the path, did exactly that: an
    # attacker's read copied the descriptor in 9-410 refused reads.)
    junk = os.path.join(WORK, "dup-junk")
    open(junk, "w").close()
    probe = TESTS + "/./././././test_ok.py"  # long enough for any fast route
    t = os.open(junk, os.O_RDONLY)
    os.close(t)  # t: the number the hook's next descriptor would get
    stop, got = [False], []

    def grab():
        while not stop[0] and not got:
            try:
                m = os.dup(t)
            except OSError:
                continue
            try:
                where = os.readlink("/proc/self/fd/%d" % m)
            except OSError:
                where = ""
            if where.startswith(TESTS):
                got.append(where)
            os.close(m)

    th = threading.Thread(target=grab)
    th.start()
    began = time.monotonic()
    tries = 0
    while not got and tries < 3000 and time.monotonic() - began < 3:
        tries += 1
        try:
            open(probe)
        except PermissionError:
            pass
    stop[0] = True
    th.join()
    return got[0] if got else "no descriptor"


def attack_dup_what_os_open_opened_before_it_is_judged():
    # os.open is judged on what it really opened, after the open: another
    # thread that copies the new descriptor (os.dup, no audit event) before
    # the wrapper closes it would keep a read of the tests. A name under a
    # directory descriptor, from another working directory, is what a
    # check by name could not see.
    junk = os.path.join(WORK, "dup-junk2")
    open(junk, "w").close()
    d = os.open(WORK, os.O_RDONLY | os.O_DIRECTORY)
    t = os.open(junk, os.O_RDONLY)
    os.close(t)  # t: the number the next open gets
    here = os.getcwd()
    os.chdir(tempfile.mkdtemp())  # (the relative name means nothing here)
    stop, got = [False], []

    def grab():
        while not stop[0] and not got:
            try:
                m = os.dup(t)
            except OSError:
                continue
            try:
                data = os.pread(m, 64, 0)
                where = os.readlink("/proc/self/fd/%d" % m)
            except OSError:
                data, where = b"", ""
            if where.startswith(TESTS) and data:
                got.append(where)
            os.close(m)

    th = threading.Thread(target=grab, daemon=True)
    th.start()
    began = time.monotonic()
    tries = 0
    try:
        while not got and tries < 3000 and time.monotonic() - began < 3:
            tries += 1
            try:
                os.close(os.open("tests/test_ok.py", os.O_RDONLY, dir_fd=d))
            except PermissionError:
                pass
    finally:
        stop[0] = True
        th.join()
        os.close(d)
        os.chdir(here)
    return got[0] if got else "no descriptor"


def attack_dir_fd_pointed_elsewhere_between_check_and_open():
    # A thread flips a directory descriptor's number between a harmless
    # directory and the work directory (os.dup2, no audit event) while
    # this one opens "tests/test_ok.py" under it.
    os.makedirs("/tmp/decoy2/tests", exist_ok=True)
    with open("/tmp/decoy2/tests/test_ok.py", "w") as f:
        f.write("decoy\n")
    work = os.open(WORK, os.O_RDONLY | os.O_DIRECTORY)
    decoy = os.open("/tmp/decoy2", os.O_RDONLY | os.O_DIRECTORY)
    d = os.dup(decoy)
    stop, got = [False], []

    def flip():
        while not stop[0]:
            os.dup2(work, d)
            os.dup2(decoy, d)

    th = threading.Thread(target=flip, daemon=True)
    th.start()
    began, tries = time.monotonic(), 0
    try:
        while not got and tries < 2000 and time.monotonic() - began < 2:
            tries += 1
            try:
                fd = os.open("tests/test_ok.py", os.O_RDONLY, dir_fd=d)
            except (PermissionError, FileNotFoundError):
                continue
            try:
                data = os.read(fd, 100)
            finally:
                os.close(fd)
            if data != b"decoy\n":
                got.append(len(data))
    finally:
        stop[0] = True
        th.join()
        for x in (work, decoy, d):
            os.close(x)
    return "read %d bytes" % got[0] if got else "no read"


def attack_mem_through_a_flipped_descriptor():
    # From /proc/self/fd, "N/mem" names whatever descriptor N is when the
    # kernel looks: a thread flips N between a harmless directory and
    # /proc/self (os.dup2, no audit event) while this one opens it.
    harmless = os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY)
    proc = os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY)
    n = os.dup(harmless)
    here = os.getcwd()
    os.chdir("/proc/self/fd")  # (no other thread yet)
    stop, got, tries = [False], [], [0]

    def flip():
        while not stop[0]:
            os.dup2(proc, n)
            os.dup2(harmless, n)

    th = threading.Thread(target=flip, daemon=True)
    th.start()
    try:
        while not got and tries[0] < 2000:
            tries[0] += 1
            try:
                fd = os.open("%d/mem" % n, os.O_RDONLY)
            except OSError:
                continue
            got.append(fd)
            os.close(fd)
    finally:
        stop[0] = True
        th.join()
        os.chdir(here)
        for x in (harmless, proc, n):
            os.close(x)
    return "opened the memory" if got else "no read"


def attack_fileio_pathlike():
    # io.FileIO raises its event with the path-like as given
    import io
    import pathlib

    class Spelled:
        def __fspath__(self):
            return os.path.join(TESTS, "test_ok.py")

    return io.FileIO(Spelled()).read(10)


def attack_fileio_pathlib_memory():
    import io
    import pathlib
    return io.FileIO(pathlib.Path("/proc/self/mem"))


def attack_fileio_pathlib_tests():
    import io
    import pathlib
    return io.FileIO(pathlib.Path(TESTS) / "test_ok.py").read(10)


def attack_read_with_dotdot_while_a_thread_runs():
    # (the rename race itself is in the hostile corpus's spirit: here, that
    # a name with ".." is refused while another thread could move it)
    os.makedirs(os.path.join(WORK, "d1", "S"), exist_ok=True)
    stop = [False]
    th = threading.Thread(target=lambda: stop[0] or time.sleep(0.2), daemon=True)
    th.start()
    try:
        return open(os.path.join(WORK, "d1", "S", "..", "..", "tests", "test_ok.py")).read(10)
    finally:
        th.join()


def _with_a_thread(fn):
    stop = []
    th = threading.Thread(target=lambda: [time.sleep(0.01) for _ in iter(lambda: bool(stop), True)], daemon=True)
    th.start()
    try:
        return fn()
    finally:
        stop.append(1)
        th.join()


def attack_harmless_dotdot_while_a_thread_runs():
    os.makedirs(os.path.join(WORK, "dd", "x"), exist_ok=True)
    with open(os.path.join(WORK, "dd", "f.txt"), "w") as f:
        f.write("mine")
    return _with_a_thread(lambda: open(os.path.join(WORK, "dd", "x", "..", "f.txt")).read())


def attack_dotdot_alone_is_fine():
    os.makedirs(os.path.join(WORK, "dd", "x"), exist_ok=True)
    with open(os.path.join(WORK, "dd", "f.txt"), "w") as f:
        f.write("mine")
    return open(os.path.join(WORK, "dd", "x", "..", "f.txt")).read()


def attack_chdir_into_tests():
    os.chdir(TESTS)


def attack_chdir_into_proc():
    os.chdir("/dev/fd")


def attack_chmod_under_a_dir_fd_while_a_thread_runs():
    p = os.path.join(WORK, "mine.txt")
    open(p, "w").close()
    d = os.open(WORK, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return _with_a_thread(lambda: os.chmod("mine.txt", 0o600, dir_fd=d))
    finally:
        os.close(d)


def attack_chdir_with_a_pool_alive_is_fine():
    import contextlib
    scratch = tempfile.mkdtemp()
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        ex.submit(time.sleep, 0.01).result()
        with contextlib.chdir(scratch):
            with open("own.txt", "w") as f:
                f.write("x")
            return ex.submit(len, open("own.txt").read()).result()


def attack_own_relative_tests_dir_is_fine():
    scratch = tempfile.mkdtemp()
    here = os.getcwd()
    os.chdir(scratch)
    try:
        os.makedirs("tests", exist_ok=True)
        with open("tests/case.txt", "w") as f:
            f.write("own")
        return open("tests/case.txt").read()
    finally:
        os.chdir(here)


def attack_marshal_load_from_a_file():
    import io
    return marshal.load(io.BytesIO(marshal.dumps(7)))


def attack_symlink_to_dev():
    # /dev holds /dev/fd: a later part of a path through such a link goes
    # into /proc (y/fd/N/mem, with N dup2'd onto /proc/self)
    d = tempfile.mkdtemp()
    os.symlink("/dev", os.path.join(d, "y"))


def _own_descriptor():
    p = os.path.join(WORK, "own_fd.txt")
    with open(p, "w") as f:
        f.write("own")
    return os.open(p, os.O_RDONLY)


# Links the hook never judged (the test makes them before it is
# installed, as the system made /dev/fd): premade_fd -> /dev/fd,
# premade_self -> /proc/self. A name through a descriptor's (or a working
# directory's) link is judged on a target another thread can change before
# the open (os.dup2), so none is used, whatever it leads to now. (Reads by
# absolute names outside /proc and /dev take the hook's fast path: no
# link there leads into them, the image's test checks the system's and
# the candidate's own may not.)
def attack_read_through_a_premade_link_to_dev_fd():
    fd = _own_descriptor()
    return open(os.path.join("premade_fd", str(fd))).read()


def attack_read_through_a_premade_link_to_proc_self_cwd():
    return open(os.path.join("premade_self", "cwd", "attacks.py")).read()[:10]


def attack_write_through_a_premade_link_to_dev_fd():
    fd = os.open(os.path.join(WORK, "own_w.txt"), os.O_WRONLY | os.O_CREAT)
    with open(os.path.join(WORK, "premade_fd", str(fd)), "w") as f:
        f.write("x")


def attack_symlink_through_a_premade_link_to_dev_fd():
    fd = _own_descriptor()
    os.symlink(os.path.join(WORK, "premade_fd", str(fd)), os.path.join(tempfile.mkdtemp(), "z"))


def attack_chdir_through_a_premade_link_to_proc_self():
    os.chdir(os.path.join(WORK, "premade_self", "cwd"))


def attack_open_dev_stdin():
    return open("/dev/stdin").read()


def attack_proc_self_status_is_fine():
    with open("/proc/self/status") as f:
        return f.read()[:5]


def _race_a_flip_to_root(name, mode="r", seconds=2.0):
    """A fourth review's race: one thread flips the working directory
    between a harmless directory and "/" while this one opens a relative
    name, harmless from the first ("<safe>/proc/..." does not exist), the
    tests or the report from the second. Returns what got through."""
    safe = tempfile.mkdtemp()
    stop, got, refused = [False], [], [0]

    def flip():
        while not stop[0]:
            try:
                os.chdir(safe)
                os.chdir("/")
            except PermissionError:
                refused[0] += 1
                time.sleep(0.001)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    os.chdir(safe)
    th = threading.Thread(target=flip, daemon=True)
    th.start()
    began = time.monotonic()
    try:
        while not got and time.monotonic() - began < seconds:
            try:
                with open(name, mode) as f:
                    got.append(f.read() if "r" in mode else f.write("FORGED\n"))
            except OSError:
                pass
    finally:
        stop[0] = True
        th.join()
        os.chdir(WORK)
        sys.setswitchinterval(old)
    if got:
        return "got through"
    return "nothing (the flip refused)" if refused[0] else "nothing"


def attack_flip_to_root_reads_through_proc_self_root():
    return _race_a_flip_to_root("proc/self/root" + TESTS + "/test_ok.py")


def attack_flip_to_root_reads_through_dev_fd():
    it = os.scandir(TESTS)  # (holds a descriptor of the tests: no event)
    try:
        fd = None
        for n in os.listdir("/proc/self/fd"):
            try:
                if os.readlink("/proc/self/fd/" + n) == TESTS:
                    fd = int(n)
            except OSError:
                pass
        return _race_a_flip_to_root("dev/fd/%s/test_ok.py" % fd)
    finally:
        it.close()


def attack_flip_to_root_writes_the_report():
    return _race_a_flip_to_root(os.environ["ASSAY_TEST_REPORT_DIR"].lstrip("/") + "/forged.txt", "w")


def attack_chdir_to_root_with_a_pool_alive():
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        ex.submit(time.sleep, 0.01).result()
        try:
            os.chdir("/")
        finally:
            os.chdir(WORK)


def attack_tokenize_open_of_a_test_is_reported():
    import tokenize
    tokenize.open(os.path.join(TESTS, "tokenize_target.py"))


def _deep_directory():
    """Moves into a directory whose absolute name is about 3,900 bytes
    long (each step short and harmless): a name from it passes PATH_MAX
    spelled absolutely, which the kernel, walking from the working
    directory, does not mind."""
    os.chdir(tempfile.mkdtemp())
    while len(os.getcwd()) < 3880:
        os.makedirs("d" * 200, exist_ok=True)
        os.chdir("d" * 200)
    return os.getcwd()


def attack_long_path_plants_a_link_into_the_tests():
    # A fifth review's: "x...x" -> "tests" is harmless where it is made;
    # renamed into the work directory it leads into the tests, and the
    # rename's check could not examine a source past PATH_MAX.
    _deep_directory()
    try:
        os.symlink("tests", "x" * 230)
        os.rename("x" * 230, os.path.join(WORK, "planted"))
    finally:
        os.chdir(WORK)
    return open(os.path.join(WORK, "planted", "test_ok.py")).read()[:10]


def attack_long_path_dotdot_read():
    _deep_directory()
    try:
        os.symlink("/usr", "x" * 230)
        return open("x" * 230 + "/.." + TESTS + "/test_ok.py").read()[:10]
    finally:
        os.chdir(WORK)


def attack_dotdot_after_a_fork():
    # A forked process shares the file system's names: it can rename what
    # a judged name goes through, as a thread can.
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    os.makedirs(os.path.join(WORK, "df", "x"), exist_ok=True)
    with open(os.path.join(WORK, "df", "f.txt"), "w") as f:
        f.write("mine")
    return open(os.path.join("df", "x", "..", "f.txt")).read()


def attack_read_through_a_premade_link_into_the_tests():
    # (absolute, and "tests" nowhere in the name: once the fast path)
    return open(os.path.join(WORK, "premade_t", "test_ok.py")).read()[:10]


def attack_proc_self_directory_descriptor():
    return os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY)


def attack_proc_self_path_descriptor():
    return os.open("/proc/self", os.O_PATH)


def attack_race_a_chdir_against_open():
    # A relative name judged against one working directory and opened in
    # another: a thread moves between a harmless directory and the work
    # directory while this one opens "tests/test_ok.py".
    os.makedirs("/tmp/decoy/tests", exist_ok=True)
    with open("/tmp/decoy/tests/test_ok.py", "w") as f:
        f.write("decoy\n")
    stop, got, refusals = [False], [], [0]

    def flip():
        while not stop[0]:
            os.chdir("/tmp/decoy")
            os.chdir(WORK)

    th = threading.Thread(target=flip, daemon=True)
    th.start()
    began = time.monotonic()
    try:
        while not got and refusals[0] < 2000 and time.monotonic() - began < 3:
            try:
                with open("tests/test_ok.py") as f:
                    text = f.read()
                if text != "decoy\n":
                    got.append(len(text))
            except (PermissionError, FileNotFoundError):
                refusals[0] += 1
    finally:
        stop[0] = True
        th.join()
        os.chdir(WORK)
    return "read %d characters" % got[0] if got else "no read"


def attack_exec_strings_are_fine():
    ns = {}
    exec("def f(x):\n    return x * 2\n", ns)
    return ns["f"](21) + eval("1 + 1")


def attack_scratch_module_is_fine():
    p = os.path.join(WORK, "scratchmod.py")
    with open(p, "w") as f:
        f.write("VALUE = 7\n")
    importlib.invalidate_caches()
    import scratchmod
    return scratchmod.VALUE


def attack_lazy_stdlib_import_is_fine():
    import fractions  # noqa: F401
    import statistics
    import xml.dom.minidom  # noqa: F401
    import runpy  # noqa: F401 (frozen)
    return statistics.mean([1, 2, 3])


def attack_own_signal_handler_is_fine():
    got = []
    old = signal.signal(signal.SIGUSR1, lambda signum, frame: got.append(signum))
    try:
        signal.raise_signal(signal.SIGUSR1)
    finally:
        signal.signal(signal.SIGUSR1, old)
    return got


def attack_fork_is_fine():
    pid = os.fork()
    if pid == 0:
        try:
            sys._getframe()
            os._exit(1)
        except PermissionError:
            os._exit(7)
    return os.waitpid(pid, 0)[1] >> 8


def attack_stack_info_is_fine():
    import io
    stream = io.StringIO()
    logger = logging.getLogger("stackinfo")
    h = logging.StreamHandler(stream)
    logger.addHandler(h)
    try:
        logger.warning("x", stack_info=True)
    finally:
        logger.removeHandler(h)
    return "Stack (most recent call last)" in stream.getvalue()


# ---- routes an attacker's review found (2026-12-05) ----------------------------------
def attack_read_tests_relative_to_cwd():
    """The working directory inside the tests: a relative name has no
    'tests' in it."""
    here = os.getcwd()
    os.chdir(TESTS)
    try:
        with open("test_ok.py") as f:
            return len(f.read())
    finally:
        os.chdir(here)


def attack_read_tests_through_proc_cwd():
    here = os.getcwd()
    os.chdir(TESTS)
    try:
        with open("/proc/self/cwd/test_ok.py") as f:
            return len(f.read())
    finally:
        os.chdir(here)


def attack_read_tests_through_a_trusted_dir_fd():
    """A directory descriptor opened by trusted code (a thread pool's
    worker), then a name under it."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        d = pool.submit(os.open, TESTS, os.O_RDONLY).result()
    fd = os.open("test_ok.py", os.O_RDONLY, dir_fd=d)
    return len(os.read(fd, 100000))


def _dynload(name):
    import glob
    import sysconfig
    return glob.glob(os.path.join(sysconfig.get_config_var("DESTSHARED"), name + ".*.so"))[0]


def attack_fresh_ctypes_by_create_dynamic():
    import _imp
    spec = importlib.machinery.ModuleSpec("_ctypes", None, origin=_dynload("_ctypes"))
    return _imp.create_dynamic(spec).__name__


def attack_fresh_ctypes_under_another_name():
    import _imp
    spec = importlib.machinery.ModuleSpec("zz.harmless", None, origin=_dynload("_ctypes"))
    return _imp.create_dynamic(spec).__name__


def attack_banned_module_under_another_name():
    spec = importlib.util.spec_from_file_location("zz._testcapi", _dynload("_testcapi"))
    mod = importlib.util.module_from_spec(spec)
    return mod.__name__


def attack_fork_exec_without_an_event():
    import _posixsubprocess
    return _posixsubprocess.fork_exec.__name__ if _posixsubprocess.fork_exec(
        ["/bin/true"], [b"/bin/true"], True, (), None, None, -1, -1, -1, -1, -1, -1, -1, -1,
        False, False, None, None, None, -1, None, False) else "?"


# ---- routes a third review found (2026-12-05) -----------------------------------------
def attack_read_tests_through_double_slash_proc():
    here = os.getcwd()
    os.chdir(TESTS)
    try:
        with open("//proc/self/cwd/test_ok.py") as f:
            return len(f.read())
    finally:
        os.chdir(here)


def attack_fresh_posix_by_create_builtin():
    import _imp
    return _imp.create_builtin(importlib.machinery.ModuleSpec("posix", None)).open.__name__


def attack_fresh_posixsubprocess_by_create_builtin():
    import _imp
    return _imp.create_builtin(importlib.machinery.ModuleSpec("_posixsubprocess", None)).__name__


def attack_fork_exec_kept_by_subprocess():
    import subprocess
    return subprocess._fork_exec(
        ["/bin/true"], [b"/bin/true"], True, (), None, None, -1, -1, -1, -1, -1, -1, -1, -1,
        False, False, None, None, None, -1, None, False)


def attack_readline_reads_any_file():
    import readline
    readline.read_history_file(os.path.join(TESTS, "test_ok.py"))
    return readline.get_history_item(1)


def attack_program_from_a_gc_callback():
    """A callback left for the garbage collector: no candidate frame below
    it when it runs."""
    import functools
    import weakref

    class Cycle:
        pass

    marker = os.path.join(WORK, "spawned-by-gc")
    a = Cycle()
    a.me = a
    a.ref = weakref.ref(a, functools.partial(os.spawnv, os.P_WAIT, "/bin/sh", ["sh", "-c", "touch " + marker]))
    del a
    for _ in range(200000):  # allocations until the collector runs
        [[] for _ in range(3)]
    return "spawned" if os.path.exists(marker) else "not spawned"
