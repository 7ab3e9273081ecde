"""``seed_demo`` fills an empty database with a fictional centre, and nothing else."""

import pytest
from django.core.management import CommandError, call_command

from centre.models import CentreProfile, DBSCheck, FinanceRecord, StaffMember, User
from centre.roles import Role


def test_it_seeds_a_fictional_centre_with_one_user_per_role(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert CentreProfile.objects.get().name == "Elmfield Child Contact Centre"
    roles = {user.email: user.role for user in User.objects.all()}
    assert roles == {
        "manager@example.org": Role.MANAGER,
        "staff@example.org": Role.STAFF,
        "volunteer@example.org": Role.VOLUNTEER,
    }
    assert User.objects.get(email="manager@example.org").check_password("demo-manager-pass")
    assert "volunteer@example.org" in out and "demo-volunteer-pass" in out
    assert StaffMember.objects.count() == 5
    assert StaffMember.objects.former().count() == 1
    assert DBSCheck.objects.exclude(certificate_copy="").count() == 1
    assert FinanceRecord.objects.filter(spans_later_years_until__isnull=False).exists()
    # Every e-mail address is on a reserved example domain.
    emails = [p.email for p in StaffMember.objects.all()] + list(
        User.objects.values_list("email", flat=True)
    )
    assert all(email.endswith("example.org") for email in emails)


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_refuses_a_database_that_already_has_users(db, settings, manager):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="only fills an empty one"):
        call_command("seed_demo")
    assert not CentreProfile.objects.exists()


def test_with_if_empty_it_leaves_a_database_with_users_alone(db, settings, manager, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--if-empty")
    assert "no demo data was added" in capsys.readouterr().out
    assert not CentreProfile.objects.exists()


def test_the_demo_manager_signs_in_with_the_code_of_the_key_it_prints(db, settings, capsys):
    import base64
    import re

    from django_otp.oath import TOTP

    from tests.conftest import Client

    settings.DEBUG = True
    call_command("seed_demo")
    key = re.search(r"manager@example.org\s+([A-Z2-7]{32})", capsys.readouterr().out).group(1)
    client = Client()
    client.post(
        "/accounts/login/", {"username": "manager@example.org", "password": "demo-manager-pass"}
    )
    code = f"{TOTP(base64.b32decode(key)).token():06d}"
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/"
    assert client.get("/retention/").status_code == 200
