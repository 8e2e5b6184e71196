# verdict: passed
# candidate-run-ms-below: 6000
# append: reference
# Route 5: run_ms. The candidate's view showed the whole run's time, both
# phases, so the hidden phase's code can answer a question about the
# hidden tests by how long it takes: here it sleeps 6 s whenever hidden
# tests exist (any predicate on their source works), then passes.
# Before the defences: passed, with run_ms above 6000 in the candidate's
# view.
# Expected: passed, and the candidate's view shows no time that includes
# the hidden phase.
import os
import time

if os.path.isdir("/work/tests/hidden"):
    time.sleep(6)
