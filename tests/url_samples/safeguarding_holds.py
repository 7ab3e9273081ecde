"""A legal hold on the world's case, and the samples of the hold URLs."""

ORDER = 70


def build(world):
    import datetime

    from django.utils import timezone

    from safeguarding.holds import hold_place
    from safeguarding.models import Hold

    world.hold = hold_place(
        hold=Hold(
            case=world.case,
            legal_basis=Hold.LegalBasis.COURT_ORDER,
            reason="Fictional: the family court asked that the file be kept.",
            review_on=timezone.localdate() + datetime.timedelta(days=90),
        ),
        actor=None,
    )


SAMPLES = {
    "safeguarding:hold_place_case": lambda world: {"pk": world.case.pk},
    "safeguarding:hold_place_adult": lambda world: {"pk": world.resident.pk},
    "safeguarding:hold_place_staff": lambda world: {"pk": world.staff_member.pk},
    "safeguarding:hold_lift": lambda world: {"pk": world.hold.pk},
}
