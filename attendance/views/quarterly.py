"""The quarterly return to NACCC: the page for any quarter chosen by year and quarter (a
GET form: the figures are counts, nothing personal travels in the address) and the same
figures as a CSV download. Its routes are in ``urlpatterns`` below.

The figures are counts that name no one, so staff, who do the case work they count, may
see them as the manager does; volunteers may not (they hold no ``referrals.view_case``).
"""

import csv

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from centre.access import requires
from core import audit

from ..quarterly import QUARTER_MONTHS, Quarter, quarterly_return, year_label

READS_CASES = "referrals.view_case"
YEARS_OFFERED = 10
CSV_COLUMNS = ("figure", "label", "value")


class QuarterForm(forms.Form):
    """A quarter that has begun: this one (figures so far) or any of the years before."""

    year = forms.TypedChoiceField(label="Year (April to March)", coerce=int)
    quarter = forms.TypedChoiceField(
        coerce=int,
        choices=[(number, f"Q{number}: {months}") for number, months in QUARTER_MONTHS.items()],
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = Quarter.containing(today)
        this_year = self.current.year
        self.fields["year"].choices = [
            (year, year_label(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)
        ]

    def clean(self):
        data = super().clean()
        if "year" in data and "quarter" in data:
            quarter = Quarter(data["year"], data["quarter"])
            if quarter.first_day > self.current.first_day:
                raise forms.ValidationError("That quarter has not begun yet.")
            data["chosen"] = quarter
        return data


def _chosen_quarter(request):
    """The quarter the request asks for (the last complete one by default) and its form;
    the quarter is None when what was asked for is not a quarter we can give."""
    today = timezone.localdate()
    if "year" in request.GET or "quarter" in request.GET:
        form = QuarterForm(request.GET, today=today)
        return (form.cleaned_data["chosen"] if form.is_valid() else None), form
    quarter = Quarter.last_complete(today)
    form = QuarterForm(initial={"year": quarter.year, "quarter": quarter.number}, today=today)
    return quarter, form


@requires(READS_CASES)
@require_safe
def quarterly_return_page(request):
    quarter, form = _chosen_quarter(request)
    context = {"form": form, "quarter": quarter}
    if quarter is not None:
        context["sections"] = quarterly_return(quarter)
        context["in_progress"] = quarter == form.current
    return render(request, "attendance/quarterly_return.html", context)


@requires(READS_CASES)
@require_safe
def quarterly_return_csv(request):
    quarter, form = _chosen_quarter(request)
    if quarter is None:
        return HttpResponseBadRequest(
            "Choose a year and a quarter that has begun.", content_type="text/plain"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="naccc-return-{quarter.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for section in quarterly_return(quarter):
        for figure in section.figures:
            writer.writerow((figure.key, f"{section.title}: {figure.label}", figure.value))
    audit.record(
        request, audit.Action.EXPORT, kind="quarterly-return", detail=f"NACCC {quarter.slug}"
    )
    return response


urlpatterns = [
    path("quarterly-return/", quarterly_return_page, name="quarterly_return"),
    path("quarterly-return.csv", quarterly_return_csv, name="quarterly_return_csv"),
]
