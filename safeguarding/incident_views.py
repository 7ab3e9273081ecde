"""Views of the incident part of safeguarding; its routes are in ``urlpatterns`` below."""

urlpatterns = []
