"""Every model Django knows is declared once (issue 15): the personal data it holds, how
it is retained (its own rules, with another record, on a clock of its own, holding no
personal data, or reached by no rule yet, each said in words) and who may read it."""

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from centre.roles import Role
from core.declarations import (
    ROLES,
    Declarations,
    Expires,
    GoesWith,
    NoPersonalData,
    NoRuleYet,
    Record,
    declarations,
)

# History models and third-party apps' models included.
MODELS = apps.get_models()
RECORDS = list(declarations.records.values())

# The records that hold personal data no rule of the retention table reaches yet: the
# work list of issue 16. A record added without a rule must be added here knowingly.
NO_RULE_YET: set[str] = set()


def _label(model):
    return model._meta.label_lower


def _reason(record):
    retention = record.retention
    if isinstance(retention, GoesWith):
        return retention.how
    if isinstance(retention, Expires):
        return retention.how
    return retention.reason


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_it_declares_every_model_django_knows(model):
    assert declarations.undeclared([model]) == [], f"{_label(model)} has no declaration"


@isolate_apps("core")
def test_it_finds_a_model_defined_without_a_declaration():
    class Leaflet(models.Model):
        title = models.CharField(max_length=100)

        class Meta:
            app_label = "core"

        def __str__(self):
            return self.title

    assert declarations.undeclared([*MODELS, Leaflet]) == [Leaflet]


def test_it_declares_only_models_django_knows():
    stale = set(declarations.records) - {_label(model) for model in MODELS}
    assert not stale, f"Declared, but Django knows no such model: {sorted(stale)}"


def test_a_history_model_goes_with_its_record_and_is_read_by_the_same_roles():
    history = apps.get_model("referrals", "historicalcase")

    declared = declarations.record_for(history)

    assert declared.retention.parent == "referrals.case"
    assert declared.read_by == declarations.records["referrals.case"].read_by


def test_a_many_to_many_fields_history_goes_with_the_record_holding_the_field():
    history = apps.get_model("attendance", "historicalcontactsession_staff_on_duty")

    assert declarations.record_for(history).retention.parent == "attendance.contactsession"


@pytest.mark.parametrize(
    "record",
    [r for r in RECORDS if not isinstance(r.retention, tuple)],
    ids=lambda r: r.model,
)
def test_a_record_without_rules_of_its_own_says_why_in_words(record):
    assert len(_reason(record).split()) >= 3


@pytest.mark.parametrize(
    "record", [r for r in RECORDS if isinstance(r.retention, GoesWith)], ids=lambda r: r.model
)
def test_a_record_goes_with_another_declared_record(record):
    assert record.retention.parent != record.model
    assert record.retention.parent in declarations.records


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.model)
def test_a_records_personal_data_rules_and_erasure_are_of_its_own_model(record):
    own_rules = record.retention if isinstance(record.retention, tuple) else ()
    for part in (*record.personal_data, *own_rules, *record.erasable):
        assert part.record_type == record.model


def test_a_model_declared_twice_is_refused():
    registry = Declarations()
    registry.declare(Record("referrals.referencecounter", retention=NoPersonalData("A counter")))

    with pytest.raises(ValueError, match="declared twice"):
        registry.declare(
            Record("referrals.referencecounter", retention=NoPersonalData("A counter again"))
        )


def test_the_records_no_rule_reaches_yet_are_exactly_those_listed():
    assert {record.model for record in declarations.unruled()} == NO_RULE_YET


def test_every_record_no_rule_reaches_yet_holds_personal_data():
    assert all(isinstance(r.retention, NoRuleYet) for r in declarations.unruled())
    assert not NO_RULE_YET & {r.model for r in RECORDS if isinstance(r.retention, NoPersonalData)}


def _route_ends_in(record, seen=()):
    """Where a record's route ends: its own rules, a clock of its own, or the record it
    goes with, followed until one of those (None where it ends nowhere)."""
    retention = record.retention
    if isinstance(retention, tuple):
        return "its own rules"
    if isinstance(retention, Expires):
        return "a clock of its own"
    if isinstance(retention, GoesWith) and retention.parent not in seen:
        parent = declarations.records.get(retention.parent)
        return parent and _route_ends_in(parent, (*seen, record.model))
    return None


@pytest.mark.parametrize(
    "record",
    [r for r in RECORDS if not isinstance(r.retention, NoPersonalData)],
    ids=lambda record: record.model,
)
def test_every_record_with_personal_data_has_a_route_to_its_end(record):
    assert _route_ends_in(record), f"{record.model}: no rule, clock or record it goes with"


def test_the_roles_a_record_may_be_read_by_are_the_centres_roles():
    assert set(ROLES) == {role.value for role in Role}
    assert {role for record in RECORDS for role in record.read_by} <= set(ROLES)


def test_a_record_read_by_a_role_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="no such role"):
        Record("auth.group", retention=NoPersonalData("The roles"), read_by=("trustee",))


def test_a_record_of_no_personal_data_may_not_declare_any():
    [staff_data] = declarations.records["centre.staffmember"].personal_data

    with pytest.raises(ValueError, match="no personal data"):
        Record(
            "centre.staffmember",
            retention=NoPersonalData("Nothing about anyone"),
            personal_data=(staff_data,),
        )
