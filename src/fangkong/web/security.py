"""Security headers on every response the application makes (static files are WhiteNoise's, before it).

The Content-Security-Policy lets a page load only our own scripts, styles, images and connections: no inline
script, no inline style, no event-handler attribute, no framing. Every API response and every response to a
logged-in user may carry personal data, so none of them is kept by a browser or a proxy cache.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{directive} {sources}" for directive, sources in settings.CONTENT_SECURITY_POLICY)
        self.api_prefix = "/api/"

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        user = getattr(request, "user", None)
        if request.path_info.startswith(self.api_prefix) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
