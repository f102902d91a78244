import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Refusals are written in the uploader's language; these tests read them in English (one reads Chinese)."""
    with translation.override("en"):
        yield
