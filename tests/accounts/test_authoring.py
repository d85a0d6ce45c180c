"""An author edits their reply within COMMENTS_EDIT_SECONDS and deletes it at any time (comments/authoring.py).

Both through plain pages and POSTs (the no-JavaScript path; the browser test
drives the same links with the script on): an anonymous author by the signed
own-replies cookie, a signed-in one by their account.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentRevision, ListEntry, ModerationEvent, Status
from tests.conftest import prove_own

from .conftest import csrf


def aged(reply, seconds):
    Comment.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
    reply.refresh_from_db()
    return reply


@pytest.fixture
def author(db):
    """An anonymous reader's browser, holding the cookie it got when it posted."""
    return Client()


@pytest.fixture
def own_reply(make_comment, author):
    reply = make_comment(body="Teh harbour closed at noon.", name="Jane")
    prove_own(author, reply)
    return reply


def edit(client, reply, body, **extra):
    return client.post(reverse("edit_comment", args=[reply.pk]), {"body": body, **extra})


def test_the_author_edits_within_the_window_and_the_page_shows_edited(author, own_reply, client, moderator):
    shared_before = client.get(own_reply.article.get_absolute_url()).content.decode()
    assert "The harbour closed" not in shared_before
    page = author.get(reverse("edit_comment", args=[own_reply.pk]))
    assert page.status_code == 200 and "Teh harbour closed at noon." in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"

    response = edit(author, own_reply, "The harbour closed at noon.")
    assert response.status_code == 303 and response["Location"].endswith(f"#comment-{own_reply.pk}")
    own_reply.refresh_from_db()
    assert own_reply.body == "The harbour closed at noon." and own_reply.status == Status.APPROVED
    assert own_reply.edited_at is not None
    # The cached shared page was replaced: every reader sees the new text, marked edited.
    html = Client().get(own_reply.article.get_absolute_url()).content.decode()
    assert "The harbour closed at noon." in html and "Teh harbour" not in html
    assert '<span class="comment-edited">edited</span>' in html
    # The previous text stays for moderators: a revision and an event on the reply's admin page.
    (revision,) = CommentRevision.objects.filter(comment=own_reply)
    assert (revision.body, revision.status, revision.edited_by) == ("Teh harbour closed at noon.", "approved", None)
    assert ModerationEvent.objects.filter(comment=own_reply, reason="edited by its author").exists()
    staff = Client()
    staff.force_login(moderator)
    admin_page = staff.get(reverse("admin:comments_comment_change", args=[own_reply.pk])).content.decode()
    assert "Teh harbour closed at noon." in admin_page and "earlier versions" in admin_page.lower()


def test_the_article_page_offers_edit_and_delete_to_the_author_only(author, own_reply):
    url = own_reply.article.get_absolute_url()
    html = author.get(url).content.decode()
    assert f'href="/comments/{own_reply.pk}/edit/"' in html and f'href="/comments/{own_reply.pk}/delete/"' in html
    assert "/edit/" not in Client().get(url).content.decode()
    aged(own_reply, 301)
    html = author.get(url).content.decode()
    assert "/edit/" not in html and f'href="/comments/{own_reply.pk}/delete/"' in html


@pytest.mark.parametrize("seconds,allowed", [(0, True), (299, True), (299.999, True), (300, False), (301, False)])
def test_the_edit_window_at_its_edges(author, own_reply, seconds, allowed, monkeypatch):
    # The clock stands still for the request: the reply is exactly `seconds` old throughout.
    now = timezone.now()
    Comment.objects.filter(pk=own_reply.pk).update(created_at=now - timedelta(seconds=seconds))
    monkeypatch.setattr(timezone, "now", lambda: now)
    response = edit(author, own_reply, "Changed.")
    own_reply.refresh_from_db()
    if allowed:
        assert response.status_code == 303 and own_reply.body == "Changed."
    else:
        assert response.status_code == 403 and own_reply.body != "Changed."
        assert "The time to edit this reply has passed" in response.content.decode()


def test_the_window_follows_the_setting_and_zero_turns_editing_off(author, own_reply, settings):
    settings.COMMENTS_EDIT_SECONDS = 60
    aged(own_reply, 61)
    assert edit(author, own_reply, "Late.").status_code == 403
    settings.COMMENTS_EDIT_SECONDS = 0
    aged(own_reply, 0)
    assert edit(author, own_reply, "Off.").status_code == 403


def test_an_edit_goes_through_the_rules_again_and_may_be_held(author, own_reply, client):
    ListEntry.objects.create(kind=ListEntry.Kind.WORD, action=ListEntry.Action.HOLD, value="casino")
    assert edit(author, own_reply, "Visit the casino.").status_code == 303
    own_reply.refresh_from_db()
    assert own_reply.status == Status.PENDING
    assert "held: word “casino”" in own_reply.reasons
    event = ModerationEvent.objects.filter(comment=own_reply).latest("pk")
    assert (event.from_status, event.to_status) == ("approved", "pending")
    assert "casino" not in client.get(own_reply.article.get_absolute_url()).content.decode()
    # Its author still sees it, awaiting moderation.
    assert "Your reply is awaiting moderation." in author.get(own_reply.article.get_absolute_url()).content.decode()


