import io
import json
import logging
import os
import re
import smtplib
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments import notifications, privacy
from comments.conf import comment_settings
from comments.models import Comment, Status, VerifiedEmail
from comments.moderation import form_token
from newsroom.settings import email_url_settings
from tests.conftest import prove_own, reply_data
from tests.test_privacy_sweep import forms_of

cache = caches["limits"]  # the batching window and the resend throttle live here

SECRET = "Unique.Commenter-9c1e@Private-Mail.example"
REFUSING = "tests.comments.test_notifications.RefusingBackend"


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses everything, naming the recipients as real servers do."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"mailbox unavailable") for m in messages})


@pytest.fixture(autouse=True)
def clean_cache(db, settings):
    settings.COMMENTS_SITE_URL = "https://news.example"
    settings.COMMENTS_MODERATOR_EMAILS = []
    cache.clear()  # the batching window and resend throttle live in the cache
    yield
    cache.clear()


@pytest.fixture
def moderator(make_user):
    return make_user("comments.moderate_comment", username="moderator", email="mod@newsroom.example")


def post(client, article, **overrides):
    overrides.setdefault("token", form_token(article))
    overrides.setdefault("email", SECRET)
    return client.post(reverse("post_comment", args=[article.slug]), reply_data(**overrides))


def assert_no_commenter_email(message, email=SECRET):
    text = message.subject + message.body + str(message.extra_headers) + " ".join(message.to + message.cc)
    for needle in forms_of(email) | {privacy.email_digest(email)}:
        assert needle not in text


# --- Moderators' alerts -----------------------------------------------------------


def test_held_reply_mails_each_moderator_once_with_excerpt_reasons_and_admin_link(
    client, article, moderator, committed, mailoutbox
):
    with committed():
        response = post(client, article, name="Jo Bloggs", body="See https://a.example.com https://b.example.com https://c.example.com")
    reply = Comment.objects.get()
    assert response.status_code == 303 and reply.status == Status.PENDING
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["mod@newsroom.example"]
    assert message.subject == f"Reply held for moderation: {article.title}"
    assert "See https://a.example.com" in message.body and "Jo Bloggs" in message.body
    assert "held: 3 links" in message.body
    assert f"https://news.example/admin/comments/comment/{reply.pk}/change/" in message.body
    assert "https://news.example/admin/comments/moderationqueue/" in message.body
    assert_no_commenter_email(message)
    reply.refresh_from_db()
    assert reply.moderators_notified_at is not None


def test_recipients_are_active_moderators_with_an_address_and_the_configured_list(
    settings, client, article, make_user, django_user_model, committed, mailoutbox
):
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@newsroom.example", "Direct@Newsroom.example"]
    make_user("comments.moderate_comment", email="direct@newsroom.example")
    group = Group.objects.create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_comment"))
    make_user(email="grouped@newsroom.example").groups.add(group)
    django_user_model.objects.create_superuser("boss", "boss@newsroom.example", "a-long-test-password")
    make_user("comments.moderate_comment", email="gone@newsroom.example", is_active=False)
    make_user("comments.moderate_comment", email="")
    make_user("comments.view_commenter_email", email="not-a-moderator@newsroom.example")
    with committed():
        post(client, article)
    assert sorted(m.to[0].lower() for m in mailoutbox) == [
        "boss@newsroom.example", "desk@newsroom.example", "direct@newsroom.example", "grouped@newsroom.example",
    ]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mailoutbox)


def test_a_spam_wave_sends_one_alert_then_one_digest(client, article, moderator, committed, mailoutbox):
    for n in range(6):
        with committed():  # each post is its own request and commit
            post(client, article, body=f"Buy pills number {n}", email=f"bot{n}@spam.example")
    assert len(mailoutbox) == 1
    assert "Buy pills number 0" in mailoutbox[0].body

    cache.delete(notifications.WINDOW_KEY)  # the batching window has passed
    with committed():
        post(client, article, body="After the window", email="late@spam.example")
    assert len(mailoutbox) == 2
    digest = mailoutbox[1]
    assert digest.subject == "6 replies held for moderation"
    for n in range(1, 6):
        assert digest.body.count(f"Buy pills number {n}") == 1
    assert "Buy pills number 0" not in digest.body and "After the window" in digest.body
    assert not Comment.objects.filter(moderators_notified_at=None).exists()


