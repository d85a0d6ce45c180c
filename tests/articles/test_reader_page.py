"""The reader's page without a browser: threads, pages, permalinks, the form's markup."""

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


@pytest.fixture
def per_page(settings):
    settings.COMMENTS_PER_PAGE = 2
    return 2


# --- threads -------------------------------------------------------------------


def test_threads_are_nested_lists(client, article, make_comment):
    a = make_comment()
    a1 = make_comment(parent=a)
    a1x = make_comment(parent=a1)
    a2 = make_comment(parent=a)
    b = make_comment()
    html = page(client, article)
    outline = Outline(html)
    assert outline.stack == []  # every list and item closed
    assert outline.ancestors == {a.pk: [], a1.pk: [a.pk], a1x.pk: [a.pk, a1.pk], a2.pk: [a.pk], b.pk: []}
    assert html.count('<ol class="children">') == 2


def test_nesting_stops_at_the_thread_depth(client, settings, article, make_comment):
    settings.COMMENTS_THREAD_DEPTH = 3
    chain = [make_comment()]
    for _ in range(4):
        chain.append(make_comment(parent=chain[-1]))
    outline = Outline(page(client, article))
    assert [len(outline.ancestors[c.pk]) for c in chain] == [0, 1, 2, 2, 2]


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


# --- pages of replies ----------------------------------------------------------


@pytest.fixture
def five_threads(article, make_comment):
    """Five threads, oldest first; the second and the fifth have answers."""
    roots = [make_comment(body=f"Thread {n}") for n in range(1, 6)]
    answers = {
        1: make_comment(parent=roots[1], body="Answer on two"),
        4: make_comment(parent=roots[4], body="Answer on five"),
    }
    return roots, answers


def test_pages_hold_per_page_threads_oldest_first(client, article, per_page, five_threads):
    roots, answers = five_threads
    assert shown_ids(page(client, article)) == [roots[0].pk, roots[1].pk, answers[1].pk]
    assert shown_ids(page(client, article, "?cpage=2")) == [roots[2].pk, roots[3].pk]
    assert shown_ids(page(client, article, "?cpage=3")) == [roots[4].pk, answers[4].pk]


def test_newest_first_puts_the_latest_threads_on_page_one(client, settings, article, per_page, five_threads):
    settings.COMMENTS_NEWEST_FIRST = True
    roots, answers = five_threads
    assert shown_ids(page(client, article)) == [roots[4].pk, answers[4].pk, roots[3].pk]
    assert shown_ids(page(client, article, "?cpage=2")) == [roots[2].pk, roots[1].pk, answers[1].pk]
    assert shown_ids(page(client, article, "?cpage=3")) == [roots[0].pk]


@pytest.mark.parametrize(
    "cpage,expected",
    [("abc", ""), ("", ""), ("2.5", ""), ("0", ""), ("-1", ""), ("02", ""), ("²", ""), ("4", "?cpage=3"),
     ("99", "?cpage=3"), ("1001", "?cpage=3"), ("99999999999", "")],
)
def test_a_page_that_does_not_exist_redirects_to_the_nearest_real_one(
    client, article, per_page, five_threads, cpage, expected
):
    for attempt in range(2):  # the second time from what the first one cached
        response = client.get(article.get_absolute_url(), {"cpage": cpage})
        assert response.status_code == 302
        assert response["Location"] == article.get_absolute_url() + expected
    html = client.get(response["Location"]).content.decode()
    assert f'<span aria-current="page">{expected[-1:] or 1}</span>' in html


def test_only_pages_that_exist_are_cached(client, article, per_page, five_threads):
    from django.core.cache import cache

    from comments import page_cache

    for number in range(1, 30):
        client.get(article.get_absolute_url(), {"cpage": number})
    cached = [n for n in range(1, 30) if cache.get(page_cache._base_key(article.slug, n) + ":meta") is not None]
    assert cached == [1, 2, 3]


