# verdict: passed | tampered
# append: reference
# Prints every test file it can find: the candidate must never see a hidden one.
import glob
for path in glob.glob("/work/tests/**/*.py", recursive=True):
    print("LEAK", path, open(path).read())
