"""What a reply's fields must hold, checked on the model fields.

The reader's form (a ModelForm) and the API's serializer (a ModelSerializer)
inherit these from ``Comment``; an imported reply can be checked against them
with ``full_clean()``. Messages a reader may see are defined here once.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .sanitize import render_reply

EMPTY_REPLY = _("Your reply has no text once formatting is removed. Please write something.")
NO_SUCH_PARENT = _("The reply you are answering does not exist on this article.")

# Control characters, and the Unicode line and paragraph separators.
_NOT_ON_ONE_LINE = {"Cc", "Zl", "Zp"}


def validate_one_line(value):
    """A name is one line: a line break in it could pass for the site's own words in an email."""
    if any(unicodedata.category(char) in _NOT_ON_ONE_LINE for char in value):
        raise ValidationError(_("Use one line, without line breaks or control characters."), code="one_line")


def validate_readable(value):
    """A reply must keep some text once sanitised: "<b></b>" or a lone <img> would publish nothing."""
    if not render_reply(value):
        raise ValidationError(EMPTY_REPLY, code="empty")


@deconstructible(path="comments.validators.WebsiteValidator")
class WebsiteValidator(URLValidator):
    """A web address a reader may link their name to: http or https alone (not javascript:, not ftp:).

    A URLValidator, so each URL field uses it in place of its own (DRF drops a
    model field's URLValidator for its own, Django's form field has its own):
    with two, a bad address was reported twice.
    """

    def __init__(self, **kwargs):
        super().__init__(schemes=["http", "https"], **kwargs)


validate_website = WebsiteValidator()
