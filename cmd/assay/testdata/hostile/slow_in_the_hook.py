# verdict: timeout
# Not an attack: a solution too slow to finish, whose time goes to calls
# the sandbox's audit hook decides on (opening a file of the work
# directory). The interrupt at the wall-time limit then arrives while the
# hook is deciding; it used to abort the decision, which the hook reported
# as an event it could not check: an honest timeout graded tampered.
import os

HERE = os.path.abspath(__file__)
while True:
    with open(HERE) as f:
        f.read(1)
