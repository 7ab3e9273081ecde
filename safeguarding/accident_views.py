"""Views of the accident part of safeguarding; its routes are in ``urlpatterns`` below."""

urlpatterns = []
