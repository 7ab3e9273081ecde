"""Views of the reports part of attendance; its routes are in ``urlpatterns`` below."""

urlpatterns = []
