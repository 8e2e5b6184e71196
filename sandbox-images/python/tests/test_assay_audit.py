"""Tests of the audit hook (assay_audit.py), runnable on the host without
Docker:

    /usr/bin/python3 -m pytest sandbox-images/python/tests -q

The hook cannot be removed once added, so every case runs in a fresh
interpreter (audit_data/runner.py, which does what the harness's
zygote_main does: install, then pytest.main in the same frame). The
candidate's files are copied to a temporary /work-like directory, outside
the trusted directories (the stdlib, dist-packages, this module's directory,
work/tests, work/fixtures), so they run as candidate code.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "audit_data")
MODULE_DIR = os.path.dirname(HERE)

try:
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    HAVE_SCIENTIFIC = True
except ImportError:
    # (CI installs Debian's python3-numpy and python3-pandas: there this
    # never skips)
    if os.environ.get("CI"):
        raise
    HAVE_SCIENTIFIC = False


class Run:
    def __init__(self, tmp_path, proc):
        self.tmp_path = tmp_path
        self.proc = proc
        self.output = proc.stdout + proc.stderr
        rep = tmp_path / "rep"
        path = rep / "result.json"
        self.result = json.loads(path.read_text()) if path.exists() else None
        audit = rep / "audit.jsonl"
        self.audit = [json.loads(line) for line in audit.read_text().splitlines()] if audit.exists() else []
        junit = rep / "junit.xml"
        self.junit = junit.read_text() if junit.exists() else None

    def outcomes(self):
        """{test name: (outcome, message)} from the junit report."""
        out = {}
        for case in ET.fromstring(self.junit).iter("testcase"):
            outcome, message = "passed", ""
            for child in case:
                if child.tag in ("failure", "error", "skipped"):
                    outcome, message = child.tag, (child.get("message") or "") + "\n" + (child.text or "")
            out[case.get("name")] = (outcome, message)
        return out

    @property
    def seen(self):
        assert all(line.get("check") == "audit" and set(line) == {"check", "seen"} for line in self.audit)
        return [line["seen"] for line in self.audit]


def run(tmp_path, solution=None, tests=None, conftest=None, mode="pytest", files=None, proc_timeout=180, **cfg):
    """Lays out work/ (solution.py, tests/, fixtures/) and runs the runner."""
    work = tmp_path / "work"
    (work / "tests").mkdir(parents=True, exist_ok=True)
    (work / "fixtures").mkdir(exist_ok=True)
    (work / "fixtures" / "data.txt").write_text("fixture\n")
    (work / "helpers.py").write_text("LATENCY = 1\n")
    rep = tmp_path / "rep"
    rep.mkdir(exist_ok=True)
    if solution is not None:
        (work / "solution.py").write_text(solution)
    if tests is not None:
        (work / "tests" / "test_solution.py").write_text(tests)
    if conftest is not None:
        (work / "tests" / "conftest.py").write_text(conftest)
    for name, text in (files or {}).items():
        (work / name).write_text(text)
    config = {
        "module_dir": MODULE_DIR, "work": str(work), "report_dir": str(rep), "mode": mode,
        "provided": ["helpers.py"], "candidate_files": [str(work / "solution.py")],
    }
    config.update(cfg)
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", ASSAY_TEST_REPORT_DIR=str(rep),
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, os.path.join(DATA, "runner.py"), json.dumps(config)],
                          cwd=str(work), env=env, capture_output=True, text=True, timeout=proc_timeout,
                          stdin=subprocess.DEVNULL)
    return Run(tmp_path, proc)


def data(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


# ---- what must keep working ----------------------------------------------------------

@pytest.fixture(scope="module")
def ordinary(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("ordinary")
    return run(tmp_path, solution=data("ok_solution.py"), tests=data("ok_tests.py"),
               conftest=data("ok_conftest.py"))


def test_ordinary_solution_passes_under_the_hook(ordinary):
    outcomes = ordinary.outcomes()
    failed = {name: o for name, o in outcomes.items() if o[0] != "passed"}
    if not HAVE_SCIENTIFIC:
        failed = {n: o for n, o in failed.items() if not (o[0] == "skipped" and ("numpy" in n or "pandas" in n))}
    assert set(failed) == {"test_fails_assertion", "test_fails_in_solution"}, (failed, ordinary.output[-4000:])
    assert len(outcomes) == 24
    # (test_unraisable_printed: the interpreter printing a traceback parses
    # pieces of the stdlib's lines for its carets while the candidate's
    # frame is current, which is not evidence)
    assert ordinary.seen == [], ordinary.output[-3000:]
    assert ordinary.result["code"] == 1
    guard = json.loads(ordinary.result["guard"])
    assert guard["findings"] == [] and guard["tally"]["failed"] == 2


def test_failure_reports_keep_their_tracebacks(ordinary):
    outcomes = ordinary.outcomes()
    # assertion rewriting of the test module, with its real file name
    assert "assert 3 == 4" in outcomes["test_fails_assertion"][1]
    assert "sum was off" in outcomes["test_fails_assertion"][1]
    deep = outcomes["test_fails_in_solution"][1]
    assert "RuntimeError: deep failure" in deep and deep.count("solution.py") >= 4
    assert "test_solution.py:" in ordinary.output and "in raises_deep" in ordinary.output


@pytest.mark.skipif(not HAVE_SCIENTIFIC, reason="needs numpy and pandas")
def test_numpy_and_pandas_imported_by_the_candidate(ordinary):
    outcomes = ordinary.outcomes()
    assert outcomes["test_numpy"][0] == "passed" and outcomes["test_pandas"][0] == "passed"
    assert outcomes["test_pandas_in_work_dir"][0] == "passed"


# ---- what must be refused ----------------------------------------------------------------

ALLOWED = {
    # attack name: the result it must come back with (anything else is a
    # failure; "refused" means a PermissionError / ModuleNotFoundError from
    # the sandbox)
    "attack_addaudithook": "ok: 'blocked'",
    "attack_own_class_and_pytest_defaults": "ok: (1, 'Renamed', (True,))",
    "attack_evil_dict_key": "ok: 'blocked'",
    "attack_finalize_builtin": "refused",
    "attack_signal_builtin_handler": "ok: 'blocked'",
    "attack_signal_python_handler": "ok: 'blocked'",
    "attack_signal_via_module_function": "ok: 'blocked'",
    "attack_start_new_thread_builtin": "ok: 'blocked'",
    "attack_thread_target_builtin": "ok: 'blocked'",
    "attack_threading_settrace": "ok: 'blocked'",
    "attack_timer_builtin": "ok: 'blocked'",
    "attack_ctypes_from_harness_globals": "ok: []",
    "attack_ctypes_left_in_modules": "ok: []",
    "attack_ctypes_in_an_unchanged_module": "ok: ['kept']",
    "attack_ctypes_via_subclasses": "ok: []",
    "attack_patched_is_internal_frame": "ok: 'blocked'",
    "attack_patched_traceback_deque": "refused",
    "attack_signal_in_hook_window": "ok: 'blocked'",
    "attack_finalizer_in_hook_window": "ok: 'blocked'",
    "attack_pandas_eval_level": "ok: 'blocked'",
    "attack_pandas_patched_inspect": "ok: 'blocked'",
    "attack_racing_thread_on_logging": "ok: 'blocked'",
    # not attacks: what the candidate may do
    "attack_exec_strings_are_fine": "ok: 44",
    "attack_fork_is_fine": "ok: 7",
    "attack_lazy_stdlib_import_is_fine": "ok: 2",
    "attack_own_class_assign_is_fine": "ok: 'B'",
    "attack_own_defaults_are_fine": "ok: 2",
    "attack_own_signal_handler_is_fine": "ok: [10]",
    "attack_read_own_code_is_fine": "ok: ('<lambda>', '<genexpr>')",
    "attack_read_library_code_is_fine": "ok: ('dumps', 1)",
    "attack_library_gi_code_is_fine": "ok: 'walk_stack'",
    "attack_pathlib_shutil_is_fine": "ok: 'hihi'",
    "attack_scratch_module_is_fine": "ok: 7",
    "attack_scratch_write_is_fine": "ok: 'x'",
    "attack_stack_info_is_fine": "ok: True",
    "attack_dir_fd_root_is_fine": "ok: 'opened'",
    # (the collector runs here, under the candidate's frame: refused; the
    # refusal is raised in the collector's callback, not here)
    "attack_program_from_a_gc_callback": "ok: 'not spawned'",
    "attack_dup_a_descriptor_the_hook_holds_while_judging": "ok: 'no descriptor'",
    "attack_dup_what_os_open_opened_before_it_is_judged": "ok: 'no descriptor'",
    "attack_dir_fd_pointed_elsewhere_between_check_and_open": "ok: 'no read'",
    "attack_race_a_chdir_against_open": "ok: 'no read'",
    "attack_dotdot_alone_is_fine": "ok: 'mine'",
    "attack_chdir_with_a_pool_alive_is_fine": "ok: 1",
    "attack_own_relative_tests_dir_is_fine": "ok: 'own'",
    "attack_proc_self_status_is_fine": "ok: 'Name:'",
    "attack_flip_to_root_reads_through_proc_self_root": "ok: 'nothing (the flip refused)'",
    "attack_flip_to_root_reads_through_dev_fd": "ok: 'nothing (the flip refused)'",
    "attack_flip_to_root_writes_the_report": "ok: 'nothing (the flip refused)'",
}


# Honest code that works only while no other thread runs and nothing has
# forked (a fork latches the hook's rules for concurrent code): run in a
# process of their own, not after the shared run's fork and threads.
ALONE = ("attack_own_relative_tests_dir_is_fine", "attack_dotdot_alone_is_fine")


def attack_names():
    with open(os.path.join(DATA, "attacks.py")) as f:
        return sorted(line[4:line.index("(")] for line in f
                      if line.startswith("def attack_") and line[4:line.index("(")] not in ALONE)


def test_honest_code_alone(tmp_path):
    r = run(tmp_path, mode="attacks", files={"attacks.py": data("attacks.py")}, only=list(ALONE),
            candidate_files=[str(tmp_path / "work" / "attacks.py")])
    assert r.result is not None, r.output[-5000:]
    assert {n: r.result["attacks"][n] for n in ALONE} == {n: ALLOWED[n] for n in ALONE}


@pytest.fixture(scope="module")
def attacks(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("attacks")
    # links made before the hook is installed: see attacks.py
    (tmp_path / "work").mkdir()
    os.symlink("/dev/fd", tmp_path / "work" / "premade_fd")
    os.symlink("/proc/self", tmp_path / "work" / "premade_self")
    os.symlink("tests", tmp_path / "work" / "premade_t")
    r = run(tmp_path, mode="attacks", files={"attacks.py": data("attacks.py"), "tests/test_ok.py": data("ok_tests.py")},
            candidate_files=[str(tmp_path / "work" / "attacks.py")], max_reports=100000, skip=list(ALONE))
    assert r.result is not None, (r.proc.returncode, r.output[-5000:])
    return r


@pytest.mark.parametrize("name", attack_names())
def test_attack(attacks, name):
    got = attacks.result["attacks"][name]
    expected = ALLOWED.get(name, "refused")
    if expected == "refused":
        assert got.startswith("refused: refused by the sandbox"), got
    else:
        assert got == expected


def test_install_scans_every_module_itself(tmp_path):
    # install scans every module itself when the harness gave it no list
    only = ["attack_ctypes_from_harness_globals", "attack_ctypes_left_in_modules",
            "attack_ctypes_in_an_unchanged_module"]
    r = run(tmp_path, mode="attacks", files={"attacks.py": data("attacks.py")}, scan_ahead=False,
            candidate_files=[str(tmp_path / "work" / "attacks.py")])
    assert r.result is not None, r.output[-5000:]
    assert {n: r.result["attacks"][n] for n in only} == {n: ALLOWED[n] for n in only}


def test_ctypes_classes_reachable_without_the_unlinking(tmp_path):
    # the attack above finds nothing only because the harness unlinks them
    r = run(tmp_path, mode="attacks", files={"attacks.py": data("attacks.py")}, unlink_ctypes=False,
            only=["attack_ctypes_via_subclasses"], candidate_files=[str(tmp_path / "work" / "attacks.py")])
    assert r.result is not None, r.output[-5000:]
    assert "CDLL" in r.result["attacks"]["attack_ctypes_via_subclasses"] or \
        "Union" in r.result["attacks"]["attack_ctypes_via_subclasses"], r.result["attacks"]


def test_quiet_refusals_and_loud_ones(attacks):
    seen = attacks.seen
    # the candidate's own call of tokenize.open (or linecache) is a read
    # like any other: reported (only a traceback's formatting is quiet)
    assert any("tokenize_target.py" in s for s in seen), seen
    # an honest program may write to /dev/stdout or move to / with a pool
    # alive: refused, not reported
    assert not any("/dev/stdout" in s for s in seen), [s for s in seen if "/dev/stdout" in s]
    assert not any(s.startswith("moving into / ") for s in seen), [s for s in seen if "moving into /" in s]


def test_refusals_are_reported_with_the_candidates_line(attacks):
    seen = attacks.seen
    assert any(s.startswith("sys._getframe from attacks.py:") for s in seen), seen
    assert any(s.startswith("gc.get_objects from attacks.py:") for s in seen), seen
    assert any(s.startswith("reading tb_frame from attacks.py:") for s in seen), seen
    assert any(s.startswith("writing ") and "/tests/conftest" in s for s in seen), seen
    # compiling what a traceback's carets parse (a piece of a trusted
    # file's line, or nothing) is refused quietly; anything else claiming
    # a trusted file is evidence
    assert not any(s.startswith("compiling") and ("/json/" in s or "/logging/" in s) for s in seen), seen
    assert any(s.startswith("compiling code that claims to be") and "test_ok.py" in s for s in seen), seen
    # a refusal inside trusted code names the candidate's frame below it
    assert any(s.startswith("sys._getframe from attacks.py:") and "inspect" not in s for s in seen)
    # deferred: the thread's trampoline, the thread with no frame
    assert any("Thread.run" in s or "threading.py" in s for s in seen), seen
    assert any(s.endswith("from a thread with no Python frame") for s in seen), seen


# ---- candidate code inside a pytest run ------------------------------------------------------

@pytest.mark.parametrize("allowed", [True, False])
def test_programs_only_where_allowed_and_refused_quietly(tmp_path, allowed):
    # the hidden phase: a program runs without the hook and could read
    # the tests; refused (quietly: an honest solution may try), by the
    # audited route and by _posixsubprocess directly
    r = run(tmp_path, solution=textwrap.dedent("""\
        import subprocess, multiprocessing

        def cat():
            return subprocess.run(["cat", "tests/test_solution.py"], capture_output=True).stdout

        def spawned():
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(1) as pool:
                return pool.map(abs, [-3])

        def forked():
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(1) as pool:
                return pool.map(abs, [-4])
        """), tests=textwrap.dedent("""\
        import solution

        def test_cat():
            assert b"def test_cat" in solution.cat()

        def test_spawn():
            # (only where refused: under this test runner a spawned child
            # would run the runner again)
            assert solution.spawned() == [3]

        def test_fork():
            assert solution.forked() == [4]
        """), allow_processes=allowed, quiet_processes=True, proc_timeout=240,
        args=["tests"] + (["-k", "not spawn"] if allowed else []))
    outcomes = r.outcomes()
    assert outcomes["test_fork"][0] == "passed", outcomes["test_fork"]
    if allowed:
        assert outcomes["test_cat"][0] == "passed", outcomes
    else:
        for name in ("test_cat", "test_spawn"):
            assert outcomes[name][0] == "failure" and "refused by the sandbox" in outcomes[name][1], outcomes[name]
    assert r.seen == [], r.seen


def test_a_deferred_frame_grab_under_pytests_frames(tmp_path):
    # A sixth review's: a weak reference's callback of trusted parts only
    # (a defaultdict's __getitem__, whose factory is partial(sys._getframe,
    # 0)) that the collector runs once the candidate's code has returned,
    # inside pytest's: only trusted frames on the stack, and a frame is all
    # it takes to read every caller's locals (f_back, f_locals: no audited
    # event). The frame on top never names sys._getframe: refused, and
    # reported as a deferred call.
    r = run(tmp_path, solution=textwrap.dedent("""\
        import collections, functools, gc, sys, weakref

        got = collections.defaultdict(functools.partial(sys._getframe, 0))
        keep = []

        class Bait:
            pass

        def arm():
            keep.append(gc.get_threshold())
            gc.disable()
            for _ in range(3):
                b = Bait()
                b.me = b  # a cycle: only the collector frees it
                r = weakref.ref(b, got.__getitem__)
                hash(r)  # (kept once taken: a key when dead)
                keep.append(r)
                del b
            gc.set_threshold(1)
            gc.enable()
            return 1

        def read():
            gc.set_threshold(*keep[0])
            frames = [v for v in got.values() if type(v).__name__ == "frame"]
            return ["LEAK " + f.f_code.co_filename for f in frames]
        """), tests=textwrap.dedent("""\
        import solution

        def test_a_arm():
            assert solution.arm() == 1

        def test_b_read():
            assert solution.read() == []
        """))
    assert r.outcomes()["test_b_read"][0] == "passed", r.outcomes()
    assert r.seen and all(s.startswith("sys._getframe from a deferred call from ") for s in r.seen), r.seen


def test_a_program_latches_the_rules_for_concurrent_code(tmp_path):
    # Where programs may run (the visible phase), one that has run can
    # rename what a judged name goes through, as a forked process can:
    # names with ".." are then refused (quietly), as with threads alive.
    r = run(tmp_path, solution=textwrap.dedent("""\
        import os, subprocess

        def dotdot():
            os.makedirs("dd/x", exist_ok=True)
            with open("dd/f.txt", "w") as f:
                f.write("mine")
            before = open("dd/x/../f.txt").read()
            subprocess.run(["true"], check=True)
            try:
                open("dd/x/../f.txt").read()
            except PermissionError:
                return before, "refused"
            return before, "read"
        """), tests=textwrap.dedent("""\
        import solution

        def test_dotdot():
            assert solution.dotdot() == ("mine", "refused")
        """), allow_processes=True, quiet_processes=True)
    assert r.outcomes()["test_dotdot"][0] == "passed", r.outcomes()
    assert r.seen == [], r.seen


@pytest.mark.parametrize("trusted", [True, False])
def test_programs_of_the_tests_themselves(tmp_path, trusted):
    # A "tests" challenge's hidden tests start programs (trusted code); in
    # any other hidden phase nothing may, whoever asks (a callback the
    # candidate's code left runs with no candidate frame below it).
    r = run(tmp_path, solution="X = 1\n", tests=textwrap.dedent("""\
        import subprocess, sys

        def test_runs_a_program():
            assert subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True).stdout == b"42\\n"
        """), allow_processes=False, quiet_processes=True, trusted_programs=trusted)
    outcome, message = r.outcomes()["test_runs_a_program"]
    if trusted:
        assert outcome == "passed", message
    else:
        assert outcome == "failure" and "refused by the sandbox: running a program" in message, message
    assert r.seen == [], r.seen


PLANT = textwrap.dedent("""\
    import sys

    import pytest


    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(item, call):
        outcome = yield
        rep = outcome.get_result()
        if rep.when == "call":
            rep.outcome, rep.longrepr = "passed", None
        AFTER(item)


    for mod in list(sys.modules.values()):
        if (getattr(mod, "__file__", "") or "").endswith("tests/conftest.py"):
            mod.pytest_runtest_makereport = pytest_runtest_makereport
    del pytest_runtest_makereport
