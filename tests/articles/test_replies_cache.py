"""The rendered replies are cached per article and replaced on every change readers would see."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, Status
from comments.moderation import form_token
from tests.conftest import reply_data


def page(client, article, query=""):
    return client.get(article.get_absolute_url() + query).content.decode()


def queries(client, article, query=""):
    with CaptureQueriesContext(connection) as captured:
        page(client, article, query)
    return [q["sql"] for q in captured]


def test_a_cached_page_skips_the_reply_queries(client, article, make_comment):
    for _ in range(30):
        make_comment()
    first = queries(client, article)
    again = queries(client, article)
    assert not any("comments_comment" in sql for sql in again)
    assert len(again) < len(first)


def test_anonymous_readers_report_from_the_shared_page_without_a_token(article, make_comment):
    reply = make_comment()
    for client in (Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)):
        html = page(client, article)
        assert "csrfmiddlewaretoken" not in html and 'id="report-form"' in html
        response = client.post(reverse("report_comment", args=[reply.pk]), {"reason": "spam"},
                               HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 303


def test_signed_in_readers_get_their_own_token_and_need_it(article, make_comment, make_user):
    reply = make_comment()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(staff=False))
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    url = reverse("report_comment", args=[reply.pk])
    assert client.post(url, {"reason": "spam"}, HTTP_SEC_FETCH_SITE="same-origin").status_code == 403
    assert client.post(url, {"reason": "spam", "csrfmiddlewaretoken": token},
                       HTTP_SEC_FETCH_SITE="same-origin").status_code == 303


@pytest.mark.parametrize("verb", ["reject", "mark_spam"])
def test_taking_a_reply_down_shows_at_once(article, make_comment, client, moderator, verb):
    reply = make_comment(body="Soon gone")
    assert "Soon gone" in page(client, article)
    getattr(reply, verb)(by=moderator)
    assert "Soon gone" not in page(Client(), article)


def test_approving_shows_at_once(article, make_comment, client, moderator):
    reply = make_comment(status=Status.PENDING, body="Now public")
    assert "Now public" not in page(client, article)
    Comment.objects.filter(pk=reply.pk).approve(by=moderator)
    assert "Now public" in page(Client(), article)
    assert "1 Reply to" in page(Client(), article)


def test_reports_past_the_threshold_take_it_down(article, make_comment, client, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    reply = make_comment(body="Contested words")
    assert "Contested words" in page(client, article)
    reply.report(reporter="a")
    assert "Contested words" in page(Client(), article)
    reply.report(reporter="b")
    assert "Contested words" not in page(Client(), article)


def test_an_edit_in_the_admin_shows_at_once(article, make_comment, client, admin_user):
    reply = make_comment(body="Typo teh")
    assert "Typo teh" in page(client, article)
    staff = Client()
    staff.force_login(admin_user)
    management = {f"{p}-{k}": v for p in ("flags", "events")
                  for k, v in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()}
    staff.post(reverse("admin:comments_comment_change", args=[reply.pk]), {"body": "Typo the", **management})
    html = page(Client(), article)
    assert "Typo the" in html and "Typo teh" not in html


def test_a_trusted_commenter_shows_at_once(client, make_article, moderator):
    trusted = make_article(moderation_mode="trusted")
    client.post(f"/articles/{trusted.slug}/comments/", reply_data(body="First", token=form_token(trusted)))
    Comment.objects.get().approve(by=moderator)
    page(Client(), trusted)
    client.post(f"/articles/{trusted.slug}/comments/", reply_data(body="Straight up", token=form_token(trusted)))
    assert "Straight up" in page(Client(), trusted)


@pytest.mark.parametrize("anonymise", [False, True])
def test_erasure_shows_at_once(article, make_comment, client, anonymise):
    make_comment(name="Private Person", email="private@example.com", body="My words")
    assert "Private Person" in page(client, article)
    call_command("erase_commenter", "private@example.com", "--yes", *(["--anonymise"] if anonymise else []))
    assert "Private Person" not in page(Client(), article)


def test_an_author_with_a_pending_reply_is_not_served_the_shared_copy(client, article, make_comment):
    make_comment(body="Public words")
    page(Client(), article)  # fills the cache
    client.post(f"/articles/{article.slug}/comments/", reply_data(body="My pending words", token=form_token(article)))
    assert "My pending words" in page(client, article)
    assert "My pending words" not in page(Client(), article)
