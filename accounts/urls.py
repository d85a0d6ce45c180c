"""allauth's pages and the reader's own, under /accounts/; every one a 404 while COMMENTS_ACCOUNTS is off."""

from functools import wraps

from allauth import urls as allauth_urls
from django.http import Http404
from django.urls import URLPattern, URLResolver, path

from comments.conf import comment_settings

from . import views


def _only_with_accounts(view):
    @wraps(view)
    def gated(request, *args, **kwargs):
        if not comment_settings.ACCOUNTS:
            raise Http404
        return view(request, *args, **kwargs)

    return gated


def gated(patterns):
    """The same URL patterns, each view answering 404 while accounts are off (read per request)."""
    result = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            result.append(URLResolver(pattern.pattern, gated(pattern.url_patterns), pattern.default_kwargs,
                                      pattern.app_name, pattern.namespace))
        else:
            result.append(URLPattern(pattern.pattern, _only_with_accounts(pattern.callback),
                                     pattern.default_args, pattern.name))
    return result


urlpatterns = gated([
    path("profile/", views.profile, name="reader_profile"),
    path("profile/export/", views.export, name="reader_export"),
    path("profile/erase/", views.erase, name="reader_erase"),
    *allauth_urls.urlpatterns,
])
