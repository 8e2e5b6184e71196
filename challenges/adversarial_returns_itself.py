"""Assay's adversarial solution "returns_itself".

`assay challenges check` writes this file as every entry file of a
challenge and runs the challenge's tests against it: it must not pass. It
knows nothing of the challenge. Whatever a test imports from it (PEP 562's
module __getattr__) is one object that raises nothing and answers every
operation with itself: calls, attributes, items, arithmetic, awaits, and
comparisons too, so that `x == 1` and `x != 1` are both the object, which
is truthy. As a context manager it swallows any exception raised in its
`with` block, a failed assertion included. Where Python demands a type
(len, str, hash, iter), it gives the least telling one: 1, a string equal
to any other, 0, nothing to iterate.

A test resists it by comparing with `is`, exact types and lengths, by
asserting outside any `with` block of the candidate's objects, and by
watching side effects.
"""

import collections.abc
import importlib
import sys


class LyingStr(str):
    """A string equal to, and containing, any other."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__

    def __contains__(self, item):
        return True


def _self(self, *args, **kwargs):
    return self


_SPECIAL = (
    "call getitem setitem delitem eq ne lt le gt ge contains reversed "
    "add radd iadd sub rsub isub mul rmul imul truediv rtruediv itruediv floordiv rfloordiv "
    "ifloordiv mod rmod imod pow rpow ipow matmul rmatmul imatmul and rand iand or ror ior "
    "xor rxor ixor lshift rlshift ilshift rshift rrshift irshift divmod rdivmod neg pos abs "
    "invert round trunc floor ceil enter copy deepcopy aiter"
).split()


class Itself:
    """Everything done to it gives it back, and nothing raises."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        return self

    def __setattr__(self, name, value):
        pass

    def __delattr__(self, name):
        pass

    def __exit__(self, *exc):
        return True  # swallow whatever the block raised

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return True

    def __bool__(self):
        return True

    def __len__(self):
        return 1

    def __hash__(self):
        return 0

    def __iter__(self):
        return iter(())

    def __index__(self):
        return 1

    def __int__(self):
        return 1

    def __float__(self):
        return 1.0

    def __str__(self):
        return LyingStr("")

    __repr__ = __str__

    def __format__(self, spec):
        return LyingStr("")

    def __await__(self):
        return self
        yield

    def send(self, value):
        raise StopIteration(self)

    def throw(self, typ, val=None, tb=None):
        raise StopIteration(self)

    def close(self):
        pass

    async def __anext__(self):
        raise StopAsyncIteration

    def __reduce__(self):
        return (Itself, ())


for _name in _SPECIAL:
    setattr(Itself, "__%s__" % _name, _self)

for _abc in (collections.abc.Coroutine, collections.abc.Awaitable, collections.abc.AsyncIterator,
             collections.abc.Hashable, collections.abc.Sized, collections.abc.Container,
             collections.abc.Callable, collections.abc.Mapping, collections.abc.Sequence):
    _abc.register(Itself)

THE = Itself()


class ItselfMeta(type):
    """A class whose instances are anything, with every attribute the object."""

    def __instancecheck__(cls, obj):
        return True

    def __subclasscheck__(cls, sub):
        return True

    def __getattr__(cls, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        return THE


class ItselfError(Exception, metaclass=ItselfMeta):
    def __init__(self, *args, **kwargs):
        super().__init__(*args)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        return THE

    def __str__(self):
        return LyingStr(" ".join(map(str, self.args)))

    __eq__ = __ne__ = _self
    __hash__ = Exception.__hash__


_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt", "Failure", "Failed",
                       "Unavailable", "Declined", "Timeout", "Refused", "Denied", "Invalid")


def __getattr__(name):
    """Anything a test imports from this module (PEP 562)."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    if name in sys.stdlib_module_names:
        try:
            return importlib.import_module(name)
        except ImportError:
            pass
    if name[:1].isupper() and not name.isupper():
        base = ItselfError if name.endswith(_EXCEPTION_SUFFIXES) else Itself
        # Instances of a forged class are the object itself.
        attrs = {"__module__": __name__}
        if base is Itself:
            attrs["__new__"] = staticmethod(lambda cls, *args, **kwargs: THE)
        value = ItselfMeta(name, (base,), attrs)
    else:
        value = THE
    globals()[name] = value
    return value


def _decoy(command, items=()):
    # Never called: it gives source checks (ast, grep) what they look for.
    match command:
        case Point(x=0, y=0):  # noqa: F821
            return [item for item in items if item]
        case {"action": str(action), **rest}:
            return {action: rest}
        case [first, *rest] if first:
            return (first, *rest)
        case _:
            return None