def test_digest_command_sends_what_waited_only_after_the_window(client, article, moderator, committed, mailoutbox):
    with committed():
        post(client, article, body="First one", email="a@example.org")
    with committed():
        post(client, article, body="Second one", email="b@example.org")

    def digest_command():
        out = io.StringIO()
        call_command("send_moderation_digest", stdout=out)
        return out.getvalue()

    said = digest_command()  # the window is still open
    assert said.startswith("Listed 0 held replies: 1 held reply waits: an email went out less than 300 s ago")
    assert re.search(r"it goes out with the first run in (\d+) s\.", said)[1] in {"299", "300"}
    assert len(mailoutbox) == 1

    cache.delete(notifications.WINDOW_KEY)
    assert "Listed 1 held reply" in digest_command()
    assert len(mailoutbox) == 2 and "Second one" in mailoutbox[1].body and "First one" not in mailoutbox[1].body

    cache.delete(notifications.WINDOW_KEY)
    assert digest_command() == "Listed 0 held replies: no held reply is waiting for an email.\n"
    assert len(mailoutbox) == 2  # nothing new: no empty email


def test_digest_command_says_why_nothing_went_out(settings, client, article, committed, mailoutbox):
    settings.COMMENTS_MODERATOR_EMAILS = []
    with committed():
        post(client, article, body="Nobody to tell", email="a@example.org")
    out = io.StringIO()
    call_command("send_moderation_digest", stdout=out)
    assert out.getvalue() == ("Listed 0 held replies: 1 held reply waits, but no moderator has an email address "
                              "(see COMMENTS_MODERATOR_EMAILS).\n")
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@newsroom.example"]
    settings.EMAIL_BACKEND = "tests.comments.test_notifications.RefusingBackend"
    out = io.StringIO()
    call_command("send_moderation_digest", stdout=out)
    assert "1 held reply waits: the email could not be sent (see the log)" in out.getvalue()


def test_without_batching_every_held_reply_mails(settings, client, article, moderator, committed, mailoutbox):
    settings.COMMENTS_NOTIFY_BATCH_SECONDS = 0
    with committed():
        post(client, article, body="One", email="a@example.org")
    with committed():
        post(client, article, body="Two", email="b@example.org")
    assert [m.subject for m in mailoutbox] == [f"Reply held for moderation: {article.title}"] * 2


def test_a_long_digest_lists_the_first_replies_and_counts_the_rest(article, make_comment, moderator, mailoutbox):
    for n in range(notifications.DIGEST_LISTS + 3):
        make_comment(status=Status.PENDING, body=f"Waiting {n}")
    assert notifications.notify_moderators() == notifications.DIGEST_LISTS + 3
    assert "…and 3 more." in mailoutbox[0].body


def test_spam_approved_and_unpublished_replies_do_not_alert(
    client, article, make_article, make_comment, moderator, committed, mailoutbox
):
    trusted = make_article(moderation_mode="trusted")
    prove_own(client, make_comment(article=trusted, email=SECRET, name="Jane Reader"))
    with committed():
        post(client, article, nickname="I am a bot")  # honeypot: spam
        post(client, trusted, body="Trusted and published")
    statuses = sorted(Comment.objects.exclude(body__startswith="Reply number").values_list("status", flat=True))
    assert statuses == [Status.APPROVED, Status.SPAM]
    assert mailoutbox == []


def test_failing_mail_server_is_logged_and_the_reply_kept(
    settings, client, article, moderator, committed, mailoutbox, caplog
):
    settings.EMAIL_BACKEND = REFUSING
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@newsroom.example"]
    with caplog.at_level(logging.ERROR), committed():
        response = post(client, article, body="Still stored")
    assert response.status_code == 303
    reply = Comment.objects.get()
    assert reply.body == "Still stored"
    # The task failed (the queue retries it) with the error class alone: SMTP errors quote addresses.
    assert "comments.tasks.reply_stored state=FAILED" in caplog.text and "SMTPRecipientsRefused" in caplog.text
    assert "newsroom.example" not in caplog.text and "Private-Mail" not in caplog.text

    # The retry (same task, same claim) lists the same reply, whatever the batching window says.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.notify_moderators(key=f"reply-{reply.pk}") == 1
    assert len(mailoutbox) == 2 and "Still stored" in mailoutbox[0].body
    assert notifications.notify_moderators(key=f"reply-{reply.pk}") == 1 and len(mailoutbox) == 2  # not twice


