"""Views of the sessions part of attendance; its routes are in ``urlpatterns`` below."""

urlpatterns = []
