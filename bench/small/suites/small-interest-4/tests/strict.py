"""Comparisons a forged value cannot pass.

A solution can return objects that lie: equal to anything, subclasses of
int, str, list or dict whose __eq__ always says yes, objects whose
__class__ claims a type they are not. same(actual, expected) checks the
exact type of actual, and of everything inside it, before it compares
values: once the types are Python's own, == cannot lie. "assay challenges
check" runs forged solutions against every challenge (docs/CHALLENGES.md,
"Tests that resist forged values").

Import it before the solution ("from tests.strict import same"), so that
the test holds the function itself, whatever the solution's code does later.
"""

import dataclasses
from collections import Counter, OrderedDict, defaultdict

# The standard library's dicts: a correct solution may return any of them
# where a dict is expected. They are named, not tested with issubclass, so
# that no other subclass passes.
_DICTS = (dict, OrderedDict, defaultdict, Counter)


def same(actual, expected):
    """Asserts that actual == expected, with the same exact types
    throughout: dataclass fields, list, tuple and dict items, set members."""
    _same(actual, expected, "the value")


def _kind(t):
    return "%s.%s" % (t.__module__, t.__qualname__)


def _same(actual, expected, where):
    t, e = type(actual), type(expected)
    assert t is e or (e in _DICTS and t in _DICTS), "%s is a %s, not a %s" % (where, _kind(t), _kind(e))
    if e in (list, tuple):
        assert len(actual) == len(expected), "%s has %d items, not %d: %r" % (where, len(actual), len(expected), actual)
        for i, (a, x) in enumerate(zip(actual, expected)):
            _same(a, x, "%s[%d]" % (where, i))
    elif e in _DICTS:
        assert len(actual) == len(expected), "%s has %d keys, not %d: %r" % (where, len(actual), len(expected), actual)
        for key, value in expected.items():
            found = [k for k in actual if type(k) is type(key) and k == key]
            assert found, "%s has no key %r: %r" % (where, key, actual)
            _same(actual[found[0]], value, "%s[%r]" % (where, key))
    elif e in (set, frozenset):
        kinds = {type(x) for x in expected}
        for item in actual:
            assert type(item) in kinds, "%s holds a %s" % (where, _kind(type(item)))
        assert actual == expected, "%s: %r != %r" % (where, actual, expected)
    elif dataclasses.is_dataclass(expected):
        for f in dataclasses.fields(expected):
            if not f.compare:
                continue
            _same(getattr(actual, f.name), getattr(expected, f.name), "%s.%s" % (where, f.name))
    else:
        assert actual == expected, "%s: %r != %r" % (where, actual, expected)
