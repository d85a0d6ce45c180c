"""Readers recommend published replies: once each, with and without JavaScript, without emptying the page cache."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from comments import page_cache
from comments.models import Comment, Status
from comments.recommend import VOTER_COOKIE
from comments.voices import Recommendation

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
JSON = {"HTTP_ACCEPT": "application/json", **SAME_ORIGIN}


def url(reply, query=""):
    return reverse("recommend_comment", args=[reply.pk]) + query


def test_with_javascript_the_count_comes_back(article, make_comment):
    reply = make_comment()
    reader = Client()
    response = reader.post(url(reply), **JSON)
    assert response.status_code == 200
    assert response.json() == {"id": reply.pk, "count": 1, "label": "1 recommendation", "counted": True}
    assert "no-store" in response["Cache-Control"]
    cookie = response.cookies[VOTER_COOKIE]
    assert cookie["path"] == "/comments/" and cookie["httponly"]
    # The same browser again: counted once.
    assert reader.post(url(reply), **JSON).json()["counted"] is False
    reply.refresh_from_db()
    assert reply.recommend_count == 1 == Recommendation.objects.count()


def test_without_javascript_the_reader_comes_back_to_the_reply_with_thanks(article, make_comment, settings):
    settings.COMMENTS_PER_PAGE = 1
    reply = make_comment()
    make_comment()
    reader = Client()
    response = reader.post(url(reply, "?sort=newest"), **SAME_ORIGIN)
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}?sort=newest&cpage=2#comment-{reply.pk}"
    html = reader.get(response["Location"]).content.decode()
    item = html[html.index(f'id="comment-{reply.pk}"'):]
    assert item.index("Thank you for recommending this reply (1 recommendation).") < item.index("comment-content")
    again = reader.post(url(reply), **SAME_ORIGIN)
    assert "You have already recommended this reply" in reader.get(again["Location"]).content.decode()


def test_one_recommendation_per_address_for_readers_without_an_account(article, make_comment):
    reply = make_comment()
    assert Client().post(url(reply), **JSON).json()["counted"] is True
    # A new browser (no cookie) from the same address does not count again; another address does.
    assert Client().post(url(reply), **JSON).json()["counted"] is False
    assert Client(REMOTE_ADDR="198.51.100.7").post(url(reply), **JSON).json()["count"] == 2
    stored = Recommendation.objects.values_list("voter", "ip_digest")
    assert all("127.0.0.1" not in v and "127.0.0.1" not in ip and len(ip) == 64 for v, ip in stored)


def test_one_recommendation_per_account(article, make_comment, make_user):
    reply = make_comment()
    user = make_user(staff=False)
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    assert first.post(url(reply), **JSON).json()["counted"] is True
    assert second.post(url(reply), **JSON).json()["counted"] is False
    assert Recommendation.objects.get().ip_digest == ""


def test_signed_in_readers_need_the_token(article, make_comment, make_user):
    reply = make_comment()
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(make_user(staff=False))
    assert reader.post(url(reply), **JSON).status_code == 403
    html = reader.get(article.get_absolute_url()).content.decode()
    form = html[html.index('<form class="recommend-form"'):]
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert reader.post(url(reply), {"csrfmiddlewaretoken": token}, **JSON).status_code == 200


def test_the_shared_page_carries_no_token_and_stays_shared(article, make_comment):
    reply = make_comment()
    html = Client().get(article.get_absolute_url()).content.decode()
    assert f'<form class="recommend-form" method="post" action="/comments/{reply.pk}/recommend/">' in html
    assert "csrfmiddlewaretoken" not in html and "recommend-csrf" not in html
    # A reader who recommended still gets the shared page: the cookie goes to /comments/ only.
    reader = Client()
    reader.post(url(reply), **JSON)
    assert "public" in reader.get(article.get_absolute_url())["Cache-Control"]


def test_another_site_cannot_recommend(article, make_comment):
    reply = make_comment()
    for headers in ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}):
        assert Client().post(url(reply), **headers).status_code == 403
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_only_published_replies_are_recommended(article, make_comment, status):
    hidden = make_comment(status=status)
    assert Client().post(url(hidden), **JSON).status_code == 404
    assert Client().post("/comments/99999/recommend/", **JSON).status_code == 404
    assert Client().get(url(hidden)).status_code == 405
    assert not Recommendation.objects.exists()


def test_too_many_recommendations_from_one_address(article, make_comment, settings):
    settings.COMMENTS_RATES = {**settings.COMMENTS_RATES, "recommend": "2/hour"}
    replies = [make_comment() for _ in range(3)]
    codes = [Client().post(url(reply), **JSON).status_code for reply in replies]
    assert codes == [200, 200, 429]


def test_the_count_shows_on_the_page(article, make_comment):
    reply = make_comment()
    Comment.objects.filter(pk=reply.pk).update(recommend_count=3)
    page_cache.pages_changed([article.pk])
    html = Client().get(article.get_absolute_url()).content.decode()
    assert f'<span class="recommend-count" id="recommends-{reply.pk}">3 recommendations</span>' in html


def test_a_click_does_not_replace_the_cached_page_until_the_refresh_interval(article, make_comment, settings,
                                                                             monkeypatch):
    settings.COMMENTS_RECOMMEND_REFRESH_SECONDS = 10
    reply = make_comment()
    reader = Client()
    reader.get(article.get_absolute_url())  # the version starts now
    first = reader.get(article.get_absolute_url())
    for n in range(3):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(url(reply), **JSON)
    # Within the interval: the same cached bytes, a 304 for a revalidating cache.
    assert reader.get(article.get_absolute_url()).content == first.content
    assert reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Later: every page and order is rendered once more, with the counts.
    later = time.time_ns() + 11 * 1_000_000_000
    monkeypatch.setattr(page_cache.time, "time_ns", lambda: later)
    fresh = reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and "3 recommendations" in fresh.content.decode()
    assert "3 recommendations" in reader.get(article.get_absolute_url() + "?sort=recommended").content.decode()
    # And then it stays cached: no recommendation since.
    assert reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=fresh["ETag"]).status_code == 304


def test_a_quiet_article_shows_a_recommendation_on_its_next_view(article, make_comment, settings, monkeypatch):
    settings.COMMENTS_RECOMMEND_REFRESH_SECONDS = 10
    reply = make_comment()
    reader = Client()
    reader.get(article.get_absolute_url())
    later = time.time_ns() + 60 * 1_000_000_000  # the version is a minute old when the click comes
    monkeypatch.setattr(page_cache.time, "time_ns", lambda: later)
    Client().post(url(reply), **JSON)
    monkeypatch.setattr(page_cache.time, "time_ns", lambda: later + 1000)
    assert "1 recommendation" in reader.get(article.get_absolute_url()).content.decode()


def test_the_recommended_order_follows_after_the_refresh(article, make_comment, settings, monkeypatch):
    settings.COMMENTS_RECOMMEND_REFRESH_SECONDS = 0
    first, second = make_comment(), make_comment()
    reader = Client()
    assert reader.get(article.get_absolute_url() + "?sort=recommended").content.decode().index(
        f'id="comment-{first.pk}"') < reader.get(article.get_absolute_url() + "?sort=recommended").content.decode(
        ).index(f'id="comment-{second.pk}"')
    Client().post(url(second), **JSON)
    html = reader.get(article.get_absolute_url() + "?sort=recommended").content.decode()
    assert html.index(f'id="comment-{second.pk}"') < html.index(f'id="comment-{first.pk}"')
