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


class AuditRefusalsMiddleware:
    """Every refusal (a 403, whether a view raised ``PermissionDenied`` or the CSRF check
    refused the request) goes into the audit trail: the view's name as the kind, the id
    in the URL if any, and the path without its query string (URLs carry no personal
    data). Django has already turned ``PermissionDenied`` into a 403 response by the time
    it reaches a middleware's ``__call__``, so the status is all there is to look at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            from core import audit

            match = getattr(request, "resolver_match", None)
            object_id = match.kwargs.get("pk") if match is not None else None
            audit.record(
                request,
                audit.Action.REFUSED,
                kind=match.view_name if match is not None else "",
                # An id no record can have (beyond a bigint) is noted by its path alone.
                object_id=object_id
                if isinstance(object_id, int) and 0 <= object_id < 2**63
                else None,
                detail=f"{request.method} {request.path}",
            )
        return response
