"""Django's own form messages say what to do, in the words of the person typing (issue
17): the project's en_GB catalogue (locale/en_GB) rewords the technical ones for every
form, plain or model, and no message speaks of values, choices or encodings."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from centre.models import User

TECHNICAL = (
    "Ensure this value",
    "Select a valid choice",
    "Enter a valid",
    "Null characters",
    "encoding type",
    "is not a valid value",
    "Enter a list of values",
    "submitted file",
    "clear checkbox",
)


class EveryKind(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=5)
    amount = forms.DecimalField()
    day = forms.DateField()
    time = forms.TimeField()
    moment = forms.DateTimeField()
    email = forms.EmailField()
    short = forms.CharField(max_length=3)
    long = forms.CharField(min_length=5)
    choice = forms.ChoiceField(choices=[("a", "A")])
    many = forms.MultipleChoiceField(choices=[("a", "A")])
    upload = forms.FileField()


def _messages(form):
    return [message for errors in form.errors.values() for message in errors]


@pytest.mark.parametrize(
    ("data", "files"),
    [
        (
            {
                "number": "9223372036854775808",
                "amount": "abc",
                "day": "31/02/2026",
                "time": "25:99",
                "moment": "yesterday",
                "email": "a@",
                "short": "abcdef",
                "long": "abc",
                "choice": "z",
                "many": ["z"],
            },
            {"upload": SimpleUploadedFile("empty.pdf", b"")},
        ),
        ({"number": "-1", "short": "a\x00b", "many": "z"}, {}),
        ({"number": "1.5"}, {"upload": "not a file"}),
    ],
)
def test_no_form_answers_in_djangos_technical_words(data, files):
    messages = _messages(EveryKind(data=data, files=files))

    assert messages
    for message in messages:
        assert not any(words in message for words in TECHNICAL), message


def test_each_reworded_message_says_what_to_type():
    form = EveryKind(
        data={
            "number": "9",
            "day": "31/02/2026",
            "time": "25:99",
            "email": "a@",
            "short": "abcdef",
            "choice": "z",
        }
    )

    assert form.errors["number"] == ["Enter a number no bigger than 5."]
    assert form.errors["day"] == [
        "Enter a real date, as day, month and year (for example 27/03/2026)."
    ]
    assert form.errors["time"] == ["Enter a real time, in hours and minutes (for example 14:30)."]
    assert form.errors["email"] == ["Enter an e-mail address in the form name@example.org."]
    assert form.errors["short"] == ["Keep this to 3 characters (it has 6): shorten it."]
    assert form.errors["choice"][0].startswith("Choose one of the options given")


@pytest.mark.django_db
def test_a_choice_of_a_record_no_longer_there_says_to_choose_again():
    class Pick(forms.Form):
        person = forms.ModelChoiceField(User.objects.all())
        people = forms.ModelMultipleChoiceField(User.objects.all())

    form = Pick(data={"person": "999999", "people": ["x"]})

    assert form.errors["person"] == [
        "Choose one of the options given: the one sent is no longer among them. Reload the "
        "page and choose again."
    ]
    assert not any(words in form.errors["people"][0] for words in TECHNICAL)


def test_the_catalogue_is_the_centres_language():
    assert translation.get_language() == "en-gb"
