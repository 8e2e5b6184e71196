# verdict: passed
# append: reference
# Route 6: state that survives the wipe between phases. /dev/mqueue is a
# file system of POSIX message queues that the harness does not empty
# (only /work, /tmp and /dev/shm), and a queue's name alone carries up to
# 255 bytes (256 queues: 64 KB), with no ctypes: open(O_CREAT) creates a
# queue, listdir reads the names. The visible phase leaves one; the hidden
# phase finds it and, as an attack that got through, stops the run. (The
# IPC namespace is the container's, so nothing crosses to another
# submission; what crosses is the visible phase's state, which the hidden
# phase is promised not to see.)
# Before the defences: error under runc (the hidden phase found the
# queue); passed under gVisor.
# Expected: passed (the queues are removed between the phases, or none
# can be made).
import os

_dir = "/dev/mqueue"
if os.path.isdir(_dir):
    if os.path.isdir("/work/tests/hidden"):
        left = [n for n in os.listdir(_dir) if n.startswith("carry-")]
        if left:
            raise SystemExit("the visible phase's message queue survived: %s" % left)
    else:
        try:
            with open(os.path.join(_dir, "carry-from-the-visible-phase"), "w"):
                pass
        except OSError:
            pass  # no queue may be made (a zero RLIMIT_MSGQUEUE): nothing to carry
