"""Searching the whole database for a value, to prove a disposal left nothing behind."""

from django.db import connection


def tables_containing(value):
    """``{table: rows}`` of every table in the database whose rows' text holds ``value``
    (PostgreSQL: a row cast to text holds every column)."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t::text ILIKE %s',  # noqa: S608
                [f"%{value}%"],
            )
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found
