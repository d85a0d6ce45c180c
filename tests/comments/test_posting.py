import re

import pytest
from django.test import Client

from comments.models import Comment, Status
from comments.moderation import form_token
from comments.views import post_comment
from tests.conftest import reply_data


def post(client, article, **overrides):
    overrides.setdefault("token", form_token(article))
    headers = {k: overrides.pop(k) for k in list(overrides) if k.startswith("HTTP_")}
    return client.post(f"/articles/{article.slug}/comments/", reply_data(**overrides), **headers)


def test_valid_reply_is_stored_pending_and_redirects_with_303(client, article):
    response = post(client, article, body="Hello <b>world</b> https://example.org")
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Status.PENDING
    assert comment.body == "Hello <b>world</b> https://example.org"
    assert comment.body_html == (
        '<p>Hello <b>world</b> <a href="https://example.org" rel="nofollow ugc noopener">'
        "https://example.org</a></p>"
    )
    assert comment.ip_address == "127.0.0.1"
    assert comment.email_digest and comment.thread_path == f"{comment.pk:010d}"


def test_author_alone_sees_their_reply_awaiting_moderation(client, article):
    post(client, article, body="My pending words")
    mine = client.get(article.get_absolute_url()).content.decode()
    assert "My pending words" in mine and "Your reply is awaiting moderation." in mine
    theirs = Client().get(article.get_absolute_url()).content.decode()
    assert "My pending words" not in theirs


def test_the_heading_does_not_say_no_replies_above_the_readers_own(client, article):
    post(client, article, body="My pending words")
    mine = client.get(article.get_absolute_url()).content.decode()
    heading = re.search(r'<h2 id="comments-title">(.*?)</h2>', mine)[1]
    assert heading == f"Replies to “{article.title}”"
    theirs = Client().get(article.get_absolute_url()).content.decode()
    assert '<h2 id="comments-title">No replies yet</h2>' in theirs


def test_forged_own_replies_cookie_reveals_nothing(client, article, make_comment):
    hidden = make_comment(status=Status.PENDING, body="Someone else's pending words")
    client.cookies["own_replies"] = str(hidden.pk)
    assert "pending words" not in client.get(article.get_absolute_url()).content.decode()


def test_approved_reply_appears_for_everyone(client, article, moderator):
    post(client, article, body="Worth publishing")
    Comment.objects.get().approve(by=moderator)
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Worth publishing" in html and "awaiting moderation" not in html


def test_anonymous_post_needs_no_csrf_token_but_a_same_origin_browser(article):
    client = Client(enforce_csrf_checks=True)
    assert post(client, article, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert post(client, article, HTTP_ORIGIN="http://evil.example").status_code == 403
    assert not Comment.objects.exists()
    assert post(client, article, HTTP_SEC_FETCH_SITE="same-origin").status_code == 303


def test_post_with_a_session_but_without_csrf_token_is_403(article, make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(staff=False))
    assert post(client, article, HTTP_SEC_FETCH_SITE="same-origin").status_code == 403
    assert not Comment.objects.exists()


def test_post_to_unknown_article_is_404(client, db):
    assert client.post("/articles/nope/comments/", reply_data()).status_code == 404


def test_a_reply_without_timing_proof_is_held(client, article, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    assert post(client, article, token="").status_code == 303
    reply = Comment.objects.get()
    assert reply.status == Status.PENDING and "no proof of when the form was served" in reply.reasons


def test_a_tampered_form_token_asks_the_reader_to_reload(client, article):
    response = post(client, article, token=form_token(article) + "x")
    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    assert not Comment.objects.exists()


def test_get_on_post_url_is_405(client, article):
    assert client.get(f"/articles/{article.slug}/comments/").status_code == 405


def test_reply_to_an_approved_reply(client, article, make_comment):
    parent = make_comment()
    assert post(client, article, parent=parent.pk).status_code == 303
    child = Comment.objects.exclude(pk=parent.pk).get()
    assert child.parent == parent and child.depth == 1
    assert child.thread_path == f"{parent.thread_path}/{child.pk:010d}"


def test_deep_replies_attach_to_the_deepest_allowed_ancestor(settings, make_comment):
    settings.COMMENTS_THREAD_DEPTH = 3
    top = make_comment()
    middle = make_comment(parent=top)
    deepest = make_comment(parent=middle)
    too_deep = make_comment(parent=deepest)
    assert (middle.depth, deepest.depth) == (1, 2)
    assert too_deep.parent == middle and too_deep.depth == 2


BAD_INPUT = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "nul\x00byte"}, "name"),
    ({"email": ""}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "a" * 250 + "@example.com"}, "email"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"website": "ftp://example.com/"}, "website"),
    ({"website": "https://example.com/" + "x" * 200}, "website"),
    ({"body": ""}, "body"),
    ({"body": " \n\t "}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"body": "nul\x00byte"}, "body"),
    ({"body": "<b></b><img src=x onerror=alert(1)>"}, "body"),
    ({"parent": "abc"}, "parent"),
    ({"parent": "-1"}, "parent"),
    ({"parent": "99999999999999999999999"}, "parent"),
]


@pytest.mark.parametrize("overrides,field", BAD_INPUT)
def test_bad_input_is_400_with_the_form_and_its_error(client, article, make_comment, overrides, field):
    existing = make_comment(body="Already here")
    response = post(client, article, **overrides)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html and '<form id="commentform"' in html
    assert Comment.objects.get() == existing  # nothing stored, nothing changed


def test_parent_on_another_article_is_refused(client, article, make_article, make_comment):
    other = make_comment(article=make_article())
    response = post(client, article, parent=other.pk)
    assert response.status_code == 400
    assert "does not exist on this article" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_parent_that_is_not_approved_is_refused(client, article, make_comment, status):
    parent = make_comment(status=status)
    assert post(client, article, parent=parent.pk).status_code == 400
    assert Comment.objects.count() == 1


def test_error_page_keeps_what_was_typed_but_never_the_email(client, article):
    html = post(client, article, name="Kept Name", email="kept.secret@example.com", body="").content.decode()
    assert 'value="Kept Name"' in html
    assert "kept.secret" not in html


def test_oversized_request_body_is_refused(client, article):
    response = post(client, article, body="x" * (200 * 1024))
    assert response.status_code == 413  # as the API answers a body past DATA_UPLOAD_MAX_MEMORY_SIZE
    assert not Comment.objects.exists()


def test_email_is_a_sensitive_post_parameter(rf, article):
    request = rf.post(f"/articles/{article.slug}/comments/", reply_data(token=form_token(article)))
    request._dont_enforce_csrf_checks = True
    post_comment(request, slug=article.slug)
    assert request.sensitive_post_parameters == ("email",)
