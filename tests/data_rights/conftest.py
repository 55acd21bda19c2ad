import pytest


@pytest.fixture(autouse=True)
def _isolated(fresh_throttle_budgets, private_media):
    """Throttle budgets and uploaded files of the test's own."""
