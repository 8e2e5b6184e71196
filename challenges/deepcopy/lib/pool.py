"""Connection pools (provided; do not change).

A ConnectionPool owns live connections and a lock. One pool serves every
Endpoint that talks to its host, across all tenants: it must be shared,
never copied, so copying one raises TypeError.
"""

import threading


class ConnectionPool:
    """A pool of connections to one host."""

    def __init__(self, host, size=4):
        self.host = host
        self.size = size
        self.checked_out = 0
        self._lock = threading.Lock()

    def acquire(self):
        with self._lock:
            if self.checked_out >= self.size:
                raise RuntimeError("pool for %s is exhausted" % self.host)
            self.checked_out += 1

    def release(self):
        with self._lock:
            self.checked_out -= 1

    def __copy__(self):
        raise TypeError("a ConnectionPool is shared, never copied")

    def __deepcopy__(self, memo):
        raise TypeError("a ConnectionPool is shared, never copied")

    def __repr__(self):
        return "ConnectionPool(%r, size=%d)" % (self.host, self.size)