def test_a_broken_notification_never_fails_the_post(monkeypatch, client, article, moderator, committed, caplog):
    def broken(key=None):
        raise RuntimeError("cache down")

    monkeypatch.setattr(notifications, "notify_moderators", broken)
    with committed():
        assert post(client, article).status_code == 303
    assert Comment.objects.count() == 1
    assert "comments.tasks.reply_stored state=FAILED" in caplog.text


# --- Follow-ups ----------------------------------------------------------------------


def test_form_has_the_notify_checkbox_unticked(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<input type="checkbox" name="notify" id="id_notify">' in html
    assert "Notify me of follow-up replies by email" in html


def test_the_checkbox_is_stored_and_kept_when_the_form_is_re_rendered(client, article):
    post(client, article, notify="on", email="a@example.org")
    post(client, article, email="b@example.org", body="Second")
    assert list(Comment.objects.order_by("pk").values_list("notify", flat=True)) == [True, False]
    html = post(client, article, notify="on", body="").content.decode()
    assert 'id="id_notify" checked' in html


@pytest.fixture
def parent(make_comment):
    return make_comment(email=SECRET, name="Parent Author", body="The first word.", notify=True)


def test_approved_reply_mails_the_parent_author_alone(parent, make_comment, moderator, committed, mailoutbox):
    reply = make_comment(status=Status.PENDING, parent=parent, name="Replier", email="replier@example.org",
                         body="I disagree & say why.")
    with committed():
        reply.approve(by=moderator)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [SECRET] and not message.cc and not message.bcc
    assert message.subject == f"New reply to your comment on “{parent.article.title}”"
    assert "signing as “Replier” replied to your comment" in message.body and "> I disagree & say why." in message.body
    assert f"https://news.example{parent.article.get_absolute_url()}#comment-{reply.pk}" in message.body
    assert "replier@example.org" not in message.body + message.subject + str(message.extra_headers)
    unsubscribe_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url.startswith("https://news.example/comments/unsubscribe/")
    assert unsubscribe_url in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_bulk_approval_mails_once_per_reply_and_never_again(parent, make_comment, moderator, committed, mailoutbox):
    replies = [make_comment(status=Status.PENDING, parent=parent) for _ in range(2)]
    with committed():
        Comment.objects.filter(pk__in=[r.pk for r in replies]).approve(by=moderator)
    assert len(mailoutbox) == 2
    with committed():
        replies[0].moderate(Status.PENDING, reason="reported")
        replies[0].approve(by=moderator)
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("case", ["not opted in", "own reply", "rejected", "parent not approved"])
def test_no_follow_up(case, parent, make_comment, moderator, committed, mailoutbox):
    reply = make_comment(status=Status.PENDING, parent=parent,
                         email=SECRET.upper() if case == "own reply" else "replier@example.org")
    if case == "not opted in":
        Comment.objects.filter(pk=parent.pk).update(notify=False)
    if case == "parent not approved":
        parent.mark_spam(by=moderator)
    with committed():
        reply.reject(by=moderator) if case == "rejected" else reply.approve(by=moderator)
    assert mailoutbox == []


def test_trusted_reply_published_at_once_mails_the_parent_author(
    client, make_article, make_comment, committed, mailoutbox
):
    article = make_article(moderation_mode="trusted")
    top = make_comment(article=article, email=SECRET, notify=True)
    prove_own(client, make_comment(article=article, name="Jane Reader", email="jane@example.org"))
    with committed():
        post(client, article, email="jane@example.org", parent=top.pk, body="Quick answer")
    assert Comment.objects.get(body="Quick answer").status == Status.APPROVED
    assert [m.to for m in mailoutbox] == [[SECRET]]


def test_failing_follow_up_mail_does_not_undo_the_approval(
    settings, parent, make_comment, moderator, committed, caplog
):
    settings.EMAIL_BACKEND = REFUSING
    reply = make_comment(status=Status.PENDING, parent=parent)
    with committed():
        assert reply.approve(by=moderator) == 1
    assert Comment.objects.get(pk=reply.pk).status == Status.APPROVED
    assert "comments.tasks.replies_approved state=FAILED" in caplog.text
    assert "follow-up" in caplog.text and "Private-Mail" not in caplog.text


def test_unsubscribe_asks_on_get_and_stops_every_reply_on_post(client, parent, make_comment):
    other_reply_of_theirs = make_comment(email=SECRET.lower(), notify=True)
    someone_else = make_comment(notify=True)
    url = reverse("unsubscribe") + "?token=" + notifications.unsubscribe_token(parent)

    page = client.get(url)
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    assert Comment.objects.filter(notify=True).count() == 3

    done = Client(enforce_csrf_checks=True).post(url)  # RFC 8058: the mail client posts, no CSRF token
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert not Comment.objects.filter(pk__in=[parent.pk, other_reply_of_theirs.pk], notify=True).exists()
    assert Comment.objects.get(pk=someone_else.pk).notify
    for response in (page, done):
        text = response.content.decode()
        assert not any(needle in text for needle in forms_of(SECRET)) and parent.email_digest not in text


@pytest.mark.parametrize("token", ["nonsense", "abc:def", signing.Signer(salt="other").sign("x" * 64), ""])
def test_forged_unsubscribe_token_is_400_and_changes_nothing(client, parent, token):
    assert client.post(reverse("unsubscribe"), QUERY_STRING=f"token={token}").status_code == 400
    assert Comment.objects.get(pk=parent.pk).notify


def test_unsubscribe_links_expire_and_carry_no_digest_in_the_path(settings, client, parent):
    token = notifications.unsubscribe_token(parent)
    assert parent.email_digest not in token
    url = notifications.link_with_token("unsubscribe", token)
    assert url.split("?")[0].endswith("/comments/unsubscribe/")
    settings.COMMENTS_UNSUBSCRIBE_MAX_AGE = -1
    assert client.post(url.removeprefix(comment_settings.SITE_URL)).status_code == 400
    assert Comment.objects.get(pk=parent.pk).notify


# --- Email confirmation ------------------------------------------------------------


@pytest.fixture
def confirming(settings):
    settings.COMMENTS_CONFIRM_EMAIL = True


def confirm_url(message):
    return next(line for line in message.body.splitlines() if "/comments/confirm/" in line).strip()


def test_new_commenter_gets_a_link_and_stays_out_of_the_queue(
    confirming, client, article, moderator, committed, mailoutbox
):
    with committed():
        assert post(client, article, body="Please confirm me").status_code == 303
    reply = Comment.objects.get()
    assert reply.status == Status.PENDING and reply.awaiting_confirmation
    assert not Comment.objects.in_queue().exists()
    assert [m.to for m in mailoutbox] == [[SECRET]]  # the commenter, not the moderators
    assert "Please confirm me" in mailoutbox[0].body

    link = confirm_url(mailoutbox[0]).removeprefix("https://news.example")
    page = client.get(link)
    assert page.status_code == 200 and "Confirm" in page.content.decode()
    assert Comment.objects.get().awaiting_confirmation  # a mail scanner's GET confirms nothing

    with committed():
        done = client.post(link)
    assert done.status_code == 200 and "your address is confirmed" in done.content.decode()
    assert list(Comment.objects.in_queue()) == [reply]
    assert VerifiedEmail.objects.filter(digest=reply.email_digest).exists()
    assert [m.to for m in mailoutbox[1:]] == [["mod@newsroom.example"]]
    assert "Please confirm me" in mailoutbox[1].body
    assert_no_commenter_email(mailoutbox[1])


def test_a_confirmed_commenter_goes_straight_to_the_queue(
    confirming, client, article, moderator, committed, mailoutbox
):
    VerifiedEmail.objects.create(digest=privacy.email_digest(SECRET))
    with committed():
        post(client, article)
    assert not Comment.objects.get().awaiting_confirmation
    assert [m.to for m in mailoutbox] == [["mod@newsroom.example"]]


def test_one_confirmation_mail_per_address_per_hour(confirming, client, article, committed, mailoutbox):
    with committed():
        post(client, article, body="First")
    with committed():
        post(client, article, body="Second")
    assert len(mailoutbox) == 1
    assert Comment.objects.awaiting_confirmation().count() == 2


def test_spam_gets_no_confirmation_mail(confirming, client, article, committed, mailoutbox):
    with committed():
        post(client, article, nickname="bot")
    assert mailoutbox == [] and not Comment.objects.get().awaiting_confirmation


def test_expired_or_forged_link_is_400_and_confirms_nothing(settings, confirming, client, article, committed):
    with committed():
        post(client, article)
    token = notifications.confirmation_token(Comment.objects.get())
    settings.COMMENTS_CONFIRM_MAX_AGE = -1
    expired = client.post(reverse("confirm_email"), QUERY_STRING=f"token={token}")
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert client.post(reverse("confirm_email"), QUERY_STRING="token=forged:token").status_code == 400
    assert Comment.objects.get().awaiting_confirmation and not VerifiedEmail.objects.exists()


def test_an_impersonator_of_a_confirmed_regular_is_neither_trusted_nor_released(
    confirming, make_article, make_comment, committed, mailoutbox
):
    article = make_article(moderation_mode="trusted")
    make_comment(article=article, name="Jane Reader", email=SECRET)
    jane, impostor = Client(), Client()
    with committed():
        post(impostor, article, body="Borrowed address")
    borrowed = Comment.objects.get(body="Borrowed address")
    assert borrowed.status == Status.PENDING and borrowed.awaiting_confirmation
    mailoutbox.clear()

    # Jane writes, then confirms her own reply in her browser: it is released, the impostor's is not.
    with committed():
        post(jane, article, body="The real Jane")
    mine = Comment.objects.get(body="The real Jane")
    with committed():
        jane.post(reverse("confirm_email"), QUERY_STRING=f"token={notifications.confirmation_token(mine)}")
    assert not Comment.objects.get(pk=mine.pk).awaiting_confirmation
    assert Comment.objects.get(pk=borrowed.pk).awaiting_confirmation

    # From now on Jane's browser is trusted; the impostor, typing the same name and address, is not.
    post(jane, article, body="Jane again")
    post(impostor, article, body="Impostor again")
    assert Comment.objects.get(body="Jane again").status == Status.APPROVED
    assert Comment.objects.get(body="Impostor again").status == Status.PENDING


def test_confirmation_off_by_default_trusts_the_browser_that_earned_it(client, make_article, moderator):
    article = make_article(moderation_mode="trusted")
    post(client, article, body="First")
    Comment.objects.get(body="First").approve(by=moderator)
    post(client, article, body="Straight through")
    reply = Comment.objects.get(body="Straight through")
    assert reply.status == Status.APPROVED and not reply.awaiting_confirmation
    post(Client(), article, body="Same name and address, another browser")
    assert Comment.objects.get(body="Same name and address, another browser").status == Status.PENDING


# --- Email settings ----------------------------------------------------------------


def test_email_url_forms():
    assert email_url_settings("submission://user%40x:p%2Fw@smtp.example.com") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "user@x", "EMAIL_HOST_PASSWORD": "p/w",
        "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False,
    }
    smtps = email_url_settings("smtps://u:p@mail.example.com")
    assert smtps["EMAIL_PORT"] == 465 and smtps["EMAIL_USE_SSL"] and not smtps["EMAIL_USE_TLS"]
    relay = email_url_settings("smtp://localhost:2525")
    assert relay["EMAIL_PORT"] == 2525 and not relay["EMAIL_USE_TLS"] and relay["EMAIL_HOST_USER"] == ""
    assert email_url_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured):
        email_url_settings("http://example.com")


def test_development_prints_mail_and_production_reads_email_url(settings):
    code = ("import json, django; from django.conf import settings; django.setup();"
            "print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT]))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}

    def loaded(**env):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
            env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        )
        return json.loads(result.stdout)

    assert loaded()[0] == "django.core.mail.backends.console.EmailBackend"
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}
    assert loaded(**production, EMAIL_URL="submission://u:p@smtp.example.com") == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.com", 587,
    ]
    assert loaded(**production, EMAIL_HOST="mx.example.com", EMAIL_PORT="2525")[1:] == ["mx.example.com", 2525]
