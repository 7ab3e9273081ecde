"""The case pages, under /cases/. No URL carries personal data: records go by id, and a
search term goes by POST."""

from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    # A case's page, in tabs: the overview, then its people, pre-visits, sessions,
    # records and history.
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/people/", views.case_people, name="case_people"),
    path("<int:pk>/pre-visits/", views.case_pre_visits, name="case_pre_visits"),
    path("<int:pk>/sessions/", views.case_sessions, name="case_sessions"),
    path("<int:pk>/records/", views.case_records, name="case_records"),
    path("<int:pk>/history/", views.case_history_page, name="case_history"),
    # The referral.
    path("<int:pk>/referral/edit/", views.referral_edit, name="referral_edit"),
    path(
        "<int:pk>/referral/court-order/",
        views.court_order_download,
        name="court_order_download",
    ),
    # Status moves and the six-monthly review.
    path("<int:pk>/accept/", views.case_accept, name="case_accept"),
    path("<int:pk>/decline/", views.case_decline, name="case_decline"),
    path("<int:pk>/start-pre-visits/", views.case_start_pre_visits, name="case_start_pre_visits"),
    path("<int:pk>/activate/", views.case_activate, name="case_activate"),
    path("<int:pk>/close/", views.case_close, name="case_close"),
    path("<int:pk>/review/", views.case_review, name="case_review"),
    # The people.
    path("<int:pk>/adults/new/", views.adult_create, name="adult_create"),
    path("adults/<int:pk>/edit/", views.adult_edit, name="adult_edit"),
    path("<int:pk>/children/new/", views.child_create, name="child_create"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    # Protective orders.
    path(
        "<int:pk>/protective-orders/new/",
        views.protective_order_create,
        name="protective_order_create",
    ),
    path(
        "protective-orders/<int:pk>/edit/",
        views.protective_order_edit,
        name="protective_order_edit",
    ),
    # Pre-visits.
    path("<int:pk>/pre-visits/new/", views.pre_visit_create, name="pre_visit_create"),
    path("pre-visits/<int:pk>/edit/", views.pre_visit_edit, name="pre_visit_edit"),
    path(
        "pre-visits/<int:pk>/photograph/",
        views.pre_visit_photograph,
        name="pre_visit_photograph",
    ),
    # Consents.
    path("<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    # Communications and documents.
    path(
        "<int:pk>/communications/new/",
        views.communication_create,
        name="communication_create",
    ),
    path("<int:pk>/documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/file/", views.document_download, name="document_download"),
]
