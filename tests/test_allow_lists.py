"""The allow-lists are what keeps a commenter's email, digest, IP address and user agent out.

`.only()` is no boundary: a deferred field loads when it is read. What each serializer,
export, webhook payload, feed and admin screen emits is the list of fields it names;
these tests pin that no such list names a personal field, and that the values they
emit hold none of them.
"""

import io
import json

import pytest
from django.contrib import admin
from django.test import RequestFactory

from comments import exporting, wordpress
from comments.feeds import FEED_FIELDS
from comments.models import Comment, Status
from comments.privacy import email_digest
from comments.serializers import NewReplySerializer, QueueReplySerializer, ReplySerializer
from webhooks import dispatch

EMAIL = "Hidden.Reader-5c1e@Private-Mail.example"
IP = "203.0.113.77"
AGENT = "SecretAgent/9.9 (allow-list test)"
PERSONAL = {"email", "email_digest", "ip_address", "user_agent"}


@pytest.fixture
def reply(make_comment):
    return make_comment(email=EMAIL, ip_address=IP, user_agent=AGENT, status=Status.APPROVED)


def secrets_in(text):
    return [s for s in (EMAIL, EMAIL.lower(), email_digest(EMAIL), IP, AGENT) if s and s in text]


def test_readers_serializers_emit_no_personal_field(reply):
    data = ReplySerializer(reply).data
    assert set(data) == {"id", "parent", "name", "website", "body_html", "created_at"}
    assert not secrets_in(json.dumps(data, default=str))


def test_the_new_reply_serializer_takes_the_email_and_never_gives_it_back(reply):
    fields = NewReplySerializer().fields
    assert fields["email"].write_only
    readable = {name for name, field in fields.items() if not field.write_only}
    assert not readable & PERSONAL
    assert not secrets_in(json.dumps(NewReplySerializer(reply).data, default=str))


def test_the_moderation_queue_serializer_emits_an_opaque_commenter_only(reply):
    history = Comment.objects.history_by_digest([reply.email_digest])
    data = QueueReplySerializer(reply, context={"history": history}).data
    assert not set(data) & PERSONAL
    assert data["commenter"] and not secrets_in(json.dumps(data, default=str))


def test_exports_name_personal_fields_only_when_asked(reply):
    (record,) = [json.loads(line) for line in exporting.json_lines(exporting.threads(reply.article))]
    assert not set(record) & PERSONAL and not secrets_in(json.dumps(record))
    assert not set(exporting.PUBLIC_FIELDS) & PERSONAL

    wxr = io.BytesIO()
    wordpress.write(wxr, exporting.threads(reply.article))
    assert reply.body in wxr.getvalue().decode() and not secrets_in(wxr.getvalue().decode())

    asked = exporting.threads(reply.article, personal_data=True)
    (record,) = [json.loads(line) for line in exporting.json_lines(asked, personal_data=True)]
    assert (record["email"], record["ip_address"], record["user_agent"]) == (EMAIL, IP, AGENT)


def test_webhook_payloads_carry_no_personal_field(reply):
    data = dispatch.reply_data(reply)
    assert not set(data) & PERSONAL and data["commenter"]
    assert not secrets_in(dispatch.body("reply.approved", data))


def test_feeds_read_no_personal_field():
    assert not {field.split("__")[0] for field in FEED_FIELDS} & PERSONAL


def comment_admins():
    return [model_admin for model, model_admin in admin.site._registry.items() if issubclass(model, Comment)]


def test_the_admin_shows_a_moderator_without_the_permission_masked_fields_only(reply, moderator):
    request = RequestFactory().get("/admin/")
    request.user = moderator
    assert comment_admins()
    for model_admin in comment_admins():
        shown = {
            *model_admin.get_fields(request, reply), *model_admin.get_list_display(request),
            *model_admin.get_search_fields(request),
            *(f for f in model_admin.get_list_filter(request) if isinstance(f, str)),
            *model_admin.get_form(request, reply).base_fields,
        }
        assert not shown & PERSONAL, type(model_admin).__name__


def test_the_permission_to_see_addresses_shows_them(reply, make_user):
    request = RequestFactory().get("/admin/")
    request.user = make_user("comments.moderate_comment", "comments.view_commenter_email")
    (model_admin,) = [each for each in comment_admins() if each.model is Comment]
    assert {"email", "ip_address", "user_agent"} <= set(model_admin.get_fields(request, reply))
