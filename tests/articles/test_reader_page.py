"""The reader's page without a browser: reply links, the author's preview, the form's markup.

Threads, pages and permalinks: tests/comments/test_threads.py."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from comments.models import Comment, Status
from comments.moderation import form_token
from tests.conftest import reply_data


class Outline(HTMLParser):
    """Each reply's enclosing replies, read from the nested <li id="comment-N"> elements."""

    def __init__(self, html):
        super().__init__()
        self.stack, self.ancestors, self.form_parent = [], {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("ol", "li"):
            self.stack.append((tag, attrs.get("id", "")))
        if tag == "li" and attrs.get("id", "").startswith("comment-"):
            self.ancestors[int(attrs["id"][8:])] = [
                int(i[8:]) for t, i in self.stack[:-1] if t == "li" and i.startswith("comment-")
            ]

    def handle_endtag(self, tag):
        if tag in ("ol", "li"):
            assert self.stack and self.stack[-1][0] == tag, f"unbalanced </{tag}>"
            self.stack.pop()


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def shown_ids(html):
    return list(Outline(html).ancestors)


def post(client, article, **overrides):
    overrides.setdefault("token", form_token(article))
    return client.post(f"/articles/{article.slug}/comments/", reply_data(**overrides))


def test_every_approved_reply_has_a_reply_link_that_works_without_javascript(client, article, make_comment):
    reply = make_comment(name="Ada")
    html = page(client, article)
    assert (
        f'href="{article.get_absolute_url()}?replytocom={reply.pk}#respond" aria-label="Reply to Ada">Reply</a>'
    ) in html


def test_replytocom_sets_the_parent_and_says_whom_you_answer(client, article, make_comment):
    reply = make_comment(name="Ada")
    html = page(client, article, f"?replytocom={reply.pk}")
    assert f'<input type="hidden" name="parent" value="{reply.pk}" id="id_parent">' in html
    assert '<p id="replying-to" class="replying-to">Replying to' in html
    assert f'<a id="replying-to-name" href="#comment-{reply.pk}">Ada</a>' in html
    assert f'<a id="cancel-reply" href="{article.get_absolute_url()}#respond">Cancel</a>' in html


@pytest.mark.parametrize("value", ["", "abc", "-3", "99999999", "1e9", "9" * 40])
def test_replytocom_that_is_not_a_reply_here_is_ignored(client, article, make_comment, value):
    make_comment()
    html = page(client, article, f"?replytocom={value}")
    assert '<input type="hidden" name="parent" id="id_parent">' in html
    assert '<p id="replying-to" class="replying-to" hidden>' in html


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_replytocom_on_an_unpublished_reply_is_ignored(client, article, make_comment, status):
    hidden = make_comment(status=status)
    html = page(client, article, f"?replytocom={hidden.pk}")
    assert '<input type="hidden" name="parent" id="id_parent">' in html


def test_reply_through_replytocom_lands_in_the_thread(client, article, make_comment):
    parent = make_comment(name="Ada")
    response = post(client, article, parent=parent.pk, body="Answer to Ada")
    child = Comment.objects.get(body="Answer to Ada")
    assert response.status_code == 303 and child.parent == parent
    outline = Outline(page(client, article))
    assert outline.ancestors[child.pk] == [parent.pk]


def test_a_form_error_on_a_reply_keeps_replying_to(client, article, make_comment):
    parent = make_comment(name="Ada")
    html = post(client, article, parent=parent.pk, body="").content.decode()
    assert f'name="parent" value="{parent.pk}"' in html
    assert '<p id="replying-to" class="replying-to">Replying to' in html


def test_no_reply_links_when_replies_are_closed(client, make_article, make_comment):
    closed = make_article(comments_open=False)
    make_comment(article=closed)
    assert "comment-reply-link" not in page(client, closed)


# --- the author's preview --------------------------------------------------------


def test_the_preview_survives_a_reload_and_goes_once_moderated(client, article, moderator):
    post(client, article, body="Pending words")
    mine = Comment.objects.get()
    assert page(client, article).count("Your reply is awaiting moderation.") == 1
    assert "Your reply is awaiting moderation." in page(client, article)  # a reload
    assert "Pending words" not in page(Client(), article)
    mine.mark_spam(by=moderator)
    assert "Pending words" not in page(client, article)


def test_the_preview_of_spam_caught_by_the_pipeline_stays(client, article):
    post(client, article, body="Spammy words", nickname="filled by a bot")
    assert Comment.objects.get().status == Status.SPAM
    assert "Your reply is awaiting moderation." in page(client, article)


def test_an_approved_reply_loses_the_notice(client, article, moderator):
    post(client, article, body="Soon public")
    Comment.objects.get().approve(by=moderator)
    html = page(client, article)
    assert "Soon public" in html and "awaiting moderation" not in html


# --- the form --------------------------------------------------------------------


def test_remember_me_is_an_unticked_checkbox_the_server_never_receives(client, article):
    html = page(client, article)
    assert (
        '<p class="comment-form-remember" hidden>\n'
        '    <input type="checkbox" id="remember-me">\n'
        '    <label for="remember-me">Save my name, email, and website in this browser for the next time I '
        "comment.</label>"
    ) in html


@pytest.mark.parametrize("field", ["name", "email", "body"])
def test_required_fields_are_marked_for_assistive_technology(client, article, field):
    html = page(client, article)
    tag = html[html.index(f'id="id_{field}"') - 80: html.index(f'id="id_{field}"') + 300]
    assert 'required aria-required="true"' in tag
    assert f'<label for="id_{field}">' in html


def test_the_error_summary_opens_the_form_and_links_to_the_fields(client, article):
    html = post(client, article, name="", email="nope", body="Words").content.decode()
    form = html[html.index('<form id="commentform"'):]
    assert form.index('id="error-summary"') < form.index('class="comment-notes"') < form.index('id="id_name"')
    assert '<div class="error-summary" role="alert" tabindex="-1" id="error-summary"' in form
    assert '<a href="#id_name">Name: This field is required.</a>' in form
    assert '<a href="#id_email">Email: Enter a valid email address.</a>' in form
    assert 'aria-invalid="true" aria-describedby="id_name-error"' in form
    assert '<span class="field-error" id="id_email-error">Enter a valid email address.</span>' in form
    assert 'aria-invalid="true"' not in form[form.index('id="id_body"') - 200:]


def test_dates_are_machine_readable(client, article, make_comment):
    reply = make_comment()
    html = page(client, article)
    assert f'<time datetime="{reply.created_at.isoformat()}">' in html
