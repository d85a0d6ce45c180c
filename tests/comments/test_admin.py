import pytest
from django.contrib import admin
from django.urls import reverse

from comments.models import Comment, ModerationEvent, Status


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def changelist(model="comment"):
    return reverse(f"admin:comments_{model}_changelist")


def test_every_admin_page_loads_for_a_superuser(client, admin_user, make_comment):
    reply = make_comment()
    client.force_login(admin_user)
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        assert client.get(reverse("admin:%s_%s_changelist" % info)).status_code == 200, model
    assert client.get(reverse("admin:comments_comment_change", args=[reply.pk])).status_code == 200


def test_changelist_shows_masked_email_only(moderator_client, make_comment):
    make_comment(email="jane.secret@example.com", body="Visible text")
    html = moderator_client.get(changelist()).content.decode()
    assert "j•••@e•••.com" in html and "Visible text" in html
    assert "jane.secret" not in html


def test_change_page_masks_email_without_the_permission(moderator_client, make_comment):
    reply = make_comment(email="jane.secret@example.com")
    html = moderator_client.get(reverse("admin:comments_comment_change", args=[reply.pk])).content.decode()
    assert "j•••@e•••.com" in html and "jane.secret" not in html


def test_reveal_permission_shows_email_on_change_page_alone(client, make_user, make_comment):
    reply = make_comment(email="jane.secret@example.com")
    client.force_login(make_user("comments.moderate_comment", "comments.view_commenter_email"))
    change = client.get(reverse("admin:comments_comment_change", args=[reply.pk])).content.decode()
    assert "jane.secret@example.com" in change
    assert "jane.secret" not in client.get(changelist()).content.decode()


def test_search_by_exact_email_uses_the_digest(moderator_client, make_comment):
    mine = make_comment(email="Jane.Secret@Example.com", body="Mine")
    make_comment(email="other@example.com", body="Theirs")
    html = moderator_client.get(changelist(), {"q": "jane.secret@example.com"}).content.decode()
    assert f"/comments/comment/{mine.pk}/change/" in html
    assert "Theirs" not in html


@pytest.mark.parametrize(
    "action,status", [("approve", Status.APPROVED), ("reject", Status.REJECTED), ("mark_spam", Status.SPAM)]
)
def test_bulk_actions_record_who_and_when(moderator_client, moderator, make_comment, action, status):
    replies = [make_comment(status=Status.PENDING) for _ in range(3)]
    response = moderator_client.post(
        changelist(), {"action": action, "_selected_action": [r.pk for r in replies]}
    )
    assert response.status_code == 302
    for reply in Comment.objects.all():
        assert reply.status == status
        assert reply.moderated_by == moderator and reply.moderated_at is not None
    events = ModerationEvent.objects.filter(actor=moderator, from_status=Status.PENDING, to_status=status)
    assert events.count() == 3


def test_queue_shows_pending_replies_oldest_first(moderator_client, make_comment):
    first = make_comment(status=Status.PENDING, body="Older pending")
    second = make_comment(status=Status.PENDING, body="Newer pending")
    make_comment(status=Status.APPROVED, body="Already approved")
    html = moderator_client.get(changelist("moderationqueue")).content.decode()
    assert html.index("Older pending") < html.index("Newer pending")
    assert "Already approved" not in html
    assert first.pk < second.pk


def test_staff_without_moderation_permission_cannot_see_replies(client, make_user, make_comment):
    make_comment()
    client.force_login(make_user())
    assert client.get(changelist()).status_code == 403
    assert client.get(changelist("moderationqueue")).status_code == 403


def test_replies_cannot_be_added_in_the_admin(moderator_client):
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_editing_a_reply_re_sanitises_it(client, admin_user, make_comment):
    reply = make_comment(body="old")
    client.force_login(admin_user)
    url = reverse("admin:comments_comment_change", args=[reply.pk])
    response = client.post(url, {"body": "new <script>x()</script>"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body_html == "<p>new x()</p>"
