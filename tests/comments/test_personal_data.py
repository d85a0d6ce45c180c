import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import personal_data, privacy
from comments.models import Comment, Flag, ModerationEvent, Status, VerifiedEmail
from tests.test_privacy_sweep import forms_of

JANE = "Jane.Doe@Example.com"


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def days_ago(days):
    return timezone.now() - timedelta(days=days)


# --- Retention ---------------------------------------------------------------------


def test_purge_clears_network_details_of_old_replies_only_and_is_idempotent(make_comment):
    old = make_comment(ip_address="203.0.113.9", user_agent="Old browser", created_at=days_ago(31))
    half = make_comment(ip_address=None, user_agent="Only an agent", created_at=days_ago(40))
    recent = make_comment(ip_address="203.0.113.10", user_agent="New browser", created_at=days_ago(29))
    done = make_comment(ip_address=None, user_agent="", created_at=days_ago(90))

    assert "Cleared IP address and user agent of 2 replies older than 30 days." in run("purge_personal_data")
    for reply in (old, half, done):
        reply.refresh_from_db()
        assert reply.ip_address is None and reply.user_agent == ""
    recent.refresh_from_db()
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.10", "New browser")
    assert "of 0 replies" in run("purge_personal_data")  # nothing left to do


def test_purge_follows_the_setting_and_the_days_option(settings, make_comment):
    settings.COMMENTS_PERSONAL_DATA_DAYS = 7
    make_comment(ip_address="203.0.113.9", created_at=days_ago(8))
    make_comment(ip_address="203.0.113.9", created_at=days_ago(3))
    assert "of 1 reply older than 7 days" in run("purge_personal_data")
    assert "of 1 reply older than 1 day." in run("purge_personal_data", "--days", "1")
    with pytest.raises(CommandError):
        run("purge_personal_data", "--days", "-1")


def test_purge_deletes_replies_never_confirmed_while_the_link_was_valid(settings, make_comment):
    settings.COMMENTS_CONFIRM_MAX_AGE = 3 * 86400
    expired = make_comment(status=Status.PENDING, awaiting_confirmation=True, created_at=days_ago(4))
    waiting = make_comment(status=Status.PENDING, awaiting_confirmation=True, created_at=days_ago(2))
    confirmed = make_comment(status=Status.PENDING, created_at=days_ago(4))
    assert "Deleted 1 unconfirmed reply whose link expired." in run("purge_personal_data")
    assert set(Comment.objects.values_list("pk", flat=True)) == {waiting.pk, confirmed.pk}
    assert not Comment.objects.filter(pk=expired.pk).exists()
    assert "Deleted 0 unconfirmed replies" in run("purge_personal_data")


# --- Erasure -----------------------------------------------------------------------


@pytest.fixture
def threads(make_comment, moderator):
    """Jane's replies in every position a thread can put them, with others' replies around them."""
    jane = dict(email=JANE, name="Jane", website="https://jane.example.com", ip_address="198.51.100.7",
                user_agent="Jane's browser", notify=True)
    t = {}
    t["alone"] = make_comment(body="Jane alone", **jane)
    t["answered"] = make_comment(body="Jane answered", **jane)
    t["bob_answer"] = make_comment(parent=t["answered"], body="Bob answers Jane", email="bob@example.org")
    t["own_thread"] = make_comment(body="Jane talks to herself", **jane)
    t["own_reply"] = make_comment(parent=t["own_thread"], body="Jane again", **jane)
    t["deep_top"] = make_comment(body="Jane starts deep", **jane)
    t["deep_mid"] = make_comment(parent=t["deep_top"], body="Jane continues deep", **jane)
    t["deep_bob"] = make_comment(parent=t["deep_mid"], body="Bob answers deep", email="bob@example.org")
    t["under_bob"] = make_comment(parent=t["bob_answer"], body="Jane under Bob", **jane)
    t["spam"] = make_comment(status=Status.SPAM, body="Jane's spam", **jane)
    Flag.objects.create(comment=t["alone"], reporter="x")
    VerifiedEmail.objects.create(digest=privacy.email_digest(JANE))
    return t


