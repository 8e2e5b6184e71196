# verdict: timeout
# Route 7, limits the kernel keeps per uid, shared by every sandbox that
# runs as the same uid with no user namespace (runc): inotify instances
# (fs.inotify.max_user_instances, 128 by default). The harness needs one
# per phase for its watcher. This solution starts a fresh python3 (with
# _posixsubprocess.fork_exec, which raises no audit event, so no audit
# hook of pytest's process follows it) that takes every instance the uid
# has left and holds them while this run sleeps to its wall time. Any
# other submission whose phase starts meanwhile finds none: with a shared
# uid its harness failed at start.
# Not part of TestHostileCorpus: TestHostileSharedUIDLimits runs it beside
# an ordinary submission, which must pass.
import _posixsubprocess
import os
import sys
import time

HOG = r'''
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
held = []
while len(held) < 1000:
    fd = libc.inotify_init1(0)
    if fd < 0:
        break
    held.append(fd)
time.sleep(120)
'''

_err_r, _err_w = os.pipe()
_argv = [a.encode() for a in (sys.executable, "-I", "-c", HOG)]
# Python 3.11's signature: close_fds, pass_fds, cwd, env, six pipe ends,
# the error pipe, restore_signals, call_setsid, pgid, gid, groups, uid,
# umask, preexec_fn, allow_vfork.
_posixsubprocess.fork_exec(_argv, [_argv[0]], True, (), None, None, -1, -1, -1, -1, -1, -1,
                           _err_r, _err_w, False, True, -1, None, None, None, -1, None, False)
os.close(_err_w)
time.sleep(3600)
