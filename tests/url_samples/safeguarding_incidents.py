"""A safeguarding incident opened from the world's concern by a designated safeguarding
lead, with one action and one logged opening, and the samples of its URLs."""

ORDER = 60


def build(world):
    import datetime

    from django.utils import timezone

    from centre.roles import Role
    from centre.services import user_create
    from safeguarding.access_log import Kind, record_access
    from safeguarding.incident_services import incident_action_add, incident_open
    from safeguarding.models import Incident, IncidentAction

    world.lead = lead = user_create(
        email="fay.lead@example.test",
        full_name="Fay Lockhart",
        role=Role.STAFF,
        is_safeguarding_lead=True,
    )
    world.incident = incident_open(
        incident=Incident(
            occurred_on=timezone.localdate() - datetime.timedelta(days=1),
            summary="Fictional: the child said a grown-up shouted at home.",
        ),
        concern=world.concern,
        actor=lead,
    )
    incident_action_add(
        action=IncidentAction(
            incident=world.incident,
            kind=IncidentAction.Kind.CHILDRENS_SERVICES,
            taken_on=timezone.localdate(),
        ),
        actor=lead,
    )
    record_access(user=lead, kind=Kind.INCIDENT, record_id=world.incident.pk)


SAMPLES = {
    "safeguarding:incident_open_from_concern": lambda world: {"pk": world.concern.pk},
    "safeguarding:incident_detail": lambda world: {"pk": world.incident.pk},
    "safeguarding:incident_triage": lambda world: {"pk": world.incident.pk},
    "safeguarding:incident_action_add": lambda world: {"pk": world.incident.pk},
    "safeguarding:incident_close": lambda world: {"pk": world.incident.pk},
    "safeguarding:case_chronology": lambda world: {"pk": world.case.pk},
    "safeguarding:child_chronology": lambda world: {"pk": world.child.pk},
    "safeguarding:access_log_record": lambda world: {
        "kind": "incident",
        "record_id": world.incident.pk,
    },
    "safeguarding:access_log_user": lambda world: {"pk": world.lead.pk},
}
