from django import forms
from django.utils.translation import gettext_lazy as _

from comments.validators import validate_one_line


class DisplayNameForm(forms.Form):
    """Added to allauth's sign-up form: the name the reader's replies show."""

    name = forms.CharField(
        label=_("Display name"), max_length=100, validators=[validate_one_line],
        help_text=_("Shown with your replies. Your email address is never shown."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def signup(self, request, user):
        user.first_name = self.cleaned_data["name"].strip()
        user.save(update_fields=["first_name"])
