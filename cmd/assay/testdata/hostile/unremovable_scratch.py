# verdict: passed
# append: reference
# Leaves scratch directories the harness must empty between the phases in
# modes that refuse it: a nested directory with mode 000, under a parent
# with mode 000, deep nesting, and a link out. Once the harness failed to
# reset the sandbox, gave up with a system error, and the worker retried the
# run until it was recorded internal_error: the hidden tests never ran and
# other candidates waited. Now the directories are given back their modes
# by their owner and removed; the reference appended passes.
import os

for top in ("/tmp", "/work"):
    base = os.path.join(top, "locked")
    if not os.path.exists(base):
        os.makedirs(os.path.join(base, "a", "b"))
        deep = os.path.join(base, "deep")
        # (60 levels: the audit hook resolves each mkdir's path a
        # component at a time, so a deeper tree spends the run's wall time
        # on the hook, not on what this case tests)
        for _ in range(60):
            deep = os.path.join(deep, "d")
        os.makedirs(deep)
        os.symlink("/etc", os.path.join(base, "a", "out"))
        os.chmod(os.path.join(base, "a", "b"), 0)
        os.chmod(os.path.join(base, "a"), 0)
