"""``field__any=[...]``: a field's value is one of a list, the list bound as one parameter.

``field__in=ids`` writes one placeholder a value: with a few thousand ids (the rows a
disposal deletes, the keys the check for traces looks for) the statement is long, Django
prepares each value, and psycopg splits the long text anew each time (it caches only
statements under 4 KiB and 50 parameters). On PostgreSQL ``field__any=ids`` sends
``field = ANY(%s)`` with the list as one array: the statement is short, the same for any
number of ids, and cached. Elsewhere (the SQLite of ``make run``) it is ``IN (...)``.

The values are ids or references, never model instances; an empty list matches
nothing. Registered for every field in
``core.apps.CoreConfig.ready``."""

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        # Each value as the field stores it (a key typed as text compared with a text
        # column), once.
        prep = self.lhs.output_field.get_prep_value
        return [prep(value) for value in dict.fromkeys(self.rhs)]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # The array of the column's own type: psycopg would type a list of small ids
            # as smallint[], and PostgreSQL estimates a cross-type comparison worse.
            array = f"{self.lhs.output_field.cast_db_type(connection)}[]"
            return f"{lhs} = ANY(%s::{array})", (*lhs_params, self.rhs)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", (*lhs_params, *self.rhs)
