from django.urls import include, path

from . import views

app_name = "centre"

urlpatterns = [
    path("profile/", views.centre_profile_edit, name="profile_edit"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/access/", views.staff_access, name="staff_access"),
    path("staff/<int:pk>/sessions/end/", views.staff_sessions_end, name="staff_sessions_end"),
    path(
        "staff/<int:pk>/two-factor/reset/",
        views.staff_two_factor_reset,
        name="staff_two_factor_reset",
    ),
    path("staff/<int:pk>/dbs-checks/new/", views.dbs_check_create, name="dbs_check_create"),
    path("dbs-checks/<int:pk>/edit/", views.dbs_check_edit, name="dbs_check_edit"),
    path(
        "dbs-checks/<int:pk>/certificate/",
        views.dbs_certificate_download,
        name="dbs_certificate_download",
    ),
    path(
        "staff/<int:pk>/documents/new/", views.staff_document_create, name="staff_document_create"
    ),
    path("documents/<int:pk>/edit/", views.staff_document_edit, name="staff_document_edit"),
    path("documents/<int:pk>/file/", views.staff_document_download, name="staff_document_download"),
    path(
        "staff/<int:pk>/parental-leave/new/",
        views.parental_leave_create,
        name="parental_leave_create",
    ),
    path("parental-leave/<int:pk>/edit/", views.parental_leave_edit, name="parental_leave_edit"),
    path("finance/", views.finance_list, name="finance_list"),
    path("finance/new/", views.finance_create, name="finance_create"),
    path("finance/<int:pk>/edit/", views.finance_edit, name="finance_edit"),
    path("finance/<int:pk>/file/", views.finance_download, name="finance_download"),
    path("", include("centre.disclosure_views")),
    path("", include("centre.audit_views")),
    path("", include("centre.picker_views")),
]
