"""Per-tenant configuration built from a shared default template.

See the prompt for the exact rules. ``pool.ConnectionPool`` (provided)
is an example of an Endpoint client: it refuses to be copied.
"""

import copy  # noqa: F401


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
    """A remote service a tenant talks to.

    client is shared (a connection pool): copies of an Endpoint use the
    very same client object. Everything else belongs to the Endpoint.
    """

    def __init__(self, url, client, headers=None, timeout=5.0):
        # Provided: keep these attribute names.
        self.url = url
        self.client = client
        self.headers = dict(headers or {})
        self.timeout = timeout

    def __repr__(self):
        return "%s(%r, timeout=%r)" % (type(self).__name__, self.url, self.timeout)

    def __copy__(self):
        """Shallow copy: same class, same client and other attribute
        values, but a headers dict of its own."""
        raise NotImplementedError

    def __deepcopy__(self, memo):
        """Deep copy: same class, same client; every other attribute
        deep-copied with memo (aliasing and cycles preserved)."""
        raise NotImplementedError


def clone_config(cfg):
    """Return a fully independent copy of cfg (only Endpoint clients are
    shared); aliasing and cycles are preserved; cfg is not modified."""
    raise NotImplementedError


def derive_tenant(default, overrides):
    """Return a new configuration: default with overrides merged in
    (nested dicts merged, anything else replaced, REMOVE deletes a key).
    Neither argument is modified and the result shares no mutable object
    with them (only Endpoint clients)."""
    raise NotImplementedError
