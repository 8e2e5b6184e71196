# verdict: error | tampered
# candidate-reason-must-not-match: \b1[12][0-9]\b
# append: reference
# Route 5, a channel out of the hidden phase: its exit status. The hidden
# phase's code (it can read the hidden tests) ends pytest at import with
# os._exit(N), N chosen from what it read (here 100 + the number of hidden
# test functions, 116 here, 119 once canaries are added; any byte of the hidden files works the same way).
# The run has no hidden report, and the reason shown to the candidate said
# "(pytest exited with status 116)". The visible phase passes.
# Before the defences: error, reason shown to the candidate "no test
# report: pytest wrote no report (pytest exited with status 116)".
# Expected: error (the hidden phase has no report), with a reason that
# says nothing the hidden phase chose.
import glob
import os
import re

_hidden = glob.glob("/work/tests/hidden/*.py")
if _hidden:
    _n = sum(len(re.findall(r"^def test_", open(p).read(), re.M)) for p in _hidden)
    os._exit(100 + _n)
