"""Validators shared by the model, the reply form and the API serializer."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters, and the Unicode line and paragraph separators.
_NOT_ON_ONE_LINE = {"Cc", "Zl", "Zp"}


def validate_one_line(value):
    """A name is one line: a line break in it could pass for the site's own words in an email."""
    if any(unicodedata.category(char) in _NOT_ON_ONE_LINE for char in value):
        raise ValidationError(_("Use one line, without line breaks or control characters."), code="one_line")
