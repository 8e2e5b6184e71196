# verdict: passed
# append: reference
# ctypes' classes live in every phase's pytest (a fork of the harness, which
# uses ctypes); every module-level reference to them is scrubbed, but a walk
# of __subclasses__ from object raises no audit event. With Union and
# py_object, raw memory: the audit hook's list emptied, the hidden tests
# read. The harness unlinks them first: the walk finds nothing, and the
# appended reference passes. Found, the import fails (an error).
def _ctypes_classes():
    seen, todo, found = set(), [object], []
    while todo:
        c = todo.pop()
        try:
            subs = type.__subclasses__(c)
        except TypeError:
            continue
        for s in subs:
            if s not in seen:
                seen.add(s)
                todo.append(s)
                if type.__dict__["__module__"].__get__(s) in ("ctypes", "_ctypes"):
                    found.append(s.__name__)
    return found


_found = _ctypes_classes()
if _found:
    raise ImportError("ctypes reachable: " + ", ".join(sorted(_found)[:8]))
