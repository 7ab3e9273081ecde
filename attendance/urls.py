from .views import quarterly, register, reports, sessions

app_name = "attendance"

# Each part of attendance keeps its own routes beside its views.
urlpatterns = (
    sessions.urlpatterns + register.urlpatterns + reports.urlpatterns + quarterly.urlpatterns
)
