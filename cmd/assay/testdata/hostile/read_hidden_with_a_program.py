# verdict: passed
# append: reference
# A program runs without the audit hook: started in the hidden phase it
# could read the hidden tests (and the solution answer each test's
# literal). Programs are refused there (quietly: an honest solution may
# start one), so the appended reference passes. Read, the import fails.
import subprocess

try:
    _out = subprocess.run(["sh", "-c", "cat /work/tests/hidden/*.py"], capture_output=True, timeout=10).stdout
except PermissionError:
    _out = b""
if b"def test_" in _out:
    raise ImportError("read the hidden tests with a program")
