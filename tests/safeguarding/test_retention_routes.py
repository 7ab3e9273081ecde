"""Every safeguarding record has a route to its end (issue 16). An accident to an adult is
disposed of three years after its day (in the centre's time zone), an incident about no
child six years after its closure (never while open); a concern about a child is reviewed
when the youngest child turns 25, from its own copy of that date of birth; a concern that
led to an incident goes with the incident, one about no child with its case, or under
contact-court from its date where its case went first; an entry about a child with no date
of birth is reviewed 25 years after the record's own day; a lifted hold goes with what it
held, and a hold placed for an incident with the incident. Each route crosses its boundary
day, holds win, the queue names no one, and approving disposes of exactly the record with
its history."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from centre.models import StaffMember
from centre.services import record_save
from referrals.declarations import adult_erase
from referrals.models import Adult, Case
from retention.engine import dry_run
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from safeguarding.accident_services import accident_record
from safeguarding.holds import hold_lift, hold_place
from safeguarding.incident_services import incident_close, incident_open
from safeguarding.models import Accident, Concern, Hold, Incident, IncidentChild
from safeguarding.services import concern_raise
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory
from tests.retention.factories import (
    closed_case,
    incident_about,
    privacy_request,
    staff_document,
    staff_member,
)

NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
FAR = D(2099, 1, 1)
LONDON = timezone.get_default_timezone()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def _due(rule, kind, ref, due_on, action):
    return {"rule": rule, "kind": kind, "ref": ref, "due_on": due_on.isoformat(), "action": action}


def _listed(as_of):
    """The dry run without the dormant-case reviews: the open cases these tests build have
    nothing recorded on them for a year, which is that rule's business, not these."""
    found = dry_run(as_of)
    return {key: [e for e in found[key] if e["rule"] != "dormant-case"] for key in ("due", "held")}


def _crosses(entry, due_on):
    """The record is listed on ``due_on`` and not the day before, alone."""
    before, on_the_day = _listed(due_on - ONE_DAY), _listed(due_on)
    assert (before["due"], before["held"]) == ([], [])
    assert (on_the_day["due"], on_the_day["held"]) == ([entry], [])


def _sweep_approve_dispose(manager, as_of, rule):
    retention_sweep(as_of=as_of)
    approved = disposal_approve(actor=manager, rule=rule)
    return approved, dispose_approved(today=as_of)


def _adult_accident(case=None, *, occurred_at=None, name="Fictional Visitor"):
    return accident_record(
        accident=Accident(
            case=case,
            person_name=name,
            occurred_at=occurred_at or _at(D(2024, 3, 5)),
            what_happened="Fictional: caught a finger in the door.",
        )
    )


def _close(incident, closed_on, actor=None):
    return incident_close(
        incident=incident, outcome="Fictional: no further action.", closed_on=closed_on, actor=actor
    )


def _family(*births):
    case = CaseFactory(referral__received_on=D(2024, 1, 8))
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    for born in births:
        ChildFactory(case=case, date_of_birth=born)
    return case


def _concern(manager, case, children=(), *, occurred_at=None):
    return concern_raise(
        concern=Concern(
            case=case,
            occurred_at=occurred_at or _at(D(2025, 4, 2)),
            where="The garden room",
            what_happened="Fictional: a worrying remark at handover.",
        ),
        children=children,
        actor=manager,
    )


def _legal_hold(actor, **scope):
    return hold_place(
        hold=Hold(
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=NOW.date() + datetime.timedelta(days=60),
            **scope,
        ),
        actor=actor,
    )


def _lift(hold, actor):
    return hold_lift(hold=hold, reason="Fictional: the claim was settled.", actor=actor)


def _history_of(model, pk):
    return model.history.filter(id=pk).count()


# Accidents --------------------------------------------------------------------------------


def test_an_accident_to_an_adult_is_due_three_years_after_its_day_in_the_centres_time_zone():
    # Half past midnight in London in summer is still the day before in UTC.
    accident = _adult_accident(occurred_at=_at(D(2023, 6, 30), 0, 30))
    assert accident.occurred_at.astimezone(datetime.UTC).date() == D(2023, 6, 29)

    _crosses(
        _due("adult-accident", "accident", f"AC-{accident.pk:04d}", D(2026, 6, 30), "dispose"),
        D(2026, 6, 30),
    )


