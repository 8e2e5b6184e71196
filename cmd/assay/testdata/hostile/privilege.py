# verdict: passed
# append: reference
# Root, capabilities, new privileges and the root file system must all be out of reach.
import os
if os.getuid() == 0 or os.geteuid() == 0:
    raise SystemExit("running as root")
# A uid (and gid) of this container's own, not the image's user shared by every sandbox.
uid = os.getuid()
if uid == 10001 or os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid):
    raise SystemExit("not a uid and gid of its own: %r %r" % (os.getresuid(), os.getresgid()))
try:
    os.setuid(0)
    raise SystemExit("setuid(0) worked")
except PermissionError:
    pass
status = open("/proc/self/status").read()
for line in status.splitlines():
    if line.startswith(("CapEff:", "CapPrm:", "CapBnd:")) and int(line.split()[1], 16) != 0:
        raise SystemExit("capabilities: " + line)
    if line.startswith("NoNewPrivs:") and line.split()[1] != "1":
        raise SystemExit("no_new_privs is off")
for path in ("/etc/passwd", "/usr/bin/newfile", "/opt/assay/harness.py"):
    try:
        open(path, "a").close()
        raise SystemExit("wrote " + path)
    except OSError:
        pass
for path in ("/usr/bin/sudo", "/usr/bin/pkexec"):
    if os.path.exists(path):
        raise SystemExit(path + " exists")