def test_erase_deletes_what_nobody_answered_and_keeps_answered_replies_as_placeholders(
    client, article, threads
):
    out = run("erase_commenter", "jane.doe@example.com", "--yes")
    assert "Deleted 5 replies; kept 3 as anonymous placeholders" in out

    deleted = ["alone", "own_thread", "own_reply", "under_bob", "spam"]
    assert not Comment.objects.filter(pk__in=[threads[k].pk for k in deleted]).exists()
    for key in ["answered", "deep_top", "deep_mid"]:
        kept = Comment.objects.get(pk=threads[key].pk)
        assert kept.name == "Anonymous" and kept.body == personal_data.REMOVED
        assert kept.body_html == f"<p>{personal_data.REMOVED}</p>"
        assert (kept.email, kept.email_digest, kept.website, kept.ip_address, kept.user_agent, kept.notify) == (
            "", "", "", None, "", False
        )
        assert kept.status == Status.APPROVED
    # The answers keep their parents, and the page shows them in their threads.
    assert Comment.objects.get(pk=threads["bob_answer"].pk).parent_id == threads["answered"].pk
    assert Comment.objects.get(pk=threads["deep_bob"].pk).parent_id == threads["deep_mid"].pk
    html = Client().get(article.get_absolute_url()).content.decode()
    assert html.index(f'id="comment-{threads["answered"].pk}"') < html.index("Bob answers Jane")
    assert html.index(f'id="comment-{threads["deep_mid"].pk}"') < html.index("Bob answers deep")
    assert "Jane" not in html.replace("Bob answers Jane", "")
    assert not VerifiedEmail.objects.exists() and not Flag.objects.exists()
    assert not Comment.objects.filter(email_digest=privacy.email_digest(JANE)).exists()
    assert "Deleted 0 replies; kept 0" in run("erase_commenter", JANE, "--yes")


def test_erase_writes_one_event_per_reply(threads):
    statuses = {t.pk: t.status for t in threads.values()}
    run("erase_commenter", JANE, "--yes")
    events = ModerationEvent.objects.filter(reason__contains="author's request")
    assert events.count() == 8
    deleted = events.filter(to_status=personal_data.DELETED)
    assert deleted.count() == 5 and not deleted.filter(comment__isnull=False).exists()
    assert f"reply #{threads['spam'].pk} deleted" in deleted.get(from_status=Status.SPAM).reason
    for event in events.exclude(to_status=personal_data.DELETED):
        assert event.from_status == event.to_status == statuses[event.comment_id]


def test_anonymise_keeps_every_text_and_removes_who_wrote_it(threads):
    out = run("erase_commenter", JANE, "--anonymise", "--yes")
    assert "Anonymised 8 replies." in out
    jane_pks = [t.pk for k, t in threads.items() if k not in ("bob_answer", "deep_bob")]
    for reply in Comment.objects.filter(pk__in=jane_pks):
        assert reply.name == "Anonymous" and reply.body.startswith("Jane")
        assert (reply.email, reply.email_digest, reply.website, reply.ip_address, reply.user_agent) == (
            "", "", "", None, ""
        )
    assert Comment.objects.count() == len(threads)
    assert ModerationEvent.objects.filter(reason="anonymised at its author's request").count() == 8
    assert Comment.objects.get(pk=threads["bob_answer"].pk).email == "bob@example.org"
    assert not VerifiedEmail.objects.exists()


def test_erase_leaves_everyone_else_alone(threads, make_comment):
    other = make_comment(email="someone@example.org", ip_address="192.0.2.1")
    run("erase_commenter", JANE, "--yes")
    other.refresh_from_db()
    assert other.email == "someone@example.org" and other.ip_address == "192.0.2.1"
    assert Comment.objects.filter(email="bob@example.org").count() == 2


def test_erase_dry_run_lists_what_would_go_and_changes_nothing(threads):
    before = list(Comment.objects.order_by("pk").values())
    out = run("erase_commenter", JANE, "--dry-run")
    assert f"#{threads['alone'].pk} " in out and "“Jane alone” → delete" in out
    assert "“Jane answered” → keep as an anonymous placeholder (answered)" in out
    assert "Bob answers" not in out and JANE not in out
    assert out.endswith("Would delete 5 replies and keep 3 as anonymous placeholders.\nDry run: nothing was changed.\n")
    assert list(Comment.objects.order_by("pk").values()) == before
    assert "“Jane alone” → anonymise" in run("erase_commenter", JANE, "--dry-run", "--anonymise")


@pytest.mark.parametrize(
    "answer,erased", [("yes", True), ("YES ", True), ("no", False), ("", False), (EOFError, False)]
)
def test_erase_asks_before_it_deletes(threads, monkeypatch, answer, erased):
    asked = []

    def fake_input(prompt):
        asked.append(prompt)
        if answer is EOFError:
            raise EOFError
        return answer

    monkeypatch.setattr("builtins.input", fake_input)
    out = run("erase_commenter", JANE)
    assert asked == ["Erase these? This cannot be undone. Type 'yes' to continue: "]
    assert "Would delete 5 replies and keep 3 as anonymous placeholders." in out
    assert Comment.objects.filter(email_digest=privacy.email_digest(JANE)).exists() is not erased
    assert ("Deleted 5 replies" in out) is erased and ("Cancelled: nothing was changed." in out) is not erased


@pytest.mark.parametrize("flag", ["--yes", "--no-input", "--noinput"])
def test_erase_without_asking_for_scripts(threads, monkeypatch, flag):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    assert "Deleted 5 replies" in run("erase_commenter", JANE, flag)


