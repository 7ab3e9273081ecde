"""seed_demo shows a newcomer a case in every status."""

from django.core.management import call_command

from referrals.models import Case


def test_the_demo_has_a_case_in_every_status_and_both_retention_classes(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert set(Case.objects.values_list("retention_rule", flat=True)) == {
        "contact-court",
        "contact-self",
    }
    assert Case.objects.filter(adults__contact_details_confidential=True).exists()
    assert not Case.objects.filter(status="active", next_review_on__isnull=True).exists()
