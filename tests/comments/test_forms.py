"""The reader's reply form (comments.forms.CommentForm), alone and as the page shows it."""

import re

import pytest

from comments.forms import CommentForm
from comments.intake import Sender
from comments.models import Comment, Status
from comments.moderation import Refused, form_token
from tests.conftest import reply_data

from .test_posting import BAD_INPUT


def form(article, **overrides):
    return CommentForm(reply_data(**overrides), article=article)


def post(client, article, **overrides):
    return client.post(f"/articles/{article.slug}/comments/", reply_data(token=form_token(article), **overrides))


def test_the_limits_are_the_models():
    fields = CommentForm(article=None).fields
    for name in ("name", "email", "website", "body"):
        assert fields[name].max_length == Comment._meta.get_field(name).max_length, name
    assert [name for name, field in fields.items() if field.required] == ["name", "email", "body"]


@pytest.mark.parametrize("overrides,field,message", [
    ({"name": "Bob\n\nNOTICE: sign in again"}, "name", "Use one line, without line breaks or control characters."),
    ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
    ({"website": "ftp://example.com/"}, "website", "Enter a valid URL."),
    ({"body": "<b></b><img src=x onerror=alert(1)>"}, "body",
     "Your reply has no text once formatting is removed. Please write something."),
    ({"body": "x" * 5001}, "body", "Ensure this value has at most 5000 characters (it has 5001)."),
    ({"email": ""}, "email", "This field is required."),
])
def test_each_bad_field_has_one_error(article, overrides, field, message):
    bound = form(article, **overrides)
    assert not bound.is_valid()
    assert bound.errors == {field: [message]}


def test_a_website_without_a_scheme_is_taken_as_https(article):
    bound = form(article, website="jane.example.org")
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["website"] == "https://jane.example.org"


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_only_a_published_reply_of_this_article_is_a_parent(article, make_article, make_comment, status):
    message = ["The reply you are answering does not exist on this article."]
    assert form(article, parent=make_comment(status=status).pk).errors == {"parent": message}
    assert form(article, parent=make_comment(article=make_article()).pk).errors == {"parent": message}
    parent = make_comment()
    bound = form(article, parent=parent.pk)
    assert bound.is_valid() and bound.cleaned_data["parent"] == parent


def test_save_submits_the_reply_with_its_sender(article, make_comment):
    parent = make_comment()
    bound = form(article, parent=parent.pk, body="Hello <b>world</b>", website="https://jane.example/", notify="on")
    assert bound.is_valid(), bound.errors
    sender = Sender(ip_address="203.0.113.5", user_agent="Agent/" + "x" * 400, own_ids=frozenset({parent.pk}))
    reply = bound.save(sender=sender)
    stored = Comment.objects.get(pk=reply.pk)
    assert (stored.parent, stored.website, stored.notify) == (parent, "https://jane.example/", True)
    assert stored.body_html == "<p>Hello <b>world</b></p>" and stored.email_digest
    assert stored.ip_address == "203.0.113.5" and stored.user_agent == ("Agent/" + "x" * 400)[:300]


def test_save_raises_refused_and_stores_nothing(make_article):
    closed = make_article(comments_open=False)
    bound = form(closed)
    assert bound.is_valid()
    with pytest.raises(Refused):
        bound.save(sender=Sender())
    assert not Comment.objects.exists()


# --- As the page shows it (moved from test_posting) --------------------------------------


@pytest.mark.parametrize("overrides,field", BAD_INPUT + [({"website": "not a url"}, "website"),
                                                         ({"website": "http://"}, "website")])
def test_each_error_is_listed_once(client, article, overrides, field):
    html = post(client, article, **overrides).content.decode()
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.DOTALL)[0]
    items = re.findall(r"<li>(.*?)</li>", summary)
    assert items and len(items) == len(set(items)), items


@pytest.mark.parametrize("website", ["not a url", "javascript:alert(1)", "ftp://example.com/"])
def test_a_bad_website_is_reported_once(client, article, website):
    html = post(client, article, website=website).content.decode()
    assert html.count("Website: Enter a valid URL.") == 1