def test_an_accident_to_an_adult_on_a_case_is_listed_by_the_cases_reference():
    case = _family(D(2019, 2, 14))
    accident = _adult_accident(case, occurred_at=_at(D(2024, 2, 29)))

    _crosses(
        _due("adult-accident", "accident", case.display_reference, D(2027, 2, 28), "dispose"),
        D(2027, 2, 28),
    )
    assert accident.about_child is False


def test_an_entry_about_a_child_with_no_date_of_birth_is_reviewed_25_years_after_the_accident():
    accident = record_save(
        record=Accident(
            person_name="Fictional Child",
            about_child=True,
            occurred_at=_at(D(2024, 7, 1), 0, 15),
            what_happened="Fictional: bumped a head on the table.",
        )
    )

    _crosses(
        _due("child-safeguarding", "incident", f"AC-{accident.pk:04d}", D(2049, 7, 1), "review"),
        D(2049, 7, 1),
    )


def test_an_entry_about_a_child_with_a_date_of_birth_is_still_reviewed_at_25():
    case = _family(D(2016, 9, 12))
    accident = accident_record(
        accident=Accident(
            child=case.children.get(),
            occurred_at=_at(D(2024, 7, 1)),
            what_happened="Fictional: tripped on the play mat.",
        )
    )

    _crosses(
        _due("child-safeguarding", "incident", case.display_reference, D(2041, 9, 12), "review"),
        D(2041, 9, 12),
    )
    assert accident.about_child


# Incidents --------------------------------------------------------------------------------


def test_an_incident_about_no_child_is_due_six_years_after_it_closed_and_never_while_open():
    incident = incident_about(None)

    assert _listed(FAR)["due"] == []

    _close(incident, D(2025, 3, 31))
    _crosses(
        _due("adult-incident", "incident", f"SI-{incident.pk:04d}", D(2031, 3, 31), "dispose"),
        D(2031, 3, 31),
    )


def test_an_incident_about_a_child_with_no_date_of_birth_is_reviewed_25_years_after_it():
    incident = incident_about(None, None)

    _crosses(
        _due("child-safeguarding", "incident", f"SI-{incident.pk:04d}", D(2049, 5, 11), "review"),
        D(2049, 5, 11),
    )


def test_an_incident_about_a_child_is_reviewed_when_the_youngest_turns_25_open_or_not():
    incident = incident_about(None, D(2015, 3, 1), D(2018, 7, 9))

    _crosses(
        _due("child-safeguarding", "incident", f"SI-{incident.pk:04d}", D(2043, 7, 9), "review"),
        D(2043, 7, 9),
    )


# Concerns ---------------------------------------------------------------------------------


def test_a_concern_about_children_keeps_the_youngest_ones_date_of_birth(manager):
    case = _family(D(2015, 3, 1), D(2018, 7, 9))

    concern = _concern(manager, case, case.children.all())
    about_no_child = _concern(manager, case)

    concern.refresh_from_db()
    assert concern.youngest_child_born_on == D(2018, 7, 9)
    assert about_no_child.youngest_child_born_on is None


def test_a_concern_about_a_child_is_reviewed_when_the_youngest_child_turns_25(manager):
    case = _family(D(2015, 3, 1), D(2018, 7, 9))
    _concern(manager, case, case.children.all())

    _crosses(
        _due("child-safeguarding", "incident", case.display_reference, D(2043, 7, 9), "review"),
        D(2043, 7, 9),
    )


def test_a_concern_about_a_child_with_no_date_of_birth_copied_is_reviewed_25_years_after_it(
    manager,
):
    concern = _concern(manager, None, occurred_at=_at(D(2025, 4, 2), 0, 20))
    Concern.objects.filter(pk=concern.pk).update(children_names="Fictional Child")

    _crosses(
        _due("child-safeguarding", "incident", f"SC-{concern.pk:04d}", D(2050, 4, 2), "review"),
        D(2050, 4, 2),
    )


def test_a_concern_about_no_child_whose_case_went_first_is_due_under_contact_court(manager):
    concern = _concern(manager, None, occurred_at=_at(D(2024, 2, 29), 0, 10))

    _crosses(
        _due("contact-court", "case", f"SC-{concern.pk:04d}", D(2027, 2, 28), "dispose"),
        D(2027, 2, 28),
    )


