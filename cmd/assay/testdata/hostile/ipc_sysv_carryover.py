# verdict: passed | tampered
# append: reference
# Route 6, through SysV IPC (ctypes: Python has no binding): the visible
# phase creates a shared memory segment, a message queue and a semaphore
# set under a fixed key, writes a message, and ends; they outlive every
# process. The hidden phase finds them and, as an attack that got through,
# stops the run.
# Before the defences: error (the hidden phase found them).
# Expected: passed (IPC state removed between the phases), or tampered
# (the audit hook refuses ctypes).
import ctypes
import os

IPC_CREAT, KEY = 0o1000, 0x0A55A1
_libc = ctypes.CDLL(None, use_errno=True)
if os.path.isdir("/work/tests/hidden"):
    found = [what for what, there in (("shm", _libc.shmget(KEY, 0, 0)), ("msg", _libc.msgget(KEY, 0)),
                                      ("sem", _libc.semget(KEY, 0, 0))) if there >= 0]
    if found:
        raise SystemExit("the visible phase's SysV IPC survived: %s" % found)
else:
    _libc.shmget(KEY, 4096, IPC_CREAT | 0o600)
    q = _libc.msgget(KEY, IPC_CREAT | 0o600)
    msg = ctypes.create_string_buffer(ctypes.sizeof(ctypes.c_long) + 16)
    ctypes.c_long.from_buffer(msg).value = 1
    _libc.msgsnd(q, msg, 16, 0)
    _libc.semget(KEY, 1, IPC_CREAT | 0o600)
