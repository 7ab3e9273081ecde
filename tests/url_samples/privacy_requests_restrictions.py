"""A family of its own with a standing restriction on its resident parent (so the
world's case stays writable for the other URLs), and the samples of the restriction
URLs: placing one on the world's resident or child, lifting the standing one."""

ORDER = 97


def build(world):
    from privacy_requests.models import Restriction
    from privacy_requests.restrictions import restriction_place
    from tests.referrals.factories import family_case

    restricted = family_case()
    world.restriction = restriction_place(
        restriction=Restriction(
            subject_adult=restricted.adults.get(role="resident"),
            reason="Fictional: the accuracy of the referral is contested and being checked.",
        ),
        actor=None,
    )


SAMPLES = {
    "privacy_requests:restriction_place_adult": lambda world: {"pk": world.resident.pk},
    "privacy_requests:restriction_place_child": lambda world: {"pk": world.child.pk},
    "privacy_requests:restriction_lift": lambda world: {"pk": world.restriction.pk},
}
