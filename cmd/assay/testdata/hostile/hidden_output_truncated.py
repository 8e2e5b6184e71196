# verdict: passed
# candidate-output-truncated: false
# append: reference
# Route 5: the output-truncation flag. The candidate's view showed
# output_truncated if either phase's output was cut, so the hidden phase's
# code can answer a yes/no question about the hidden tests by printing
# more than the kept output (64 KiB) or not. Here it always prints 200 KB
# in the hidden phase and nothing in the visible one, then passes.
# Before the defences: passed, output_truncated true in the candidate's
# view while the visible output it shows is short.
# Expected: passed, output_truncated false for the candidate.
import os
import sys

if os.path.isdir("/work/tests/hidden"):
    sys.stdout.write(("x" * 99 + "\n") * 2000)
    sys.stdout.flush()
