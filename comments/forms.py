from django import forms
from django.utils.translation import gettext_lazy as _

from . import intake
from .models import Comment, Flag


class CommentForm(forms.ModelForm):
    """The reader's reply form: the fields' limits and checks come from Comment's fields."""

    parent = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)
    token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS and from assistive tech by aria-hidden.
    nickname = forms.CharField(required=False, max_length=200)

    class Meta:
        model = Comment
        fields = ["name", "email", "website", "body", "notify"]
        labels = {
            "name": _("Name"), "email": _("Email"), "website": _("Website"), "body": _("Comment"),
            "notify": _("Notify me of follow-up replies by email"),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["email"].required = True  # optional on imported replies, never on a reader's

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        # Checked before the reply is attached to an ancestor within the depth limit, so a
        # hidden reply answers exactly like one that does not exist.
        return None if parent_id is None else intake.reply_parent(self.article, parent_id)

    def save(self, *, sender):
        """Submit the reply (comments.intake); raises moderation.Refused when a rule refuses it."""
        data = self.cleaned_data
        return intake.submit_reply(
            self.article, sender, parent=data["parent"], form_token=data["token"] or "", honeypot=data["nickname"],
            **{name: data[name] for name in self._meta.fields},
        )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Flag.Reason.choices)
    note = forms.CharField(required=False, max_length=500)
