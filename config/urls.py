"""Every route of the project. Each view declares who may use it (``centre.access``);
``tests/test_url_access.py`` fails for any route that does not."""

from django.urls import include, path

from centre import views as centre_views
from home import views as home_views
from retention import views as retention_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("privacy/", retention_views.privacy_notice, name="privacy_notice"),
    path("health/", centre_views.health, name="health"),
    path("accounts/", include("centre.auth_urls")),
    path("centre/", include("centre.urls")),
    path("sessions/", include("attendance.urls")),
    path("cases/", include("referrals.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("retention/", include("retention.urls")),
    path("privacy-requests/", include("privacy_requests.urls")),
]
