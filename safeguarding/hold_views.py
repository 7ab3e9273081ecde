"""Views of the hold part of safeguarding; its routes are in ``urlpatterns`` below."""

urlpatterns = []
