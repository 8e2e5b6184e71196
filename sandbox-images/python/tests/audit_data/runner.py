"""Runs like the harness's zygote_main: installs the audit hook in the frame
that then calls pytest.main (or, with "mode": "attacks", imports the
candidate's attacks.py and calls each attack_* function in turn).

Usage: python3 runner.py CONFIG_JSON
config: {"module_dir", "work", "report_dir", "mode": "pytest"|"attacks",
         "args": [...], "candidate_files": [...], "hook": true|false,
         "extra_trusted": [...], "enforce": true}
Writes the audit reports to report_dir/audit.jsonl, pytest's junit report to
report_dir/junit.xml and (attacks mode) the results to report_dir/attacks.json.
"""

import json
import os
import signal
import site
import sys
import sysconfig
import time

cfg = json.loads(sys.argv[1])
module_dir = cfg["module_dir"]
work = cfg["work"]
report_dir = cfg["report_dir"]
sys.path[:0] = [module_dir, work]
os.chdir(work)
sys.dont_write_bytecode = True

t0 = time.perf_counter()
import ctypes  # noqa: E402  (as the harness: its module globals hold ctypes and a CDLL)
import importlib  # noqa: E402

LIBC = ctypes.CDLL(None, use_errno=True)
import pytest  # noqa: E402

for name in ("pytest_timeout", "_pytest.config", "_pytest.main", "_pytest.python", "_pytest.runner",
             "_pytest.junitxml", "_pytest.terminal", "_pytest.fixtures", "_pytest.assertion.rewrite",
             "_pytest.skipping", "_pytest.reports", "_pytest.outcomes", "pluggy", "asyncio",
             "concurrent.futures", "logging", "decimal", "unittest.mock", "dataclasses", "typing",
             "json", "csv", "xml.etree.ElementTree", "multiprocessing", "pdb", "faulthandler"):
    importlib.import_module(name)

# The guard, as the harness loads it: a token pipe and a report pipe.
token_r, token_w = os.pipe()
guard_r, guard_w = os.pipe()
os.write(token_w, b"tok123")
os.close(token_w)
os.environ["ASSAY_GUARD_TOKEN_FD"] = str(token_r)
os.environ["ASSAY_GUARD_OUT_FD"] = str(guard_w)
os.set_inheritable(guard_w, True)

trusted = [sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"], module_dir,
           os.path.join(work, "tests"), os.path.join(work, "fixtures")]
trusted += site.getsitepackages() + cfg.get("extra_trusted", [])
protected = [os.path.join(work, "tests"), os.path.join(work, "fixtures"), report_dir]
protected += [os.path.join(work, p) for p in cfg.get("provided", [])]
trusted += [os.path.join(work, p) for p in cfg.get("provided", [])]  # as the harness: provided modules
# What the harness hands the guard (it reads the audit hook's list).
os.environ["ASSAY_AUDIT"] = json.dumps({"trusted": trusted, "protected": protected,
                                        "candidate": cfg.get("candidate_files", [])})
os.environ["ASSAY_GUARD_CONFTESTS"] = json.dumps(sorted(
    os.path.join(d, "conftest.py") for d, _, files in os.walk(os.path.join(work, "tests")) if "conftest.py" in files))
if cfg.get("report_pipe"):
    # As in production: a pipe, here one nobody reads until the end.
    audit_r, audit_fd = os.pipe()
