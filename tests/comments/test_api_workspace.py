"""The workspace's API: reject with a reason, undo, reports, commenters, stats."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comments.models import Commenter, ModerationEvent, Status
from comments.privacy import commenter_id

BASE = "/api/moderation/comments/"


@pytest.fixture
def moderator_api(moderator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    return client


def test_reject_without_a_reason_is_400_naming_the_codes(moderator_api, make_comment):
    reply = make_comment(status=Status.PENDING)
    for body in ({}, {"reason": "rude"}):
        response = moderator_api.post(f"{BASE}{reply.pk}/reject/", body, format="json")
        assert response.status_code == 400 and "off_topic" in str(response.json()["reason"])
    reply.refresh_from_db()
    assert reply.status == Status.PENDING and not reply.events.exists()
    response = moderator_api.post(f"{BASE}{reply.pk}/reject/", {"reason": "hate", "note": "slur"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert reply.events.get().reason_code == "hate"


def test_bulk_reject_needs_a_reason(moderator_api, make_comment):
    reply = make_comment(status=Status.PENDING)
    data = {"action": "reject", "ids": [reply.pk]}
    assert moderator_api.post(f"{BASE}bulk/", data, format="json").status_code == 400
    response = moderator_api.post(f"{BASE}bulk/", {**data, "reason": "advertising"}, format="json")
    assert response.json() == {"updated": 1}
    assert reply.events.get().reason_code == "advertising"


def test_undo_within_the_window(moderator_api, make_comment):
    reply = make_comment(status=Status.PENDING)
    moderator_api.post(f"{BASE}{reply.pk}/approve/")
    response = moderator_api.post(f"{BASE}{reply.pk}/undo/")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert moderator_api.post(f"{BASE}{reply.pk}/undo/").status_code == 409
    assert ModerationEvent.objects.filter(comment=reply, undoes__isnull=False).count() == 1


def test_reports_of_a_reply(moderator_api, make_comment):
    reply = make_comment()
    reply.report(reporter="a", reason="abusive", note="rude")
    response = moderator_api.get(f"{BASE}{reply.pk}/reports/")
    assert response.status_code == 200
    assert [(r["reason"], r["note"]) for r in response.json()] == [("abusive", "rude")]
    assert "reporter" not in response.json()[0]


def test_commenter_record_notes_suspend_ban_lift(moderator_api, make_comment):
    reply = make_comment(email="jane.secret@example.com", name="Jane")
    make_comment(status=Status.PENDING, email="jane.secret@example.com")
    url = f"/api/moderation/commenters/{commenter_id(reply.email_digest)}/"
    record = moderator_api.get(url)
    assert record.status_code == 200 and record.json()["counts"]["approved"] == 1
    assert "jane.secret" not in record.content.decode() and reply.email_digest not in record.content.decode()
    assert moderator_api.post(url + "notes/", {"text": "Watch"}, format="json").json()["notes"][0]["text"] == "Watch"
    assert moderator_api.post(url + "suspend/", {}, format="json").status_code == 400
    suspended = moderator_api.post(url + "suspend/", {"hours": 2, "reason": "heat"}, format="json")
    assert suspended.json()["suspended_until"] is not None
    banned = moderator_api.post(url + "ban/", {"remove_published": True}, format="json").json()
    assert banned["banned"] and banned["counts"]["spam"] == 2
    lifted = moderator_api.post(url + "lift/", format="json").json()
    assert not lifted["banned"] and lifted["suspended_until"] is None
    kinds = list(ModerationEvent.objects.filter(commenter=reply.email_digest).values_list("to_status", flat=True))
    assert kinds == ["noted", "suspended", "banned", "lifted"]
    assert moderator_api.get("/api/moderation/commenters/0000000000000000/").status_code == 404
    assert Commenter.objects.count() == 1


def test_stats(moderator_api, moderator, make_comment, client):
    make_comment(status=Status.PENDING)
    make_comment(status=Status.PENDING).approve(by=moderator)
    data = moderator_api.get("/api/moderation/stats/?period=week").json()
    assert data["queue"]["pending"] == 1 and data["decisions"] == 1
    assert data["per_moderator"][0]["moderator"] == "moderator"
    assert moderator_api.get("/api/moderation/stats/?period=year").status_code == 400
    assert client.get("/api/moderation/stats/").status_code == 401
