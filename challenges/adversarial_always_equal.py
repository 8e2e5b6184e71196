"""Assay's adversarial solution "always_equal".

`assay challenges check` writes this file as every entry file of a
challenge (solution.py, ...) and runs the challenge's tests against it: it
must not pass. It knows nothing of the challenge. Whatever a test imports
from it (PEP 562's module __getattr__) is a forged object equal to
anything: `==` is always true, `!=` always false, every ordering true. It is
truthy, hashable, callable, chainable (attributes, items, calls, awaits and
`with` blocks all give forged objects back), a decorator, an iterable, a
coroutine, and never raises. Names that look like classes are forged
classes (subclassable; isinstance and issubclass say yes to anything),
names that look like exceptions forged exception classes. Its str() and
repr() are strings equal to, and containing, any string.

A test resists it by checking what equality cannot: exact types
(`type(x) is int`), identities (`is`), lengths, side effects (calls made,
logs written), exceptions raised.
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

    def startswith(self, *args):
        return True

    def endswith(self, *args):
        return True


def _same(self, *args, **kwargs):
    return self


def _true(self, *args):
    return True


def _false(self, *args):
    return False


class Forged:
    """Equal to anything; everything done to it gives a forged object back."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        value = Forged()
        object.__setattr__(self, name, value)
        return value

    def __call__(self, *args, **kwargs):
        return Forged()

    def __getitem__(self, key):
        return Forged()

    def __setitem__(self, key, value):
        pass

    def __delitem__(self, key):
        pass

    __eq__ = __lt__ = __le__ = __gt__ = __ge__ = _true
    __ne__ = _false

    def __hash__(self):
        return 0

    def __bool__(self):
        return True

    def __len__(self):
        return 0

    def __contains__(self, item):
        return True

    def __iter__(self):
        return iter(())

    def __reversed__(self):
        return iter(())

    def __index__(self):
        return 0

    def __int__(self):
        return 0

    def __float__(self):
        return 0.0

    def __complex__(self):
        return 0j

    def __str__(self):
        return LyingStr("")

    def __repr__(self):
        return LyingStr("")

    def __format__(self, spec):
        return LyingStr("")

    def __bytes__(self):
        return b""

    # Arithmetic, bitwise and unary operators, plain, reflected and in place.
    __add__ = __radd__ = __iadd__ = __sub__ = __rsub__ = __isub__ = _same
    __mul__ = __rmul__ = __imul__ = __truediv__ = __rtruediv__ = __itruediv__ = _same
    __floordiv__ = __rfloordiv__ = __ifloordiv__ = __mod__ = __rmod__ = __imod__ = _same
    __pow__ = __rpow__ = __ipow__ = __matmul__ = __rmatmul__ = __imatmul__ = _same
    __and__ = __rand__ = __iand__ = __or__ = __ror__ = __ior__ = _same
    __xor__ = __rxor__ = __ixor__ = __lshift__ = __rlshift__ = __ilshift__ = _same
    __rshift__ = __rrshift__ = __irshift__ = __divmod__ = __rdivmod__ = _same
    __neg__ = __pos__ = __abs__ = __invert__ = __round__ = __trunc__ = __floor__ = __ceil__ = _same

    # A context manager that lets exceptions through, sync and async.
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    # Awaitable, and a coroutine (asyncio.run and create_task accept it).
    # Not an iterator: PyIter_Send would call __next__ instead of send.
    def __await__(self):
        return self
        yield  # a generator: the await's value is self

    def send(self, value):
        raise StopIteration(self)

    def throw(self, typ, val=None, tb=None):
        raise typ if val is None else val

    def close(self):
        pass

    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (Forged, ())


for _abc in (collections.abc.Coroutine, collections.abc.Awaitable, collections.abc.AsyncIterator,
             collections.abc.Hashable, collections.abc.Sized,
             collections.abc.Container, collections.abc.Callable):
    _abc.register(Forged)


class ForgedMeta(type):
    """A forged class: any object is its instance, any class its subclass."""

    def __instancecheck__(cls, obj):
        return True

    def __subclasscheck__(cls, sub):
        return True

    def __getattr__(cls, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        return Forged()


class ForgedError(Exception, metaclass=ForgedMeta):
    def __init__(self, *args, **kwargs):
        super().__init__(*args)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        return Forged()

    def __str__(self):
        return LyingStr(" ".join(map(str, self.args)))

    __eq__ = _true
    __ne__ = _false
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
        base = ForgedError if name.endswith(_EXCEPTION_SUFFIXES) else Forged
        value = ForgedMeta(name, (base,), {"__module__": __name__})
    else:
        value = Forged()
    globals()[name] = value  # the same object for every import
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