""")

GUARD_BLINDED = PLANT + textwrap.dedent("""\
    def AFTER(item):
        pass


    guard = sys.modules["assay" + "_guard"]
    # every function and record of the guard's, by its module's names
    for name in list(vars(guard)):
        if name.startswith("_") and callable(getattr(guard, name)) and not name.startswith("__"):
            setattr(guard, name, lambda *a, **k: [])
    LEAKS = []
    for fn in (guard.pytest_unconfigure, guard.pytest_runtest_logreport):
        try:
            LEAKS.append(repr(fn.__defaults__))
        except PermissionError:
            pass
    LEAKS += [n for n in ("_TOKEN", "_out_fd", "_S", "_tally", "_found") if hasattr(guard, n)]
""")


def test_the_guard_is_not_blinded_by_rebinding_its_names(tmp_path):
    # (a red-team's route, 2026-12-07: the guard's check of hook
    # implementations was a module name the candidate's code rebound, and
    # its token a module name it read)
    r = run(tmp_path, solution=GUARD_BLINDED,
            conftest="import solution\n",
            tests="import solution\n\n\ndef test_fails():\n    assert 1 == 2\n\n\n"
                  "def test_no_leak():\n    assert solution.LEAKS == []\n")
    guard = json.loads(r.result["guard"])
    # the forged pass is there, and so is the evidence of it
    assert r.outcomes()["test_fails"][0] == "passed", r.output[-3000:]
    assert any("comes from untrusted code" in f and "solution.py" in f for f in guard["findings"]), guard
    assert r.outcomes()["test_no_leak"] == ("passed", ""), r.outcomes()
    assert any(s.startswith("reading __defaults__ from solution.py:") for s in r.seen), r.seen


GUARD_CALLED = textwrap.dedent("""\
    import sys

    CONFIG = sys.modules["_pytest.debugging"].pytestPDB._config
    GUARD = sys.modules["assay_guard"]
    GOT = []

    def spy(fd, data):
        GOT.append(data)
        return len(data)

    def direct():
        # (with its own default arguments, once: the guard's token went to
        # spy; there is only the record to pass now)
        GUARD.pytest_unconfigure(CONFIG)

    def through_pluggy():
        # a forged report counted by the guard's tally
        report = sys.modules["_pytest.reports"].TestReport("tests/x.py::t", ("x", 1, "t"), {}, "passed", None, "call")
        CONFIG.hook.pytest_runtest_logreport(report=report)

    def early_unconfigure():
        # the guard's report sent now, before anything is planted
        CONFIG._ensure_unconfigure()
