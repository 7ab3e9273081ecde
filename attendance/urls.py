from .views import register, reports, sessions

app_name = "attendance"

# Each part of attendance keeps its own routes beside its views.
urlpatterns = sessions.urlpatterns + register.urlpatterns + reports.urlpatterns
