"""Writes about safeguarding concerns. Each is one transaction."""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from centre.models import User
from centre.roles import Role
from centre.services import record_save
from referrals.models import Child

from .models import Concern

logger = logging.getLogger("handover.safeguarding")

NOTIFICATION_SUBJECT = "Handover: a safeguarding concern needs attention"


def _children_copy(children) -> str:
    return "\n".join(
        f"{child.full_name} (born {child.date_of_birth:%d/%m/%Y})" for child in children
    )


def _youngest_born_on(children):
    """The youngest child's date of birth, or None for a concern about no child."""
    return max((child.date_of_birth for child in children), default=None)


@transaction.atomic
def concern_raise(
    *, concern: Concern, children: Iterable[Child] = (), actor: User, request=None
) -> Concern:
    """Record a concern raised by ``actor`` about ``children`` (all of the concern's case)
    and, once it is saved, tell every designated safeguarding lead and manager.

    With ``request`` the e-mail carries a full link to the concerns list, built from the
    host the person raising it used; without it, the path."""
    children = list(children)
    if concern.booking_id and not concern.case_id:
        concern.case = concern.booking.case
    strangers = [child for child in children if child.case_id != concern.case_id]
    if strangers:
        raise ValidationError(
            {"children": "Choose only children of the family the concern is about."}
        )
    concern.raised_by = actor
    concern.case_reference = concern.case.display_reference if concern.case else ""
    concern.children_names = _children_copy(children)
    concern.youngest_child_born_on = _youngest_born_on(children)
    record_save(record=concern, actor=actor)
    concern.children.set(children)
    list_url = reverse("safeguarding:concern_list")
    if request is not None:
        list_url = request.build_absolute_uri(list_url)
    transaction.on_commit(lambda: _notify(concern_id=concern.pk, list_url=list_url))
    return concern


@transaction.atomic
def concern_mark_seen(*, concern: Concern, actor: User) -> Concern:
    """The safeguarding lead or the manager has opened the concern. Who saw it first, and
    when, is in its history."""
    if concern.status == Concern.Status.NEW:
        concern.status = Concern.Status.SEEN
        record_save(record=concern, actor=actor)
    return concern


def concern_recipients():
    """Everyone told of a new concern: the active designated safeguarding leads and the
    active managers."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_safeguarding_lead=True) | Q(groups__name=Role.MANAGER.value))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _notify(*, concern_id: int, list_url: str):
    """One e-mail to each recipient, naming no child, no family and no case: an e-mail
    can be read over a shoulder, forwarded or kept in a mailbox outside the centre's
    control. It says only that a concern needs attention, and where to find it.

    The concern is saved before this runs, and shows on the lead's and the manager's
    home pages whatever happens here, so a failed e-mail is logged (by id) rather than
    turned into an error for the person who raised the concern."""
    body = render_to_string("safeguarding/concern_raised_email.txt", {"list_url": list_url})
    for email in concern_recipients().values_list("email", flat=True):
        try:
            send_mail(NOTIFICATION_SUBJECT, body, None, [email])
        except Exception:  # any failure to send: the next recipient must still be told
            logger.exception("concern-notification-failed concern=%s", concern_id)
