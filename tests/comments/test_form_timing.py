"""The too-fast rule on a page that is the same for every reader.

The page carries no per-reader token: the reply form's 1x1 image sets a signed
"served at" cookie for the article's reply endpoint, and the rule reads it.
"""

import time

from django.test import Client

from comments.http import FORM_STAMP_COOKIE
from comments.models import Comment, Status
from tests.conftest import reply_data


def open_form(client, article, seconds_ago=0):
    """What a browser does: the page, then the form's image (as if `seconds_ago` seconds back)."""
    client.get(article.get_absolute_url())
    real = time.time
    time.time = lambda: real() - seconds_ago
    try:
        return client.get(f"/articles/{article.slug}/comments/stamp.gif")
    finally:
        time.time = real


def send(client, article, body):
    response = client.post(f"/articles/{article.slug}/comments/", reply_data(body=body), HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303, [line for line in response.content.decode().splitlines() if "<li>" in line]
    return Comment.objects.get(body=body)


def test_the_stamp_is_an_uncached_image_with_a_cookie_for_this_articles_replies(client, article):
    response = open_form(client, article)
    assert response["Content-Type"] == "image/gif" and response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    cookie = response.cookies[FORM_STAMP_COOKIE]
    assert cookie["path"] == f"/articles/{article.slug}/comments/" and cookie["httponly"]
    assert cookie["max-age"] == 86400  # COMMENTS_FORM_MAX_AGE: the browser drops it when the form expires
    assert client.get("/articles/nothing-here/comments/stamp.gif").status_code == 404


def test_a_bot_posting_right_after_get_is_caught_and_a_person_is_not(article, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    bot = Client()
    open_form(bot, article)
    caught = send(bot, article, "Buy cheap watches now")
    assert caught.status == Status.SPAM and caught.reasons.startswith("spam: form sent ")  # 0s or 1s: whole seconds

    blind_bot = Client()  # fetches the page alone, no image: no proof of timing
    blind_bot.get(article.get_absolute_url())
    held = send(blind_bot, article, "Cheap watches again")
    assert held.status == Status.PENDING and "no proof of when the form was served" in held.reasons

    person = Client()
    open_form(person, article, seconds_ago=20)  # read the article, then wrote for twenty seconds
    reply = send(person, article, "The harbour wall needs work.")
    assert reply.status == Status.PENDING and reply.reasons == ""


def test_a_form_sent_back_with_errors_keeps_its_first_time(client, article, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    open_form(client, article, seconds_ago=20)
    response = client.post(f"/articles/{article.slug}/comments/", reply_data(name=""))
    assert response.status_code == 400
    token = response.content.decode().split('name="token" value="')[1].split('"')[0]
    open_form(client, article)  # the error page's image: a fresh cookie, but the form keeps its token
    client.post(f"/articles/{article.slug}/comments/", reply_data(body="Fixed my name", token=token))
    assert Comment.objects.get(body="Fixed my name").status == Status.PENDING
    assert Comment.objects.get(body="Fixed my name").reasons == ""
