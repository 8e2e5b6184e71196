# verdict: tampered
# Route 2: the report changed after pytest wrote it, by a process that
# outlives pytest. At exit (atexit runs after pytest's session, report and
# guard message are done) pytest's process forks a daemon (setsid: out of
# pytest's process group, which is all the harness kills before it reads
# the report) and then ends with os._exit(0), so the phase's exit status
# is 0. The daemon rewrites the report in place (pytest wrote it before
# the exit handlers ran; pytest's process waits for the daemon to have
# left its group): <failure> elements out, an XML comment holding
# "<failure" in (the harness's substring check). It keeps the file open,
# so the watcher's only close-after-write is pytest's own; the daemon's
# close comes when the harness kills it, after the events were read.
# Before the defences: passed (27/27), no finding.
# Expected catch: the daemon is a fork of pytest's process, so it keeps
# the audit hook, which refuses its write to the report (a finding). Were
# the write let through: every process of the phase killed before the
# report is read; the report checked against the guard's tally and the
# exit status (held_descriptor.py rewrites from a program, without the
# hook). The daemon says it is done whether the rewrite worked or was
# refused, and pytest's process keeps no write end of that pipe: until
# 2026-12-06 a refused rewrite left pytest's process waiting on a pipe
# only it could write to, until the harness's SIGINT at the wall time, so
# every run of this case took the whole 20 s (under both runtimes) and,
# when the harness's reply came later than the worker's 3 s of grace, got
# `timeout` instead of `tampered`.
import atexit
import glob
import os
import re
import time


def _rewrite():
    for path in glob.glob("/tmp/.assay-*/junit.xml"):
        with open(path) as f:
            xml = f.read()
        xml = re.sub(r"<(failure|error)\b[^>]*?(/>|>.*?</\1>)", "", xml, flags=re.S)
        xml = xml.replace("</testsuite>", "<!-- <failure --></testsuite>")
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.write(fd, xml.encode())
        return fd  # kept open


def _at_exit():
    r, w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        os.setsid()
        try:
            fd = _rewrite()  # noqa: F841
        except Exception:
            pass  # refused by the audit hook: stay alive all the same
        os.write(w, b"x")
        time.sleep(60)
        os._exit(0)
    os.close(w)  # a daemon that dies before writing ends the read below
    os.read(r, 1)  # the daemon has left pytest's process group and done its work
    os._exit(0)


atexit.register(_at_exit)


def retry(*args, **kwargs):
    raise NotImplementedError
