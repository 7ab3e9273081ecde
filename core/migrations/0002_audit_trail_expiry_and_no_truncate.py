"""The audit trail cannot be emptied, and ends seven years after each event (issue 16).

On PostgreSQL:

- ``handover_refuse_truncate()``, a statement trigger function refusing TRUNCATE. A table
  guarded by it is append-only for the application: ``grant_app_role`` gives the
  application's role only SELECT and INSERT on every such table. The table's owner and
  superusers are let through, on purpose: they can disable or drop any trigger anyway
  (``ALTER TABLE ... DISABLE TRIGGER``, ``session_replication_role``), so refusing them
  would protect nothing, while the test suite, which empties every table with TRUNCATE
  between transactional tests, connects as one of them. The application's role is
  neither (``grant_app_role`` refuses a superuser, a member of the owner and a role that
  owns anything), so for it the trigger holds, behind the missing privilege.
- The row trigger of centre migration 0006 still refuses every UPDATE, and every DELETE
  except of an event more than seven years old: the end the declaration states.
- ``handover_expire_audit_trail()`` deletes those events and nothing else. It runs with
  its owner's rights (SECURITY DEFINER, the owner being the role that ran the
  migrations), so the application's role, which may not DELETE a row of the trail, is
  given EXECUTE on it alone: the one way it can remove anything from the trail, and only
  what is past its end. The period is written into the function (and the trigger), not
  passed in, so no caller can shorten it.
"""

from django.db import migrations

from core.database_role import KEPT, current_schema, expire_function, on_postgresql

APPEND_ONLY_EXCEPT_EXPIRED = f"""
CREATE OR REPLACE FUNCTION centre_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{KEPT}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION centre_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$
"""

REFUSE_TRUNCATE = """
CREATE OR REPLACE FUNCTION handover_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper)
       OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                      'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% may not be truncated', TG_TABLE_NAME;
END;
$$
"""


def forwards(connection):
    return [
        APPEND_ONLY_EXCEPT_EXPIRED,
        REFUSE_TRUNCATE,
        "CREATE TRIGGER centre_auditevent_no_truncate BEFORE TRUNCATE ON centre_auditevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION handover_refuse_truncate()",
        *expire_function(
            name="handover_expire_audit_trail",
            table="centre_auditevent",
            column="at",
            schema=current_schema(connection),
        ),
    ]


def backwards(connection):
    return [
        "DROP FUNCTION IF EXISTS handover_expire_audit_trail()",
        "DROP TRIGGER IF EXISTS centre_auditevent_no_truncate ON centre_auditevent",
        "DROP FUNCTION IF EXISTS handover_refuse_truncate()",
        APPEND_ONLY,
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [on_postgresql(forwards, backwards)]
