"""The error summary (GOV.UK's pattern): every problem of a refused form listed once at the
top, each field's linked to that field's input on the page."""

import pytest
from django import forms
from django.template import Context, Template

from core.templatetags.error_summary import problems
from tests.error_summary import error_summary_of


class Booking(forms.Form):
    first_name = forms.CharField(error_messages={"required": "Enter the first name."})
    visits = forms.IntegerField(max_value=52, error_messages={"max_value": "At most 52 a year."})
    kind = forms.ChoiceField(
        choices=[("a", "Supported"), ("b", "Supervised")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose supported or supervised contact."},
    )

    def clean(self):
        raise forms.ValidationError("The session is full: choose another.")


def _page(form):
    return Template(
        "{% load crispy_forms_tags error_summary %}{% error_summary form %}{{ form|crispy }}"
    ).render(Context({"form": form}))


def test_every_problem_is_listed_once_whole_form_first_then_each_field_in_order():
    form = Booking(data={"visits": "60"})

    summary = error_summary_of(_page(form))

    assert summary["problems"] == [
        "The session is full: choose another.",
        "Enter the first name.",
        "At most 52 a year.",
        "Choose supported or supervised contact.",
    ]


def test_each_fields_problem_links_to_an_element_on_the_page():
    form = Booking(data={"visits": "60"})
    page = _page(form)

    anchors = error_summary_of(page)["anchors"]

    assert anchors == ["id_first_name", "id_visits", "div_id_kind"]
    for anchor in anchors:
        assert f'id="{anchor}"' in page


def test_a_form_without_errors_shows_no_summary():
    assert error_summary_of(_page(Booking())) == {}
    assert problems(None) == []


@pytest.mark.parametrize("outcome", ["Nothing has been sent yet.", "Nothing has been saved yet."])
def test_the_summary_says_what_became_of_the_input(outcome):
    page = Template("{% load error_summary %}{% error_summary form outcome %}").render(
        Context({"form": Booking(data={}), "outcome": outcome})
    )

    assert outcome in page
