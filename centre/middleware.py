from django.utils.cache import add_never_cache_headers, patch_cache_control

from centre.access import rule_of


class NoStoreMiddleware:
    """No browser or proxy may keep a copy of a page that may show personal data (a shared
    tablet's back button must not bring a family's details back).

    Every response is marked ``no-store`` except a public page (the privacy notice, the
    login page) seen by an anonymous visitor, which stays cacheable. A signed-in user's
    pages, a refusal, a redirect to the login page, a 404 and a file download are all
    covered. Directives a view set are kept and made stricter, never looser: a view's
    ``max-age`` becomes 0 and ``public`` becomes ``private``. Static files never reach
    this middleware (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self._may_be_cached(request):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response

    @staticmethod
    def _may_be_cached(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        match = getattr(request, "resolver_match", None)
        rule = rule_of(match.func) if match is not None else None
        return rule is not None and rule.is_public