""")


@pytest.mark.parametrize("how", ["direct", "through_pluggy", "early_unconfigure"])
def test_the_guards_hooks_refuse_to_run_under_the_candidates_code(tmp_path, how):
    r = run(tmp_path, solution=GUARD_CALLED,
            tests="import solution\n\n\ndef test_call():\n    solution.%s()\n\n\n"
                  "def test_got_nothing():\n    assert solution.GOT == []\n" % how)
    assert any(s.startswith("reading gi_frame from solution.py:") for s in r.seen), r.seen
    if how == "early_unconfigure":
        # pytest does not unconfigure twice, and the junit writer went with
        # the early call: no guard report at all, which the harness takes
        # as tampering (and no report to grade)
        assert r.result["guard"] == "" and r.junit is None, (r.result, r.output[-2000:])
        return
    outcomes = r.outcomes()
    assert outcomes["test_call"][0] == "failure" and "refused by the sandbox: reading gi_frame" in outcomes["test_call"][1], outcomes
    assert outcomes["test_got_nothing"] == ("passed", ""), outcomes
    # and the real report, at the real end, counts what really ran
    guard = json.loads(r.result["guard"])
    assert guard["tally"] == {"passed": 1, "failed": 1, "skipped": 0}, guard


# (a second review's routes, 2026-12-07, past the guard's duck typing)
GUARD_EVASIONS = {
    # the plugin manager's hook relay swapped for a stand-in whose vars()
    # holds no hook caller
    "hook_proxy": (PLANT + textwrap.dedent("""\
        class Proxy:
            def __init__(self, real):
                object.__setattr__(self, "_real", real)
            def __getattr__(self, name):
                return getattr(self._real, name)
            def __setattr__(self, name, value):
                setattr(self._real, name, value)

        def AFTER(item, done=[]):
            if not done:
                done.append(1)
                item.config.pluginmanager.hook = Proxy(item.config.pluginmanager.hook)
    """), "the plugin manager's hooks were replaced (Proxy)"),
    # each planted hook wrapped in an object whose class claims pytest's
    # code
    "fake_code": (PLANT + textwrap.dedent("""\
        import os, types

        def AFTER(item):
            pass

        class Disguised:
            __code__ = types.SimpleNamespace(co_filename=os.path.dirname(pytest.__file__) + "/python.py")
            def __init__(self, fn):
                self.fn = fn
            def __call__(self, *a):
                return self.fn(*a)

        def pytest_collection_modifyitems(config):
            for name, caller in list(vars(config.pluginmanager.hook).items()):
                for impl in caller.get_hookimpls():
                    if getattr(impl.function, "__module__", None) == __name__:
                        impl.function = Disguised(impl.function)

        for mod in list(sys.modules.values()):
            if (getattr(mod, "__file__", "") or "").endswith("tests/conftest.py"):
                mod.pytest_collection_modifyitems = pytest_collection_modifyitems
        del pytest_collection_modifyitems
    """), "comes from untrusted code"),
}


@pytest.mark.parametrize("name", sorted(GUARD_EVASIONS))
def test_the_guard_checks_exact_types(tmp_path, name):
    solution, finding = GUARD_EVASIONS[name]
    r = run(tmp_path, solution=solution, conftest="import solution\n",
            tests="import solution\n\n\ndef test_fails():\n    assert 1 == 2\n")
    guard = json.loads(r.result["guard"])
    assert r.outcomes()["test_fails"][0] == "passed", r.output[-3000:]
    assert any(finding in f for f in guard["findings"]), guard


def test_a_test_function_swapped_for_a_stand_in_is_seen(tmp_path):
    # no conftest: from inside a test call, through pytest's debugging
    # plugin's class attribute, every later test's function is wrapped in
    # an object whose __func__ is the original and which swallows failures
    r = run(tmp_path, solution=textwrap.dedent("""\
        class W:
            def __init__(self, fn):
                self.__func__ = fn
            def __call__(self, *a, **k):
                try:
                    self.__func__(*a, **k)
                except AssertionError:
                    pass

        def patch():
            import _pytest.debugging
            session = _pytest.debugging.pytestPDB._config.pluginmanager.get_plugin("session")
            for it in session.items:
                if not isinstance(it.obj, W):
                    it.obj = W(it.obj)
    """), tests="import solution\n\n\ndef test_a():\n    solution.patch()\n\n\ndef test_fails():\n    assert 1 == 2\n")
    guard = json.loads(r.result["guard"])
    assert r.outcomes()["test_fails"][0] == "passed", r.output[-3000:]
    assert "the function of test tests/test_solution.py::test_fails was replaced before it ran" in guard["findings"], guard


def test_the_guards_defaults_are_refused_through_inspect_too(tmp_path):
    r = run(tmp_path, solution=textwrap.dedent("""\
        import inspect, sys
        g = sys.modules["assay_guard"]
        OUT = []
        for f in (lambda: inspect.signature(g.pytest_unconfigure).parameters["_s"].default["token"],
                  lambda: inspect.getfullargspec(g.pytest_unconfigure).defaults[0]["token"]):
            try:
                OUT.append(f())
            except (PermissionError, TypeError):  # (inspect.signature raises TypeError from it)
                OUT.append("refused")
        # the candidate's own functions and pytest's are another matter
        def mine(a, b=2):
            return a
        OUT.append(str(inspect.signature(mine)))
        OUT.append(repr(sys.modules["_pytest.runner"].call_and_report.__defaults__))
    """), tests="import solution\n\n\ndef test_out():\n    assert solution.OUT == ['refused', 'refused', '(a, b=2)', '(True,)']\n")
    assert r.outcomes().get("test_out") == ("passed", ""), r.output[-3000:]
    assert len([s for s in r.seen if s.startswith("reading __defaults__ from")]) == 2, r.seen


@pytest.mark.parametrize("first", ["", "import sys; sys.modules['assay_guard']._TESTS = '/nowhere/'"])
def test_failure_report_keeps_no_test_lines_where_candidate_code_runs(tmp_path, first):
    # pytest formats a failure by reading the test file through linecache,
    # then calls str() of the exception, which may be the candidate's own
    # class: the file's lines must not be in linecache's plain dict then,
    # nor later (nor after the candidate changed the guard's globals)
    r = run(tmp_path, solution=first + "\n" + textwrap.dedent("""\
        import linecache

        SEEN = []

        def look():
            SEEN.extend(p for p in list(linecache.cache) if isinstance(p, str) and "tests/" in p)

        class Oops(Exception):
            def __str__(self):
                look()
                return "oops"

        def fail():
            raise Oops()

        def seen():
            look()
            return sorted(set(SEEN))

        # whoever stores a test file's lines (here by hand, under another
        # spelling of its path), the cache does not keep them
        linecache.cache["tests/./test_solution.py"] = (1, None, ["x = 1\\n"], "tests/./test_solution.py")
        """), tests=textwrap.dedent("""\
        import solution

        def test_a_fails():
            value = 1
            solution.fail()

        def test_b_fails_plainly():
            assert solution.seen() == [] and 1 == 2

        def test_c_saw_nothing():
            assert solution.seen() == []
        """))
    outcomes = r.outcomes()
    assert outcomes["test_a_fails"][0] == "failure" and "oops" in outcomes["test_a_fails"][1]
    # the reports still show the test's lines
    assert "solution.fail()" in outcomes["test_a_fails"][1], outcomes["test_a_fails"][1]
    assert "assert solution.seen() == [] and 1 == 2" in outcomes["test_b_fails_plainly"][1]
    assert outcomes["test_c_saw_nothing"][0] == "passed", outcomes["test_c_saw_nothing"]

def test_autospec_of_a_test_function_is_refused(tmp_path):
    # mock reads the __code__ of what it specs: a library's function is
    # public (test_mock), a test's is not, and mock reading it for the
    # candidate is the candidate's doing.
    r = run(tmp_path, solution="from unittest import mock\n\ndef spec(fn):\n    return mock.create_autospec(fn)\n",
            tests="import solution\n\ndef test_spec():\n    solution.spec(test_spec)\n")
    outcome, message = r.outcomes()["test_spec"]
    assert outcome == "failure" and "refused by the sandbox: reading __code__" in message, r.output[-3000:]
    assert r.seen and all("reading __code__" in s for s in r.seen), r.seen


DEFERRED_TESTS = """import solution


