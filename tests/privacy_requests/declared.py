"""The free text the tests of requests about anyone search: a pre-visit's collection list
and emergency contact, a supervised report's list of who attended, as their apps declare
them (the personal data of their ``Record`` in each app's ``declarations.py``)."""

from core.declarations import personal_data_for

FIELDS = {
    "referrals.previsit": ("who_may_collect", "emergency_contact"),
    "attendance.supervisedreport": ("who_attended",),
}


def declare_free_text(monkeypatch=None) -> dict:
    """``{record_type: declaration}`` for pre-visits and supervised reports; fails if
    either no longer declares the free text these tests search."""
    found = {record_type: personal_data_for(record_type) for record_type in FIELDS}
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
