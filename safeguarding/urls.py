"""Safeguarding, under /safeguarding/. No URL carries personal data: concerns go by id."""

from django.urls import path

from . import accident_views, hold_views, incident_views, views

app_name = "safeguarding"

urlpatterns = [
    path("concerns/", views.concern_list, name="concern_list"),
    path("concerns/new/", views.concern_create, name="concern_create"),
    path("concerns/raised/", views.concern_raised, name="concern_raised"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
]
# Each further part of safeguarding keeps its routes beside its views.
urlpatterns += incident_views.urlpatterns + accident_views.urlpatterns + hold_views.urlpatterns
