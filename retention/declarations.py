"""What the retention app declares (see ``core.declarations``)."""

from core.declarations import PURGED, declarations
from core.purge import chunks

from .models import QueueItem


def queue_items_forget(doomed):
    """Take out of the disposal queue every item about a row a purge deleted (a staff
    member's documents go with their HR file, each perhaps queued under its own rule), in
    the same transaction: a queue item never outlives its record."""
    by_label = {model._meta.label_lower: pks for model, pks in doomed.items()}
    # One query says which of these kinds of record the queue holds at all (usually one).
    queued = (
        QueueItem.objects.filter(record_type__in=by_label)
        .values_list("record_type", flat=True)
        .distinct()
    )
    for label in list(queued):
        for chunk in chunks(by_label[label]):
            QueueItem.objects.filter(record_type=label, object_id__in=chunk).delete()


declarations.add(PURGED, queue_items_forget)
