"""Generated input posted to every form of the application, as someone allowed to use it.

Whatever is posted (blank, huge, NUL, right-to-left and emoji text, markup, impossible
dates, numbers past any column, ids of nothing or of another family's records, fields
missing, doubled or added), no form answers 500, no record it saves or changes fails
its own model's validation, and a post that is refused leaves every record as it was and
answers in words that say what to do, never Django's technical ones ("Ensure this value
is less than or equal to 9223372036854775807").

The forms are read from the pages themselves (``tests/forms_under_test.py``), so a field
added to a form is generated too. Each example runs in a savepoint rolled back after it,
so every post meets the same world. Hypothesis is derandomised and keeps no example
database, so CI sees the same posts on every run.
"""

import os

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from tests.forms_under_test import (
    RECORDS_OF_THE_REQUEST,
    Field,
    forms_on,
    invalid_rows,
    posts_to,
    project_models,
    route_name_of,
    tables_written,
    user_for,
)
from tests.urls import all_routes, url_of

ROUTES = {route.name: route for route in all_routes()}

# Every URL that takes a post, and the page that shows its form (None: its own page).
# The form is read from that page; an action the world's records are not in the state to
# offer (activating a case that is not ready, say) is posted with generated extras only.
FORMS = {
    "centre:profile_edit": None,
    "centre:staff_create": None,
    "centre:staff_edit": None,
    "centre:staff_access": None,
    "centre:dbs_check_create": None,
    "centre:dbs_check_edit": None,
    "centre:staff_document_create": None,
    "centre:staff_document_edit": None,
    "centre:parental_leave_create": None,
    "centre:parental_leave_edit": None,
    "centre:finance_create": None,
    "centre:finance_edit": None,
    "centre:disclosure_create": None,
    "centre:people_find": None,
    "centre:notice_version_list": None,
    "attendance:session_create": None,
    "attendance:session_edit": None,
    "attendance:booking_create": None,
    "attendance:case_booking_create": None,
    "attendance:booking_edit": None,
    "attendance:booking_absence": None,
    "attendance:register_tap": "attendance:register",
    "attendance:register_absent": "attendance:register",
    "attendance:register_undo_absent": "attendance:register",
    "attendance:register_undo_tap": "attendance:register",
    "attendance:report_create": None,
    "attendance:report_edit": None,
    "attendance:report_recipient_add": None,
    "attendance:report_recipient_remove": "attendance:report_detail",
    "attendance:report_mark_ready": "attendance:report_detail",
    "attendance:report_withdraw": "attendance:report_detail",
    "attendance:report_return": "attendance:report_detail",
    "attendance:report_check": "attendance:report_detail",
    "attendance:report_send": "attendance:report_detail",
    "referrals:case_list": None,
    "referrals:case_create": None,
    "referrals:referral_edit": None,
    "referrals:case_accept": "referrals:case_detail",
    "referrals:case_decline": None,
    "referrals:case_start_pre_visits": "referrals:case_detail",
    "referrals:case_activate": "referrals:case_detail",
    "referrals:case_close": None,
    "referrals:case_review": None,
    "referrals:adult_create": None,
    "referrals:adult_edit": None,
    "referrals:child_create": None,
    "referrals:child_edit": None,
    "referrals:protective_order_create": None,
    "referrals:protective_order_edit": None,
    "referrals:pre_visit_create": None,
    "referrals:pre_visit_edit": None,
    "referrals:consent_create": None,
    "referrals:consent_withdraw": None,
    "referrals:communication_create": None,
    "referrals:document_create": None,
    "safeguarding:concern_create": None,
    "safeguarding:incident_create": None,
    "safeguarding:incident_open_from_concern": None,
    "safeguarding:incident_triage": None,
    "safeguarding:incident_action_add": None,
    "safeguarding:incident_close": None,
    "safeguarding:accident_create": None,
    "safeguarding:hold_place_found": None,
    "safeguarding:hold_place_case": None,
    "safeguarding:hold_place_adult": None,
    "safeguarding:hold_place_staff": None,
    "safeguarding:hold_lift": None,
    # The queue links to each approval's confirmation page, whose form approves.
    "retention:approve_all": None,
    "retention:approve_rule": None,
    "retention:approve_item": None,
    "retention:item_postpone": None,
    "retention:rule_change": None,
    "privacy_requests:request_create": None,
    "privacy_requests:request_verify": "privacy_requests:request_detail",
    "privacy_requests:request_start": "privacy_requests:request_detail",
    "privacy_requests:request_ask_identity": "privacy_requests:request_detail",
    "privacy_requests:request_identity_received": "privacy_requests:request_detail",
    "privacy_requests:request_await": "privacy_requests:request_detail",
    "privacy_requests:request_resume": "privacy_requests:request_detail",
    "privacy_requests:request_extend": "privacy_requests:request_detail",
    "privacy_requests:request_complete": "privacy_requests:request_detail",
    "privacy_requests:request_refuse": "privacy_requests:request_detail",
    "privacy_requests:request_child": "privacy_requests:request_detail",
    "privacy_requests:request_no_data": "privacy_requests:request_detail",
    "privacy_requests:complaint_create": None,
    "privacy_requests:complaint_acknowledge": "privacy_requests:complaint_detail",
    "privacy_requests:complaint_investigation": "privacy_requests:complaint_detail",
    "privacy_requests:complaint_resolve": "privacy_requests:complaint_detail",
    "privacy_requests:person_find": None,
    "privacy_requests:person_confirm": "privacy_requests:person_find",
    "privacy_requests:pack_build": "privacy_requests:pack",
    "privacy_requests:pack_review": "privacy_requests:pack",
    "privacy_requests:pack_withhold": "privacy_requests:pack",
    "privacy_requests:pack_unredact": "privacy_requests:pack",
    "privacy_requests:pack_release": None,
    "privacy_requests:portability_export": "privacy_requests:pack",
    "privacy_requests:request_lawful_basis": "privacy_requests:request_detail",
    "privacy_requests:erasure_decide": None,
    "privacy_requests:restriction_place_adult": None,
    "privacy_requests:restriction_place_child": None,
    "privacy_requests:restriction_lift": None,
    # Signing in: a fully signed-in person's own pages (the second-factor steps send them
    # on, so only generated extras reach those).
    "password_change": None,
    "password_reset": None,
    "password_reset_confirm": None,
    "two_factor": None,
    "two_factor_setup": None,
    "recovery_codes_new": "account",
    "other_sessions_end": "account",
    "centre:staff_sessions_end": "centre:staff_detail",
    "centre:staff_two_factor_reset": "centre:staff_detail",
}

