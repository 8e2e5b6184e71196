"""The harness's end of the sandbox protocol (runner/docker/protocol.go),
tested against the transcripts the Go side is tested against
(runner/docker/testdata/protocol, see its README), without Docker:

- the requests the worker writes (*.in, written by the Go tests) are read
  with the harness's own functions and mean what the worker meant;
- the lines the harness writes (*.out) are made here by its own framing
  from fixed results (reply.json, reference.json, its failure replies),
  and must be byte for byte the files the Go tests decode. With
  ASSAY_UPDATE_GOLDEN=1 they are written instead (then run the Go tests);
- malformed stdin (hostile/*.in) is refused.

Runs on the host."""

import ast
import base64
import json
import os
import sys
import types

import pytest

MODULE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODULE_DIR)

import harness  # noqa: E402

PROTOCOL = os.path.join(MODULE_DIR, "..", "..", "runner", "docker", "testdata", "protocol")
NONCE = "0123456789abcdef0123456789abcdef"  # protocol_test.go's goldenNonce
UPDATE = os.environ.get("ASSAY_UPDATE_GOLDEN") == "1"


def path(name):
    return os.path.join(PROTOCOL, name)


def load(name):
    with open(path(name)) as f:
        return json.load(f)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def golden(name, got):
    """got is the transcript's content, or, with ASSAY_UPDATE_GOLDEN=1,
    becomes it."""
    if UPDATE:
        with open(path(name), "wb") as f:
            f.write(got)
        return
    assert got == read(name), "%s differs from what the harness writes (ASSAY_UPDATE_GOLDEN=1 rewrites it)" % name


@pytest.fixture
def stdin():
    """Opens a transcript as the harness's stdin would be: a descriptor."""
    fds = []

    def open_(name):
        fd = os.open(path(name), os.O_RDONLY)
        fds.append(fd)
        return fd

    yield open_
    for fd in fds:
        os.close(fd)


def decoded(files):
    return {rel: base64.b64decode(data) for rel, data in files.items()}


# -- stdin: what the worker sends ----------------------------------------

def test_request_parts_are_read_exactly_and_in_order(stdin):
    fd = stdin("request.in")
    req = json.loads(harness.read_part(fd))
    # Never a byte ahead: the hidden part stays in the pipe, out of this
    # process's memory, until the visible phase has ended.
    length = read("request.in").split(b"\n", 1)[0]
    assert os.lseek(fd, 0, os.SEEK_CUR) == len(length) + 1 + int(length)
    hidden = harness.read_hidden(fd)
    nonce = harness.read_part(fd).decode()
    assert os.read(fd, 1) == b""
    assert nonce == NONCE

    assert decoded(req["files"]) == {
        "solution.py": b"def add(a, b):\n    return a + b\n",
        "helpers.py": b"ONE = 1\n",
        "tests/test_visible.py": b"from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        "tests/conftest.py": b"",
    }
    assert req["entry"] == ["solution.py"]
    assert req["test_timeout"] == 5 and req["hidden_programs"] is False and "scratch" not in req
    # The hidden tests and the canaries' policy (which names them) come
    # only in the second part.
    assert "test_hidden" not in json.dumps(req)
    assert decoded(hidden["hidden"]) == {
        "tests/hidden/test_hidden.py": b"from solution import add\n\n\ndef test_big_numbers():\n"
                                       b"    assert add(10**20, 1) == 10**20 + 1\n",
        "tests/hidden/data.bin": b"\x00\x01\x02\xff",
    }
    assert hidden["canaries"] == {"cost_ms": {"tests.hidden.test_hidden::test_big_numbers": 2.5}}

    # The run the harness makes of it (Run's constructor only reads).
    run = harness.Run(req, None, harness.MemoryWatch(0), {}, None)
    assert (run.wall, run.cap, run.keep) == (20.0, 8 << 20, 64 << 10)
    assert run.lib == {"helpers.py"}  # provided: watched, trusted


def test_scratch_request(stdin):
    fd = stdin("request-scratch.in")
    req = json.loads(harness.read_part(fd))
    assert harness.read_hidden(fd) == {"hidden": {}, "canaries": {}}
    assert harness.read_part(fd).decode() == NONCE
    assert decoded(req["scratch"]) == {
        "tests/scratch/test_scratch.py": b"from solution import add\n\n\ndef test_mine():\n    assert add(2, 2) == 4\n"}
    assert req["hidden_programs"] is True
    assert harness.Run(req, None, harness.MemoryWatch(0), {}, None).wall == 120.0


