"""Another site's page cannot make a visitor's browser post, report or moderate here.

Headers as Chromium sends them: a form auto-submitted from https://evil.example
carries Sec-Fetch-Site: cross-site and Origin: https://evil.example; the site's
own form carries same-origin. API clients and scripts send neither and pass.
"""

import pytest
from django.core.cache import caches
from django.test import Client

from comments.conf import comment_settings
from comments.models import Comment, Flag
from tests.conftest import aged_token, reply_data

CROSS_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"}
SAME_SITE = {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://blog.testserver"}
OLD_BROWSER = {"HTTP_ORIGIN": "https://evil.example"}  # no Sec-Fetch-Site
NULL_ORIGIN = {"HTTP_ORIGIN": "null"}  # a sandboxed iframe or a data: URL
OWN_PAGE = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


def requests(article, reply, n=0):
    form = "application/x-www-form-urlencoded"
    return [
        ("post", f"/articles/{article.slug}/comments/",
         reply_data(body=f"Form {n}", token=aged_token(article, 60)), None),
        ("post", f"/comments/{reply.pk}/report/", {"reason": "spam"}, None),
        ("post", f"/api/articles/{article.slug}/comments/", f"name=A&email=a%40example.org&body=Form+API+{n}", form),
        ("post", f"/api/comments/{reply.pk}/flag/", "reason=spam", form),
        ("post", f"/api/articles/{article.slug}/comments/", reply_data(body=f"JSON {n}"), "application/json"),
    ]


@pytest.mark.parametrize("headers", [CROSS_SITE, SAME_SITE, OLD_BROWSER, NULL_ORIGIN],
                         ids=["cross-site", "same-site", "origin-only", "null-origin"])
def test_cross_origin_browser_posts_are_refused_everywhere(article, make_comment, headers):
    reply = make_comment()
    for method, url, data, content_type in requests(article, reply):
        kwargs = {"content_type": content_type} if content_type else {}
        response = getattr(Client(), method)(url, data, **kwargs, **headers)
        assert response.status_code == 403, url
        assert "another website" in response.content.decode()
    assert Comment.objects.count() == 1 and not Flag.objects.exists()


def test_the_sites_own_pages_and_api_clients_still_work(article, make_comment):
    reply = make_comment()
    for n, headers in enumerate([OWN_PAGE, {}]):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        for method, url, data, content_type in requests(article, reply, n):
            kwargs = {"content_type": content_type} if content_type else {}
            response = getattr(client, method)(url, data, **kwargs, **headers)
            assert response.status_code in (201, 202, 303), (url, response.status_code)
    assert Comment.objects.count() == 7 and Flag.objects.count() == 2


def test_trusted_origins_pass(settings, article):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.newsroom.example"]
    response = Client().post(f"/api/articles/{article.slug}/comments/", reply_data(),
                             content_type="application/json", HTTP_ORIGIN="https://www.newsroom.example")
    assert response.status_code == 201


def test_reading_is_never_refused(article):
    assert Client().get(article.get_absolute_url(), **CROSS_SITE).status_code == 200


def test_rate_limits_survive_a_cache_full_of_pages(settings, article, make_comment):
    """Page views fill the page cache and its culling; the report counter lives elsewhere."""
    settings.COMMENTS_RATES = {**comment_settings.RATES, "report": "2/hour"}
    replies = [make_comment() for _ in range(4)]
    reader = Client(REMOTE_ADDR="198.51.100.200")
    for reply in replies[:2]:
        assert reader.post(f"/comments/{reply.pk}/report/", {"reason": "spam"}).status_code == 303
    pages = caches["default"]
    for n in range(1000):  # what 700 page views cached, and more
        pages.set(f"article-page:filler:{n}", "x" * 100)
    for reply in replies[2:]:
        assert reader.post(f"/comments/{reply.pk}/report/", {"reason": "spam"}).status_code == 429
