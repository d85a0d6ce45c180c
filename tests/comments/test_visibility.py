"""One visibility rule: a reply readers cannot see answers every route like one that does not exist.

Every route that takes a reply id from a reader (?replytocom, the form's parent,
the API's parent, the report form, the API's flag) is fed the same set of
hidden replies and a nonexistent id; the counts of the page and the API agree.
"""

import pytest
from django.test import Client

from comments.models import Comment, Status
from comments.moderation import form_token
from tests.conftest import reply_data

MISSING = 10**9


@pytest.fixture
def replies(article, make_comment, settings):
    settings.COMMENTS_THREAD_DEPTH = 3
    shown = make_comment(name="Shown Sally")
    rejected = make_comment(status=Status.REJECTED, name="Rejected Rita")
    under_rejected = make_comment(parent=rejected, name="Orphan Olga")  # approved, parent hidden
    pending = make_comment(status=Status.PENDING, name="Pending Pat")
    spam = make_comment(status=Status.SPAM, name="Spam Sam")
    middle = make_comment(parent=shown, name="Middle Mo")
    deepest = make_comment(parent=middle, status=Status.PENDING, name="Deep Dora")
    assert deepest.depth == 2  # the deepest allowed level: a reply to it would climb to `middle`
    hidden = {"under_rejected": under_rejected, "pending": pending, "spam": spam, "rejected": rejected,
              "deepest": deepest}
    return {"shown": [shown, middle], "hidden": hidden}


def hidden_ids(replies):
    return [(name, reply.pk, reply.name) for name, reply in replies["hidden"].items()]


def test_replytocom_of_a_hidden_reply_says_nothing_about_it(client, article, replies):
    for name, pk, author in hidden_ids(replies):
        html = client.get(article.get_absolute_url(), {"replytocom": pk}).content.decode()
        assert author not in html, name
        assert f'name="parent" value="{pk}"' not in html, name


def test_the_form_refuses_a_hidden_parent_as_it_refuses_a_missing_one(article, replies):
    def post(parent):
        return Client().post(
            f"/articles/{article.slug}/comments/",
            reply_data(parent=parent, body=f"To {parent}", token=form_token(article)),
        )

    missing = post(MISSING)
    assert missing.status_code == 400
    for name, pk, _ in hidden_ids(replies):
        response = post(pk)
        assert response.status_code == missing.status_code, name
    assert not Comment.objects.filter(body__startswith="To ").exists()


def test_the_api_refuses_a_hidden_parent_as_it_refuses_a_missing_one(article, replies):
    url = f"/api/articles/{article.slug}/comments/"

    def post(parent):
        return Client().post(url, reply_data(parent=parent, body=f"To {parent}"), content_type="application/json")

    missing = post(MISSING)
    assert missing.status_code == 400
    for name, pk, _ in hidden_ids(replies):
        response = post(pk)
        assert (response.status_code, response.json()) == (400, missing.json()), name


def test_reports_on_hidden_replies_answer_not_found(article, replies):
    for name, pk, _ in hidden_ids(replies):
        assert Client().post(f"/comments/{pk}/report/", {"reason": "spam"}).status_code == 404, name
        api = Client().post(f"/api/comments/{pk}/flag/", {"reason": "spam"}, content_type="application/json")
        assert api.status_code == 404, name
    assert not any(reply.flags.exists() for reply in replies["hidden"].values())


def test_page_and_api_count_and_list_the_same_replies(client, article, replies):
    detail = client.get(f"/api/articles/{article.slug}/").json()
    listed = client.get("/api/articles/").json()["results"][0]
    assert detail["comment_count"] == listed["comment_count"] == len(replies["shown"])
    ids = [reply["id"] for reply in client.get(f"/api/articles/{article.slug}/comments/").json()["results"]]
    assert ids == [reply.pk for reply in replies["shown"]]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "2 Replies" in html
    for name, pk, author in hidden_ids(replies):
        assert f'id="comment-{pk}"' not in html and author not in html, name
