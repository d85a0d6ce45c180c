from django.http import HttpResponse
from django.urls import include, path

# A fixed 2 KB HTML page: what Django costs with no database, template or cache.
BARE_PAGE = ("<!doctype html><title>bare</title><p>" + "x" * 2048)[:2043] + "</p>\n"


def bare(request):
    return HttpResponse(BARE_PAGE)


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("newsroom.urls")),
]
