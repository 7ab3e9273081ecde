from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreForSignedInMiddleware:
    """Pages seen by a signed-in user may show personal data: no browser or proxy may keep
    a copy (a shared tablet's back button must not bring a family's details back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
