"""Reason codes: what the rules, reports and moderators record, the migration that codes old
texts, and the filters (admin and API) that go by code."""

import importlib

import pytest
from django.apps import apps

from comments import moderation, reasons
from comments.models import Comment, ListEntry, ModerationEvent, Status
from comments.reasons import Decision, Rule
from tests.conftest import aged_token, reply_data

migration = importlib.import_module("comments.migrations.0008_reason_codes")

# Every form of text stored before codes existed, and its code.
TEXTS = [
    ("held: word “lawsuit”", Rule.HOLD_LISTED),
    ("held: word “3 links”", Rule.HOLD_LISTED),
    ("held: word “triage 0.5”", Rule.HOLD_LISTED),
    ("held: link to example.com", Rule.HOLD_LISTED),
    ("held: IP 203.0.113.0/24", Rule.HOLD_LISTED),
    ("held: IP 2001:db8::/32", Rule.HOLD_LISTED),
    ("held: commenter on the hold list", Rule.HOLD_LISTED),
    ("spam: blocklisted word “viagra”", Rule.BLOCKLISTED),
    ("spam: blocklisted link to casino-bonus.shop", Rule.BLOCKLISTED),
    ("spam: blocklisted IP 198.51.100.7", Rule.BLOCKLISTED),
    ("spam: banned commenter", Rule.BANNED),
    ("banned commenter", Rule.BANNED),  # the admin's "ban the commenters" action
    ("spam: honeypot field filled", Rule.HONEYPOT),
    ("spam: form sent 0s after it was served", Rule.TOO_FAST),
    ("spam: form sent 2s after it was served", Rule.TOO_FAST),
    ("held: 3 links", Rule.TOO_MANY_LINKS),
    ("held: 10 links", Rule.TOO_MANY_LINKS),
    ("held: no proof of when the form was served", Rule.NO_FORM_STAMP),
    ("held: another reply from this commenter moments ago, from another browser", Rule.FLOOD_ELSEWHERE),
    ("held: the same text as another recent reply", Rule.DUPLICATE_ELSEWHERE),
    ("spam: triage 0.93 (casino, free, bit.ly)", Rule.TRIAGE_SPAM),
    ("spam: triage ≥ 0.90 in bulk", Rule.TRIAGE_SPAM),
    ("held: triage 0.61 (.xyz link, first reply)", Rule.TRIAGE_HOLD),
    ("reported by 3 readers", Rule.REPORTED),
    ("trusted commenter", Rule.TRUSTED),
    ("imported from WordPress", Rule.IMPORTED),
    ("imported from Disqus", Rule.IMPORTED),
    ("rejected: abusive", Decision.INCIVILITY),  # the reject form's codes before Decision
    ("rejected: legal — names a minor", Decision.ILLEGAL),
    ("rejected: off-topic", Decision.OFF_TOPIC),
    ("rejected: personal-data — a phone number", Decision.PERSONAL_DATA),
    ("rejected: misinformation", Decision.MISINFORMATION),
    ("rejected: other", Decision.OTHER),
    ("rejected: harassment — threats", Decision.HARASSMENT),  # today's form
    ("something no rule ever wrote", ""),
]


@pytest.mark.parametrize("text,code", TEXTS)
def test_every_stored_text_has_its_code_and_the_migrations_copy_agrees(text, code):
    assert reasons.code_of(text) == code
    assert migration.code_of(text) == code


def test_the_migrations_copy_knows_the_same_codes():
    assert [(p, str(c)) for p, c in reasons.TEXTS] == migration.TEXTS
    assert migration.SPAM == {str(c) for c in reasons.SPAM}
    assert migration.DECISIONS == set(Decision.values)
    assert migration.OLD_REJECTIONS == {k: str(v) for k, v in reasons.OLD_REJECTIONS.items()}


@pytest.mark.parametrize(
    "reason,to_status,code",
    [
        ("held: 3 links; spam: honeypot field filled", "spam", Rule.HONEYPOT),
        ("held: 3 links; held: triage 0.6 (x)", "pending", Rule.TOO_MANY_LINKS),
        ("spam: banned commenter; held: word “x”", "pending", Rule.HOLD_LISTED),
        ("trusted commenter", "approved", Rule.TRUSTED),
        ("rejected: abusive — rude; overturns triage 0.12: model let it through", "rejected", Decision.INCIVILITY),
        ("overturns triage 0.95: model said spam", "approved", ""),
        ("reply #4 deleted at its author's request", "rejected", ""),
    ],
)
def test_an_events_code_is_the_one_that_decided_its_status(reason, to_status, code):
    assert reasons.event_code_of(reason, to_status) == code
    assert migration.event_code_of(reason, to_status) == code


def test_the_migration_codes_stored_replies_and_events(make_comment):
    held = make_comment(
        status=Status.PENDING,
        reasons="held: link to example.com\nheld: IP 203.0.113.0/24\nspam: triage 0.95 (x)\nreported by 2 readers",
    )
    spam = make_comment(status=Status.SPAM, reasons="spam: honeypot field filled\nheld: 3 links")
    plain = make_comment()
    ModerationEvent.objects.create(comment=spam, to_status="spam", reason="spam: honeypot field filled; held: 3 links")
    ModerationEvent.objects.create(comment=held, from_status="approved", to_status="rejected",
                                   reason="rejected: legal — names a minor")
    ModerationEvent.objects.create(comment=plain, to_status="approved", reason="")

    migration.reasons_to_codes(apps, None)

    held.refresh_from_db(), spam.refresh_from_db(), plain.refresh_from_db()
    assert held.reason_codes == ["hold_listed", "hold_listed", "triage_spam", "reported"]
    assert spam.reason_codes == ["honeypot", "too_many_links"]
    assert plain.reason_codes == []
    assert dict(ModerationEvent.objects.values_list("reason", "reason_code")) == {
        "spam: honeypot field filled; held: 3 links": "honeypot",
        "rejected: legal — names a minor": "illegal",
        "": "",
    }
    assert list(Comment.objects.with_reason(Rule.HOLD_LISTED)) == [held]
    assert set(Comment.objects.with_reason(Rule.TOO_MANY_LINKS, Rule.REPORTED)) == {held, spam}