def test_a_concern_about_no_child_goes_with_its_cases_disposal(manager):
    case = closed_case(D(2025, 10, 1), rule="contact-self")
    child = case.children.get()
    child.date_of_birth = D(2017, 10, 23)
    record_save(record=child)
    about_no_child = _concern(manager, case)
    about_the_child = _concern(manager, case, [child])
    other_case = _family(D(2017, 1, 1))
    other = _concern(manager, other_case)

    approved, counts = _sweep_approve_dispose(manager, D(2026, 10, 1), "contact-self")

    assert (approved, counts["disposed"]) == (1, 1)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Concern.objects.filter(pk=about_no_child.pk).exists()
    assert _history_of(Concern, about_no_child.pk) == 0
    # The concern about the child outlives the case, its copies keeping its clock.
    about_the_child.refresh_from_db()
    assert about_the_child.case_id is None
    assert about_the_child.youngest_child_born_on == child.date_of_birth
    assert Concern.objects.filter(pk=other.pk).exists()
    review_on = D(2042, 10, 23)
    assert _listed(review_on)["due"] == [
        _due("child-safeguarding", "incident", case.display_reference, review_on, "review")
    ]


def test_a_concern_that_led_to_an_incident_goes_with_it_and_with_the_last_of_two(manager):
    case = _family(D(2017, 1, 1))
    concern = _concern(manager, case)
    first = incident_open(
        incident=Incident(occurred_on=D(2025, 1, 6), summary="Fictional: first."),
        concern=concern,
        actor=manager,
    )
    second = incident_open(
        incident=Incident(occurred_on=D(2025, 4, 7), summary="Fictional: second."),
        concern=concern,
        actor=manager,
    )
    for incident, closed_on in ((first, D(2025, 1, 10)), (second, D(2025, 6, 10))):
        _close(incident, closed_on, manager)
    for hold in Hold.objects.standing():
        _lift(hold, manager)
    held_for_first = Hold.objects.get(incident=first)

    # The concern has no clock of its own: only its incidents are listed.
    assert [(e["rule"], e["ref"]) for e in _listed(FAR)["due"]] == [
        ("adult-incident", case.display_reference),
        ("adult-incident", case.display_reference),
    ]

    _approved, counts = _sweep_approve_dispose(manager, D(2031, 1, 10), "adult-incident")

    assert counts["disposed"] == 1
    assert not Incident.objects.filter(pk=first.pk).exists()
    assert not Hold.objects.filter(pk=held_for_first.pk).exists()
    assert _history_of(Hold, held_for_first.pk) == 0
    assert Concern.objects.filter(pk=concern.pk).exists()

    _approved, counts = _sweep_approve_dispose(manager, D(2031, 6, 10), "adult-incident")

    assert counts["disposed"] == 1
    assert not Incident.objects.filter(pk=second.pk).exists()
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert _history_of(Concern, concern.pk) == 0
    assert _history_of(Incident, second.pk) == 0
    assert Case.objects.filter(pk=case.pk).exists()


# Holds win --------------------------------------------------------------------------------


def test_a_hold_on_the_case_keeps_its_accident_concern_and_incident_listed_as_held(manager):
    case = _family(D(2017, 1, 1))
    _adult_accident(case, occurred_at=_at(D(2023, 6, 1)))
    _concern(manager, case, case.children.all())
    _close(incident_about(case), D(2024, 6, 3))
    _legal_hold(manager, case=case)

    found = _listed(FAR)

    assert found["due"] == []
    assert sorted((e["rule"], e["kind"], e["holds"]) for e in found["held"]) == [
        ("adult-accident", "accident", ["legal"]),
        ("adult-incident", "incident", ["legal"]),
        ("child-safeguarding", "incident", ["legal"]),
    ]


def test_an_open_privacy_request_about_the_child_keeps_the_concern_about_them(manager):
    case = _family(D(2017, 1, 1))
    _concern(manager, case, case.children.all())
    other = _concern(manager, None, occurred_at=_at(D(2024, 1, 1)))
    privacy_request(subject_child=case.children.get())

    found = _listed(FAR)

    assert [e["ref"] for e in found["due"]] == [f"SC-{other.pk:04d}"]
    assert [(e["ref"], e["holds"]) for e in found["held"]] == [
        (case.display_reference, ["privacy-request"])
    ]