else:
    audit_r = None
    audit_fd = os.open(os.path.join(report_dir, "audit.jsonl"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)


import assay_audit  # noqa: E402
import harness  # noqa: E402
import types  # noqa: E402

# As the harness's preload: ctypes' classes out of __subclasses__' reach.
if cfg.get("unlink_ctypes", True):
    harness.unlink_ctypes_classes()

# A module that holds ctypes and does not change after the list main()
# is given is taken (the harness's own modules are like it).
sys.modules["c_holder"] = types.ModuleType("c_holder")
sys.modules["c_holder"].CDLL, sys.modules["c_holder"].libc, sys.modules["c_holder"].kept = ctypes.CDLL, LIBC, 1

def locked_sources():
    """As the harness's lock_tests: the modules named by "lock" are handed
    to the hook from memory. This test runs as root, which mode 000 does
    not stop, so the disk gets a decoy instead: whatever reads the disk
    (pytest, had it not used memory; the candidate) finds no test there."""
    sources = {}
    for rel in cfg.get("lock", []):
        path = os.path.join(work, rel)
        with open(path, "rb") as f:
            sources[path] = f.read()
        with open(path, "w") as f:
            f.write("DECOY = 'read from disk'\n")
        os.chmod(path, 0)
    return sources if cfg.get("lock_sources", True) else {}


def main(known):
    sources = locked_sources()
    # As the harness's zygote before install: Python's own SIGINT handler
    # (a job started in the background has SIGINT ignored), and any the
    # case names (a C handler, installed before the hook is on).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for name, handler in cfg.get("pre_signals", {}).items():
        signal.signal(getattr(signal, name), getattr(signal, handler))
    plugins = [importlib.import_module("assay_guard"), importlib.import_module("pytest_timeout")]
    if cfg.get("hook", True):
        assay_audit.install(work=work, candidate_files=cfg.get("candidate_files", []),
                            trusted_dirs=trusted, protected=protected, report_fd=audit_fd,
                            enforce=cfg.get("enforce", True),
                            allow_processes=cfg.get("allow_processes", False),
                            quiet_processes=cfg.get("quiet_processes", False),
                            trusted_programs=cfg.get("trusted_programs", True),
                            max_reports=cfg.get("max_reports", 50),
                            unreadable=[os.path.join(work, "tests")], ctypes_known=known,
                            sources=sources)
    t1 = time.perf_counter()
    if cfg.get("mode", "pytest") == "pytest":
        args = ["-c", os.path.join(module_dir, "pytest.ini"), "--rootdir", work, "-p", "no:cacheprovider",
                "--timeout", str(cfg.get("timeout", 30)), "--import-mode=importlib",
                "--junitxml", os.path.join(report_dir, "junit.xml"),
                "-q", "--tb=short", "-rfE", "--color=no"] + cfg.get("args", ["tests"])
        code = pytest.main(args, plugins=plugins)
        results = None
    else:
        import attacks
        results = {}
        for name in sorted(dir(attacks)):
            if not name.startswith("attack_") or (cfg.get("only") and name not in cfg["only"]) \
                    or name in cfg.get("skip", ()):
                continue
            os.chdir(work)
            try:
                value = getattr(attacks, name)()
                results[name] = "ok: " + repr(value)[:200]
            except BaseException as e:  # noqa: B902
                if isinstance(e, (PermissionError, ModuleNotFoundError)) and "refused by the sandbox" in str(e):
                    results[name] = "refused: " + str(e)[:300]
                else:
                    results[name] = "error: %s: %s" % (type(e).__name__, str(e)[:300])
        code = 0
    t2 = time.perf_counter()
    finish(code, results, t0, t1, t2)
    # As zygote_main ends: nothing else runs in this frame.
    import atexit
    import threading
    try:
        threading._shutdown()
    except Exception:
        pass
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))


def finish(code, results, t0, t1, t2):
    if audit_r is not None:
        os.close(audit_fd)
        with open(os.path.join(report_dir, "audit.jsonl"), "wb") as f:
            while True:
                b = os.read(audit_r, 65536)
                if not b:
                    break
                f.write(b)
    os.close(guard_w)
    guard = b""
    while True:
        b = os.read(guard_r, 65536)
        if not b:
            break
        guard += b
    with open(os.path.join(report_dir, "result.json"), "w") as f:
        json.dump({"code": int(code), "attacks": results, "guard": guard.decode(),
                   "startup": t1 - t0, "run": t2 - t1}, f)

# As the harness: where ctypes is held, taken before anything untrusted runs
# (unless the case says to let install scan every module itself).
main(assay_audit.ctypes_references() if cfg.get("scan_ahead", True) else None)