# --- What the pipeline records -------------------------------------------------------------------


def post(client, article, ip="192.0.2.1", **overrides):
    overrides.setdefault("token", aged_token(article, 60))
    return client.post(f"/articles/{article.slug}/comments/", reply_data(**overrides), REMOTE_ADDR=ip)


def test_each_verdict_carries_the_code_its_text_reads_as(client, article, settings):
    """The texts the rules write today read back as the codes they store, so old and new agree."""
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    ListEntry.objects.create(kind="word", action="hold", value="lawsuit")
    ListEntry.objects.create(kind="domain", action="spam", value="casino.example")
    post(client, article, body="A lawsuit: http://a.com http://b.com http://c.com", email="a@example.org")
    post(client, article, body="Win at https://casino.example", email="b@example.org", ip="192.0.2.2",
         nickname="bot", token=moderation.form_token(article))
    post(client, article, body="No stamp.", email="c@example.org", ip="192.0.2.3", token="")
    replies = list(Comment.objects.order_by("pk"))
    assert [r.reason_codes for r in replies] == [
        [Rule.HOLD_LISTED, Rule.TOO_MANY_LINKS],
        [Rule.HONEYPOT, Rule.TOO_FAST, Rule.BLOCKLISTED],
        [Rule.NO_FORM_STAMP],
    ]
    for reply in replies:
        assert reasons.codes_of(reply.reasons) == reply.reason_codes
    assert [r.events.get().reason_code for r in replies] == [Rule.HOLD_LISTED, Rule.HONEYPOT, Rule.NO_FORM_STAMP]


def test_judge_returns_codes_beside_the_texts(article):
    links = "http://a.com http://b.com http://c.com"
    comment = Comment(article=article, name="Jane", email="jane@example.com", body=links)
    comment.attach_to(None)
    comment.render()
    judgement = moderation.judge(moderation.Submission(comment, honeypot="x"))
    assert judgement.reasons == ["spam: honeypot field filled", "held: 3 links"]
    assert (judgement.codes, judgement.code) == ([Rule.HONEYPOT, Rule.TOO_MANY_LINKS], Rule.HONEYPOT)


def test_a_refusal_carries_its_code_and_tells_the_reader_as_before(article):
    article.comments_open = False
    comment = Comment(article=article, name="Jane", email="jane@example.com", body="Hello")
    verdict = moderation.replies_closed(moderation.Submission(comment))
    assert (verdict.code, verdict.message) == (Rule.REPLIES_CLOSED, "Replies are closed on this article.")


def test_reports_sending_a_reply_back_record_the_code(make_comment, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    reply = make_comment(reasons="held: 3 links", reason_codes=[Rule.TOO_MANY_LINKS])
    reply.report(reporter="one")
    reply.report(reporter="two")
    reply.refresh_from_db()
    assert reply.status == Status.PENDING
    assert reply.coded_reasons == [("too_many_links", "held: 3 links"), ("reported", "reported by 2 readers")]
    assert reply.events.get().reason_code == Rule.REPORTED


# --- API -----------------------------------------------------------------------------------------


@pytest.fixture
def moderator_api(moderator):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(moderator)
    return client


def test_the_moderation_api_filters_by_code(moderator_api, make_comment):
    linky = make_comment(status=Status.PENDING, reasons="held: 3 links", reason_codes=["too_many_links"])
    flooded = make_comment(
        status=Status.PENDING, reasons="held: another reply from this commenter moments ago, from another browser",
        reason_codes=["flood_elsewhere"],
    )
    make_comment(status=Status.PENDING)
    rows = moderator_api.get("/api/moderation/comments/", {"reason": "too_many_links"}).json()["results"]
    assert [(r["id"], r["reasons"], r["reason_codes"]) for r in rows] == [
        (linky.pk, ["held: 3 links"], ["too_many_links"])
    ]
    rows = moderator_api.get("/api/moderation/comments/", {"reason": "flood_elsewhere"}).json()["results"]
    assert [r["id"] for r in rows] == [flooded.pk]  # "flood" would not match it either way
    assert moderator_api.get("/api/moderation/comments/", {"reason": "flood"}).status_code == 400


def test_an_unknown_reason_code_is_a_400_naming_the_allowed_ones(moderator_api, make_comment):
    make_comment(status=Status.PENDING, reasons="held: 3 links", reason_codes=["too_many_links"])
    response = moderator_api.get("/api/moderation/comments/", {"reason": "links"})
    assert response.status_code == 400
    [message] = response.json()["reason"]
    assert "“links” is not a reason code" in message
    assert all(code in message for code, _ in reasons.reply_choices())


def test_the_schema_documents_reason_codes_and_the_filter(client, db):
    import yaml

    document = yaml.safe_load(client.get("/api/schema/").content)
    operation = document["paths"]["/api/moderation/comments/"]["get"]
    [reason] = [p for p in operation["parameters"] if p["name"] == "reason"]
    assert set(reason["schema"]["enum"]) >= {"hold_listed", "too_many_links", "triage_spam", ""}
    queue_reply = document["components"]["schemas"]["QueueReply"]
    assert {"reasons", "reason_codes", "triage_reasons"} <= set(queue_reply["properties"])