def test_erase_with_nothing_to_erase_asks_nothing(db, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    assert run("erase_commenter", JANE) == "No replies with this email address: nothing to erase.\n"


@pytest.mark.parametrize("command", ["erase_commenter", "export_commenter"])
def test_commands_refuse_what_is_not_an_address(db, command):
    with pytest.raises(CommandError, match="not an email address"):
        run(command, "jane")


# --- Access ------------------------------------------------------------------------


def test_export_prints_every_reply_of_the_commenter_as_json(threads):
    data = json.loads(run("export_commenter", " jane.doe@EXAMPLE.com "))
    assert data["email"] == "jane.doe@EXAMPLE.com"
    replies = data["replies"]
    assert len(replies) == 8
    assert [r["body"] for r in replies][:2] == ["Jane alone", "Jane answered"]
    first = replies[0]
    assert first == {
        "id": threads["alone"].pk,
        "article": threads["alone"].article.title,
        "url": f"http://127.0.0.1:8000{threads['alone'].get_absolute_url()}",
        "in_reply_to": None,
        "created": threads["alone"].created_at.isoformat(),
        "status": "approved",
        "name": "Jane",
        "website": "https://jane.example.com",
        "body": "Jane alone",
        "notify": True,
        "ip_address": "198.51.100.7",
        "user_agent": "Jane's browser",
        "edited": None,  # issue 18: when its author last edited it, and the text it had before
        "earlier_versions": [],
    }
    assert {r["status"] for r in replies} == {"approved", "spam"}
    assert "Bob answers" not in json.dumps(replies)


def test_export_of_an_unknown_address_is_empty(db):
    assert json.loads(run("export_commenter", "nobody@example.org"))["replies"] == []


# --- Admin actions -----------------------------------------------------------------


@pytest.fixture
def officer(client, make_user):
    client.force_login(make_user("comments.moderate_comment", "comments.erase_commenter_data"))
    return client


def changelist():
    return reverse("admin:comments_comment_changelist")


def assert_clean(response):
    text = response.content.decode() + str(response.headers)
    for needle in forms_of(JANE) | {privacy.email_digest(JANE)}:
        assert needle not in text


def test_actions_need_the_erase_permission(client, moderator, officer, threads):
    assert "erase_commenters" in officer.get(changelist()).content.decode()
    moderator_client = Client()
    moderator_client.force_login(moderator)
    html = moderator_client.get(changelist()).content.decode()
    assert "erase_commenters" not in html and "export_commenters" not in html
    response = moderator_client.post(
        changelist(), {"action": "erase_commenters", "_selected_action": [threads["alone"].pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert Comment.objects.filter(email_digest=privacy.email_digest(JANE)).count() == 8


def test_erase_action_asks_first_then_erases_the_commenter(officer, threads):
    selected = {"action": "erase_commenters", "_selected_action": [threads["alone"].pk]}
    ask = officer.post(changelist(), selected)
    assert ask.status_code == 200
    html = ask.content.decode()
    assert "J•••@E•••.com" in html and "<td>8</td>" in html and 'name="post" value="yes"' in html
    assert_clean(ask)
    assert Comment.objects.filter(email_digest=privacy.email_digest(JANE)).count() == 8

    done = officer.post(changelist(), {**selected, "post": "yes"}, follow=True)
    assert "Deleted 5 replies of 1 commenter; kept 3 as anonymous placeholders" in done.content.decode()
    assert not Comment.objects.filter(email_digest=privacy.email_digest(JANE)).exists()
    officer_user = done.wsgi_request.user
    assert ModerationEvent.objects.filter(actor=officer_user, to_status=personal_data.DELETED).count() == 5


def test_anonymise_action(officer, threads):
    officer.post(changelist(), {"action": "anonymise_commenters", "_selected_action": [threads["spam"].pk],
                                "post": "yes"})
    assert Comment.objects.filter(name="Anonymous").count() == 8


def test_export_action_downloads_json_without_the_address(officer, threads):
    response = officer.post(
        changelist(), {"action": "export_commenters", "_selected_action": [threads["alone"].pk, threads["spam"].pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
    data = json.loads(response.content)
    assert len(data["commenters"]) == 1
    commenter = data["commenters"][0]
    assert commenter["commenter"] == threads["alone"].commenter and len(commenter["replies"]) == 8
    assert_clean(response)


def test_a_moderators_decision_ends_the_wait_for_confirmation(settings, make_comment, moderator):
    settings.COMMENTS_CONFIRM_MAX_AGE = 86400
    reply = make_comment(status=Status.PENDING, awaiting_confirmation=True, created_at=days_ago(2))
    reply.approve(by=moderator)
    reply.moderate(Status.PENDING, reason="reported by 3 readers")
    assert list(Comment.objects.in_queue()) == [reply]
    assert "Deleted 0 unconfirmed replies" in run("purge_personal_data")
