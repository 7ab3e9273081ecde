"""The three roles and what each may do.

Each role is a Django group holding explicit permissions. The table below is the single
source of truth: the groups are brought in line with it after every migration, and the
URL access matrix test reads it to know what each role should be able to open.
"""

import enum

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS


class Role(enum.StrEnum):
    # In order of precedence: someone in several groups is treated as the highest.
    MANAGER = "manager"
    STAFF = "staff"
    VOLUNTEER = "volunteer"


ROLE_LABELS = {
    Role.MANAGER: "Centre manager",
    Role.STAFF: "Staff",
    Role.VOLUNTEER: "Volunteer",
}

# The apps whose permissions the manager holds in full (core's: reading the audit trail).
PROJECT_APPS = (
    "core",
    "centre",
    "referrals",
    "attendance",
    "safeguarding",
    "retention",
    "privacy_requests",
)

# Explicit permissions ("app_label.codename") for the roles that do not see everything.
# Staff do the day-to-day case work; volunteers keep the session register and raise
# safeguarding concerns, nothing else. Later issues add to these sets as they add models.
ROLE_PERMISSIONS = {
    Role.STAFF: frozenset(
        f"referrals.{action}_{model}"
        for model in (
            "case",
            "referral",
            "adult",
            "child",
            "protectiveorder",
            "previsit",
            "consent",
            "communication",
            "casedocument",
        )
        for action in ("view", "add", "change")
    )
    | frozenset(
        f"attendance.{action}_{model}"
        for model in ("contactsession", "booking", "supervisedreport", "reportrecipient")
        for action in ("view", "add", "change")
    )
    | {
        "attendance.use_register",
        "attendance.check_supervisedreport",
        "attendance.send_supervisedreport",
    }
    # Anyone may raise a safeguarding concern, and staff record accidents; only the
    # designated safeguarding lead and the manager read either (safeguarding.views).
    | {"safeguarding.add_concern", "safeguarding.add_accident"}
    # Staff log and prepare privacy requests and complaints; the manager decides them
    # (privacy_requests.decide_privacyrequest) and places and lifts restrictions. Staff
    # see the disclosure log and record disclosures made by hand.
    | frozenset(
        f"privacy_requests.{action}_{model}"
        for model in ("privacyrequest", "complaint")
        for action in ("view", "add", "change")
    )
    | {"privacy_requests.view_restriction", "centre.view_disclosure", "centre.add_disclosure"},
    # The register on the tablet and raising a safeguarding concern, nothing more.
    Role.VOLUNTEER: frozenset({"attendance.use_register", "safeguarding.add_concern"}),
}


def role_permission_queryset(role, *, using=DEFAULT_DB_ALIAS, apps=global_apps):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using)
    if role == Role.MANAGER:
        return permissions.filter(content_type__app_label__in=PROJECT_APPS)
    wanted = ROLE_PERMISSIONS[role]
    if not wanted:
        return permissions.none()
    from django.db.models import Q

    query = Q()
    for name in wanted:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return permissions.filter(query)


def sync_role_groups(*, using=DEFAULT_DB_ALIAS, apps=global_apps):
    """Create the three groups and set each one's permissions exactly as the table says."""
    Group = apps.get_model("auth", "Group")
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set(role_permission_queryset(role, using=using, apps=apps))


def sync_role_groups_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    # post_migrate fires once per app with models, in INSTALLED_APPS order; every
    # permission exists by the last one, so the groups are synced then, once.
    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    sync_role_groups(using=using, apps=apps)


def permissions_of(role):
    """The set of "app_label.codename" strings a role holds (from the database)."""
    return {
        f"{app_label}.{codename}"
        for app_label, codename in role_permission_queryset(role).values_list(
            "content_type__app_label", "codename"
        )
    }
