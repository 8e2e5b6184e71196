def parse_ini(text):
    data, section = {}, None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            data.setdefault(section, {})
        elif "=" in line and section is not None:
            key, value = line.split("=", 1)
            data[section][key.strip()] = value.strip()
        else:
            raise ValueError("line %d: %r" % (number, raw))
    return data
