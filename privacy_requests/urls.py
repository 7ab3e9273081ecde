"""Privacy requests, under /privacy-requests/. No URL carries personal data: requests,
complaints and restrictions go by id; a search for a person goes by POST.

Each part keeps its routes beside its views."""

from . import erasure_views, pack_views, restriction_views, views

app_name = "privacy_requests"

urlpatterns = (
    views.urlpatterns
    + pack_views.urlpatterns
    + restriction_views.urlpatterns
    + erasure_views.urlpatterns
)
