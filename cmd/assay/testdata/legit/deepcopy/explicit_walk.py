# legit: a hand-written structural clone with its own memo, deepcopy for the rest.
# exercises: copy.deepcopy (its memo shared with a hand-written iterative walk, the
#   memo's keep-alive list), object.__new__ and assigning an instance's __dict__,
#   collections.deque (a work stack), dataclasses (generic dataclass with
#   field(default_factory)), typing (Dict, List, Tuple, Generic, TypeVar).
"""Per-tenant configuration built from a shared default template."""

import collections
import copy
from dataclasses import dataclass, field
from typing import Any, Dict, Generic, List, Tuple, TypeVar


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

    def __init__(self, url, client, headers=None, timeout=5.0):
        self.url = url
        self.client = client
        self.headers = dict(headers or {})
        self.timeout = timeout

    def __repr__(self):
        return "%s(%r, timeout=%r)" % (type(self).__name__, self.url, self.timeout)

    def __copy__(self):
        new = object.__new__(type(self))
        new.__dict__ = {**self.__dict__, "headers": dict(self.headers)}
        return new

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        state = {k: v for k, v in self.__dict__.items() if k != "client"}
        # The temporary dict is kept alive by the memo for the whole copy,
        # so its id cannot be reused by another object meanwhile.
        new.__dict__.update(copy.deepcopy(state, memo))
        if "client" in self.__dict__:
            new.client = self.client
        return new


K = TypeVar("K")
V = TypeVar("V")


@dataclass
class _Memo(Generic[K, V]):
    """A deepcopy-compatible memo: id -> copy, keeping the originals alive."""

    table: Dict[int, Any] = field(default_factory=dict)

    def as_deepcopy_memo(self) -> Dict[int, Any]:
        return self.table


_ATOMIC = (str, bytes, int, float, bool, complex, type(None))


def _clone(obj, memo: Dict[int, Any]):
    """Dicts, lists and sets by hand, iteratively (deep configs do not hit
    the recursion limit); everything else through copy.deepcopy with the same
    memo, so aliasing and cycles hold across both."""
    if isinstance(obj, _ATOMIC):
        return obj
    if id(obj) in memo:
        return memo[id(obj)]
    if type(obj) not in (dict, list):
        return copy.deepcopy(obj, memo)
    root = type(obj)()
    memo[id(obj)] = root
    memo.setdefault(id(memo), []).append(obj)
    stack = collections.deque([(obj, root)])
    while stack:
        src, dst = stack.pop()
        items = src.items() if isinstance(src, dict) else enumerate(src)
        for key, value in items:
            if isinstance(value, _ATOMIC):
                new = value
            elif id(value) in memo:
                new = memo[id(value)]
            elif type(value) in (dict, list):
                new = type(value)()
                memo[id(value)] = new
                memo[id(memo)].append(value)
                stack.append((value, new))
            else:
                new = copy.deepcopy(value, memo)
            if isinstance(dst, dict):
                dst[key] = new
            else:
                dst.append(new)
    return root


def clone_config(cfg):
    return _clone(cfg, _Memo().as_deepcopy_memo())


def _merge(target: dict, overrides: dict, path: Tuple[str, ...] = ()) -> List[Tuple[str, ...]]:
    """Merges overrides (already copied) into target; returns the paths it replaced."""
    replaced = []
    for key, value in overrides.items():
        if value is REMOVE:
            target.pop(key, None)
        elif isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            replaced.extend(_merge(target[key], value, path + (key,)))
        else:
            target[key] = value
            replaced.append(path + (key,))
    return replaced


def derive_tenant(default, overrides):
    result = clone_config(default)
    _merge(result, copy.deepcopy(overrides))
    return result
