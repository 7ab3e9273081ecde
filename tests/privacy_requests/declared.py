"""The free text the tests of requests about anyone search: a pre-visit's collection list
and emergency contact, a supervised report's list of who attended.

Each app declares its own personal data (``register_personal_data`` in its
``retention.py``). Where a kind is not declared, a test declares it for itself, the way
the app would, and takes it away afterwards (``monkeypatch``): the finder works from
whatever is declared, and these tests use the real declaration wherever there is one."""

from retention.registry import PersonalData, personal_data_for, registry

FIELDS = {
    "referrals.previsit": ("who_may_collect", "emergency_contact"),
    "attendance.supervisedreport": ("who_attended",),
}


def _declared(monkeypatch, declaration):
    try:
        return personal_data_for(declaration.record_type)
    except LookupError:
        monkeypatch.setattr(registry, "personal_data", [*registry.personal_data, declaration])
        return declaration


def declare_free_text(monkeypatch) -> dict:
    """``{record_type: declaration}`` for pre-visits and supervised reports, each
    declaring the free text this file's tests search."""
    from attendance.models import SupervisedReport
    from referrals.models import PreVisit

    declarations = [
        _declared(
            monkeypatch,
            PersonalData(
                kind="Pre-visit",
                records=lambda: PreVisit.objects.select_related("case"),
                describe=lambda visit: f"Pre-visit {visit.pk} of {visit.case.display_reference}",
                pack_fields=(
                    ("who_may_collect", "Who may collect the child"),
                    ("emergency_contact", "Emergency contact"),
                    ("notes", "Notes"),
                ),
            ),
        ),
        _declared(
            monkeypatch,
            PersonalData(
                kind="Supervised report",
                records=lambda: SupervisedReport.objects.select_related("booking__case"),
                describe=lambda report: (
                    f"Report {report.pk} of {report.booking.case.display_reference}"
                ),
                pack_fields=(
                    ("who_attended", "Who attended"),
                    ("observations", "What was observed"),
                ),
            ),
        ),
    ]
    found = {declaration.record_type: declaration for declaration in declarations}
    for record_type, names in FIELDS.items():
        declared = {name for name, _label in found[record_type].pack_fields}
        assert set(names) <= declared, f"{record_type} does not declare {names}"
    return found


def matched_in(declaration, field_name, what="name"):
    """How the finder says a term matched in a declared text field: "name in who may
    collect the child"."""
    from privacy_requests.finding import text_fields

    (text,) = [text for text in text_fields(declaration) if text.path == field_name]
    return f"{what} in {text.label[:1].lower()}{text.label[1:]}"
