"""What the case views share: the way back to a case, and refusing every write while the
case's records are restricted. The form page is ``core.pages.form_page``; a case's form
pages use the template ``CASE_FORM``, which links back to the case."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from ..restrictions import case_write_refusal

# The form page of a case: ``core.pages.form_page`` with ``case=`` and a way back to it.
CASE_FORM = "referrals/form.html"


# Which tab of a case's page shows each section; any other (summary, status, holds)
# is on the overview.
SECTION_TABS = {
    "adults": "referrals:case_people",
    "children": "referrals:case_people",
    "protective-orders": "referrals:case_people",
    "pre-visits": "referrals:case_pre_visits",
    "sessions": "referrals:case_sessions",
    "referral": "referrals:case_records",
    "consents": "referrals:case_records",
    "communications": "referrals:case_records",
    "documents": "referrals:case_records",
    "disclosures": "referrals:case_records",
    "status-history": "referrals:case_history",
    "change-history": "referrals:case_history",
}


def case_url(case_or_pk, section=""):
    """The address of a case's page, at the tab (and anchor) showing ``section``."""
    pk = getattr(case_or_pk, "pk", case_or_pk)
    url = reverse(SECTION_TABS.get(section, "referrals:case_detail"), args=[pk])
    return f"{url}#{section}" if section else url


def refuse_while_restricted(request, case):
    """A redirect to the case page, saying why, while the case's records are read-only
    (a restriction of processing); None when they may be written. Every view that
    writes to a case or its records asks this first, before reading its form.

    Not the form page itself: a legal hold may still be placed on a restricted case
    (keeping records is what a restriction allows)."""
    refusal = case_write_refusal(case)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect(case_url(case))
