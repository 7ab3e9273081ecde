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
        .order_by()  # without it, DISTINCT would also take in the ordering's columns
        .values_list("record_type", flat=True)
        .distinct()
    )
    for label in list(queued):
        for chunk in chunks(by_label[label]):
            QueueItem.objects.filter(record_type=label, object_id__in=chunk).delete()


declarations.add(PURGED, queue_items_forget)

# The check after each disposal looks for what still refers to every row a purge deleted.
from .traces import remember_purged  # noqa: E402

declarations.add(PURGED, remember_purged)


# Records ---------------------------------------------------------------------------------
#
# Each model of retention declared once (``core.declarations.Record``).

from core.declarations import Copy, Expires, GoesWith, NoPersonalData, Record, declare  # noqa: E402

# What a proof or an erasure decision keeps of the record it names (its kind, id and
# reference, never content) is kept on purpose: retention.traces does not count it.
PROOF_KEPT = "the proof of disposal names what went, by kind and reference, for seven years"
REQUEST_DECIDED = "an erasure decision is kept with its request, naming the record it decided"

declare(
    Record(
        "retention.rule",
        retention=NoPersonalData("The retention table: each rule's records and period"),
        # The privacy notice, which anyone may read, prints the table.
        read_by=("manager", "staff", "volunteer"),
    )
)
declare(
    Record(
        "retention.queueitem",
        retention=Expires(
            "A record the sweep found due, and who decided it: deleted once its disposal "
            "has run (the proof of disposal replaces it), when a sweep finds its record no "
            "longer due or now held, and when a purge deletes its record (PURGED)"
        ),
        read_by=("manager",),
        # An item left behind by its record's disposal is a trace (retention.traces).
        copies=(Copy("object_id", holds="key", type_field="record_type"),),
    )
)
declare(
    Record(
        "retention.disposalrecord",
        retention=Expires(
            "The proof of a disposal, with who approved it: kept seven years after the "
            "disposal ran, then removed nightly by retention.tasks.expire_audit_trail_and_proofs "
            "through the database function handover_expire_disposal_proofs(), the only way "
            "the application's database role can delete a proof"
        ),
        read_by=("manager",),
        copies=(
            Copy("object_id", holds="key", type_field="record_type", kept=PROOF_KEPT),
            Copy("ref", type_field="record_type", kept=PROOF_KEPT),
        ),
    )
)
declare(
    Record(
        "retention.erasuredecision",
        retention=GoesWith(
            "privacy_requests.privacyrequest",
            "What an erasure request decided for each record (queued, or kept and why), "
            "and who decided: deleted with its request, found by the request's reference",
        ),
        copies=(Copy("object_id", holds="key", type_field="record_type", kept=REQUEST_DECIDED),),
        # The manager decides; staff see the outcomes on the request's page.
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "retention.sweeplock",
        retention=NoPersonalData("One row, locked while a sweep runs, and when it last ran"),
    )
)


# Home cards
# The manager's: the disposal queue by rule and the forecast of what falls due.
from core.cards import Card  # noqa: E402
from core.declarations import HOME_CARD  # noqa: E402

from . import cards  # noqa: E402

declarations.add(
    HOME_CARD,
    Card(
        "retention",
        roles=("manager",),
        order=50,
        template="home/cards/retention.html",
        figures=cards.retention_figures,
    ),
)
