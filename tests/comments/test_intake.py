"""comments.intake: one builder and one way in for every reply, and one set of checks on the model."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from comments import intake, privacy
from comments.forms import CommentForm
from comments.intake import Sender, build_reply, submit_reply
from comments.models import Comment, ModerationEvent, Status
from comments.moderation import Refused
from comments.serializers import NewReplySerializer
from tests.conftest import reply_data

TYPED = {"name": "Jane Reader", "email": "Jane@Example.org", "body": "Hello <b>world</b> <script>x()</script>"}


def test_build_reply_derives_what_the_author_did_not_type(article):
    reply = build_reply(article, user_agent="U" * 1000, ip_address="203.0.113.7", **TYPED)
    assert reply.pk is None and reply.article == article
    assert reply.body_html == "<p>Hello <b>world</b> x()</p>"
    assert reply.email_digest == privacy.email_digest("jane@example.org")
    assert reply.user_agent == "U" * 300 and reply.ip_address == "203.0.113.7"


def test_build_reply_attaches_within_the_depth_limit(article, make_comment, settings):
    settings.COMMENTS_THREAD_DEPTH = 2
    top = make_comment()
    child = make_comment(parent=top)
    reply = build_reply(article, parent=child, **TYPED)
    assert (reply.parent, reply.depth) == (top, 1)


def test_build_reply_keeps_html_sanitised_elsewhere(article):
    # An import's worker processes sanitise ahead; the builder must not do it again.
    reply = build_reply(article, body_html="<p>done</p>", **TYPED)
    assert reply.body_html == "<p>done</p>"


def test_submit_reply_judges_and_stores(article):
    sender = Sender(ip_address="198.51.100.2", user_agent="Agent")
    reply = submit_reply(article, sender, **TYPED)
    stored = Comment.objects.get()
    assert stored == reply and stored.status == Status.PENDING and stored.thread_path == f"{reply.pk:010d}"
    assert (stored.ip_address, stored.user_agent) == ("198.51.100.2", "Agent")


def test_submit_reply_records_why_a_reply_was_held(article, settings):
    settings.COMMENTS_MAX_LINKS = 0
    reply = submit_reply(article, Sender(), **{**TYPED, "body": "See https://example.org"})
    assert reply.status == Status.PENDING and reply.reason_list == ["held: 1 links"]
    assert ModerationEvent.objects.get().reason == "held: 1 links"


def test_a_refused_reply_is_not_stored(make_article):
    with pytest.raises(Refused) as refused:
        submit_reply(make_article(comments_open=False), Sender(), **TYPED)
    assert refused.value.verdict.status_code == 403
    assert not Comment.objects.exists()


def test_the_sender_is_read_from_the_request(settings):
    settings.COMMENTS_TRUST_X_FORWARDED_FOR = False
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.8", HTTP_USER_AGENT="Browser/1",
                                    HTTP_X_FORWARDED_FOR="203.0.113.66")
    sender = Sender.from_request(request)
    assert (sender.ip_address, sender.user_agent, sender.own_ids) == ("192.0.2.8", "Browser/1", frozenset())


def test_reply_parent_answers_alike_for_hidden_and_missing(article, make_comment):
    hidden = make_comment(status=Status.REJECTED)
    for pk in (hidden.pk, 10**9):
        with pytest.raises(ValidationError) as error:
            intake.reply_parent(article, pk)
        assert error.value.messages == ["The reply you are answering does not exist on this article."]


# --- One set of checks: the model's, seen through the form, the API and full_clean() -------------

BAD = [
    ("name", "Bob\n\nNOTICE: sign in again at https://evil.example",
     "Use one line, without line breaks or control characters."),
    ("name", "x" * 101, None),
    ("website", "javascript:alert(1)", "Enter a valid URL."),
    ("website", "ftp://example.com/", "Enter a valid URL."),
    ("website", "https://example.com/" + "x" * 200, None),
    ("body", "<b></b><img src=x onerror=alert(1)>",
     "Your reply has no text once formatting is removed. Please write something."),
    ("body", "x" * 5001, None),
]


def model_errors(article, field, value):
    """A reply built as the importer builds one, checked by the model."""
    reply = build_reply(article, **{**TYPED, field: value})
    with pytest.raises(ValidationError) as error:
        reply.full_clean()
    return error.value.message_dict


@pytest.mark.parametrize("field,value,message", BAD)
def test_the_form_the_api_and_the_model_refuse_alike(article, field, value, message):
    form = CommentForm(reply_data(**{field: value}), article=article)
    api = NewReplySerializer(data={**TYPED, field: value}, context={"article": article})
    model = model_errors(article, field, value)
    assert not form.is_valid() and not api.is_valid()
    assert list(form.errors) == list(api.errors) == list(model) == [field]
    assert len(form.errors[field]) == len(api.errors[field]) == len(model[field]) == 1
    if message:  # length messages are worded by Django and DRF each
        assert form.errors[field] == api.errors[field] == model[field] == [message]


def test_an_imported_reply_is_checked_by_the_same_rules(article, tmp_path):
    from comments.importing import clean_url

    # The importer keeps what the model accepts and drops the rest.
    assert clean_url(" https://port.example ") == "https://port.example"
    assert clean_url("javascript:alert(1)") == clean_url("ftp://example.com/") == ""
    reply = build_reply(article, parent_id=None, depth=0, source="wordpress", source_id="1", **TYPED)
    reply.full_clean(exclude=["thread_path"])