def test_links_between_pages(client, article, per_page, five_threads):
    url = article.get_absolute_url()
    html = page(client, article, "?cpage=2")
    assert '<nav class="comment-pages" aria-label="Pages of replies">' in html
    assert f'<a rel="prev" href="{url}#comments">Older replies</a>' in html
    assert f'<a rel="next" href="{url}?cpage=3#comments">Newer replies</a>' in html
    assert f'<a href="{url}?cpage=3#comments">3</a>' in html
    # Reply links and the form keep the reader on this page.
    assert f'href="{url}?cpage=2&amp;replytocom=' in html
    assert f'action="/articles/{article.slug}/comments/?cpage=2"' in html


def test_one_page_has_no_page_links(client, article, five_threads):
    assert "comment-pages" not in page(client, article)


def test_the_heading_counts_every_public_reply_on_every_page(client, article, per_page, five_threads, make_comment):
    make_comment(status=Status.PENDING)
    hidden_root = make_comment()
    make_comment(parent=make_comment(parent=hidden_root))
    hidden_root.reject()  # the approved replies beneath it are hidden too, so not counted
    kept = make_comment()
    hidden_middle = make_comment(parent=kept)
    make_comment(parent=hidden_middle)
    hidden_middle.mark_spam()
    shown = []
    for number in (1, 2, 3):  # six threads, two a page
        html = page(client, article, f"?cpage={number}")
        assert "8 Replies to “Storm closes the harbour”" in html
        shown += shown_ids(html)
    assert len(shown) == len(set(shown)) == 8  # the count is what the pages show


def test_heading_when_there_are_no_replies(client, article):
    assert "No replies yet" in page(client, article)


def test_permalinks_land_on_the_page_that_shows_the_reply(client, settings, article, per_page, five_threads):
    roots, answers = five_threads
    for newest_first in (False, True):
        settings.COMMENTS_NEWEST_FIRST = newest_first
        for reply in [*roots, *answers.values()]:
            url = reply.get_absolute_url()
            assert url.endswith(f"#comment-{reply.pk}")
            assert f'id="comment-{reply.pk}"' in client.get(url).content.decode(), (newest_first, url)
    settings.COMMENTS_NEWEST_FIRST = False
    assert roots[0].get_absolute_url() == f"{article.get_absolute_url()}#comment-{roots[0].pk}"
    assert roots[4].get_absolute_url() == f"{article.get_absolute_url()}?cpage=3#comment-{roots[4].pk}"


def test_after_posting_the_author_lands_on_the_page_with_their_reply(client, settings, article, per_page, five_threads):
    roots, _ = five_threads
    for newest_first, parent, expected_page in [(False, "", 3), (False, roots[2].pk, 2), (True, "", 1)]:
        settings.COMMENTS_NEWEST_FIRST = newest_first
        body = f"Mine, newest first {newest_first}, parent {parent or 'none'}"
        response = post(client, article, parent=parent, body=body)
        mine = Comment.objects.get(body=body)
        assert response.status_code == 303
        assert response["Location"] == mine.get_absolute_url()
        assert (f"?cpage={expected_page}#" in response["Location"]) == (expected_page > 1)
        html = client.get(response["Location"]).content.decode()
        assert f'id="comment-{mine.pk}"' in html and "Your reply is awaiting moderation." in html


def test_the_page_costs_the_same_queries_however_many_replies(client, article, make_comment, per_page,
                                                              django_assert_num_queries, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # every render fresh

    def queries_for(query=""):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            page(client, article, query)
        return len(captured)

    empty = queries_for()
    for _ in range(12):
        root = make_comment()
        make_comment(parent=make_comment(parent=root))
    assert queries_for() == queries_for("?cpage=3") == queries_for("?cpage=6") == empty
    with django_assert_num_queries(4):  # article, counts, page edges, replies
        page(client, article, "?cpage=2")


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
