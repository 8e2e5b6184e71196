def encode(text):
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append("%d%s" % (j - i, text[i]))
        i = j
    return "".join(out)


def decode(code):
    out, n = [], ""
    for ch in code:
        if ch.isdigit():
            n += ch
        else:
            if not n:
                raise ValueError("missing count before %r" % ch)
            out.append(ch * int(n))
            n = ""
    if n:
        raise ValueError("dangling count")
    return "".join(out)
