"""``manage.py check``: every retention rule the apps' declarations name is in the
schedule (``retention.schedule.RuleKey``)."""

from django.core import checks

from core.declarations import declarations

from .schedule import RuleKey


@checks.register()
def declared_rules_exist(app_configs, **kwargs):
    errors = []
    for retainable in declarations.retainables:
        if retainable.rule not in RuleKey.values:
            errors.append(
                checks.Error(
                    f"{retainable.record_type} is declared under the retention rule "
                    f"{retainable.rule!r}, which the schedule does not have.",
                    id="retention.E001",
                )
            )
    for declaration in declarations.personal_data:
        errors.extend(
            checks.Error(
                f"The personal data {declaration.kind!r} names the retention rule {key!r}, "
                "which the schedule does not have.",
                id="retention.E002",
            )
            for key in declaration.retention
            if key not in RuleKey.values
        )
    return errors