def test_one():
    assert solution.add(1, 2) == 3


def test_two():
    assert solution.add(1, 2) == 3
    assert solution.add(1, 2) == 3
"""


@pytest.mark.parametrize("name", sorted(n[:-3] for n in os.listdir(os.path.join(DATA, "deferred")) if n.endswith(".py")))
def test_trusted_code_doing_the_candidates_work(tmp_path, name):
    # An eighth review's routes (audit_data/deferred/): trusted code
    # running with the candidate's globals, handing what it reads to a
    # rebound module name, or called from C by a weakref callback while
    # only trusted frames run (compile, function(), currentframe). Each
    # writes leak.json if it got what it was after.
    r = run(tmp_path, solution=data(os.path.join("deferred", name + ".py")), tests=DEFERRED_TESTS)
    assert not (tmp_path / "work" / "leak.json").exists(), (tmp_path / "work" / "leak.json").read_text()[:2000]
    # (reported: a finding, whatever the tests did with the refusal)
    assert r.seen, r.output[-3000:]


def test_pytest_timeouts_stack_dump_hands_no_frame_on(tmp_path):
    # (a tenth review: dump_stacks took the main thread for another, and
    # formatted it with a StackSummary.extract of the candidate's)
    r = run(tmp_path, solution=data("timeout_dump_stacks.py"), tests=DEFERRED_TESTS, timeout=2)
    leak = tmp_path / "work" / "leak.json"
    assert not leak.exists() or json.loads(leak.read_text()) == [], leak.read_text()[:2000]
    assert r.seen, r.output[-3000:]


HONEST_AT_A_STORE = """import asyncio


