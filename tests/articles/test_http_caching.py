"""Shared article pages for HTTP caches: compressed once, ETag, Cache-Control, surrogate keys, purge."""

import gzip

import brotli
import pytest
from django.core.cache import cache
from django.test import Client

from articles import cdn
from comments import page_cache
from comments.models import Status
from tests.conftest import prove_own


def fetch(article, encoding="gzip, br", client=None, **headers):
    return (client or Client()).get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING=encoding, **headers)


def test_shared_page_is_public_with_a_strong_etag_and_a_surrogate_key(article, make_comment, settings):
    settings.COMMENTS_PAGE_MAX_AGE, settings.COMMENTS_PAGE_S_MAXAGE = 5, 120
    settings.COMMENTS_PAGE_STALE_WHILE_REVALIDATE = 60
    make_comment()
    for response in (fetch(article), fetch(article)):  # rendered, then from the cache
        assert response["Cache-Control"] == "public, max-age=5, s-maxage=120, stale-while-revalidate=60"
        assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
        assert response["Vary"] == "Accept-Encoding"
        assert response["Surrogate-Key"] == response["Cache-Tag"] == f"article-{article.slug}"
        assert not response.cookies


def test_one_page_in_each_encoding_the_reader_accepts(article, make_comment):
    make_comment(body="Words to compress")
    fetch(article)  # fills the cache
    plain = fetch(article, "")
    assert "Content-Encoding" not in plain and b"Words to compress" in plain.content
    br, gz = fetch(article, "gzip, deflate, br"), fetch(article, "gzip")
    assert br["Content-Encoding"] == "br" and brotli.decompress(br.content) == plain.content
    assert gz["Content-Encoding"] == "gzip" and gzip.decompress(gz.content) == plain.content
    assert "Content-Encoding" not in fetch(article, "br;q=0, gzip;q=0")
    assert len({plain["ETag"], br["ETag"], gz["ETag"]}) == 3
    assert int(br["Content-Length"]) < int(plain["Content-Length"]) / 3


def test_conditional_get_answers_304_without_reading_the_page(article, make_comment):
    make_comment()
    first = fetch(article)
    # Drop the page bodies: the 304 must come from the version and the small meta entry alone.
    base = page_cache._base_key(article.slug, 1)
    cache.delete_many([f"{base}:{encoding}" for encoding in page_cache.ENCODINGS])
    again = fetch(article, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Vary"] == "Accept-Encoding"
    assert again["Cache-Control"].startswith("public")
    assert fetch(article, HTTP_IF_NONE_MATCH=f'W/{first["ETag"]}').status_code == 304
    assert fetch(article, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_every_visible_change_changes_the_etag_at_once(article, make_comment, moderator):
    reply = make_comment(status=Status.PENDING, body="Waiting words")
    before = fetch(article)
    reply.approve(by=moderator)
    after = fetch(article, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert b"Waiting words" in brotli.decompress(after.content)
    article.title = "A new headline"
    article.save()
    assert fetch(article, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 200


def test_personalised_pages_are_private_and_never_304(article, make_comment, make_user):
    mine = make_comment(status=Status.PENDING, body="My own words")
    shared = fetch(article)
    author = Client()
    prove_own(author, mine)
    signed_in = Client()
    signed_in.force_login(make_user(staff=False))
    for client in (author, signed_in):
        response = fetch(article, client=client, HTTP_IF_NONE_MATCH=shared["ETag"])
        assert response.status_code == 200
        assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
        assert "ETag" not in response and "Surrogate-Key" not in response
    assert b"My own words" in fetch(article, "", client=author).content


def test_a_change_purges_the_cdn_after_commit(article, make_comment, moderator, settings, committed, monkeypatch):
    settings.COMMENTS_CDN_PURGE_URL = "https://cdn.example/purge/{key}"
    purged = []
    monkeypatch.setattr(cdn, "_send", lambda requests: purged.extend(r.full_url for r in requests))
    reply = make_comment(status=Status.PENDING)
    purged.clear()
    with committed():
        reply.approve(by=moderator)
        assert purged == []  # not before the change is committed
    monkeypatch.undo()
    assert purged == [f"https://cdn.example/purge/article-{article.slug}"]


def test_purge_failures_are_logged_without_the_query_and_retried_by_the_queue(settings, caplog):
    settings.COMMENTS_CDN_PURGE_URL = "http://127.0.0.1:9/purge/{key}?token=secret"
    settings.COMMENTS_CDN_PURGE_TIMEOUT = 1
    with pytest.raises(cdn.PurgeFailed):  # the task fails, so the queue retries it with backoff
        cdn.send_purges(["article-x"])
    assert "CDN purge failed for /purge/article-x" in caplog.text and "secret" not in caplog.text
    settings.COMMENTS_CDN_PURGE_URL = ""
    assert cdn.send_purges(["article-x"]) is None


def test_pages_served_early_carry_the_same_headers_as_through_the_whole_stack(article, make_comment, monkeypatch):
    served_early = []
    cached = page_cache.SharedPageMiddleware.cached
    monkeypatch.setattr(page_cache.SharedPageMiddleware, "cached",
                        lambda self, request: served_early.append(cached(self, request)) or served_early[-1])
    make_comment()
    client = Client()  # one client: one middleware chain, as in one server process
    through_the_stack = fetch(article, client=client)  # rendered: every middleware ran
    assert served_early == []
    early = fetch(article, client=client)
    assert served_early[-1] is not None
    assert early.content == through_the_stack.content
    assert dict(early.items()) == dict(through_the_stack.items())
    assert "Content-Security-Policy" in early and early["X-Frame-Options"] == "DENY"
    assert fetch(article, client=client, HTTP_HOST="evil.example").status_code == 400
    not_modified = fetch(article, client=client, HTTP_IF_NONE_MATCH=early["ETag"])
    assert not_modified.status_code == 304 and served_early[-1] is not None
    assert "Content-Length" not in not_modified and not_modified["X-Frame-Options"] == "DENY"


def test_the_early_path_matches_the_article_route_exactly():
    from django.urls import resolve

    for path in ["/articles/storm-closes-the-harbour/", "/articles/a_b-9/"]:
        assert page_cache.ARTICLE_PATH.fullmatch(path) and resolve(path).url_name == "article"
    for path in ["/articles/x/comments/", "/articles/", "/articles/ü/", "/admin/articles/x/"]:
        assert not page_cache.ARTICLE_PATH.fullmatch(path)
