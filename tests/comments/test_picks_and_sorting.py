"""Editors' picks ("Can pick replies") and the orders readers choose: ?sort=oldest|newest|picks|recommended."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import picks
from comments.models import Comment, ModerationEvent, Status
from comments.sorting import permalink
from tests.conftest import reply_data

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def editor(make_user):
    return make_user("comments.pick_comment", username="editor")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def ids_on(html):
    return [int(n) for n in re.findall(r'<li id="comment-([0-9]+)"', html)]


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200, response
    return response.content.decode()


# --- Picks -----------------------------------------------------------------------------------


def test_the_api_picks_and_unpicks_with_the_permission(article, editor, make_comment):
    reply = make_comment()
    client = signed_in(editor)
    response = client.post(f"/api/moderation/comments/{reply.pk}/pick/")
    assert response.status_code == 200 and response.json()["picked"] is True
    reply.refresh_from_db()
    assert reply.picked_at is not None
    assert client.post(f"/api/moderation/comments/{reply.pk}/pick/").status_code == 200  # again: no change
    response = client.post(f"/api/moderation/comments/{reply.pk}/unpick/")
    assert response.json() == {"id": reply.pk, "picked": False, "picked_at": None}
    events = list(ModerationEvent.objects.filter(comment=reply).values_list("to_status", "actor", "from_status"))
    assert events == [("picked", editor.pk, "approved"), ("unpicked", editor.pk, "approved")]


def test_picking_needs_the_permission(article, moderator, make_comment):
    reply = make_comment()
    assert Client().post(f"/api/moderation/comments/{reply.pk}/pick/").status_code in (401, 403)
    assert signed_in(moderator).post(f"/api/moderation/comments/{reply.pk}/pick/").status_code == 403
    changelist = reverse("admin:comments_comment_changelist")
    signed_in(moderator).post(changelist, {"action": "pick", "_selected_action": [reply.pk]})
    reply.refresh_from_db()
    assert reply.picked_at is None and not ModerationEvent.objects.exists()


def test_only_a_published_reply_is_picked(article, editor, make_comment):
    pending = make_comment(status=Status.PENDING)
    response = signed_in(editor).post(f"/api/moderation/comments/{pending.pk}/pick/")
    assert response.status_code == 400
    assert signed_in(editor).post("/api/moderation/comments/999999/pick/").status_code == 404
    pending.refresh_from_db()
    assert pending.picked_at is None


def test_the_admin_action_picks(article, make_user, make_comment):
    user = make_user("comments.moderate_comment", "comments.pick_comment")
    first, second = make_comment(), make_comment()
    changelist = reverse("admin:comments_comment_changelist")
    client = signed_in(user)
    client.post(changelist, {"action": "pick", "_selected_action": [first.pk, second.pk]})
    assert Comment.objects.filter(picked_at__isnull=False).count() == 2
    client.post(changelist, {"action": "unpick", "_selected_action": [first.pk]})
    assert list(Comment.objects.filter(picked_at__isnull=False)) == [second]


def test_a_pick_shows_a_badge_in_every_order(article, editor, make_comment):
    reply = make_comment(body="Best reply")
    make_comment()
    picks.pick(Comment.objects.filter(pk=reply.pk), by=editor)
    for query in ("", "?sort=newest", "?sort=picks", "?sort=recommended"):
        html = page(Client(), article, query)
        item = html[html.index(f'id="comment-{reply.pk}"'):]
        assert item.index('class="pick-badge"') < item.index("</footer>"), query


@pytest.mark.parametrize("change", ["pick", "unpick"])
def test_picking_and_unpicking_replace_every_cached_order(article, editor, make_comment, change):
    reply = make_comment()
    if change == "unpick":
        picks.pick(Comment.objects.filter(pk=reply.pk), by=editor)
    reader = Client()
    before = {q: reader.get(article.get_absolute_url() + q) for q in ("", "?sort=newest", "?sort=picks")}
    signed_in(editor).post(f"/api/moderation/comments/{reply.pk}/{change}/")
    for query, response in before.items():
        again = reader.get(article.get_absolute_url() + query, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 200, query
        assert ('class="pick-badge"' in again.content.decode()) == (change == "pick")


# --- Orders ----------------------------------------------------------------------------------


def test_order_links_work_without_javascript(article, make_comment):
    make_comment()
    html = page(Client(), article)
    nav = html[html.index('<nav class="comment-sort"'):]
    nav = nav[:nav.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', nav) == [
        "/articles/storm-closes-the-harbour/#comments", "/articles/storm-closes-the-harbour/?sort=newest#comments",
        "/articles/storm-closes-the-harbour/?sort=picks#comments",
        "/articles/storm-closes-the-harbour/?sort=recommended#comments",
    ]
    assert ">Oldest</a>" in nav and 'aria-current="true">Oldest' in nav and ">Editors&#x27; picks<" in nav
    assert 'aria-current="true">Most recommended' in page(Client(), article, "?sort=recommended")


def test_an_unknown_order_redirects_to_the_default(client, article):
    response = client.get(article.get_absolute_url() + "?sort=loudest&cpage=2")
    assert response.status_code == 302 and response["Location"] == "/articles/storm-closes-the-harbour/?cpage=2"


def test_each_order(article, editor, make_comment, settings):
    a, b, c = make_comment(), make_comment(), make_comment()
    a_child = make_comment(parent=a)
    Comment.objects.filter(pk=b.pk).update(recommend_count=5)
    Comment.objects.filter(pk=a_child.pk).update(recommend_count=9)  # a reply's count does not move its thread
    Comment.objects.filter(pk=c.pk).update(recommend_count=2)
    picks.pick(Comment.objects.filter(pk=a_child.pk), by=editor)
    picks.pick(Comment.objects.filter(pk=c.pk), by=editor)
    reader = Client()
    assert ids_on(page(reader, article)) == [a.pk, a_child.pk, b.pk, c.pk]
    assert ids_on(page(reader, article, "?sort=newest")) == [c.pk, b.pk, a.pk, a_child.pk]
    assert ids_on(page(reader, article, "?sort=recommended")) == [b.pk, c.pk, a.pk, a_child.pk]
    picks_page = page(reader, article, "?sort=picks")
    assert ids_on(picks_page) == [c.pk, a_child.pk]  # latest pick first, flat
    assert f"In reply to {a.name}" in picks_page
    assert picks_page.count('<ol class="children">') == 0


def test_no_picks_yet(article, make_comment):
    make_comment()
    html = page(Client(), article, "?sort=picks")
    assert "No editors' picks yet." in html and ids_on(html) == []


def test_pages_keep_their_order(article, make_comment, settings):
    settings.COMMENTS_PER_PAGE = 2
    replies = [make_comment() for _ in range(5)]
    for n, reply in enumerate(replies):
        Comment.objects.filter(pk=reply.pk).update(recommend_count=n)
    reader = Client()
    first = page(reader, article, "?sort=recommended")
    assert ids_on(first) == [replies[4].pk, replies[3].pk]
    assert 'href="/articles/storm-closes-the-harbour/?sort=recommended&amp;cpage=2#comments"' in first
    second = page(reader, article, "?sort=recommended&cpage=2")
    assert ids_on(second) == [replies[2].pk, replies[1].pk]
    assert 'rel="prev" href="/articles/storm-closes-the-harbour/?sort=recommended#comments"' in second
    # Reply links keep the order and the page.
    assert f'href="/articles/storm-closes-the-harbour/?sort=recommended&amp;cpage=2&amp;replytocom={replies[2].pk}' \
        in second
    assert ids_on(page(reader, article, "?sort=newest&cpage=3")) == [replies[0].pk]
    # Past the last page: the last page of the same order.
    response = reader.get(article.get_absolute_url() + "?sort=recommended&cpage=9")
    assert response["Location"] == "/articles/storm-closes-the-harbour/?sort=recommended&cpage=3"


def test_permalinks_follow_the_order(article, editor, make_comment, settings):
    settings.COMMENTS_PER_PAGE = 2
    replies = [make_comment() for _ in range(5)]
    child = make_comment(parent=replies[0])
    Comment.objects.filter(pk=replies[0].pk).update(recommend_count=1)
    reply, child = Comment.objects.get(pk=replies[0].pk), Comment.objects.get(pk=child.pk)
    base = article.get_absolute_url()
    assert permalink(child) == f"{base}#comment-{child.pk}"
    assert permalink(child, "newest") == f"{base}?sort=newest&cpage=3#comment-{child.pk}"
    assert permalink(child, "recommended") == f"{base}?sort=recommended#comment-{child.pk}"
    # Not an editors' pick: its place in the default order.
    assert permalink(child, "picks") == f"{base}#comment-{child.pk}"
    picks.pick(Comment.objects.filter(pk__in=[r.pk for r in replies]), by=editor)
    # Picked together: the same time, then by id.
    assert permalink(Comment.objects.get(pk=reply.pk), "picks") == f"{base}?sort=picks#comment-{reply.pk}"
    last = Comment.objects.get(pk=replies[4].pk)
    assert permalink(last, "picks") == f"{base}?sort=picks&cpage=3#comment-{last.pk}"
    html = page(Client(), article, permalink(reply, "recommended")[len(base):].split("#")[0])
    assert reply.pk in ids_on(html) and child.pk in ids_on(html)


def test_posting_comes_back_to_the_readers_order(article, make_comment, settings):
    settings.COMMENTS_PER_PAGE = 1
    older = make_comment()
    html = page(Client(), article, "?sort=newest")
    assert 'action="/articles/storm-closes-the-harbour/comments/?sort=newest"' in html
    response = Client().post(f"/articles/{article.slug}/comments/?sort=newest",
                             reply_data(parent=older.pk, token=_token(article)), **SAME_ORIGIN)
    reply = Comment.objects.latest("pk")
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}?sort=newest#comment-{reply.pk}"


def _token(article):
    from comments.moderation import form_token

    return form_token(article)


def test_every_order_and_page_is_cached_and_replaced_together(article, make_comment, moderator, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(), make_comment()
    reader = Client()
    urls = [article.get_absolute_url() + q for q in
            ("", "?cpage=2", "?sort=newest", "?sort=newest&cpage=2", "?sort=picks", "?sort=recommended&cpage=2")]
    first = {url: reader.get(url) for url in urls}
    for url, response in first.items():
        with CaptureQueriesContext(connection) as captured:
            again = reader.get(url)
        assert again.content == response.content, url
        assert not any("comments_comment" in q["sql"] or "articles_article" in q["sql"] for q in captured), url
    assert len({r["ETag"] for r in first.values()}) == len(urls)
    pending = make_comment(status=Status.PENDING, body="Newly approved")
    pending.approve(by=moderator)
    for url, response in first.items():
        assert reader.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200, url


def test_an_author_sees_their_reply_awaiting_moderation_in_the_recommended_order(article, make_comment):
    root = make_comment()
    reader = Client()
    response = reader.post(f"/articles/{article.slug}/comments/?sort=recommended",
                           reply_data(parent=root.pk, token=_token(article)), **SAME_ORIGIN)
    mine = Comment.objects.get(parent=root)
    assert mine.status == Status.PENDING
    assert response["Location"] == f"{article.get_absolute_url()}?sort=recommended#comment-{mine.pk}"
    html = reader.get(response["Location"]).content.decode()
    assert ids_on(html) == [root.pk, mine.pk] and "Your reply is awaiting moderation." in html
    assert mine.pk not in ids_on(Client().get(response["Location"]).content.decode())
    # A new thread of their own is not in this order yet: they are taken to it in the default one.
    response = reader.post(f"/articles/{article.slug}/comments/?sort=recommended",
                           reply_data(body="A new thread", token=_token(article)), **SAME_ORIGIN)
    thread = Comment.objects.get(body="A new thread")
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{thread.pk}"