async def bad():
    raise ValueError("x")


async def main():
    asyncio.ensure_future(bad())  # never awaited: its error is logged as it dies
    await asyncio.sleep(0.01)
    return 1


def fire_and_forget():
    return asyncio.run(main())
"""


def test_honest_finalizers_and_the_tests_own_files(tmp_path):
    # (a fifth review of this session's changes: a task that fails and is
    # never awaited dies at a store in asyncio's loop, and its finalizer
    # reprs the coroutine and formats the traceback through consumers; a
    # test compiling and running a file of its own; both were findings)
    tests = ("import os\nimport solution\n\n\ndef test_fire():\n    assert solution.fire_and_forget() == 1\n\n\n"
             "def test_exec_own_file():\n    p = os.path.join(os.path.dirname(__file__), 'gen_data.py')\n"
             "    ns = {}\n    exec(compile(open(p).read(), p, 'exec'), ns)\n    assert ns['VALUE'] == 3\n")
    r = run(tmp_path, solution=HONEST_AT_A_STORE, tests=tests, files={"tests/gen_data.py": "VALUE = 3\n"})
    assert r.seen == [], r.seen
    assert r.outcomes() == {"test_fire": ("passed", ""), "test_exec_own_file": ("passed", "")}, r.outcomes()


def test_tests_may_call_frame_takers_under_other_names(tmp_path):
    # (a tenth review: `from inspect import currentframe as here` in a test
    # was refused as a deferred call, a finding in an honest run)
    r = run(tmp_path, solution="def add(a, b):\n    return a + b\n", tests=data("aliased_frame_takers_tests.py"))
    assert r.seen == [], r.seen
    assert r.outcomes() and all(o[0] == "passed" for o in r.outcomes().values()), r.outcomes()


def test_candidate_reaching_pytest_frames_fails_its_test(tmp_path):
    r = run(tmp_path, solution=textwrap.dedent("""\
        import sys, inspect, traceback

        def report_locals():
            return sys._getframe(1).f_back.f_locals

        def via_inspect():
            return [f.frame.f_locals for f in inspect.stack()]

        def via_traceback():
            try:
                raise ValueError
            except ValueError as e:
                return e.__traceback__.tb_frame.f_back
        """), tests=textwrap.dedent("""\
        import pytest
        import solution

        @pytest.mark.parametrize("fn", ["report_locals", "via_inspect", "via_traceback"])
        def test_it(fn):
            getattr(solution, fn)()
        """))
    outcomes = r.outcomes()
    assert {o[0] for o in outcomes.values()} == {"failure"}, r.output
    assert all("refused by the sandbox" in o[1] for o in outcomes.values())
    assert r.seen == ["sys._getframe from solution.py:4", "sys._getframe from solution.py:7",
                      "reading tb_frame from solution.py:13"]


def test_a_trusted_generator_resumed_by_the_candidate(tmp_path):
    """A generator's frame gets a new f_back at each resumption: one that
    trusted code drove first is still checked when the candidate drives it."""
    r = run(tmp_path, solution=textwrap.dedent("""\
        def step(gen):
            return next(gen)
        """), tests=textwrap.dedent("""\
        import pytest
        import traceback
        import solution

        def make_tb():
            def a():
                b()
            def b():
                c()
            def c():
                raise ValueError
            try:
                a()
            except ValueError as e:
                return e.__traceback__

        def deep(n, fn):
            return fn() if n == 0 else deep(n - 1, fn)

        def test_resume():
            gen = traceback.walk_tb(make_tb())
            deep(12, lambda: next(gen))  # trusted, and the stack below is pytest's
            deep(12, lambda: next(gen))
            with pytest.raises(PermissionError):
                solution.step(gen)
        """))
    assert r.outcomes()["test_resume"][0] == "passed", r.output
    assert r.seen == ["reading tb_frame from solution.py:2"]


def test_exit_callback_cannot_replace_the_report(tmp_path):
    rep = tmp_path / "rep"
    r = run(tmp_path, solution=textwrap.dedent("""\
        import atexit, os
        FORGED = os.path.join(os.path.dirname(__file__), "forged.xml")
        with open(FORGED, "w") as f:
            f.write("<testsuites><testsuite tests='1'><testcase name='forged'/></testsuite></testsuites>")
        atexit.register(os.replace, FORGED, os.environ["ASSAY_TEST_REPORT_DIR"] + "/junit.xml")
        def f():
            return 1
        """), tests="import solution\n\ndef test_f():\n    assert solution.f() == 2\n")
    assert "forged" not in (rep / "junit.xml").read_text()
    assert r.outcomes()["test_f"][0] == "failure"
    assert any(s.startswith("os.rename on ") and s.endswith("from a callback run by the harness")
               for s in r.seen), r.seen


def test_import_time_tampering_is_refused(tmp_path):
    r = run(tmp_path, solution=textwrap.dedent("""\
        import gc, sys, threading
        RESULTS = {}
        try:
            gc.get_objects()
            RESULTS["gc"] = "LEAK"
        except PermissionError:
            RESULTS["gc"] = "refused"
        seen = []
        threading.settrace(lambda frame, event, arg: seen.append(frame))
        t = threading.Thread(target=lambda: None)
        t.start(); t.join()
        threading.settrace(None)
        RESULTS["settrace"] = "LEAK" if seen else "blocked"
        """), tests=textwrap.dedent("""\
        import solution

        def test_results():
            assert solution.RESULTS == {"gc": "refused", "settrace": "blocked"}
        """), conftest="import solution\n")
    assert r.outcomes()["test_results"][0] == "passed", r.output
    assert "gc.get_objects from solution.py:4" in r.seen


def test_signal_handlers_get_no_frame(tmp_path):
    r = run(tmp_path, solution=textwrap.dedent("""\
        import signal, time
        FRAMES = []
        signal.signal(signal.SIGPROF, lambda signum, frame: FRAMES.append(frame))
        signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)

        def spin():
            end = time.process_time() + 0.3
            while time.process_time() < end:
                pass
            signal.setitimer(signal.ITIMER_PROF, 0, 0)
            return FRAMES
        """), tests=textwrap.dedent("""\
        import solution

        def test_spin():
            frames = solution.spin()
            assert frames and all(f is None for f in frames)
        """), conftest="import solution\n")
    assert r.outcomes()["test_spin"][0] == "passed", r.output


def test_pytest_timeout_still_dumps_stacks(tmp_path):
    """pytest-timeout's SIGALRM handler dumps the other threads' stacks
    (sys._current_frames) while the candidate's frame is interrupted."""
    r = run(tmp_path, solution=textwrap.dedent("""\
        import threading, time
        threading.Thread(target=time.sleep, args=(60,), daemon=True, name="sleeper").start()

        def slow():
            time.sleep(60)
        """), tests="import solution\n\ndef test_slow():\n    solution.slow()\n", timeout=2)
    outcome, message = r.outcomes()["test_slow"]
    assert outcome == "failure" and "Timeout" in message, r.output
    assert "Stack of sleeper" in r.output and "in slow" in r.output
    assert r.seen == []


