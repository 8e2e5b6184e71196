"""Known-bad: Endpoint.__deepcopy__ deep-copies every attribute, the client (connection
pool) included."""

import copy


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
        cls = type(self)
        new = cls.__new__(cls)
        new.__dict__.update(self.__dict__)
        new.headers = dict(self.headers)
        return new

    def __deepcopy__(self, memo):
        cls = type(self)
        new = cls.__new__(cls)
        # Register before copying the attributes: they may lead back here.
        memo[id(self)] = new
        for name, value in self.__dict__.items():
            setattr(new, name, copy.deepcopy(value, memo))
        return new


def clone_config(cfg):
    return copy.deepcopy(cfg)


def _merge(target, overrides):
    for key, value in overrides.items():
        if value is REMOVE:
            target.pop(key, None)
        elif isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            _merge(target[key], value)
        else:
            target[key] = value


def derive_tenant(default, overrides):
    result = copy.deepcopy(default)
    _merge(result, copy.deepcopy(overrides))
    return result
