"""``core.cards.counts``: several querysets, over several tables, counted in one query,
each giving what its own ``count()`` gives. Every case here is fictional."""

import pytest
from django.db.models import Count

from core.cards import counts
from referrals.models import Adult, Case
from tests.referrals.factories import CaseFactory, family_case


def test_each_queryset_is_counted_as_its_own_count_would(db):
    family_case()
    family_case()
    Case.objects.filter(pk=CaseFactory().pk).update(status=Case.Status.CLOSED)
    adults = Adult.objects.all()
    queries = {
        "cases": Case.objects.all(),
        "closed": Case.objects.filter(status=Case.Status.CLOSED),
        "resident": adults.filter(role=Adult.Role.RESIDENT),
        "across_a_join": adults.filter(case__status=Case.Status.RECEIVED),
        "none_across_a_join": adults.filter(case__status=Case.Status.CLOSED),
    }

    assert counts(**queries) == {name: queryset.count() for name, queryset in queries.items()}
    assert counts(**queries)["cases"] == 3
    assert counts(**queries)["across_a_join"] == 4


def test_all_are_counted_in_one_query(db, django_assert_num_queries):
    family_case()

    with django_assert_num_queries(1):
        counted = counts(
            cases=Case.objects.all(),
            adults=Adult.objects.all(),
            closed=Case.objects.filter(status=Case.Status.CLOSED),
        )

    assert counted == {"cases": 1, "adults": 2, "closed": 0}


def test_a_filter_no_row_can_match_counts_nothing_and_the_others_still_count(db):
    family_case()

    assert counts(none=Case.objects.filter(pk__in=[]), cases=Case.objects.all()) == {
        "none": 0,
        "cases": 1,
    }


def test_an_ordered_queryset_is_counted_as_it_is(db):
    family_case()
    family_case()

    assert counts(cases=Case.objects.order_by("-created_at")) == {"cases": 2}


def test_a_sliced_or_grouped_queryset_is_refused_with_a_reason(db):
    with pytest.raises(ValueError, match="first_two is sliced or grouped"):
        counts(first_two=Case.objects.all()[:2])
    with pytest.raises(ValueError, match="by_status is sliced or grouped"):
        counts(by_status=Case.objects.values("status").annotate(n=Count("pk")))


def test_nothing_to_count_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert counts() == {}
