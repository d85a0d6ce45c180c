from django import forms
from django.core.validators import URLValidator

from .models import Comment, Flag
from .moderation import Submission
from .sanitize import render_reply
from .validators import validate_one_line

EMPTY_REPLY = "Your reply has no text once formatting is removed. Please write something."


class WebsiteField(forms.URLField):
    """A URL field for http and https addresses alone.

    Replacing the default validator rather than adding one: with both, a bad
    address was reported twice ("Enter a valid URL." by each).
    """

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, validators=[validate_one_line])
    email = forms.EmailField(label="Email", max_length=254)
    website = WebsiteField(label="Website", max_length=200, required=False, assume_scheme="https")
    body = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    notify = forms.BooleanField(label="Notify me of follow-up replies by email", required=False)
    parent = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)
    token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS and from assistive tech by aria-hidden.
    nickname = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not render_reply(body):
            raise forms.ValidationError(EMPTY_REPLY, code="empty")
        return body

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        # Checked before the reply is attached to an ancestor within the depth limit, so a
        # hidden reply answers exactly like one that does not exist.
        parent = Comment.objects.for_article(self.article).public().filter(pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError("The reply you are answering does not exist on this article.")
        return parent

    def submission(self, *, ip_address, user_agent, proofs):
        data = self.cleaned_data
        comment = Comment(
            article=self.article, name=data["name"], email=data["email"], website=data["website"],
            body=data["body"], notify=data["notify"], ip_address=ip_address, user_agent=user_agent[:300],
        )
        comment.attach_to(data["parent"])
        return Submission(comment, form_token=data["token"] or "", honeypot=data["nickname"], **proofs)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Flag.Reason.choices)
    note = forms.CharField(required=False, max_length=500)
