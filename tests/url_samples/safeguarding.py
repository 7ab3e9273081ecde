"""A safeguarding concern about the world's child, and the samples of its URLs."""

ORDER = 50


def build(world):
    import datetime

    from django.utils import timezone

    from centre.roles import Role
    from centre.services import user_create
    from safeguarding.models import Concern
    from safeguarding.services import concern_raise

    raiser = user_create(
        email="erin.raiser@example.test", full_name="Erin Rafferty", role=Role.STAFF
    )
    world.concern = concern_raise(
        concern=Concern(
            case=world.case,
            occurred_at=timezone.now() - datetime.timedelta(hours=1),
            where="The family room",
            what_happened="Fictional: the child said a grown-up shouted at home.",
        ),
        children=[world.child],
        actor=raiser,
    )


SAMPLES = {
    "safeguarding:concern_detail": lambda world: {"pk": world.concern.pk},
}
