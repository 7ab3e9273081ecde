"""Fictional cases for ``seed_demo``: one family in each status, from each source.

Every name, address and number is invented; phone numbers are in Ofcom's drama range and
postcodes are in fictional districts."""

import datetime

from centre.services import record_save

from .models import Adult, Child, Communication, Consent, PreVisit, ProtectiveOrder, Referral
from .services import (
    case_accept,
    case_activate,
    case_close,
    case_create,
    case_decline,
    case_start_pre_visits,
    pre_visit_save,
)

# (status, source, service, court order, Cafcass, resident, visiting, children, extras)
FAMILIES = [
    (
        "received",
        "self",
        "supported",
        False,
        False,
        ("Hannah", "Whitlock", "mother"),
        ("Marcus", "Whitlock", "father"),
        [("Ellie", 6)],
        {},
    ),
    (
        "received",
        "solicitor",
        "supervised",
        False,
        False,
        ("Priya", "Raman", "mother"),
        ("Dev", "Raman", "father"),
        [("Arjun", 9), ("Maya", 4)],
        {"risk_domestic_abuse": True, "confidential": True},
    ),
    (
        "accepted",
        "cafcass",
        "supervised",
        True,
        True,
        ("Leanne", "Carver", "mother"),
        ("Jason", "Pike", "father"),
        [("Tyler", 7)],
        {"order": "non_molestation"},
    ),
    (
        "pre_visits",
        "local_authority",
        "supported",
        False,
        False,
        ("Grace", "Okonjo", "grandmother"),
        ("Samuel", "Okonjo", "father"),
        [("Ruby", 5)],
        {"one_pre_visit": True},
    ),
    (
        "active",
        "self",
        "handover",
        False,
        False,
        ("Chloe", "Brennan", "mother"),
        ("Liam", "Foster", "father"),
        [("Noah", 8), ("Isla", 3)],
        {"medical": True},
    ),
    (
        "active",
        "court",
        "supervised",
        True,
        False,
        ("Fatima", "Haddad", "mother"),
        ("Omar", "Haddad", "father"),
        [("Yusuf", 10)],
        {"confidential": True, "order": "prohibited_steps"},
    ),
    (
        "declined",
        "other",
        "supported",
        False,
        False,
        ("Karen", "Ashby", "mother"),
        ("Paul", "Ashby", "father"),
        [("Daisy", 12)],
        {"declined": "The family lives outside the centre's area."},
    ),
    (
        "closed",
        "self",
        "supported",
        False,
        False,
        ("Nadia", "Kowalski", "mother"),
        ("Tomasz", "Kowalski", "father"),
        [("Lena", 11)],
        {"closed": "Contact now arranged between the parents."},
    ),
    # Two families from longer ago, so the disposal queue has something to show: a
    # self-referral past its year, and a court case past its three years (the demo puts a
    # legal hold on it, so it is held back).
    (
        "closed",
        "self",
        "supported",
        False,
        False,
        ("Joanne", "Ashworth", "mother"),
        ("Gareth", "Ashworth", "father"),
        [("Alfie", 9)],
        {"closed": "Contact moved to the community.", "days_ago": 420},
    ),
    (
        "closed",
        "court",
        "supervised",
        True,
        False,
        ("Selin", "Demir", "mother"),
        ("Kerem", "Demir", "father"),
        [("Ada", 8)],
        {"closed": "Final hearing: contact ended.", "days_ago": 1140},
    ),
]