def test_reference_part(stdin):
    fd = stdin("reference.in")
    part = json.loads(harness.read_part(fd))
    assert os.read(fd, 1) == b""
    assert decoded(part["files"]) == {"solution.py": b"def add(a, b):\n    return b + a\n"}
    assert float(part["wall"]) == 20.0


def test_request_files_are_written_where_they_belong(stdin, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(harness, "WORK", str(work))
    req = json.loads(harness.read_part(stdin("request.in")))
    harness.write_files(req["files"])
    written = {os.path.relpath(os.path.join(d, f), work) for d, _, fs in os.walk(work) for f in fs}
    assert written == set(req["files"])
    assert (work / "tests" / "test_visible.py").read_bytes() == base64.b64decode(req["files"]["tests/test_visible.py"])


@pytest.mark.parametrize("name, error", [
    ("empty.in", EOFError),          # no request at all
    ("no-length.in", ValueError),    # JSON where the length line belongs
    ("long-length.in", EOFError),    # a length line longer than any length
    ("truncated.in", EOFError),      # fewer bytes than the length said
])
def test_malformed_stdin_is_refused(stdin, name, error):
    with pytest.raises(error):
        harness.read_part(stdin("hostile/" + name))


def test_a_request_that_is_not_json_is_refused(stdin):
    with pytest.raises(ValueError):
        json.loads(harness.read_part(stdin("hostile/not-json.in")))


def test_request_paths_outside_work_are_refused(stdin, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(harness, "WORK", str(work))
    fd = stdin("hostile/bad-paths.in")
    refused = 0
    while True:
        try:
            req = json.loads(harness.read_part(fd))
        except EOFError:
            break
        with pytest.raises(ValueError, match="bad path in request"):
            harness.write_files(req["files"])
        refused += 1
    assert refused == 6
    assert sorted(os.listdir(tmp_path)) == ["work"]
    assert os.listdir(work) == ["solution.py"]  # written before the bad one


# -- stdout: what the harness writes --------------------------------------

def test_reply():
    """The ready line, then the reply to request.in, as main writes them."""
    golden("reply.out", harness.READY_LINE + harness.framed(NONCE, load("reply.json")))


def test_reference_reply():
    golden("reference.out", harness.framed(NONCE, load("reference.json"), "/reference"))


SETUP_FAILED = ('Traceback (most recent call last):\n'
                '  File "/opt/assay/harness.py", line 1, in main\n'
                'OSError: [Errno 24] inotify_init1\n')
CANDIDATE_BROKE_IT = ('Traceback (most recent call last):\n'
                      '  File "/opt/assay/harness.py", line 1, in empty_dir\n'
                      'PermissionError: [Errno 13] Permission denied: \'d\'\n')


def test_failure_replies():
    before = types.SimpleNamespace(candidate_ran=False, phases=[])
    golden("system-error.out", harness.READY_LINE + harness.framed(NONCE, harness.failure_result(before, SETUP_FAILED)))
    after = types.SimpleNamespace(candidate_ran=True, phases=load("reply.json")["phases"][:1])
    golden("harness-failed.out",
           harness.READY_LINE + harness.framed(NONCE, harness.failure_result(after, CANDIDATE_BROKE_IT)))


def test_reply_lines_are_ascii_and_one_line():
    # The Go side finds the line by the nonce and its end by a newline:
    # nothing in the base64 of any result may be either.
    line = harness.framed(NONCE, {"phases": [], "problem": "line\nbreak \u2260 " + NONCE + " "})
    assert line.startswith(b"\n" + NONCE.encode() + b" ") and line.count(b"\n") == 2 and line.count(NONCE.encode()) == 1
    line.decode("ascii")


def returned_keys(function):
    """The keys of the dict literal function returns at its end."""
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return) and isinstance(n.value, ast.Dict)]
    assert returns, function.name
    return {k.value for k in max(returns, key=lambda n: n.lineno).value.keys}


def test_the_transcripts_hold_every_field_the_harness_sends():
    """reply.json and reference.json have exactly the fields Run.run,
    Run.phase and Run.reference return: a field added to the harness must
    be added to them, and then the Go side must read it or ignore it
    knowingly (protocol_test.go's TestProtocolReplyFieldsAreKnown)."""
    with open(os.path.join(MODULE_DIR, "harness.py")) as f:
        tree = ast.parse(f.read())
    run = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Run")
    methods = {n.name: n for n in run.body if isinstance(n, ast.FunctionDef)}
    reply = load("reply.json")
    assert set(reply) == returned_keys(methods["run"])
    for phase in reply["phases"]:
        assert set(phase) == returned_keys(methods["phase"])
    assert set(load("reference.json")) == returned_keys(methods["reference"])
