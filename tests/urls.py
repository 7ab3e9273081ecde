"""Every URL pattern of the project, and a concrete URL for each, for the access tests.

A pattern with parameters needs a sample in ``SAMPLES``: a function of the ``world``
fixture (one record of every kind) returning the URL's keyword arguments. A new URL with
parameters and no sample fails ``test_every_url_can_be_walked``, so the matrix grows
with the project.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: object
    parameters: tuple

    def __str__(self):
        return self.name


def all_routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner_namespace = namespace
            if entry.namespace:
                inner_namespace = f"{namespace}{entry.namespace}:"
            routes += all_routes(entry, prefix + str(entry.pattern), inner_namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            pattern = entry.pattern
            parameters = tuple(getattr(pattern, "converters", {}).keys())
            routes.append(Route(name, prefix + str(pattern), entry.callback, parameters))
    return routes


SAMPLES = {
    "password_reset_confirm": lambda world: {"uidb64": "MQ", "token": "set-password"},
    "centre:staff_detail": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_edit": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_access": lambda world: {"pk": world.staff_member.pk},
    "centre:dbs_check_create": lambda world: {"pk": world.staff_member.pk},
    "centre:dbs_check_edit": lambda world: {"pk": world.dbs_check.pk},
    "centre:dbs_certificate_download": lambda world: {"pk": world.dbs_check.pk},
    "centre:staff_document_create": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_document_edit": lambda world: {"pk": world.staff_document.pk},
    "centre:staff_document_download": lambda world: {"pk": world.staff_document.pk},
    "centre:parental_leave_create": lambda world: {"pk": world.staff_member.pk},
    "centre:parental_leave_edit": lambda world: {"pk": world.parental_leave.pk},
    "centre:finance_edit": lambda world: {"pk": world.finance_record.pk},
    "centre:finance_download": lambda world: {"pk": world.finance_record.pk},
    "referrals:case_detail": lambda world: {"pk": world.case.pk},
    "referrals:referral_edit": lambda world: {"pk": world.case.pk},
    "referrals:court_order_download": lambda world: {"pk": world.case.pk},
    "referrals:case_accept": lambda world: {"pk": world.case.pk},
    "referrals:case_decline": lambda world: {"pk": world.case.pk},
    "referrals:case_start_pre_visits": lambda world: {"pk": world.case.pk},
    "referrals:case_activate": lambda world: {"pk": world.case.pk},
    "referrals:case_close": lambda world: {"pk": world.case.pk},
    "referrals:case_review": lambda world: {"pk": world.case.pk},
    "referrals:adult_create": lambda world: {"pk": world.case.pk},
    "referrals:adult_edit": lambda world: {"pk": world.resident.pk},
    "referrals:child_create": lambda world: {"pk": world.case.pk},
    "referrals:child_edit": lambda world: {"pk": world.child.pk},
    "referrals:protective_order_create": lambda world: {"pk": world.case.pk},
    "referrals:protective_order_edit": lambda world: {"pk": world.protective_order.pk},
    "referrals:pre_visit_create": lambda world: {"pk": world.case.pk},
    "referrals:pre_visit_edit": lambda world: {"pk": world.pre_visit.pk},
    "referrals:pre_visit_photograph": lambda world: {"pk": world.pre_visit.pk},
    "referrals:consent_create": lambda world: {"pk": world.case.pk},
    "referrals:consent_withdraw": lambda world: {"pk": world.consent.pk},
    "referrals:communication_create": lambda world: {"pk": world.case.pk},
    "referrals:document_create": lambda world: {"pk": world.case.pk},
    "referrals:document_download": lambda world: {"pk": world.document.pk},
}


def url_of(route, world):
    kwargs = SAMPLES[route.name](world) if route.parameters else {}
    return reverse(route.name, kwargs=kwargs)
