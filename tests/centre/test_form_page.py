"""The one form page every app's views share: a refusal from the service comes back on
the form with what was typed, and nothing is saved; a success is said and followed."""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from centre.models import User
from core.pages import form_page
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name")


@transaction.atomic
def team_create(*, name):
    """Saves first, then refuses, so a refusal that saved anything would show."""
    Group.objects.create(name=name)
    if name.startswith("Closed"):
        raise ValidationError({"name": "That team is closed. Choose another name."})
    return "/teams/"


def request_for(method, data=None):
    request = getattr(RequestFactory(), method)("/teams/new/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def page(request):
    form = TeamForm(request.POST or None)
    return form_page(
        request,
        form=form,
        on_valid=lambda form: team_create(name=form.cleaned_data["name"]),
        title="Add a team",
        back_url="/teams/",
        success="The team is added.",
    )


def test_it_shows_the_form_on_get():
    response = page(request_for("get"))
    assert response.status_code == 200
    assert "Add a team" in response.text and "Team name" in response.text


def test_it_shows_a_refusal_from_the_service_on_the_form_and_saves_nothing():
    request = request_for("post", {"name": "Closed Wednesday team"})
    response = page(request)
    assert response.status_code == 200
    assert "That team is closed. Choose another name." in response.text
    assert 'value="Closed Wednesday team"' in response.text  # what was typed comes back
    assert "Nothing has been saved yet." in response.text
    assert not Group.objects.filter(name="Closed Wednesday team").exists()
    assert [str(message) for message in get_messages(request)] == []


def test_it_says_so_and_goes_on_when_the_service_succeeds():
    request = request_for("post", {"name": "Saturday team"})
    response = page(request)
    assert (response.status_code, response.url) == (302, "/teams/")
    assert Group.objects.filter(name="Saturday team").exists()
    assert [str(message) for message in get_messages(request)] == ["The team is added."]


def test_it_does_not_call_the_service_when_the_form_is_invalid():
    response = page(request_for("post", {"name": ""}))
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Group.objects.filter(name="").exists()


def test_an_account_for_an_email_another_account_has_is_refused_in_words(client, manager):
    """The sign-in page of a staff record did not catch a refusal from the service: an
    e-mail address already used by another account was a server error."""
    User.objects.create_user("ada.first@example.test", full_name="Ada First")
    person = StaffMemberFactory(email="ada.first@example.test", user=None)
    client.force_login(manager)
    response = client.post(reverse("centre:staff_access", args=[person.pk]), {"is_active": "on"})
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].non_field_errors())
    assert "Nothing has been saved yet." in response.text
    person.refresh_from_db()
    assert person.user is None
    assert User.objects.filter(email="ada.first@example.test").count() == 1
