from django import forms

from centre.forms import CentreModelForm, DateInput

from .models import Rule
from .schedule import RuleKey


class PostponeForm(forms.Form):
    # Both optional here: the service refuses a blank reason or a date not after today,
    # with its own messages (one rule, one place).
    reason = forms.CharField(
        label="Why the decision is put off",
        help_text="Say what the record is still needed for. Do not name anyone.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    until = forms.DateField(
        label="Look at it again on",
        help_text="The record comes back to the queue on this day.",
        widget=DateInput(),
        required=False,
    )


class RuleForm(CentreModelForm):
    change_reason = forms.CharField(
        label="Why the change",
        help_text="Kept in the rule's history with your name, for anyone who asks later.",
        widget=forms.Textarea(attrs={"rows": 3}),
        # The service refuses a blank reason, with its own message.
        required=False,
    )

    class Meta:
        model = Rule
        fields = ["period_months", "extended_period_months", "keeping"]
        widgets = {"keeping": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "keeping": "As the public privacy notice words it. {period} marks where the "
            "notice prints the period.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.key == RuleKey.PARENTAL_LEAVE:
            self.fields[
                "keeping"
            ].help_text += " {extended_period} marks where it prints the longer period."
        else:
            del self.fields["extended_period_months"]
