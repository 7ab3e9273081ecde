"""The form for raising a concern: a few fields, quick on a tablet. The model's ``clean()``
refuses a time in the future; the form narrows the children to the family in hand."""

from django import forms

from core.picker import PersonPickerField, PickerFormMixin
from referrals.models import Case, Child

from .models import Concern


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker, to the minute, in the centre's time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ChildByFirstName(forms.ModelMultipleChoiceField):
    # First names only: enough to pick a child the person has just seen, and all that
    # a volunteer is shown of a family.
    def label_from_instance(self, obj):
        return obj.first_name


class ConcernForm(PickerFormMixin, forms.ModelForm):
    """``case`` is the family the concern is about when it is already known (from a
    register card, or chosen on the page before); then its children are offered. With
    ``can_choose_case`` and no ``case``, the open case is found by name, date of birth or
    reference (the person picker), and its children are offered once it is chosen.
    Without either (a volunteer away from the register) the person describes the child
    in words and the case is left for the safeguarding lead."""

    class Meta:
        model = Concern
        fields = [
            "case",
            "children",
            "occurred_at",
            "where",
            "what_happened",
            "others_present",
            "action_taken",
        ]
        labels = {
            "occurred_at": "When did it happen?",
            "where": "Where?",
            "what_happened": "What did you see or hear?",
            "others_present": "Who else was there?",
            "action_taken": "What did you do straight away?",
        }
        help_texts = {
            "what_happened": (
                "Write what was said in the words used, and what you saw. Do not add your "
                "own opinion of what it means."
            ),
            "others_present": "Adults, children, staff or volunteers who saw or heard it.",
        }
        error_messages = {
            "what_happened": {"required": "Say what was seen or said, in the person's own words."},
            "occurred_at": {
                "required": "Say when it happened.",
                "invalid": "Give the date and time it happened.",
            },
        }
        widgets = {
            "occurred_at": LocalDateTimeInput(),
            "what_happened": forms.Textarea(attrs={"rows": 5}),
            "others_present": forms.Textarea(attrs={"rows": 2}),
            "action_taken": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, case: Case | None = None, can_choose_case=False, **kwargs):
        # "When" starts at now: a new Concern's default, shown to the minute.
        super().__init__(*args, **kwargs)
        if case is None and can_choose_case:
            self.fields["case"] = PersonPickerField(
                kinds=("case",),
                within={"case": list(Case.objects.open().values_list("pk", flat=True))},
                required=False,
                label="Which case is it about?",
                help_text="Type a parent's or child's name, a date of birth or the case "
                "reference, then Find, and choose the family. Leave it if you don't know, or "
                "if it is not about one family.",
            )
            case = self.picked("case")
        else:
            del self.fields["case"]
        if case is None:
            del self.fields["children"]
        else:
            self.fields["children"] = ChildByFirstName(
                queryset=Child.objects.filter(case=case),
                required=False,
                label="Which children?",
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": "Choose only children of this family.",
                },
            )
            self.order_fields(self.Meta.fields)
        self.picker_set_up()

    def clean_case(self):
        chosen = self.cleaned_data.get("case")
        return chosen[1] if chosen else None

    def clean(self):
        cleaned_data = super().clean()
        if (
            "children" in self.fields
            and not cleaned_data.get("children")
            and "children" not in self.errors
            and self.fields["children"].queryset.exists()
        ):
            self.add_error("children", "Tick the children this concern is about.")
        return cleaned_data
