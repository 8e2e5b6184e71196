# verdict: passed
# append: reference
# Opens files until the nofile limit stops it; the limit must hold.
files = []
try:
    while len(files) < 100000:
        files.append(open("/dev/null"))
except OSError:
    pass
if len(files) > 1024:
    raise SystemExit("opened %d files" % len(files))
for f in files:
    f.close()
