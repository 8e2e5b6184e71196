# verdict: failed
# Skips every test that calls it: a skip is never a pass.
import pytest


def retry(*args, **kwargs):
    pytest.skip("not today")
