"""The moderators' workspace (/admin/moderate/): cards, decisions, undo, bulk, drawer, notices, appeals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import decisions, notices, stats
from comments.models import Appeal, Comment, Commenter, CommenterNote, ListEntry, ModerationEvent, Status
from comments.privacy import commenter_id

QUEUE = "/admin/moderate/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def decide(client, reply, action, **data):
    return client.post(reverse("moderate:decide", args=[reply.pk]), {"action": action, **data}, **JSON)


def test_workspace_needs_the_moderation_permission(client, make_user):
    assert client.get(QUEUE).status_code == 302  # the admin's login
    client.force_login(make_user())
    assert client.get(QUEUE).status_code == 403


def test_cards_show_full_text_parent_masked_email_domain_reasons_reports_history(
    moderator_client, make_comment, article
):
    parent = make_comment(body="The parent <b>said</b> this.", name="Pat")
    long_text = "word " * 60 + "&lt;quoted&gt; end"
    reply = make_comment(
        status=Status.PENDING, parent=parent, email="jane.secret@example.com", body=long_text + " > tail",
        website="https://blog.example.net/about", reasons="held: 3 links", reason_codes=["too_many_links"],
    )
    reply.created_at = timezone.now() - timedelta(hours=3, minutes=12)
    Comment.objects.filter(pk=reply.pk).update(created_at=reply.created_at)
    make_comment(status=Status.SPAM, email="jane.secret@example.com")
    html = moderator_client.get(QUEUE).content.decode()
    assert "word " * 60 in html and "&gt; tail" in html  # the whole text, escaped once
    assert "The parent <b>said</b> this." in html and "In reply to Pat" in html
    assert "j•••@e•••.com" in html and "jane.secret" not in html
    assert "blog.example.net" in html and "/about" not in html
    assert "held: 3 links" in html and "badge-too_many_links" in html
    assert "0 approved · 0 rejected · 1 spam" in html
    assert "waiting 3 h 12 min" in html
    assert reverse("moderate:commenter", args=[commenter_id(reply.email_digest)]) in html
    assert article.title in html


def test_filters_and_sorting_live_in_the_url(moderator_client, make_comment, make_article):
    other = make_article(title="Other story")
    old = make_comment(status=Status.PENDING, body="Old one", reasons="held: 3 links", reason_codes=["too_many_links"])
    new = make_comment(status=Status.PENDING, body="New one", article=other)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    html = moderator_client.get(QUEUE).content.decode()
    assert html.index("Old one") < html.index("New one")
    html = moderator_client.get(QUEUE, {"sort": "newest"}).content.decode()
    assert html.index("New one") < html.index("Old one")
    assert "Old one" not in moderator_client.get(QUEUE, {"article": other.slug}).content.decode()
    html = moderator_client.get(QUEUE, {"reason": "too_many_links"}).content.decode()
    assert "Old one" in html and "New one" not in html
    new.report(reporter="r1", reason="spam")
    html = moderator_client.get(QUEUE, {"reported": "on"}).content.decode()
    assert "New one" in html and "Old one" not in html
    html = moderator_client.get(QUEUE, {"commenter": commenter_id(new.email_digest)}).content.decode()
    assert "New one" in html and "Old one" not in html
    assert moderator_client.get(QUEUE, {"sort": "nonsense"}).status_code == 400


def test_approve_by_fetch_answers_json_and_records_the_event(moderator_client, moderator, make_comment):
    reply = make_comment(status=Status.PENDING)
    response = decide(moderator_client, reply, "approve", expected="pending")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    reply.refresh_from_db()
    assert reply.status == Status.APPROVED and reply.events.get().actor == moderator


def test_reject_needs_a_decision_code_and_keeps_it(moderator_client, make_comment):
    reply = make_comment(status=Status.PENDING)
    response = decide(moderator_client, reply, "reject")
    assert response.status_code == 400 and "off_topic" in response.json()["message"]
    reply.refresh_from_db()
    assert reply.status == Status.PENDING and not reply.events.exists()
    assert decide(moderator_client, reply, "reject", reason="hate", note="slur").status_code == 200
    event = reply.events.get()
    assert (event.to_status, event.reason_code, event.reason) == ("rejected", "hate", "rejected: hate — slur")


def test_without_javascript_a_decision_redirects_back_with_a_message(moderator_client, make_comment):
    reply = make_comment(status=Status.PENDING)
    url = reverse("moderate:decide", args=[reply.pk])
    response = moderator_client.post(url, {"action": "spam", "next": f"{QUEUE}?sort=newest"})
    assert response.status_code == 302 and response.url == f"{QUEUE}?sort=newest"
    page = moderator_client.get(response.url).content.decode()
    assert f"Reply #{reply.pk} marked as spam" in page
    evil = moderator_client.post(url, {"action": "approve", "next": "https://evil.example/"})
    assert evil.url == QUEUE


def test_a_reply_someone_else_decided_says_who_and_when(client, make_user, make_comment):
    ana = make_user("comments.moderate_comment", username="ana")
    ben = make_user("comments.moderate_comment", username="ben")
    reply = make_comment(status=Status.PENDING)
    client.force_login(ana)
    decide(client, reply, "approve", expected="pending")
    client.force_login(ben)
    response = decide(client, reply, "spam", expected="pending")
    assert response.status_code == 409
    assert response.json()["message"].startswith("Already approved by ana ") and response.json()["status"] == "approved"
    reply.refresh_from_db()
    assert reply.status == Status.APPROVED and reply.events.count() == 1


def test_undo_puts_the_reply_back_and_is_an_event_of_its_own(moderator_client, moderator, make_comment, settings):
    reply = make_comment(status=Status.PENDING)
    decide(moderator_client, reply, "approve", expected="pending")
    response = moderator_client.post(reverse("moderate:undo"), **JSON)
    assert response.status_code == 200 and response.json()["status"] == "pending"
    decision, undo = reply.events.order_by("pk")
    assert undo.undoes == decision and undo.to_status == "pending" and undo.actor == moderator
    # Once undone, nothing more to undo; and not after the window either.
    assert moderator_client.post(reverse("moderate:undo"), **JSON).status_code == 409
    decide(moderator_client, reply, "spam", expected="pending")
    ModerationEvent.objects.filter(comment=reply).update(created_at=timezone.now() - timedelta(seconds=31))
    assert moderator_client.post(reverse("moderate:undo"), **JSON).status_code == 409


def test_bulk_approve_visible_asks_with_counts_first(moderator_client, make_comment):
    replies = [make_comment(status=Status.PENDING) for _ in range(3)]
    data = {"action": "approve", "ids": [r.pk for r in replies], "next": QUEUE}
    page = moderator_client.post(reverse("moderate:bulk"), data)
    assert page.status_code == 200 and "Approve all 3 replies?" in page.content.decode()
    assert Comment.objects.filter(status=Status.PENDING).count() == 3
    moderator_client.post(reverse("moderate:bulk"), {**data, "confirm": "yes"})
    assert Comment.objects.filter(status=Status.APPROVED).count() == 3


def test_spam_all_from_a_commenter(moderator_client, make_comment):
    mine = [make_comment(status=Status.PENDING, email="troll@example.net") for _ in range(2)]
    other = make_comment(status=Status.PENDING)
    data = {"action": "spam_commenter", "commenter": commenter_id(mine[0].email_digest)}
    Commenter.objects.register([mine[0].email_digest])
    assert "all 2 pending replies" in moderator_client.post(reverse("moderate:bulk"), data).content.decode()
    moderator_client.post(reverse("moderate:bulk"), {**data, "confirm": "yes"})
    assert [Comment.objects.get(pk=r.pk).status for r in [*mine, other]] == ["spam", "spam", "pending"]


def test_drawer_shows_history_and_notes_without_the_address(moderator_client, moderator, make_comment):
    reply = make_comment(status=Status.APPROVED, email="jane.secret@example.com", name="Jane")
    make_comment(status=Status.PENDING, email="jane.secret@example.com")
    url = reverse("moderate:commenter", args=[commenter_id(reply.email_digest)])
    moderator_client.post(url + "note/", {"text": "Warned once about insults."})
    html = moderator_client.get(url).content.decode()
    assert "Warned once about insults." in html and "moderator" in html
    assert "2: 1 approved · 1 pending" in html
    assert "jane.secret" not in html and reply.email_digest not in html
    assert ModerationEvent.objects.get(commenter=reply.email_digest).to_status == "noted"
    assert moderator_client.get("/admin/moderate/commenter/0123456789abcdef/").status_code == 404


def test_drawer_shows_the_address_to_holders_of_the_reveal_permission(client, make_user, make_comment):
    reply = make_comment(email="jane.secret@example.com")
    client.force_login(make_user("comments.moderate_comment", "comments.view_commenter_email"))
    html = client.get(reverse("moderate:commenter", args=[commenter_id(reply.email_digest)])).content.decode()
    assert "jane.secret@example.com" in html


def test_suspension_refuses_new_replies_saying_until_when(moderator_client, make_comment, client, article):
    from tests.conftest import prove_own, reply_data

    reply = make_comment(email="jane.reader@example.com")
    url = reverse("moderate:commenter", args=[commenter_id(reply.email_digest)])
    moderator_client.post(url + "suspend/", {"length": "24h", "reason": "cooling off"})
    commenter = Commenter.objects.get(digest=reply.email_digest)
    assert commenter.is_suspended
    api = f"/api/articles/{article.slug}/comments/"
    # Whoever merely types the address learns nothing: the reply is held, answered as any other.
    stranger = Client()
    response = stranger.post(api, reply_data(body="From elsewhere."), content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    held = Comment.objects.latest("pk")
    assert held.status == Status.PENDING and held.reason_codes == ["suspended"]
    # The commenter's own browser is told until when.
    prove_own(client, reply)
    response = client.post(api, reply_data(body="From my own browser."), content_type="application/json")
    assert response.status_code == 403 and "until" in response.json()["detail"]
    moderator_client.post(url + "lift/")
    commenter.refresh_from_db()
    assert not commenter.is_suspended
    kinds = list(ModerationEvent.objects.filter(commenter=reply.email_digest).values_list("to_status", flat=True))
    assert kinds == ["suspended", "lifted"]


def test_ban_can_remove_published_replies(moderator_client, make_comment):
    published = make_comment(status=Status.APPROVED, email="troll@example.net")
    pending = make_comment(status=Status.PENDING, email="troll@example.net")
    url = reverse("moderate:commenter", args=[commenter_id(published.email_digest)])
    assert "also remove their published reply (1)" in moderator_client.get(url).content.decode()
    moderator_client.post(url + "ban/", {"remove_published": "yes"})
    assert {Comment.objects.get(pk=r.pk).status for r in (published, pending)} == {"spam"}
    assert ListEntry.objects.filter(kind="commenter", value=published.email_digest).exists()


def test_rejection_notice_and_one_appeal(moderator, make_comment, client, mailoutbox, committed):
    reply = make_comment(status=Status.PENDING, email="author@example.org", body="My considered view.")
    with committed():
        decisions.decide(reply.pk, "reject", by=moderator, code="off_topic", note="about another story")
    (notice,) = mailoutbox
    assert notice.to == ["author@example.org"]
    assert "Off topic" in notice.body and "about another story" in notice.body
    assert "made by a person" in notice.body and "> My considered view." in notice.body
    link = next(line for line in notice.body.splitlines() if "/comments/appeal/?token=" in line)
    path = link[link.index("/comments/appeal/"):]
    assert "My considered view." in client.get(path).content.decode()
    client.post(path, {"note": "It answers the article's second paragraph."})
    reply.refresh_from_db()
    assert reply.status == Status.PENDING and "appealed:" in reply.reasons
    assert reply.events.last().reason_code == "appealed"
    assert client.post(path, {"note": "again"}).status_code == 409  # one appeal per reply
    with committed():
        decisions.decide(reply.pk, "reject", by=moderator, code="off_topic", expected="pending")
    assert len(mailoutbox) == 2 and "final" in mailoutbox[1].body and "/comments/appeal/" not in mailoutbox[1].body
    assert Appeal.objects.get(comment=reply).decided_at is not None


def test_no_notice_for_spam_or_when_switched_off_or_undone(moderator, make_comment, mailoutbox, settings, committed):
    with committed():
        decisions.decide(make_comment(status=Status.PENDING).pk, "spam", by=moderator)
    reply = make_comment(status=Status.PENDING)
    event = decisions.decide(reply.pk, "reject", by=moderator, code="hate")
    decisions.undo(by=moderator)
    assert notices.decision_notice(event.pk) is False  # the worker came after the undo
    settings.COMMENTS_DECISION_NOTICES = False
    with committed():
        decisions.decide(make_comment(status=Status.PENDING).pk, "reject", by=moderator, code="hate")
    assert mailoutbox == []


def test_expired_appeal_links_are_refused(make_comment, client, settings):
    reply = make_comment(status=Status.REJECTED)
    settings.COMMENTS_APPEAL_MAX_AGE = -1
    response = client.get(reverse("appeal"), {"token": notices.appeal_token(reply)})
    assert response.status_code == 400 and "expired" in response.content.decode()


def test_stats_page_and_queue_alert_once_per_fall_behind(moderator_client, moderator, make_comment, mailoutbox,
                                                         settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@example.org"]
    old = make_comment(status=Status.PENDING)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    decisions.decide(make_comment(status=Status.PENDING).pk, "approve", by=moderator)
    html = moderator_client.get(reverse("moderate:stats")).content.decode()
    assert "<svg" in html and "moderator" in html
    assert stats.check_queue_age() is True
    assert stats.check_queue_age() is False  # still behind: no second alert
    old.approve(by=moderator)
    assert stats.check_queue_age() is False  # caught up
    again = make_comment(status=Status.PENDING)
    Comment.objects.filter(pk=again.pk).update(created_at=timezone.now() - timedelta(minutes=90))
    assert stats.check_queue_age() is True
    assert [m.to for m in mailoutbox if "queue behind" in m.subject] == [["desk@example.org"]] * 2


def test_change_page_save_and_reject_needs_a_reason(moderator_client, make_comment):
    from tests.comments.test_admin import inline_management_forms

    reply = make_comment(status=Status.PENDING, body="text")
    url = reverse("admin:comments_comment_change", args=[reply.pk])
    form = {"body": "text", "_reject": "1", **inline_management_forms()}
    moderator_client.post(url, form)
    reply.refresh_from_db()
    assert reply.status == Status.PENDING
    moderator_client.post(url, {**form, "reject-reason": "advertising", "reject-note": ""})
    reply.refresh_from_db()
    assert reply.status == Status.REJECTED and reply.events.get().reason_code == "advertising"


def test_workspace_linked_from_admin_index_and_queue(moderator_client):
    assert QUEUE in moderator_client.get("/admin/").content.decode()
    assert QUEUE in moderator_client.get(reverse("admin:comments_moderationqueue_changelist")).content.decode()


def test_notes_are_stored_by_digest_not_address(moderator, make_comment):
    from comments import commenters

    reply = make_comment()
    Commenter.objects.register([reply.email_digest])
    commenters.add_note(Commenter.objects.get(), by=moderator, text="  spaced   out ")
    assert CommenterNote.objects.get().text == "spaced out"


def test_notice_says_readers_reported_it_but_not_who(moderator, make_comment, mailoutbox, committed):
    reply = make_comment(email="author@example.org")
    reply.report(reporter="r1", reason="abusive", note="by someone")
    reply.report(reporter="r2", reason="abusive")
    with committed():
        decisions.decide(reply.pk, "reject", by=moderator, code="incivility")
    assert "2 readers reported this reply to us." in mailoutbox[0].body and "r1" not in mailoutbox[0].body


def test_huge_ids_are_refused_not_crashed(moderator_client):
    big = "9" * 30
    assert moderator_client.post(f"/admin/moderate/{big}/decide/", {"action": "approve"}, **JSON).status_code == 404
    assert moderator_client.post(reverse("moderate:undo"), {"id": big}, **JSON).status_code == 400
    assert moderator_client.get("/admin/moderate/commenter/" + "x" * 300 + "/").status_code == 404
