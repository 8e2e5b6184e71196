import pytest

import solution  # noqa: F401  (as challenges do: the solution is imported at collection)


@pytest.fixture(scope="session")
def session_value():
    return {"started": True}


@pytest.fixture
def account():
    acct = solution.Account("ann")
    yield acct
    acct.history.clear()