# Signing out ends the session every later example posts with; the sign-in page answers
# only someone signed out (a signed-in person is sent on), and tests/centre/test_sign_in.py
# posts to it as such, wrong passwords, lockouts and all.
NOT_YET = {"logout", "login"}

# Posts whose success is answered with a page, not a redirect: new recovery codes are
# shown once, in the answer to the post that made them, and never kept to show again.
ANSWERED_WITH_A_PAGE = {"recovery_codes_new"}

# Django's own words, never shown to a person: every refusal says what to do instead,
# numbers in the range their purpose sets (core/plausible.py ``within``) and the rest in
# the project's reworded catalogue (locale/en_GB).
TECHNICAL = (
    "Ensure this value",
    "9223372036854775807",
    "2147483647",
    "32767",
    "Select a valid choice",
    "Enter a valid",
    "Enter a whole number.",
    "Null characters are not allowed",
    "encoding type",
)

# Posts per form in CI: enough to meet each field's hostile values, few enough that the
# whole file stays near a minute and a half on PostgreSQL. A form with no fields of its
# own (a button) has only its generated extras to vary. FORM_INPUT_EXAMPLES asks for
# more on a long local run.
EXAMPLES = int(os.environ.get("FORM_INPUT_EXAMPLES", 15))
BUTTON_EXAMPLES = max(EXAMPLES // 3, 1)


@pytest.fixture
def cast(manager, staff, volunteer):
    return {"manager": manager, "staff": staff, "volunteer": volunteer}


def test_every_form_of_the_application_is_under_test(world, client, cast):
    """Every form on every page, and every URL that takes only a post, is in FORMS."""
    missing = set()
    for route in ROUTES.values():
        if route.name in NOT_YET:
            continue
        client.force_login(user_for(route, cast))
        url = url_of(route, world)
        response = client.get(url)
        if response.status_code == 405:
            missing.add(route.name)
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for form in forms_on(response.content.decode(), url):
                missing.add(route_name_of(form.action))
    unknown = sorted(missing - set(FORMS) - NOT_YET)
    assert not unknown, f"add these to FORMS: {unknown}"


# Fields a page adds only once something is chosen (the children of the case a concern is
# about, fetched when the case is picked): given here, from the world.
ADDED_BY_THE_PAGE = {
    "safeguarding:concern_create": lambda world: [
        Field("children", "checkbox", options=[str(world.child.pk)], multiple=True)
    ],
}


def _forms_for(route, world, client):
    """The forms the world's pages show for ``route``, read from its page."""
    page = ROUTES[FORMS[route.name] or route.name]
    url = url_of(page, world)
    response = client.get(url)
    if response.status_code != 200:
        return []
    forms = forms_on(response.content.decode(), url)
    forms = [form for form in forms if route_name_of(form.action) == route.name]
    for form in forms:
        for added in ADDED_BY_THE_PAGE.get(route.name, lambda world: [])(world):
            form.fields.setdefault(added.name, added)
    return forms


def _is_a_page_with_an_answer(response):
    """A post answered with a page (a form shown again with its errors, a refusal), not a
    redirect after a change or a file."""
    return response.status_code != 302 and "html" in response.get("Content-Type", "")


@pytest.mark.parametrize("name", sorted(FORMS))
def test_no_form_answers_500_or_saves_an_invalid_record(name, world, client, cast):
    route = ROUTES[name]
    client.force_login(user_for(route, cast))
    forms = _forms_for(route, world, client)
    fallback = url_of(route, world)
    models = project_models()
    # Rows the world itself holds that its model refuses (none expected, but a post is
    # judged only on what it changes).
    already = {model._meta.label: invalid_rows(model) for model in models}
    by_label = {model._meta.label: model for model in models}

    has_fields = any(set(form.fields) - {"csrfmiddlewaretoken"} for form in forms)

    @settings(
        max_examples=EXAMPLES if has_fields else BUTTON_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(post=posts_to(forms, fallback))
    def post_generated_input(post):
        # The query log keeps the last 9000 queries: a full one would capture nothing.
        connection.queries_log.clear()
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                # The client raises any exception a view lets escape: a failure here.
                response = client.post(post.path, post.encoded())
            assert response.status_code < 500, response.status_code
            if os.environ.get("FORM_INPUT_TRACE"):
                print(name, response.status_code, response.get("Location", ""))
            written = tables_written(queries.captured_queries)
            if _is_a_page_with_an_answer(response) and name not in ANSWERED_WITH_A_PAGE:
                changed = set(written) - RECORDS_OF_THE_REQUEST
                assert not changed, f"a refused post ({response.status_code}) wrote {changed}"
                said = response.content.decode()
                technical = [words for words in TECHNICAL if words in said]
                assert not technical, f"a refused post was answered with {technical}"
            for label, writes in written.items():
                if writes == {"DELETE FROM"}:
                    continue
                now = invalid_rows(by_label[label])
                new = {pk: errors for pk, errors in now.items() if already[label].get(pk) != errors}
                assert not new, f"{label} saved invalid: {new}"
            transaction.set_rollback(True)

    post_generated_input()


def test_the_generated_posts_reach_the_saving_code(world, client, cast):
    """A sanity check on the generator: a form posted back as its page filled it in is
    accepted (so the test above exercises saving, not only refusing)."""
    client.force_login(cast["manager"])
    url = reverse("referrals:child_edit", args=[world.child.pk])
    response = client.get(url)
    assert response.status_code == 200
    (form,) = [form for form in forms_on(response.content.decode(), url) if form.action == url]
    data = {name: field.value for name, field in form.fields.items()}
    assert client.post(url, data).status_code == 302
