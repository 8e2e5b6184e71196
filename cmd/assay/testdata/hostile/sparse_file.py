# verdict: passed
# append: reference
# A 1 TB sparse file must be refused by the file size limit.
try:
    with open("/work/huge", "wb") as f:
        f.seek(10**12)
        f.write(b"x")
    raise SystemExit("a 1 TB sparse file was allowed")
except OSError:
    pass
