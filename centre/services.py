"""Writes about the centre and the people who work there. Each is one transaction."""

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import StaffMember, User
from .roles import Role
from .sessions import sessions_end


@transaction.atomic
def record_save(*, record, actor=None):
    """Validate a centre record completely and save it, crediting ``actor`` in its history
    (views are credited through the request; commands and imports pass the actor)."""
    record.full_clean()
    if actor is not None:
        record._history_user = actor
    record.save()
    return record


@transaction.atomic
def user_set_role(*, user, role: Role):
    """Give ``user`` exactly one role."""
    user.groups.set([Group.objects.get(name=Role(role).value)])
    user.__dict__.pop("role", None)
    return user


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    role: Role,
    password: str | None = None,
    is_safeguarding_lead: bool = False,
    actor=None,
) -> User:
    user = User(email=email, full_name=full_name, is_safeguarding_lead=is_safeguarding_lead)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    record_save(record=user, actor=actor)
    return user_set_role(user=user, role=role)


@transaction.atomic
def staff_member_save(*, staff_member: StaffMember, actor=None) -> StaffMember:
    """Save a staff record and keep its account in step: the same name, e-mail and role,
    and no way in once the person has left."""
    record_save(record=staff_member, actor=actor)
    user = staff_member.user
    if user is not None:
        user.full_name = staff_member.full_name
        if staff_member.email:
            user.email = staff_member.email
        record_save(record=user, actor=actor)
        user_set_role(user=user, role=Role(staff_member.role))
        if not staff_member.is_current:
            user_deactivate(user=user, actor=actor)
    return staff_member


@transaction.atomic
def user_deactivate(*, user: User, actor=None) -> User:
    """Stop ``user`` signing in and sign them out everywhere: a switched-off account must
    not stay in use on a tablet that was already signed in."""
    if user.is_active:
        user.is_active = False
        record_save(record=user, actor=actor)
    sessions_end(user=user)
    return user


@transaction.atomic
def staff_member_set_access(
    *,
    staff_member: StaffMember,
    is_active: bool,
    is_safeguarding_lead: bool,
    actor,
    request=None,
) -> User:
    """Give a staff member an account, or change it. A new account has no password: the
    person is sent a link to choose their own, so nobody else ever knows it."""
    user = staff_member.user
    if user is None:
        if not staff_member.email:
            raise ValueError("A staff member needs an e-mail address to have an account.")
        user = user_create(
            email=staff_member.email,
            full_name=staff_member.full_name,
            role=Role(staff_member.role),
            is_safeguarding_lead=is_safeguarding_lead,
            actor=actor,
        )
        staff_member.user = user
        record_save(record=staff_member, actor=actor)
        if request is not None:
            transaction.on_commit(lambda: _send_set_password_link(user=user, request=request))
    else:
        user.is_safeguarding_lead = is_safeguarding_lead
        user.is_active = is_active
        staff_member_save(staff_member=staff_member, actor=actor)
    if not is_active:
        user_deactivate(user=user, actor=actor)
    return user


@transaction.atomic
def leavers_accounts_close(*, actor=None) -> int:
    """Switch off the accounts of everyone whose last day has passed. Safe to run twice."""
    leavers = StaffMember.objects.former().filter(user__is_active=True).select_related("user")
    count = 0
    for staff_member in leavers:
        user_deactivate(user=staff_member.user, actor=actor)
        count += 1
    return count


def _send_set_password_link(*, user, request):
    context = {
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("registration/account_created_subject.txt", context)
    body = render_to_string("registration/account_created_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
