"""The application's own database role, on PostgreSQL (issue 16; docs/operating.md "Two
database roles").

In production the application connects as a role that owns nothing and is not a
superuser; the migrations run as the owner of the tables. ``grant_app_role`` (run by the
owner after every ``migrate``, ``manage.py grant_app_role ROLE``) gives that role what the
application needs and no more:

- SELECT, INSERT, UPDATE and DELETE on every table, and USAGE and SELECT on every
  sequence (``make backup``'s pg_dump reads them; setting one needs UPDATE, not given), of
  the schema, now and (default privileges) for those the owner creates later;
- only SELECT and INSERT on the append-only tables, those guarded by the
  ``handover_refuse_truncate()`` trigger (core migration 0002): the audit trail and the
  proofs of disposal. Found by their trigger, so core names no app's table;
- EXECUTE on the ``handover_expire_*()`` functions, which delete the rows of those tables
  past their seven years and nothing else: the only way the role can remove a row.

Not being the owner, the role cannot ``ALTER TABLE ... DISABLE TRIGGER``; not being a
superuser, it cannot ``SET session_replication_role`` or pass the TRUNCATE trigger.
"""

import re

from django.core.exceptions import ImproperlyConfigured
from django.db import connection as default_connection
from django.db import migrations, transaction

# How long the append-only tables keep a row: written into the expiry functions and the
# audit trail's trigger by the migrations, so that no caller can pass a shorter one.
KEPT = "7 years"
KEPT_YEARS = 7

TRUNCATE_GUARD = "handover_refuse_truncate"
EXPIRY_PREFIX = "handover_expire_"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def current_schema(connection):
    """The quoted name of the schema the migrations create tables in."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return connection.ops.quote_name(cursor.fetchone()[0])


def expire_function(*, name, table, column, schema):
    """SQL creating ``name()``: a SECURITY DEFINER function deleting the rows of ``table``
    whose ``column`` is more than seven years old, returning how many. Its search path is
    fixed (the migration's schema, then pg_temp) so that a caller cannot put another table
    of the same name in front of it; no one but the roles granted EXECUTE may call it."""
    return [
        # The names are the migrations' own constants, never input.
        f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    removed bigint;
BEGIN
    DELETE FROM {table} WHERE {column} < now() - interval '{KEPT}';
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$$
""",  # noqa: S608
        # Functions are executable by PUBLIC unless told otherwise.
        f"REVOKE ALL ON FUNCTION {name}() FROM PUBLIC",
    ]


def on_postgresql(forwards, backwards):
    """A migration operation executing, on PostgreSQL only, the statements that
    ``forwards(connection)`` (going back, ``backwards(connection)``) returns."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements(schema_editor.connection):
                    schema_editor.execute(statement, params=None)

        return operation

    return migrations.RunPython(run(forwards), run(backwards))


def append_only_tables(cursor):
    """The tables of this schema guarded by the TRUNCATE trigger."""
    cursor.execute(
        """
        SELECT DISTINCT c.relname FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE p.proname = %s
          AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
        ORDER BY c.relname
        """,
        [TRUNCATE_GUARD],
    )
    return [row[0] for row in cursor.fetchall()]


def expiry_functions(cursor):
    cursor.execute(
        """
        SELECT proname FROM pg_proc
        WHERE proname LIKE %s
          AND pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
        ORDER BY proname
        """,
        [EXPIRY_PREFIX.replace("_", r"\_") + "%"],
    )
    return [row[0] for row in cursor.fetchall()]


def _refusal(cursor, role):
    """Why ``role`` may not be the application's role, or None."""
    cursor.execute(
        "SELECT oid, rolsuper FROM pg_roles WHERE rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    if row is None:
        return f"there is no role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD ...)"
    oid, is_superuser = row
    if is_superuser:
        return f"{role} is a superuser, which no privilege or trigger binds"
    cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])
    if cursor.fetchone()[0]:
        return f"{role} is the owner of the tables ({role} may act as the role migrating)"
    cursor.execute(
        """
        SELECT (SELECT count(*) FROM pg_class WHERE relowner = %(oid)s)
             + (SELECT count(*) FROM pg_proc WHERE proowner = %(oid)s)
             + (SELECT count(*) FROM pg_namespace WHERE nspowner = %(oid)s)
        """,
        {"oid": oid},
    )
    owned = cursor.fetchone()[0]
    if owned:
        return f"{role} owns {owned} object(s) in this database, which it could change at will"
    return None


@transaction.atomic
def grant_app_role(role, *, connection=default_connection):
    """Give ``role`` the application's privileges (above); returns what was granted, as
    ``{"schema", "append_only", "functions"}``. Safe to run again after every migrate: it
    takes UPDATE, DELETE and the rest back from the append-only tables each time, whatever
    default privileges a table recreated since (a restore) was given."""
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured("Database roles are PostgreSQL's: there is nothing to grant.")
    if not ROLE_NAME.match(role):
        raise ImproperlyConfigured(f"{role!r} is not a plain role name (a-z, 0-9, _).")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        refusal = _refusal(cursor, role)
        if refusal:
            raise ImproperlyConfigured(f"Refusing to grant: {refusal}.")
        schema = current_schema(connection)
        who = quote(role)
        append_only = append_only_tables(cursor)
        functions = expiry_functions(cursor)
        statements = [
            f"GRANT USAGE ON SCHEMA {schema} TO {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {who}",
        ]
        for table in append_only:
            statements += [
                f"REVOKE ALL ON {quote(table)} FROM {who}",
                f"GRANT SELECT, INSERT ON {quote(table)} TO {who}",
            ]
        statements += [f"GRANT EXECUTE ON FUNCTION {quote(name)}() TO {who}" for name in functions]
        for statement in statements:
            cursor.execute(statement)
    return {"schema": schema, "append_only": append_only, "functions": functions}
