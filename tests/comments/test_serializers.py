"""The API's serializers: what they take, what they refuse, what they give back."""

import pytest

from comments.intake import Sender
from comments.models import Comment, Status
from comments.moderation import Refused
from comments.serializers import NewReplySerializer, ReplySerializer

EMAIL = "jane.reader@example.com"


def new_reply(article, **overrides):
    data = {"name": "Jane Reader", "email": EMAIL, "body": "A thoughtful reply.", **overrides}
    return NewReplySerializer(data=data, context={"article": article})


def test_the_limits_are_the_models(article):
    fields = new_reply(article).fields
    for name in ("name", "email", "website", "body"):
        assert fields[name].max_length == Comment._meta.get_field(name).max_length, name
    assert sorted(name for name, field in fields.items() if field.required) == ["body", "email", "name"]


@pytest.mark.parametrize("overrides,field,message", [
    ({"name": "Bob\n\nNOTICE: sign in again"}, "name", "Use one line, without line breaks or control characters."),
    ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
    ({"website": "ftp://example.com/"}, "website", "Enter a valid URL."),
    ({"website": "example.com"}, "website", "Enter a valid URL."),
    ({"body": "<b></b><img src=x onerror=alert(1)>"}, "body",
     "Your reply has no text once formatting is removed. Please write something."),
    ({"body": "x" * 5001}, "body", "Ensure this field has no more than 5000 characters."),
    ({"email": ""}, "email", "This field may not be blank."),
])
def test_each_bad_field_has_one_error(article, overrides, field, message):
    serializer = new_reply(article, **overrides)
    assert not serializer.is_valid()
    assert serializer.errors == {field: [message]}


def test_only_a_published_reply_of_this_article_is_a_parent(article, make_article, make_comment):
    message = ["The reply you are answering does not exist on this article."]
    hidden = make_comment(status=Status.PENDING)
    for parent in (hidden, make_comment(article=make_article())):
        serializer = new_reply(article, parent=parent.pk)
        assert not serializer.is_valid() and serializer.errors == {"parent": message}
    published = make_comment()
    serializer = new_reply(article, parent=published.pk)
    assert serializer.is_valid() and serializer.validated_data["parent"] == published


def test_save_submits_through_intake(article):
    serializer = new_reply(article, body="Hello <b>world</b>", notify=True)
    assert serializer.is_valid(), serializer.errors
    reply = serializer.save(sender=Sender(ip_address="198.51.100.4", user_agent="UA " * 200))
    stored = Comment.objects.get(pk=reply.pk)
    assert stored.body_html == "<p>Hello <b>world</b></p>" and stored.notify
    assert stored.ip_address == "198.51.100.4" and len(stored.user_agent) == 300
    # What comes back has the server's view of the reply, and never the address.
    assert serializer.data["status"] == "pending" and serializer.data["body_html"] == stored.body_html
    assert "email" not in serializer.data and "body" not in serializer.data


def test_a_refused_reply_raises_and_stores_nothing(make_article):
    serializer = new_reply(make_article(comments_open=False))
    assert serializer.is_valid()
    with pytest.raises(Refused):
        serializer.save(sender=Sender())
    assert not Comment.objects.exists()


def test_spam_is_shown_as_pending(article, make_comment):
    reply = make_comment(status=Status.SPAM)
    assert NewReplySerializer(reply).data["status"] == "pending"


def test_a_published_reply_shows_no_personal_data(make_comment):
    reply = make_comment(website="https://jane.example/", ip_address="203.0.113.1", user_agent="UA")
    assert set(ReplySerializer(reply).data) == {"id", "parent", "name", "website", "body_html", "created_at"}
