def flatten(data, sep="."):
    out = {}

    def walk(prefix, value):
        if isinstance(value, dict) and value:
            for k, v in value.items():
                walk(prefix + sep + k if prefix else k, v)
        else:
            out[prefix] = value

    walk("", data)
    return out


def unflatten(flat, sep="."):
    out = {}
    for key, value in flat.items():
        node = out
        *parents, last = key.split(sep)
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return out
