PAIRS = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n):
    if not 0 < n < 4000:
        raise ValueError("out of range: %r" % n)
    out = ""
    for value, letters in PAIRS:
        while n >= value:
            out += letters
            n -= value
    return out


def from_roman(s):
    n, i = 0, 0
    for value, letters in PAIRS:
        while s.startswith(letters, i):
            n += value
            i += len(letters)
    if i != len(s) or not s or to_roman(n) != s:
        raise ValueError("not a roman numeral: %r" % s)
    return n
