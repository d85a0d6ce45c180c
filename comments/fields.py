"""Model fields of the comments app that carry their own checks into forms and serializers."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

from .validators import validate_website


class WebsiteFormField(forms.URLField):
    """Django's URLField with the http(s) check in place of its own, which takes ftp://."""

    default_validators = [validate_website]


class WebsiteField(models.URLField):
    """A reader's website: an http or https address, checked once wherever it is entered."""

    default_validators = [validate_website]

    def formfield(self, **kwargs):
        # A reader types "example.org": assume https rather than refuse it.
        return super().formfield(**{"form_class": WebsiteFormField, "assume_scheme": "https", **kwargs})


class LimitedTextField(models.TextField):
    """A TextField whose max_length the model checks too: Django passes it to forms alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))
