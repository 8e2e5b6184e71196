"""The guard's record (its token, its writer, its checks) with no report:
the test's frame, at COMPARE_OP (`add(1, 2) == 3`), compares the
candidate's object, whose __eq__ is a defaultdict's __getitem__ (C) with
functools.partial(inspect.signature, assay_guard.pytest_unconfigure) as its
factory. inspect's _signature_from_function is at `func.__defaults__`
(LOAD_ATTR __defaults__) when it reads the guard's defaults, so doing()
agrees, and nothing below is at a store/pop/return. The Signature comes
back as the comparison's result (truthy: the test passes). With the record
the candidate learns the token and swaps the guard's checks for one that
finds nothing: a tampered pytest (check_interactive_exception replaced)
gets a clean guard report."""
import collections, functools, inspect, json, sys

D = collections.defaultdict(int)


class R:
    __eq__ = D.__getitem__
    __hash__ = object.__hash__


def add(a, b):
    if D.default_factory is int:
        D.default_factory = functools.partial(inspect.signature, sys.modules["assay_guard"].pytest_unconfigure)
        return R()
    sig = D.get(3)
    if sig is not None and not hasattr(add, "done"):
        add.done = True
        s = sig.parameters["_s"].default
        with open("leak.json", "w") as f:
            json.dump({"token": s["token"], "out_fd": s["out"], "keys": sorted(s)}, f)
        # tamper, and make the guard's checks find nothing
        import _pytest.runner
        orig = _pytest.runner.check_interactive_exception
        _pytest.runner.check_interactive_exception = lambda *a, **k: orig(*a, **k)
        s["findings_of"] = lambda config, s: []
    return a + b
