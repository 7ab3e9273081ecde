"""``create_manager`` makes the first manager account of a new installation."""

import pytest
from django.core.management import CommandError, call_command

from centre.models import User
from centre.roles import Role


def answer_prompts(monkeypatch, *answers):
    replies = iter(answers)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))


def test_it_creates_a_manager_with_the_password_typed_twice(db, monkeypatch):
    answer_prompts(monkeypatch, "a-long-manager-passphrase", "a-long-manager-passphrase")
    call_command("create_manager", "Mina@Example.test", "Mina Patel")
    user = User.objects.get()
    assert user.email == "mina@example.test"
    assert user.role == Role.MANAGER
    assert user.check_password("a-long-manager-passphrase")


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("a-long-manager-passphrase", "a-different-passphrase", "The two passwords differ"),
        ("short", "short", "too short"),
    ],
)
def test_it_refuses_a_bad_password_and_creates_nothing(db, monkeypatch, first, second, message):
    answer_prompts(monkeypatch, first, second)
    with pytest.raises(CommandError, match=message):
        call_command("create_manager", "mina@example.test", "Mina Patel")
    assert not User.objects.exists()
