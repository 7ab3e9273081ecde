"""The case page's "Sessions and attendance" section, as a tag, so the case page (in
``referrals``) needs to know nothing of attendance."""

from django import template
from django.urls import reverse
from django.utils import timezone

from ..selectors import case_attendance as attendance_of

register = template.Library()


@register.inclusion_tag("attendance/_case_attendance.html", takes_context=True)
def case_attendance(context, case):
    """The case's sessions, past and to come, with what the register recorded, its
    counts of attendances and absences, and the review warning, in three queries."""
    user = context["user"]
    if not user.has_perm("attendance.view_booking"):
        return {"allowed": False}
    can_book = user.has_perm("attendance.add_booking") and case.status == case.Status.ACTIVE
    return {
        "allowed": True,
        "case": case,
        "attendance": attendance_of(case, today=timezone.localdate()),
        "book_url": reverse("attendance:case_booking_create", args=[case.pk]) if can_book else "",
        "can_edit": user.has_perm("attendance.change_booking"),
        "can_see_sessions": user.has_perm("attendance.view_contactsession"),
        "can_see_reports": user.has_perm("attendance.view_supervisedreport"),
        "can_write_reports": user.has_perm("attendance.add_supervisedreport"),
    }
