"""An app's own settings: its defaults, overridden by the project's settings, read on every access.

Each app keeps its defaults in its ``conf.py`` (``comments.conf.comment_settings``…);
``newsroom/settings.py`` sets a name only when the environment does. Reading on
access, never at import, lets ``override_settings`` and pytest-django's
``settings`` fixture change a value for one test.
"""

from django.conf import settings
from django.core import checks


class AppSettings:
    def __init__(self, prefix, defaults):
        self.prefix = prefix
        self.defaults = defaults

    def __getattr__(self, name):
        if name not in self.defaults:
            raise AttributeError(f"{self.prefix}{name} is not a setting of this app.")
        return getattr(settings, self.prefix + name, self.defaults[name])


def whole_numbers(app_settings, names, *, minimum, id):
    """An error for each setting of `names` that is not a whole number of at least `minimum`."""
    errors = []
    for name in names:
        value = getattr(app_settings, name)
        if type(value) is not int or value < minimum:  # not isinstance: True is no number of seconds
            errors.append(checks.Error(
                f"{app_settings.prefix}{name} is {value!r}; it must be a whole number, {minimum} or more.",
                hint="Check the environment variable of the same name (README, \"Settings\").",
                id=id,
            ))
    return errors


def booleans(app_settings, names, *, id):
    return [
        checks.Error(
            f"{app_settings.prefix}{name} is {getattr(app_settings, name)!r}; it must be True or False.",
            hint="In the environment: 1 or 0.",
            id=id,
        )
        for name in names
        if not isinstance(getattr(app_settings, name), bool)
    ]
