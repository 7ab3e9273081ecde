"""An item in the disposal queue for the world's case, and the samples of the retention
URLs."""

ORDER = 80


def build(world):
    import datetime

    from django.utils import timezone

    from retention.models import QueueItem, Rule

    world.rule = Rule.objects.get(key="contact-court")
    world.queue_item = QueueItem.objects.create(
        rule="contact-court",
        kind="case",
        action="dispose",
        record_type="referrals.case",
        object_id=world.case.pk,
        ref=world.case.reference,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        summary="Case closed on 02/11/2023",
    )


SAMPLES = {
    "retention:approve_rule": lambda world: {"pk": world.rule.pk},
    "retention:approve_item": lambda world: {"pk": world.queue_item.pk},
    "retention:item_postpone": lambda world: {"pk": world.queue_item.pk},
    "retention:rule_change": lambda world: {"pk": world.rule.pk},
}
