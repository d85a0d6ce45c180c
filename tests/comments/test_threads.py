"""comments/threads.py: nested threads, pages cut along thread_path, the page of a permalink;
and comments/paths.py, the thread_path format. Through the page where the reader sees them."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import page_cache, paths
from comments.models import Comment, Status
from comments.threads import nest, newest_threads_first
from tests.articles.test_reader_page import Outline, page, post, shown_ids


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


# --- the thread_path format --------------------------------------------------------


def test_a_path_is_the_ancestors_ids_then_its_own_ten_digits_each():
    assert paths.child_path("", 12) == "0000000012"
    assert paths.child_path("0000000012", 31) == "0000000012/0000000031"
    path = paths.child_path(paths.child_path("0000000012", 31), 7)
    assert [path[: paths.prefix_length(depth)] for depth in range(3)] == [
        "0000000012", "0000000012/0000000031", path
    ]
    assert paths.MAX_LEVELS == 23 and Comment._meta.get_field("thread_path").max_length == paths.MAX_LENGTH


def test_stored_replies_get_their_path_from_the_one_helper(article, make_comment):
    root = make_comment()
    answer = make_comment(parent=root)
    answer.refresh_from_db()
    assert answer.thread_path == paths.child_path(paths.child_path("", root.pk), answer.pk)


def test_nest_opens_and_closes_lists_in_one_pass():
    class Reply:
        def __init__(self, pk, parent_id=None):
            self.pk, self.parent_id = pk, parent_id

    replies = nest([Reply(1), Reply(2, 1), Reply(3, 2), Reply(4, 1), Reply(5), Reply(6, 99)])
    assert [r.level for r in replies] == [0, 1, 2, 1, 0, 0]  # 6's parent is not on the page: a thread of its own
    assert [r.opens_children for r in replies] == [True, True, False, False, False, False]
    assert [len(r.closes) for r in replies] == [0, 0, 1, 1, 0, 0]
    assert [r.pk for r in newest_threads_first(replies[:5])] == [5, 1, 2, 3, 4]


def test_the_author_sees_their_own_pending_reply_and_no_one_else_does(article, make_comment):
    root = make_comment()
    mine = make_comment(parent=root, status=Status.PENDING)
    hidden = make_comment(parent=make_comment(status=Status.REJECTED))
    everyone = Comment.objects.for_article(article)
    assert set(everyone.public()) == {root}
    assert set(everyone.public_or_own([mine.pk])) == {root, mine}
    assert set(everyone.public_or_own([hidden.pk])) == {root}  # approved, but under a rejected reply
    mine.mark_spam()  # a moderator's decision ends the preview
    assert set(everyone.public_or_own([mine.pk])) == {root}


def test_a_reply_s_page_number_counts_top_level_threads(article, make_comment, per_page, settings):
    roots = [make_comment() for _ in range(5)]
    answer = make_comment(parent=roots[2])
    assert [r.page_number() for r in [*roots, answer]] == [1, 1, 2, 2, 3, 2]
    settings.COMMENTS_NEWEST_FIRST = True
    assert [r.page_number() for r in [*roots, answer]] == [3, 2, 2, 1, 1, 2]