# The queue, and disposal ------------------------------------------------------------------

NAMES = ["Wilhelmina", "Quarrington", "Ptolemy", "Oswaldine"]


def test_the_queue_summaries_name_no_one(manager):
    case = _family(D(2016, 8, 21))
    child = case.children.get()
    child.first_name, child.last_name = "Ptolemy", "Quarrington"
    record_save(record=child)
    _adult_accident(case, name="Wilhelmina Quarrington", occurred_at=_at(D(2023, 6, 1)))
    accident_record(
        accident=Accident(
            child=child, occurred_at=_at(D(2024, 6, 1)), what_happened="Fictional: a graze."
        )
    )
    _concern(manager, case, [child])
    _close(incident_about(case), D(2024, 6, 3))
    _concern(manager, None, occurred_at=_at(D(2024, 1, 2)))
    incident = incident_about(None, child.date_of_birth)
    IncidentChild.objects.filter(incident=incident).update(name="Oswaldine Quarrington")

    retention_sweep(as_of=FAR)

    summaries = dict(QueueItem.objects.exclude(rule="dormant-case").values_list("summary", "kind"))
    assert summaries == {
        "Accident book entry of 01/06/2023: not a child": "accident",
        "Accident book entry of 01/06/2024: the child it is about has turned 25": "incident",
        "Safeguarding concern of 02/04/2025: the child it is about has turned 25": "incident",
        "Safeguarding incident about no child, closed on 03/06/2024": "incident",
        "Safeguarding concern of 02/01/2024 left by a case disposed of": "case",
        "Safeguarding incident of 11/05/2024: the child it is about has turned 25": "incident",
    }
    text = " ".join(summaries)
    assert not [word for word in [*NAMES, "21/08/2016", "2016"] if word in text]


def test_approving_disposes_of_exactly_the_adult_accident_due_with_its_history(manager):
    due = _adult_accident(occurred_at=_at(D(2023, 6, 1)))
    not_yet = _adult_accident(occurred_at=_at(D(2023, 6, 2)))
    about_a_child = record_save(
        record=Accident(
            person_name="Fictional Child",
            about_child=True,
            person_date_of_birth=D(2019, 5, 5),
            occurred_at=_at(D(2023, 6, 1)),
            what_happened="Fictional: a graze.",
        )
    )

    approved, counts = _sweep_approve_dispose(manager, D(2026, 6, 1), "adult-accident")

    assert approved == 1
    assert counts == {"disposed": 1, "withdrawn": 0, "failed": 0}
    assert not Accident.objects.filter(pk=due.pk).exists()
    assert _history_of(Accident, due.pk) == 0
    assert set(Accident.objects.values_list("pk", flat=True)) == {not_yet.pk, about_a_child.pk}
    assert _history_of(Accident, not_yet.pk) == 1
    proof = DisposalRecord.objects.get()
    assert (proof.rule, proof.kind, proof.object_id) == ("adult-accident", "accident", due.pk)


def test_approving_disposes_of_exactly_the_incident_about_no_child_with_its_history(manager):
    due = _close(incident_about(None), D(2024, 6, 3))
    kept = _close(incident_about(None), D(2024, 6, 4))

    approved, counts = _sweep_approve_dispose(manager, D(2030, 6, 3), "adult-incident")

    assert (approved, counts["disposed"]) == (1, 1)
    assert list(Incident.objects.values_list("pk", flat=True)) == [kept.pk]
    assert _history_of(Incident, due.pk) == 0
    assert _history_of(Incident, kept.pk) == 2


def test_an_orphan_concern_is_disposed_of_alone_with_its_history(manager):
    concern = _concern(manager, None, occurred_at=_at(D(2023, 1, 9)))
    other = _concern(manager, None, occurred_at=_at(D(2023, 1, 10)))

    approved, counts = _sweep_approve_dispose(manager, D(2026, 1, 9), "contact-court")

    assert (approved, counts["disposed"]) == (1, 1)
    assert list(Concern.objects.values_list("pk", flat=True)) == [other.pk]
    assert _history_of(Concern, concern.pk) == 0