def test_reports_are_capped_and_never_block(tmp_path):
    r = run(tmp_path, mode="attacks", report_pipe=True, max_reports=20,
            files={"attacks.py": textwrap.dedent("""\
                import sys

                def attack_flood():
                    n = 0
                    for _ in range(20000):
                        try:
                            sys._getframe()
                        except PermissionError:
                            n += 1
                    return n
                """)})
    assert r.result["attacks"]["attack_flood"] == "ok: 20000", r.output[-3000:]
    assert len(r.audit) == 21 and r.seen[-1] == "more refusals, not reported"


def test_enforce_false_only_reports(tmp_path):
    r = run(tmp_path, mode="attacks", enforce=False, files={"attacks.py": textwrap.dedent("""\
        import gc

        def attack_gc():
            return len(gc.get_objects()) > 0
        """)})
    assert r.result["attacks"]["attack_gc"] == "ok: True"
    assert r.seen == ["gc.get_objects from attacks.py:4"]


def test_processes_can_be_allowed(tmp_path):
    r = run(tmp_path, mode="attacks", allow_processes=True, files={"attacks.py": textwrap.dedent("""\
        import subprocess

        def attack_run():
            return subprocess.run(["true"]).returncode
        """)})
    assert r.result["attacks"]["attack_run"] == "ok: 0"