def seed(*, actor, today):
    """Create the demo families; ``actor`` is the staff member credited with the work."""
    for index, row in enumerate(FAMILIES):
        (status, source, service, order, cafcass, resident, visiting, children, extras) = row
        then = today - datetime.timedelta(days=extras.get("days_ago", 0))
        received_on = then - datetime.timedelta(days=90 - index * 7)
        referral = Referral(
            source=source,
            source_other="Health visitor" if source == "other" else "",
            received_on=received_on,
            service=service,
            court_order=order,
            court_order_type="Child arrangements order" if order else "",
            court_order_date=received_on - datetime.timedelta(days=30) if order else None,
            cafcass_involved=cafcass,
            referrer_name="" if source == "self" else "A. Fictional-Referrer",
            referrer_organisation={
                "cafcass": "Cafcass",
                "solicitor": "Fenwick & Co (fictional)",
                "local_authority": "Elmfield Council Children's Services",
                "court": "Elmfield Family Court",
            }.get(source, ""),
            risk_domestic_abuse=extras.get("risk_domestic_abuse", False),
            risk_notes="Disclosed at referral; see protective order." if order else "",
            frequency_requested="fortnightly",
            days_requested="Saturday mornings",
        )
        case = case_create(referral=referral, actor=actor)
        adults = []
        for number, ((first, last, relationship), role) in enumerate(
            [(resident, "resident"), (visiting, "visiting")]
        ):
            adults.append(
                record_save(
                    record=Adult(
                        case=case,
                        role=role,
                        relationship=relationship,
                        first_name=first,
                        last_name=last,
                        date_of_birth=datetime.date(1984 + index, number + 3, 12),
                        email=f"{first.lower()}.{last.lower()}@example.org",
                        phone=f"07700 900{200 + index * 2 + number:03d}",
                        address=f"{10 + index} Imaginary Road\nElmfield",
                        postcode=f"EF{index + 1} {number + 4}XY",
                        has_parental_responsibility=True if role == "visiting" else None,
                        contact_details_confidential=role == "resident"
                        and extras.get("confidential", False),
                        never_disclose="Maple Grove Primary\nElmfield Library (her workplace)"
                        if role == "resident" and extras.get("confidential", False)
                        else "",
                    ),
                    actor=actor,
                )
            )
        for first, age in children:
            record_save(
                record=Child(
                    case=case,
                    first_name=first,
                    last_name=resident[1],
                    date_of_birth=datetime.date(then.year - age, (index % 12) + 1, 14),
                    interests="Drawing and Lego",
                ),
                actor=actor,
            )
        if "order" in extras:
            record_save(
                record=ProtectiveOrder(
                    case=case,
                    kind=extras["order"],
                    names=f"{visiting[0]} {visiting[1]}",
                    made_on=received_on - datetime.timedelta(days=40),
                ),
                actor=actor,
            )
        record_save(
            record=Communication(
                case=case,
                occurred_on=received_on,
                kind="phone",
                direction="in",
                with_whom=referral.referrer_name or f"{resident[0]} {resident[1]}",
                summary="First call about the referral; explained how the centre works.",
                recorded_by=actor,
            ),
            actor=actor,
        )
        _advance(case, status, adults, extras, actor=actor, today=then)


def _advance(case, status, adults, extras, *, actor, today):
    if status == "received":
        return
    if status == "declined":
        case_decline(case=case, reason=extras["declined"], actor=actor)
        return
    case = case_accept(case=case, actor=actor)
    if status == "accepted":
        return
    case = case_start_pre_visits(case=case, actor=actor)
    visited = today - datetime.timedelta(days=20)
    for number, adult in enumerate(adults[:1] if extras.get("one_pre_visit") else adults):
        day = visited + datetime.timedelta(days=number)
        consent = None
        if extras.get("medical") and adult.role == "resident":
            consent = record_save(
                record=Consent(
                    case=case,
                    given_by=adult,
                    given_on=day,
                    recorded_by=actor,
                    scope="The children's allergies, to keep them safe at sessions",
                ),
                actor=actor,
            )
        pre_visit_save(
            pre_visit=PreVisit(
                case=case,
                adult=adult,
                visited_on=day,
                conducted_by=actor,
                ground_rules_agreed_on=day,
                ground_rules_witnessed_by=actor.full_name,
                arrangements_agreed=True,
                arrangements="Resident parent arrives 15 minutes before and leaves by the side "
                "door; visiting parent leaves 15 minutes before the child is collected.",
                who_may_collect=f"{adult.first_name} {adult.last_name} only"
                if adult.role == "resident"
                else "",
                photo_id_seen=True,
                medical_needs="Mild hay fever; no medication at sessions" if consent else "",
                medical_consent=consent,
                emergency_contact="A relative, details on file",
                privacy_notice_version="2026-01",
            ),
            children=list(case.children.all()) if adult.role == "resident" else [],
            actor=actor,
        )
    if status == "pre_visits":
        return
    case = case_activate(case=case, actor=actor, on=today - datetime.timedelta(days=10))
    if status == "closed":
        case_close(
            case=case,
            closed_on=today - datetime.timedelta(days=2),
            reason=extras["closed"],
            actor=actor,
        )
