"""An accident book entry about the world's child, and the samples of its URLs."""

ORDER = 65


def build(world):
    import datetime

    from django.utils import timezone

    from safeguarding.accident_services import accident_record
    from safeguarding.models import Accident

    world.accident = accident_record(
        accident=Accident(
            child=world.child,
            occurred_at=timezone.now() - datetime.timedelta(hours=2),
            where="Main hall",
            what_happened="Fictional: tripped over a toy and bumped a knee.",
            first_aid_given="Cold compress.",
        )
    )


SAMPLES = {
    "safeguarding:accident_detail": lambda world: {"pk": world.accident.pk},
}