def test_install_once(tmp_path):
    script = tmp_path / "twice.py"
    script.write_text(textwrap.dedent("""\
        import sys
        sys.path.insert(0, %r)
        import assay_audit

        def main():
            assay_audit.install(trusted_dirs=[%r, sys.prefix])
            try:
                assay_audit.install(trusted_dirs=["/"])
            except RuntimeError as e:
                print("second:", e)

        main()
        """ % (MODULE_DIR, MODULE_DIR)))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert "second: assay_audit is already installed" in proc.stdout, proc.stderr


def test_the_hook_looks_up_no_global_at_run_time():
    """The candidate can set attributes of assay_audit (a global named
    range or dict would shadow the builtin): every function the hook runs
    uses names captured at install, none looked up in the module."""
    import dis
    import types

    sys.path.insert(0, MODULE_DIR)
    try:
        import assay_audit
    finally:
        sys.path.remove(MODULE_DIR)

    def nested(code, path):
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                yield c, path + "/" + c.co_name
                yield from nested(c, path + "/" + c.co_name)

    found = {}
    for top in (assay_audit.install, assay_audit._sealed_call, assay_audit._method_entry):
        # (the stand-ins' own code too: it runs at every call of theirs)
        own = [(top.__code__, top.__name__)] if top is not assay_audit.install else []
        for code, path in own + list(nested(top.__code__, top.__name__)):
            names = {i.argval for i in dis.get_instructions(code) if i.opname == "LOAD_GLOBAL"}
            if names:
                found[path] = sorted(names)
    assert found == {}


# ---- the tests' source is not the candidate's to read ----------------------------------

READ_TESTS = '''\
import logging
import os
import traceback
import warnings

log = logging.getLogger("solution")


def open_directly():
    with open(os.path.join("tests", "test_solution.py")) as f:
        return f.read()


def through_linecache():
    import linecache
    return linecache.getlines(os.path.abspath(os.path.join("tests", "test_solution.py")))


def log_failure(fn):
    try:
        fn()
    except ValueError:
        log.exception("it failed")
        return traceback.format_exc()


def read_fixture():
    with open(os.path.join("fixtures", "data.txt")) as f:
        return f.read()
'''

READ_TESTS_TESTS = '''\
import pytest
import solution


def test_direct_read_is_refused():
    with pytest.raises(PermissionError):
        solution.open_directly()


def test_linecache_gets_nothing():
    assert solution.through_linecache() == []


def test_an_honest_traceback_still_formats():
    def boom():
        raise ValueError("SECRET_EXPECTATION = 41")
    text = solution.log_failure(boom)
    assert "ValueError: SECRET_EXPECTATION = 41" in text
    assert 'raise ValueError("SECRET' not in text  # the test's line is left out


def test_fixtures_stay_readable():
    assert solution.read_fixture() == "fixture\\n"
'''


def test_candidate_code_cannot_read_the_tests(tmp_path):
    r = run(tmp_path, solution=READ_TESTS, tests=READ_TESTS_TESTS)
    outcomes = r.outcomes()
    assert all(o[0] == "passed" for o in outcomes.values()), (outcomes, r.output[-3000:])
    assert len(outcomes) == 4
    # the direct read is reported; linecache's reads for a traceback are not
    assert len(r.seen) == 1 and "reading" in r.seen[0] and "test_solution.py" in r.seen[0], r.seen


# ---- hidden test modules read from memory (the harness's lock_tests) ----------------------

LOCKED_SOLUTION = '''\
import os, pathlib, sys, threading, linecache
GOT = []


def grab():
    # copies every descriptor pytest opens, as it reads the next test module
    while not GOT:
        for n in range(3, 64):
            try:
                m = os.dup(n)
            except OSError:
                continue
            try:
                if "/tests/test_locked" in os.readlink("/proc/self/fd/%d" % m):
                    GOT.append(os.pread(m, 4096, 0))
            except OSError:
                pass
            finally:
                os.close(m)


threading.Thread(target=grab, daemon=True).start()


def peek():
    out = {}
    path = sys.modules["tests.test_locked"].__file__ if "tests.test_locked" in sys.modules else \\
        [m for n, m in sys.modules.items() if n.endswith("test_locked")][0].__file__
    out["linecache"] = linecache.getlines(path)
    try:
        out["rewrite"] = sys.modules["_pytest.assertion.rewrite"]._rewrite_test(pathlib.Path(path), None)
    except PermissionError as e:
        out["rewrite"] = str(e)
    return out
'''

LOCKED_TESTS = '''\
import time

import solution

EXPECTED = "the secret 4242"


def test_peek():
    out = solution.peek()
    print("PEEK", out)
    assert out["linecache"] == [] and out["rewrite"].startswith("refused by the sandbox: reading")


def test_nothing_copied():
    time.sleep(0.05)  # (the thread had the whole collection of 150 more tests)
    assert solution.GOT == []


def test_fails_with_its_line():
    assert len(EXPECTED) == 3, "the message"
''' + "".join("\n\ndef test_filler_%d():\n    assert %d == %d\n" % (i, i, i) for i in range(150))