def test_an_edit_is_sanitised(author, own_reply):
    edit(author, own_reply, 'Fine <script>alert(1)</script><a href="javascript:x">link</a>')
    own_reply.refresh_from_db()
    assert "<script" not in own_reply.body_html and "javascript:" not in own_reply.body_html


@pytest.mark.parametrize("body", ["", "   ", "<p></p>", "x" * 5001])
def test_a_bad_edit_is_a_400_and_changes_nothing(author, own_reply, body):
    assert edit(author, own_reply, body).status_code == 400
    own_reply.refresh_from_db()
    assert own_reply.body == "Teh harbour closed at noon." and not CommentRevision.objects.exists()


def test_no_one_else_may_edit_or_delete(own_reply, make_comment):
    stranger = Client()
    prove_own(stranger, make_comment())  # has a cookie, for another reply
    for name in ("edit_comment", "delete_comment"):
        url = reverse(name, args=[own_reply.pk])
        assert stranger.get(url).status_code == 404
        assert stranger.post(url, {"body": "Hijacked"}).status_code == 404
    assert Comment.objects.filter(pk=own_reply.pk, body="Teh harbour closed at noon.").exists()
    assert Client().get(reverse("edit_comment", args=[2**63])).status_code == 404


def test_a_cross_site_post_is_refused(author, own_reply):
    for name in ("edit_comment", "delete_comment"):
        response = author.post(reverse(name, args=[own_reply.pk]), {"body": "Forged"},
                               HTTP_SEC_FETCH_SITE="cross-site")
        assert response.status_code == 403
    assert Comment.objects.filter(pk=own_reply.pk, body="Teh harbour closed at noon.").exists()


def test_the_author_deletes_a_reply_nobody_answered_and_it_is_gone(author, own_reply, client):
    page = author.get(reverse("delete_comment", args=[own_reply.pk]))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    client.get(own_reply.article.get_absolute_url())  # cached with the reply
    response = author.post(reverse("delete_comment", args=[own_reply.pk]))
    assert response.status_code == 303
    assert not Comment.objects.filter(pk=own_reply.pk).exists()
    assert "Teh harbour" not in Client().get(own_reply.article.get_absolute_url()).content.decode()
    event = ModerationEvent.objects.latest("pk")
    assert event.to_status == "deleted" and event.reason == f"reply #{own_reply.pk} deleted by its author"


def test_a_deleted_reply_that_others_answered_stays_as_a_placeholder(author, own_reply, make_comment):
    answer = make_comment(parent=own_reply, body="I disagree.")
    edit(author, own_reply, "Edited once.")
    author.post(reverse("delete_comment", args=[own_reply.pk]))
    own_reply.refresh_from_db()
    assert (own_reply.name, own_reply.email, own_reply.body) == (
        "Anonymous", "", "This reply was removed at its author's request.")
    assert not CommentRevision.objects.filter(comment=own_reply).exists()  # the old texts go too
    html = Client().get(own_reply.article.get_absolute_url()).content.decode()
    assert "I disagree." in html and "Edited once." not in html and "Jane" not in html
    assert Comment.objects.filter(pk=answer.pk).exists()


def test_the_author_may_delete_a_reply_still_awaiting_moderation(author, make_comment):
    reply = make_comment(status=Status.PENDING)
    prove_own(author, reply)
    assert author.post(reverse("delete_comment", args=[reply.pk])).status_code == 303
    assert not Comment.objects.filter(pk=reply.pk).exists()


def test_a_decided_reply_is_not_the_authors_to_edit_any_more(author, make_comment):
    reply = make_comment(status=Status.REJECTED)
    prove_own(author, reply)
    assert author.get(reverse("edit_comment", args=[reply.pk])).status_code == 404


class TestSignedIn:
    def test_the_account_edits_and_deletes_from_any_browser(self, reader_client, article, make_comment):
        reply = make_comment(user=reader_client.user, body="Frist!")
        token = csrf(reader_client, reverse("edit_comment", args=[reply.pk]))
        assert edit(reader_client, reply, "First!", csrfmiddlewaretoken=token).status_code == 303
        reply.refresh_from_db()
        assert reply.body == "First!"
        assert CommentRevision.objects.get().edited_by == reader_client.user
        html = reader_client.get(article.get_absolute_url()).content.decode()
        assert f'href="/comments/{reply.pk}/edit/"' in html
        token = csrf(reader_client, reverse("delete_comment", args=[reply.pk]))
        response = reader_client.post(reverse("delete_comment", args=[reply.pk]), {"csrfmiddlewaretoken": token})
        assert response.status_code == 303
        assert not Comment.objects.filter(pk=reply.pk).exists()

    def test_a_signed_in_edit_needs_its_csrf_token(self, reader_client, make_comment):
        reply = make_comment(user=reader_client.user, body="Frist!")
        assert edit(reader_client, reply, "Forged").status_code == 403

    def test_another_account_may_not(self, reader_client, make_reader, make_comment):
        reply = make_comment(user=make_reader(email="other@example.net"), body="Not yours")
        assert reader_client.get(reverse("edit_comment", args=[reply.pk])).status_code == 404
        assert reader_client.get(reverse("delete_comment", args=[reply.pk])).status_code == 404
