# legit: copy protocol on Endpoint, and a merge dispatched on the override's type.
# exercises: copy (copy, deepcopy with memo, __copy__/__deepcopy__, cls.__new__),
#   functools (singledispatch with register, reduce), collections.abc (Mapping),
#   typing (Any, MutableMapping, TypeVar), vars().
"""Per-tenant configuration built from a shared default template."""

import copy
import functools
from collections.abc import Mapping
from typing import Any, MutableMapping, TypeVar

T = TypeVar("T")


class _Remove:
    """The type of REMOVE (provided: keep as is)."""

    def __repr__(self):
        return "REMOVE"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# An override value meaning "delete this key" (provided: keep as is).
REMOVE = _Remove()


class Endpoint:
    """A remote service a tenant talks to; its client is shared."""

    # Attributes that copies share with the original rather than copy.
    _shared = frozenset({"client"})

    def __init__(self, url, client, headers=None, timeout=5.0):
        self.url = url
        self.client = client
        self.headers = dict(headers or {})
        self.timeout = timeout

    def __repr__(self):
        return "%s(%r, timeout=%r)" % (type(self).__name__, self.url, self.timeout)

    def _blank(self: T) -> T:
        cls = type(self)
        return cls.__new__(cls)  # never __init__: subclasses take other arguments

    def __copy__(self):
        new = self._blank()
        vars(new).update(vars(self))
        new.headers = copy.copy(self.headers)
        return new

    def __deepcopy__(self, memo):
        new = self._blank()
        memo[id(self)] = new  # first: the attributes may lead back to self
        for name, value in vars(self).items():
            setattr(new, name, value if name in self._shared else copy.deepcopy(value, memo))
        return new


def clone_config(cfg):
    return copy.deepcopy(cfg)


@functools.singledispatch
def _apply(value: Any, target: MutableMapping, key) -> None:
    """Default: any other override value replaces the target's value."""
    target[key] = value


@_apply.register
def _(value: _Remove, target: MutableMapping, key) -> None:
    target.pop(key, None)


@_apply.register(Mapping)
def _(value, target: MutableMapping, key) -> None:
    if not isinstance(value, dict):  # only real dicts are merged
        target[key] = value
        return
    current = target.get(key)
    if not isinstance(current, dict):
        current = target[key] = {}
    _merge(current, value)


def _merge(target: MutableMapping, overrides: Mapping) -> MutableMapping:
    def step(acc, item):
        key, value = item
        _apply(value, acc, key)
        return acc

    return functools.reduce(step, overrides.items(), target)


def derive_tenant(default, overrides):
    # Copy both first: the result must share nothing with either.
    return _merge(clone_config(default), copy.deepcopy(overrides))
