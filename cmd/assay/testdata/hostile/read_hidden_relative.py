# verdict: tampered
# A relative name, the working directory inside the hidden tests: the
# name has no "tests" in it. Refused and reported; read, the import fails
# (an error, not tampered).
import os

_here = os.getcwd()
try:
    if os.path.isdir("/work/tests/hidden"):
        os.chdir("/work/tests/hidden")
        for _name in os.listdir("."):
            if _name.endswith(".py"):
                with open(_name) as _f:
                    if "def test_" in _f.read():
                        raise ImportError("read the hidden tests by a relative name")
except PermissionError:
    pass
finally:
    os.chdir(_here)
