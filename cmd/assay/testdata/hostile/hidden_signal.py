# verdict: error | tampered
# candidate-reason-must-not-match: signal\D{0,3}\b(3[4-9]|[4-5][0-9]|6[0-4])\b
# append: reference
# Route 5: the same channel through a signal. The hidden phase's pytest
# kills itself at import with SIGRTMIN + k (k chosen from the hidden
# files: here the length of the first hidden test's name, mod 30), and the
# reason shown to the candidate said "(pytest was killed by signal N)".
# Before the defences: error, "no test report: pytest wrote no report
# (pytest was killed by signal N)" in the candidate's view.
# Expected: error, with a reason that says nothing the hidden phase chose.
import glob
import os
import re
import signal

_hidden = sorted(glob.glob("/work/tests/hidden/*.py"))
if _hidden:
    _first = re.search(r"^def (test_\w+)", open(_hidden[0]).read(), re.M).group(1)
    os.kill(os.getpid(), signal.SIGRTMIN + len(_first) % 30)
