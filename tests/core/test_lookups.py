"""``field__any=[...]`` (core.lookups) matches what ``field__in`` matches, with the list
bound as one array of the column's own type: the statement is the same for three ids as
for three thousand."""

from django.db import connection

from referrals.models import Adult, Case
from tests.referrals.factories import AdultFactory, CaseFactory


def test_it_matches_the_rows_in_the_list_and_no_others(db):
    first, second, third = CaseFactory(), CaseFactory(), CaseFactory()

    chosen = Case.objects.filter(pk__any=[first.pk, third.pk, third.pk])

    assert set(chosen) == {first, third}
    assert set(chosen) == set(Case.objects.filter(pk__in=[first.pk, third.pk]))
    assert second not in chosen


def test_an_empty_list_matches_nothing(db):
    CaseFactory()

    assert not Case.objects.filter(pk__any=[]).exists()


def test_it_follows_keys_and_compares_text_as_text(db):
    case = CaseFactory()
    adult = AdultFactory(case=case)
    AdultFactory()

    assert list(Adult.objects.filter(case_id__any=[case.pk])) == [adult]
    assert list(Adult.objects.filter(case__any=[case.pk])) == [adult]
    assert list(Case.objects.filter(reference__any=[case.reference, "HC-1999-9999"])) == [case]


def test_the_statement_is_the_same_however_many_ids_are_given(db):
    def statement(ids):
        return Case.objects.filter(pk__any=ids).query.get_compiler(connection=connection).as_sql()

    few_sql, few_params = statement([1, 2, 3])
    many_sql, many_params = statement(range(1, 3001))

    if connection.vendor == "postgresql":
        assert few_sql == many_sql
        assert len(few_params) == len(many_params) == 1
        # An array of the column's type (bigint), not of what fits the values (smallint
        # for small ids), so that the key's index is read as for IN.
        assert "= ANY(%s::bigint[])" in few_sql
    else:
        assert len(many_params) == 3000
