import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """These tests read refusals in English (the e2e test reads the page in Chinese)."""
    with translation.override("en"):
        yield
