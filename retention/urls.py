from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("approve/", views.approve_all, name="approve_all"),
    path("rules/<int:pk>/approve/", views.approve_rule, name="approve_rule"),
    path("items/<int:pk>/approve/", views.approve_item, name="approve_item"),
    path("items/<int:pk>/postpone/", views.item_postpone, name="item_postpone"),
    path("forecast/", views.forecast, name="forecast"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<int:pk>/change/", views.rule_change_view, name="rule_change"),
    path("disposals/", views.disposal_list, name="disposal_list"),
]
