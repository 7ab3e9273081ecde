"""Views of the register part of attendance; its routes are in ``urlpatterns`` below."""

urlpatterns = []
