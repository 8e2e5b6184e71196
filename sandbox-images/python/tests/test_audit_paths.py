"""The audit hook's judgement of paths (resolve in assay_audit.py): the
kernel names an existing path (or the directory of a missing last
component) in a fixed number of system calls, whatever its depth, and the
verdicts are those of the component-by-component walk it replaces.

Each case runs a script in a fresh interpreter. The script wraps os.lstat,
os.stat, os.readlink and os.open before install() captures them (the
seam: the hook calls what it captured), so it can count the hook's calls
and, in "walk" mode, make every O_PATH open fail as with no descriptor
left, which sends every path to the walk. A helper process forked before
install (so without the hook) swaps links between two judged calls.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_DIR = os.path.dirname(HERE)
DEPTH = 60

SCRIPT = textwrap.dedent('''\
    import errno
    import json
    import os
    import pathlib
    import sys

    sys.path.insert(0, sys.argv[1])
    root, mode, depth = sys.argv[2], sys.argv[3], int(sys.argv[4])
    import assay_audit

    work = os.path.join(root, "work")
    tests = os.path.join(work, "tests")
    scratch = os.path.join(work, "scratch")
    os.makedirs(tests)
    os.makedirs(scratch)
    with open(os.path.join(tests, "test_x.py"), "w") as f:
        f.write("SECRET = 1\\n")
    deep = os.path.join(work, "deep")
    for _ in range(depth):
        deep = os.path.join(deep, "d")
    os.makedirs(deep)
    # Links the candidate could not make itself (the hook refuses them),
    # as if left by some way it found.
    os.symlink(tests, os.path.join(deep, "to_tests"))
    os.symlink(os.path.join(tests, "new_file.py"), os.path.join(deep, "dangling"))
    os.symlink(os.path.join(tests, "newdir"), os.path.join(deep, "dangling_dir"))
    os.symlink(scratch, os.path.join(work, "sw"))
    os.symlink("loop2", os.path.join(work, "loop1"))
    os.symlink("loop1", os.path.join(work, "loop2"))
    # a chain of links, the last one relative and into the tests
    os.symlink("../tests", os.path.join(scratch, "rel"))
    os.symlink(os.path.join(scratch, "rel"), os.path.join(deep, "chain"))

    # The swapper: forked before install, so the hook is not in it.
    cmd_r, cmd_w = os.pipe()
    ack_r, ack_w = os.pipe()
    if os.fork() == 0:
        os.close(cmd_w)  # (so that it sees the end when the script exits)
        os.close(ack_r)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        while True:
            line = b""
            while not line.endswith(b"\\n"):
                b = os.read(cmd_r, 1)
                if not b:
                    os._exit(0)
                line += b
            link, target = json.loads(line)
            os.remove(link)
            os.symlink(target, link)
            os.write(ack_w, b"k")

    def swap(link, target):
        os.write(cmd_w, (json.dumps([link, target]) + "\\n").encode())
        os.read(ack_r, 1)

    counts = {"lstat": 0, "stat": 0, "readlink": 0, "open": 0}
    real = {"lstat": os.lstat, "stat": os.stat, "readlink": os.readlink}

    def counting(name):
        fn = real[name]

        def wrapper(*a, **k):
            counts[name] += 1
            return fn(*a, **k)
        return wrapper

    os.lstat, os.stat = counting("lstat"), counting("stat")
    real_open = os.open
    path_fds = set()

    def opener(path, flags, *a, **k):
        counts["open"] += 1
        if mode == "walk" and flags & os.O_PATH:
            raise OSError(errno.EMFILE, "no descriptor left (the test says)")
        fd = real_open(path, flags, *a, **k)
        if flags & os.O_PATH:
            path_fds.add("/proc/self/fd/%d" % fd)
        return fd

    def reader(path, *a, **k):
        counts["readlink"] += 1
        if mode == "lying" and path in path_fds:
            # As if another thread had closed the hook's descriptor and
            # opened something else under its number before the readlink.
            return scratch
        return real["readlink"](path, *a, **k)

    os.open, os.readlink = opener, reader

    results = {}
    calls = {}

    def attempt(name, fn):
        for k in counts:
            counts[k] = 0
        try:
            fn()
            results[name] = "ok"
        except PermissionError as e:
            results[name] = "refused" if "refused by the sandbox" in str(e) else "error: PermissionError"
        except OSError as e:
            results[name] = "error: " + (errno.errorcode.get(e.errno) or type(e).__name__)
        calls[name] = dict(counts)

    def write(p):
        with open(p, "w") as f:
            f.write("x")

    def read(p):
        with open(p) as f:
            f.read()

    def main():
        assay_audit.install(work=work, trusted_dirs=[os.path.dirname(os.__file__)],
                            protected=[tests], unreadable=[tests], report_fd=-1)
        D = deep
        attempt("mkdir_shallow", lambda: os.mkdir(os.path.join(scratch, "new")))
        attempt("mkdir_deep", lambda: os.mkdir(os.path.join(D, "new")))
        attempt("write_deep_new", lambda: write(os.path.join(D, "new.txt")))
        attempt("write_deep_existing", lambda: write(os.path.join(D, "new.txt")))
        attempt("write_shallow_existing", lambda: write(os.path.join(scratch, "w.txt")))
        attempt("write_shallow_existing2", lambda: write(os.path.join(scratch, "w.txt")))
        attempt("mkdir_through_link", lambda: os.mkdir(os.path.join(D, "to_tests", "new")))
        attempt("write_through_link", lambda: write(os.path.join(D, "to_tests", "x.py")))
        attempt("overwrite_through_link", lambda: write(os.path.join(D, "to_tests", "test_x.py")))
        attempt("write_dangling", lambda: write(os.path.join(D, "dangling")))
        attempt("write_dangling_slash", lambda: os.mkdir(os.path.join(D, "dangling") + "/"))
        attempt("mkdir_under_dangling_dir", lambda: os.mkdir(os.path.join(D, "dangling_dir", "sub")))
        attempt("mkdir_missing_chain", lambda: os.mkdir(os.path.join(D, "to_tests", "a", "b")))
        attempt("write_missing_chain", lambda: write(os.path.join(D, "to_tests", "a", "b", "c.py")))
        attempt("write_through_chain", lambda: write(os.path.join(D, "chain", "x.py")))
        attempt("mkdir_through_chain", lambda: os.mkdir(os.path.join(D, "chain", "n")))
        attempt("makedirs_deep", lambda: os.makedirs(os.path.join(D, "x1", "x2", "x3")))
        attempt("makedirs_through_link", lambda: os.makedirs(os.path.join(D, "to_tests", "m1", "m2")))
        attempt("mkdir_pathlike", lambda: os.mkdir(pathlib.Path(D) / "p"))
        attempt("mkdir_bytes", lambda: os.mkdir(os.fsencode(os.path.join(D, "b"))))
        attempt("mkdir_bytes_link", lambda: os.mkdir(os.fsencode(os.path.join(D, "to_tests", "b"))))
        attempt("rename_into_link", lambda: os.rename(os.path.join(scratch, "w.txt"),
                                                      os.path.join(D, "to_tests", "w.txt")))
        attempt("remove_through_link", lambda: os.remove(os.path.join(D, "to_tests", "test_x.py")))
        attempt("symlink_into_link", lambda: os.symlink("/tmp", os.path.join(D, "to_tests", "l")))
        attempt("symlink_target_through_link",
                lambda: os.symlink(os.path.join(D, "to_tests", "f"), os.path.join(scratch, "l2")))
        attempt("write_loop", lambda: write(os.path.join(work, "loop1", "x")))
        # (reads by relative names: an absolute one whose words do not
        # name the tests is let through unresolved, the candidate cannot
        # make a link to them)
        os.chdir(D)
        attempt("read_through_link", lambda: read(os.path.join("to_tests", "test_x.py")))
        attempt("read_through_chain", lambda: read(os.path.join("chain", "test_x.py")))
        os.chdir(work)
        # a link that changes between two calls: judged where it leads
        # each time, nothing remembered
        sw = os.path.join(work, "sw")
        attempt("swap_1_scratch", lambda: write(os.path.join(sw, "f")))
        swap(sw, tests)
        attempt("swap_2_tests", lambda: write(os.path.join(sw, "g")))
        attempt("swap_2_tests_mkdir", lambda: os.mkdir(os.path.join(sw, "g")))
        attempt("swap_2_tests_read", lambda: read(os.path.join("sw", "test_x.py")))
        swap(sw, scratch)
        attempt("swap_3_scratch", lambda: write(os.path.join(sw, "h")))
        swap(sw, os.path.join(tests, "not_yet"))  # dangling now
        attempt("swap_4_dangling", lambda: write(sw))
        swap(sw, scratch)
        # relative names against a working directory the candidate moves
        os.chdir(D)
        attempt("rel_mkdir", lambda: os.mkdir("fresh"))
        attempt("rel_write_link", lambda: write(os.path.join("to_tests", "y.py")))
        attempt("rel_mkdir_link", lambda: os.mkdir(os.path.join("to_tests", "y")))
        os.chdir(os.path.join(D, "to_tests"))
        attempt("cwd_in_tests_write", lambda: write("z.py"))
        attempt("cwd_in_tests_mkdir", lambda: os.mkdir("z"))
        attempt("cwd_in_tests_read", lambda: read("test_x.py"))
        attempt("proc_self_cwd_read", lambda: read("/proc/self/cwd/test_x.py"))
        attempt("proc_self_cwd_write", lambda: write("/proc/self/cwd/z.py"))
        os.chdir(scratch)
        fd = real_open(os.path.join(tests, "test_x.py"), os.O_RDONLY)  # (not the candidate's)
        attempt("proc_self_fd_read", lambda: read("/proc/self/fd/%d" % fd))
        attempt("proc_self_fd_write", lambda: write("/proc/self/fd/%d" % fd))
        print(json.dumps({"results": results, "calls": calls}))
        sys.stdout.flush()
        os._exit(0)

    main()
    ''')

EXPECTED = {
    "mkdir_shallow": "ok", "mkdir_deep": "ok", "write_deep_new": "ok", "write_deep_existing": "ok",
    "write_shallow_existing": "ok", "write_shallow_existing2": "ok",
    "mkdir_through_link": "refused", "write_through_link": "refused", "overwrite_through_link": "refused",
    "write_dangling": "refused", "write_dangling_slash": "refused", "mkdir_under_dangling_dir": "refused",
    "mkdir_missing_chain": "refused", "write_missing_chain": "refused",
    "write_through_chain": "refused", "mkdir_through_chain": "refused",
    "makedirs_deep": "ok", "makedirs_through_link": "refused",
    "mkdir_pathlike": "ok", "mkdir_bytes": "ok", "mkdir_bytes_link": "refused",
    "rename_into_link": "refused", "remove_through_link": "refused",
    "symlink_into_link": "refused", "symlink_target_through_link": "refused",
    # not judged a write into the tests (the links loop: the open fails)
    "write_loop": "error: ELOOP",
    "read_through_link": "refused", "read_through_chain": "refused",
    "swap_1_scratch": "ok", "swap_2_tests": "refused", "swap_2_tests_mkdir": "refused",
    "swap_2_tests_read": "refused", "swap_3_scratch": "ok", "swap_4_dangling": "refused",
    "rel_mkdir": "ok", "rel_write_link": "refused", "rel_mkdir_link": "refused",
    "cwd_in_tests_write": "refused", "cwd_in_tests_mkdir": "refused", "cwd_in_tests_read": "refused",
    "proc_self_cwd_read": "refused", "proc_self_cwd_write": "refused",
    "proc_self_fd_read": "refused", "proc_self_fd_write": "refused",
}


def run_script(tmp_path, mode, depth=DEPTH):
    script = tmp_path / "paths.py"
    script.write_text(SCRIPT)
    root = tmp_path / mode
    root.mkdir()
    proc = subprocess.run([sys.executable, str(script), MODULE_DIR, str(root), mode, str(depth)],
                          capture_output=True, text=True, timeout=120, cwd=str(tmp_path),
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"), stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_descriptor_swapped_under_the_hook_is_caught(tmp_path):
    """The name read from /proc/self/fd must lead where the path does, or
    the path goes the old way."""
    assert run_script(tmp_path, "lying")["results"] == EXPECTED


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    return (run_script(tmp_path_factory.mktemp("kernel"), "kernel"),
            run_script(tmp_path_factory.mktemp("walk"), "walk"))


def test_verdicts_are_as_expected(both):
    kernel, _ = both
    assert kernel["results"] == EXPECTED


def test_the_walk_gives_the_same_verdicts(both):
    """With no O_PATH descriptor to be had, every path goes the old way:
    the same verdicts."""
    kernel, walk = both
    assert walk["results"] == kernel["results"]


def hook_calls(c):
    return c["lstat"] + c["stat"] + c["readlink"] + c["open"]


def test_a_deep_path_costs_a_fixed_number_of_calls(both):
    kernel, walk = both
    calls = kernel["calls"]
    # a new directory and a new file: lstat (missing), the directory's
    # O_PATH open, its readlink and two stats to check it
    for name in ("mkdir_shallow", "mkdir_deep", "write_deep_new"):
        assert calls[name] == {"lstat": 1, "open": 1, "readlink": 1, "stat": 2}, (name, calls[name])
    # an existing file: the same, on the file itself
    assert calls["write_deep_existing"] == calls["write_shallow_existing2"] \
        == {"lstat": 1, "open": 1, "readlink": 1, "stat": 2}
    # the walk pays an lstat per component
    assert walk["calls"]["mkdir_deep"]["lstat"] > DEPTH
    assert hook_calls(walk["calls"]["mkdir_deep"]) >= hook_calls(walk["calls"]["mkdir_shallow"]) + DEPTH


def test_the_count_does_not_grow_with_depth(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "l").mkdir()
    shallow = run_script(tmp_path / "s", "kernel", depth=3)
    deeper = run_script(tmp_path / "l", "kernel", depth=150)
    assert shallow["results"] == deeper["results"] == EXPECTED
    for name in ("mkdir_deep", "write_deep_new", "write_deep_existing", "makedirs_deep", "rel_mkdir"):
        assert shallow["calls"][name] == deeper["calls"][name], name
