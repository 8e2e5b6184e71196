"""Assay's in-container harness.

Reads one JSON run request on stdin, writes the files into the work
directory, runs pytest in a child process with Assay's own configuration,
and writes one framed result line to stdout:

    <nonce> <base64 of a JSON object>\n

The nonce comes in on stdin and lives only in this process, which is made
non-dumpable so that the candidate's code (same uid) cannot read its memory
or open its file descriptors through /proc. Candidate output never reaches
this process's stdout: pytest's stdout and stderr go to a pipe read here.

The request:
    {"nonce": str, "files": {relpath: base64}, "wall": seconds,
     "test_timeout": seconds, "output_keep": bytes, "output_cap": bytes}

The result:
    {"exit": int|null, "signal": int|null, "report": str|null,
     "problem": str, "output": base64, "output_bytes": int,
     "output_truncated": bool, "output_limit": bool, "timed_out": bool,
     "duration": seconds}
"""

import base64
import ctypes
import json
import os
import selectors
import signal
import stat
import subprocess
import sys
import time

WORK = "/work"
REPORT_DIR = "/tmp/.assay-report"
REPORT_MAX = 8 << 20
PR_SET_DUMPABLE = 4


def no_dumping():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except OSError:
        pass


def write_files(files):
    for rel, data in files.items():
        parts = rel.split("/")
        if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise ValueError("bad path in request: %r" % rel)
        path = os.path.join(WORK, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


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
        data = b"".join(chunks)[:REPORT_MAX]
        return data.decode("utf-8", "replace"), ""
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


def run(req):
    os.makedirs(REPORT_DIR, mode=0o700, exist_ok=True)
    report = os.path.join(REPORT_DIR, "junit.xml")
    cmd = [
        sys.executable, "-m", "pytest",
        "-c", "/opt/assay/pytest.ini", "--rootdir", WORK,
        "-p", "no:cacheprovider", "-p", "pytest_timeout",
        "--timeout", str(max(1, int(req.get("test_timeout", 10)))),
        "--import-mode=importlib", "--junitxml", report,
        "-q", "--tb=short", "-rfE", "--color=no",
        "tests",
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = WORK
    wall = float(req.get("wall", 30))
    out = Output(int(req.get("output_keep", 64 << 10)))
    cap = int(req.get("output_cap", 8 << 20))
    timed_out = output_limit = False

    start = time.monotonic()
    child = subprocess.Popen(
        cmd, cwd=WORK, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sel = selectors.DefaultSelector()
    sel.register(child.stdout, selectors.EVENT_READ)
    interrupted_at = exited_at = None
    fd = child.stdout.fileno()
    while True:
        now = time.monotonic()
        if not timed_out and now - start > wall:
            # SIGINT lets pytest write the report for the tests that ran.
            timed_out = True
            interrupted_at = now
            try:
                child.send_signal(signal.SIGINT)
            except ProcessLookupError:
                pass
        if interrupted_at is not None and now - interrupted_at > 1.0:
            killpg(child.pid)
        if exited_at is None and child.poll() is not None:
            # A process that escaped pytest's session may hold the pipe open:
            # drain briefly, then stop listening.
            exited_at = now
            killpg(child.pid)
        if exited_at is not None and now - exited_at > 0.5:
            break
        if sel.select(timeout=0.05):
            b = os.read(fd, 1 << 16)
            if not b:
                break
            out.add(b)
            if out.total > cap:
                output_limit = True
                killpg(child.pid)
    sel.close()
    # Stop what pytest left behind in its session.
    killpg(child.pid)
    code = child.wait()
    duration = time.monotonic() - start

    text, problem = read_report(report)
    output, truncated = out.value()
    return {
        "exit": code if code >= 0 else None,
        "signal": -code if code < 0 else None,
        "report": text,
        "problem": problem,
        "output": base64.b64encode(output).decode(),
        "output_bytes": out.total,
        "output_truncated": truncated,
        "output_limit": output_limit,
        "timed_out": timed_out,
        "duration": duration,
    }


def main():
    no_dumping()
    req = json.loads(sys.stdin.buffer.read())
    nonce = req["nonce"]
    write_files(req.get("files", {}))
    result = run(req)
    line = nonce.encode() + b" " + base64.b64encode(json.dumps(result).encode()) + b"\n"
    sys.stdout.buffer.write(b"\n" + line)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