def test_locked_test_modules_run_from_memory(tmp_path):
    r = run(tmp_path, solution=LOCKED_SOLUTION, tests="import solution\n\n\ndef test_first():\n    pass\n",
            files={"tests/test_locked.py": LOCKED_TESTS}, lock=["tests/test_locked.py"])
    outcomes = r.outcomes()
    # collected and rewritten from memory (the disk holds a decoy)
    assert len(outcomes) == 154, r.output[-3000:]
    assert outcomes["test_peek"][0] == "passed", outcomes["test_peek"]
    # the thread that copied every descriptor pytest opened never saw it
    assert outcomes["test_nothing_copied"][0] == "passed", outcomes["test_nothing_copied"]
    # the report shows the assertion's explanation, not the source line
    # (linecache is not given the module: here it reads the decoy)
    message = outcomes["test_fails_with_its_line"][1]
    assert "AssertionError: the message" in message and "where 15 = len(" in message, message
    assert "assert len(EXPECTED) == 3" not in message, message
    # the direct call was refused and reported; linecache's, quietly
    assert [s for s in r.seen if "test_locked.py" in s] == [
        "reading %s from solution.py:31" % (tmp_path / "work" / "tests" / "test_locked.py")], r.seen


def test_locked_test_modules_are_read_from_disk_without_the_hook_s_sources(tmp_path):
    # (the test above can fail: without sources, pytest reads the decoy)
    r = run(tmp_path, solution=LOCKED_SOLUTION, tests="import solution\n\n\ndef test_first():\n    pass\n",
            files={"tests/test_locked.py": LOCKED_TESTS}, lock=["tests/test_locked.py"], lock_sources=False)
    assert set(r.outcomes()) == {"test_first"}, r.output[-2000:]


def test_a_fixture_s_chdir_races_no_relative_read(tmp_path):
    """The candidate's thread opens a relative name in a loop while a test
    (trusted: allowed to chdir, other threads or not) moves between a
    harmless directory and the work directory."""
    decoy = tmp_path / "decoy"
    (decoy / "tests").mkdir(parents=True)
    (decoy / "tests" / "test_solution.py").write_text("decoy\n")
    r = run(tmp_path, solution=textwrap.dedent("""\
        import threading
        GOT, STOP, TRIES = [], [], [0]

        def read():
            while not STOP:
                TRIES[0] += 1
                try:
                    with open("tests/test_solution.py") as f:
                        text = f.read()
                except (PermissionError, FileNotFoundError):
                    continue
                if text != "decoy\\n":
                    GOT.append(len(text))

        def start():
            t = threading.Thread(target=read, daemon=True)
            t.start()
            return t
        """), tests=textwrap.dedent("""\
        import os
        import time
        import solution

        def test_flip():
            here = os.getcwd()
            t = solution.start()
            end = time.monotonic() + 1.5
            flips = 0
            while time.monotonic() < end and not solution.GOT:
                os.chdir(%r)
                os.chdir(here)
                flips += 1
                time.sleep(0)  # (lets the reader run)
            solution.STOP.append(1)
            t.join()
            print("FLIPS", flips, "TRIES", solution.TRIES)
            assert solution.GOT == [] and flips > 100 and solution.TRIES[0] > 50
        """ % str(decoy)), conftest="import solution\n")
    assert r.outcomes()["test_flip"][0] == "passed", r.output[-3000:]
    # (the reads made in the work directory are refused and reported)
    assert r.seen and all(s.startswith("reading ") or s == "more refusals, not reported" for s in r.seen), r.seen


PLANTED_PYC = r'''
import importlib.util, marshal, os, sys

TESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests")
PFX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pfx")
MARKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ran-as-trusted")
# Code claiming a test module's own file name: run from pytest's cache of
# rewritten tests, it would be trusted code (gc, frames, the hook's state).
PAYLOAD = "open(%r, 'w').write('ran')\nimport gc\ngc.get_objects()\n" % MARKER


def plant(name):
    target = os.path.join(TESTS, name)
    fake = target.replace("/tests/", "/tesTs/")  # same length, not trusted
    raw = marshal.dumps(compile(PAYLOAD, fake, "exec")).replace(fake.encode(), target.encode())
    st = os.stat(target)  # (stat works on mode 000)
    hdr = importlib.util.MAGIC_NUMBER + bytes(4) + (int(st.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") \
        + (st.st_size & 0xFFFFFFFF).to_bytes(4, "little")
    import pytest
    d = PFX + TESTS
    os.makedirs(d, exist_ok=True)
    tag = "%s-pytest-%s" % (sys.implementation.cache_tag, pytest.__version__)
    with open(os.path.join(d, name[:-3] + "." + tag + ".pyc"), "wb") as f:
        f.write(hdr + raw)


for n in os.listdir(TESTS):
    if n.startswith("test_") and n.endswith(".py"):
        plant(n)
sys.pycache_prefix = PFX


def closure_bytes():
    """Every bytes object reachable from the rewriter's closures."""
    import _pytest.assertion.rewrite as rw
    seen, out, todo = set(), [], [rw._rewrite_test, rw._read_pyc]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if type(x) is bytes:
            out.append(x)
        elif type(x) in (dict, list, tuple, set, frozenset):
            todo.extend(x.values() if type(x) is dict else x)
        elif callable(x) and not isinstance(x, type):
            for attr in ("__closure__", "__defaults__", "__kwdefaults__"):
                try:
                    v = getattr(x, attr, None)
                except PermissionError:
                    continue  # Assay's own functions' defaults: refused to the candidate
                if v:
                    todo.extend(c.cell_contents for c in v if hasattr(c, "cell_contents")) \
                        if attr == "__closure__" else todo.extend(v.values() if type(v) is dict else v)
    return out
'''


def test_a_planted_pyc_is_never_run_and_the_rewriter_holds_no_module(tmp_path):
    r = run(tmp_path, solution=PLANTED_PYC, tests="import solution\n\n\ndef test_first():\n    pass\n",
            files={"tests/test_locked.py": "import solution\n\nEXPECTED = 'SECRET-4242'\n\n\n"
                   "def test_locked():\n    assert not any(b'SECRET' in b for b in solution.closure_bytes())\n"},
            lock=["tests/test_locked.py"])
    assert r.outcomes() == {"test_first": ("passed", ""), "test_locked": ("passed", "")}, r.output[-3000:]
    assert not (tmp_path / "work" / "ran-as-trusted").exists()


def test_a_test_helper_module_under_tests_imports(tmp_path):
    # (the built-in challenges' tests import tests/strict.py: importlib
    # reads it with io.open_code, which the check of a read of a hidden
    # module with no candidate frame below first took for a C slot's)
    tests = "from tests.strict_helper import same\nimport solution\n\n\ndef test_add():\n    assert same(solution.add(1, 2), 3)\n"
    r = run(tmp_path, solution="def add(a, b):\n    return a + b\n", tests=tests,
            files={"tests/strict_helper.py": "def same(a, b):\n    return type(a) is type(b) and a == b\n",
                   "tests/__init__.py": ""})
    assert r.seen == [], r.seen
    assert r.outcomes() == {"test_add": ("passed", "")}, r.output[-3000:]
