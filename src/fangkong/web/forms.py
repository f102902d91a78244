"""Helpers shared by page views: run a service for a POST and show its refusals on the page."""

import uuid

from django.contrib import messages
from django.utils.translation import gettext as _

from fangkong.errors import InputRefused


def run(request, action, success: str) -> bool:
    """Call `action()`; on refusal put each (field: message) in the page's messages. True when it worked."""
    try:
        action()
    except InputRefused as refused:
        for problem in refused.problems:
            messages.error(request, f"{_(problem.field)}: {problem.message}")
        return False
    messages.success(request, success)
    return True


def form_key() -> str:
    """A fresh key for a form: sent back with the POST, so a double submit is stored once."""
    return uuid.uuid4().hex
