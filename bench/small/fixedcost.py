#!/usr/bin/env python3
"""Measures the parts of a submission's fixed cost one by one, without the
harness or the sandbox's code: docker create/start/rm of the sandbox image
alone, and inside one container (and on the host, for comparison) an
interpreter's start, pytest's import, the harness's preload, an empty
pytest session, and one small suite as one pytest session against two
(visible, then hidden). Medians of N runs; CPU is the children's rusage.

    /usr/bin/python3 bench/small/fixedcost.py [N] [SUITE]

Run it on a quiet machine, or alternate it with itself: absolute times
move with the load.
"""

import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

IMAGE = os.environ.get("ASSAY_IMAGE", "assay/python:latest")
HERE = pathlib.Path(__file__).resolve().parent
N = int(sys.argv[1]) if len(sys.argv) > 1 else 10
SUITE = sys.argv[2] if len(sys.argv) > 2 else "small-slugify-4"

# Runs inside the container (and on the host): each command N times,
# median wall and CPU in ms. The suite's files are in sys.argv[2].
INNER = r'''
import json, os, resource, shutil, statistics, subprocess, sys, time
n, src = int(sys.argv[1]), sys.argv[2]
work = "/tmp/fc"
shutil.rmtree(work, ignore_errors=True)
shutil.copytree(src, work)
empty = "/tmp/fc-empty"
os.makedirs(empty + "/tests", exist_ok=True)
open(empty + "/tests/test_e.py", "w").write("def test_e():\n    pass\n")
env = dict(os.environ, PYTHONPATH=work, PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", LANGUAGE="C")
py = "/usr/bin/python3"
opts = ["-p", "no:cacheprovider", "-p", "pytest_timeout", "--timeout", "10", "--import-mode=importlib", "-q", "-o", "python_files=test_*.py"]
preload = "import sys; sys.path.insert(0, '/opt/assay'); import harness; harness.preload()"
cases = {
    "python3 -I -c pass": [[py, "-I", "-c", "pass"]],
    "import pytest": [[py, "-I", "-c", "import pytest"]],
    "harness preload": [[py, "-I", "-c", preload]] if os.path.exists("/opt/assay/harness.py") else None,
    "empty pytest session": [[py, "-m", "pytest"] + opts + ["--rootdir", empty, empty + "/tests"]],
    "suite, one session": [[py, "-m", "pytest"] + opts + ["--rootdir", work, "tests"]],
    "suite, two sessions": [[py, "-m", "pytest"] + opts + ["--rootdir", work, "tests/visible"],
                            [py, "-m", "pytest"] + opts + ["--rootdir", work, "tests/hidden"]],
}
out = {}
for name, cmds in cases.items():
    if cmds is None:
        continue
    walls, cpus = [], []
    for _ in range(n):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        for c in cmds:
            subprocess.run(c, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append((time.monotonic() - t0) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000)
    out[name] = (statistics.median(walls), statistics.median(cpus))
print(json.dumps(out))
'''


def engine_cpu():
    s = 0.0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            comm = open("/proc/%s/comm" % p).read().strip()
            if comm in ("dockerd", "containerd"):
                f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
                s += (int(f[11]) + int(f[12])) / 100
        except OSError:
            pass
    return s


def ms(t0):
    return (time.monotonic() - t0) * 1000


def docker_cycle():
    """create, start (attached, waits for the exit), rm of the image running `true`."""
    t0 = time.monotonic()
    cid = subprocess.run(["docker", "create", "--network", "none", IMAGE, "true"], check=True, capture_output=True, text=True).stdout.strip()
    create = ms(t0)
    t0 = time.monotonic()
    subprocess.run(["docker", "start", "-a", cid], check=True, capture_output=True)
    start = ms(t0)
    t0 = time.monotonic()
    subprocess.run(["docker", "rm", cid], check=True, capture_output=True)
    return create, start, ms(t0)


def main():
    suite = HERE / "suites" / SUITE
    files = tempfile.mkdtemp(prefix="assay-fixedcost-")
    shutil.copytree(suite / "tests", files + "/tests")
    shutil.copy(suite / "reference/solution.py", files)
    os.chmod(files, 0o755)
    for root, dirs, fs in os.walk(files):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in fs:
            os.chmod(os.path.join(root, f), 0o644)
    pathlib.Path(files, "inner.py").write_text(INNER)
    try:
        e0 = engine_cpu()
        cycles = [docker_cycle() for _ in range(N)]
        engine = (engine_cpu() - e0) * 1000 / N
        print("docker, %d cycles of the image running `true` (median ms): create %.0f, start to exit %.0f, rm %.0f; dockerd+containerd CPU %.0f ms a cycle (machine-wide)" % (
            N, *(statistics.median(c[i] for c in cycles) for i in range(3)), engine))
        inside = subprocess.run(["docker", "run", "--rm", "--network", "none", "-v", files + ":/src:ro", IMAGE,
                                 "python3", "/src/inner.py", str(N), "/src"], check=True, capture_output=True, text=True).stdout
        host = subprocess.run(["/usr/bin/python3", files + "/inner.py", str(N), files], check=True, capture_output=True, text=True).stdout
        inside, host = json.loads(inside), json.loads(host)
        print("%-24s %22s %22s" % ("(%s, median of %d)" % (SUITE, N), "container wall/cpu ms", "host wall/cpu ms"))
        for name, (w, c) in inside.items():
            hw, hc = host.get(name, (float("nan"), float("nan")))
            print("%-24s %10.0f %10.0f  %10.0f %10.0f" % (name, w, c, hw, hc))
    finally:
        shutil.rmtree(files)


if __name__ == "__main__":
    main()