# Lifted holds -----------------------------------------------------------------------------


def test_a_lifted_hold_goes_with_its_case_and_one_on_another_case_stays(manager):
    case = closed_case(D(2025, 10, 1), rule="contact-self")
    on_the_case = _lift(_legal_hold(manager, case=case), manager)
    on_an_adult = _lift(_legal_hold(manager, adult=case.adults.first()), manager)
    other_case = _family(D(2017, 1, 1))
    elsewhere = _lift(_legal_hold(manager, case=other_case), manager)

    approved, counts = _sweep_approve_dispose(manager, D(2026, 10, 1), "contact-self")

    assert (approved, counts["disposed"]) == (1, 1)
    assert list(Hold.objects.values_list("pk", flat=True)) == [elsewhere.pk]
    assert _history_of(Hold, on_the_case.pk) == _history_of(Hold, on_an_adult.pk) == 0
    assert _history_of(Hold, elsewhere.pk) == 2


def test_a_standing_hold_keeps_its_case_and_itself(manager):
    case = closed_case(D(2025, 10, 1), rule="contact-self")
    hold = _legal_hold(manager, case=case)

    retention_sweep(as_of=D(2026, 10, 1))

    assert disposal_approve(actor=manager, rule="contact-self") == 0
    assert Hold.objects.filter(pk=hold.pk, case=case).exists()


def test_a_lifted_hold_on_a_staff_member_goes_with_their_hr_file(manager):
    member = staff_member(ended_on=D(2019, 6, 30))
    hold = _lift(_legal_hold(manager, staff_member=member), manager)

    approved, counts = _sweep_approve_dispose(manager, D(2025, 6, 30), "hr-file")

    assert (approved, counts["disposed"]) == (1, 1)
    assert not StaffMember.objects.filter(pk=member.pk).exists()
    assert not Hold.objects.filter(pk=hold.pk).exists()
    assert _history_of(Hold, hold.pk) == 0


def test_a_lifted_hold_on_an_adult_goes_with_their_erasure(manager):
    case = _family(D(2017, 1, 1))
    adult = case.adults.get()
    hold = _lift(_legal_hold(manager, adult=adult), manager)
    on_the_case = _lift(_legal_hold(manager, case=case), manager)

    adult_erase(adult)

    assert not Hold.objects.filter(pk=hold.pk).exists()
    assert _history_of(Hold, hold.pk) == 0
    assert Hold.objects.filter(pk=on_the_case.pk, case=case).exists()


def test_a_lifted_hold_on_a_staff_member_stays_with_their_stub_and_goes_with_it(manager):
    member = staff_member(ended_on=D(2019, 6, 30))
    staff_document(D(2023, 1, 16), staff=member)
    hold = _lift(_legal_hold(manager, staff_member=member), manager)

    _sweep_approve_dispose(manager, D(2025, 6, 30), "hr-file")

    assert StaffMember.objects.get(pk=member.pk).details_removed_on is not None
    assert Hold.objects.filter(pk=hold.pk, staff_member=member).exists()

    _approved, counts = _sweep_approve_dispose(manager, D(2026, 1, 16), "staff-other")

    assert counts["disposed"] == 1
    assert not StaffMember.objects.filter(pk=member.pk).exists()
    assert not Hold.objects.filter(pk=hold.pk).exists()


# The migration filling the copy of existing concerns -------------------------------------


def test_the_migration_copies_the_youngest_date_of_birth_from_the_children_or_their_names(
    manager,
):
    migration = importlib.import_module(
        "safeguarding.migrations.0005_concern_youngest_child_born_on"
    )
    case = _family(D(2015, 3, 1), D(2018, 7, 9))
    linked = _concern(manager, case, case.children.all())
    named = _concern(manager, None)
    Concern.objects.filter(pk=named.pk).update(
        children_names="Fictional Elder (born 01/03/2015)\nFictional Younger (born 09/07/2018)"
    )
    about_no_child = _concern(manager, case)
    Concern.objects.update(youngest_child_born_on=None)

    migration.fill_youngest_child_born_on(apps, None)

    assert dict(Concern.objects.values_list("pk", "youngest_child_born_on")) == {
        linked.pk: D(2018, 7, 9),
        named.pk: D(2018, 7, 9),
        about_no_child.pk: None,
    }
