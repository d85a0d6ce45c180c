"""Whole article pages served from the cache, personalised on the way out."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, Status
from tests.conftest import reply_data


SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def test_every_anonymous_reader_gets_the_same_bytes_and_can_post(article, make_comment):
    make_comment(body="Public reply")
    readers = [Client(enforce_csrf_checks=True) for _ in range(3)]
    responses = [reader.get(article.get_absolute_url()) for reader in readers]
    assert len({response.content for response in responses}) == 1
    page = responses[0].content.decode()
    assert "csrfmiddlewaretoken" not in page and 'name="token" value' not in page
    assert not any(response.cookies for response in responses)
    assert "Cookie" not in responses[0].get("Vary", "")
    for n, reader in enumerate(readers):
        reader.get(f"/articles/{article.slug}/comments/stamp.gif")  # what the browser loads with the form
        data = reply_data(body=f"Posted from a shared page {n}", email=f"c{n}@example.org")
        assert reader.post(f"/articles/{article.slug}/comments/", data, **SAME_ORIGIN).status_code == 303
    assert Comment.objects.filter(body__startswith="Posted from a shared page").count() == 3


def test_a_cached_page_needs_no_article_query(client, article):
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert not any("articles_article" in q["sql"] for q in captured)


def test_editing_the_article_shows_at_once(client, article):
    assert "Storm closes the harbour" in client.get(article.get_absolute_url()).content.decode()
    article.title = "Storm reopens the harbour"
    article.save()
    assert "Storm reopens the harbour" in Client().get(article.get_absolute_url()).content.decode()


def test_closing_replies_shows_at_once(client, article):
    assert 'id="commentform"' in client.get(article.get_absolute_url()).content.decode()
    article.comments_open = False
    article.save()
    assert "Replies are closed." in Client().get(article.get_absolute_url()).content.decode()


def test_replies_closing_by_age_are_not_served_from_an_old_copy(article, settings, monkeypatch):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    article.published_at = timezone.now() - timedelta(days=6)
    article.save()
    assert 'id="commentform"' in Client().get(article.get_absolute_url()).content.decode()
    a_day_later = timezone.now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: a_day_later)
    assert "Replies are closed." in Client().get(article.get_absolute_url()).content.decode()


def test_personal_views_are_never_the_shared_copy(client, article, make_comment):
    parent = make_comment(name="Ada", body="Shared words")
    Client().get(article.get_absolute_url())  # fills the cache
    replying = Client().get(article.get_absolute_url() + f"?replytocom={parent.pk}").content.decode()
    assert "Replying to" in replying and f'name="parent" value="{parent.pk}" id="id_parent"' in replying
    client.post(f"/comments/{parent.pk}/report/", {"reason": "spam"})
    assert "Thank you" in client.get(article.get_absolute_url()).content.decode()  # the message shows


def test_unknown_and_embargoed_articles_stay_404(client, make_article):
    embargoed = make_article(published_at=timezone.now() + timedelta(days=1))
    for _ in range(2):
        assert client.get(embargoed.get_absolute_url()).status_code == 404
        assert client.get("/articles/nothing-here/").status_code == 404


def test_moderation_reaches_the_shared_copy(article, make_comment, moderator):
    reply = make_comment(status=Status.PENDING, body="Soon public")
    assert "Soon public" not in Client().get(article.get_absolute_url()).content.decode()
    reply.approve(by=moderator)
    assert "Soon public" in Client().get(article.get_absolute_url()).content.decode()


def test_deleting_in_the_admin_reaches_the_shared_copy(client, admin_user, article, make_comment, make_article):
    reply = make_comment(body="Deleted later")
    assert "Deleted later" in Client().get(article.get_absolute_url()).content.decode()
    client.force_login(admin_user)
    client.post(f"/admin/comments/comment/{reply.pk}/delete/", {"post": "yes"})
    assert "Deleted later" not in Client().get(article.get_absolute_url()).content.decode()
    client.post("/admin/articles/article/", {"action": "delete_selected", "_selected_action": [article.pk],
                                             "post": "yes"})
    assert Client().get(article.get_absolute_url()).status_code == 404
    reborn = make_article(slug=article.slug, title="A new story under the old address")
    assert "A new story" in Client().get(reborn.get_absolute_url()).content.decode()


def test_a_new_slug_leaves_no_page_at_the_old_address(client, article):
    old_url = article.get_absolute_url()
    assert client.get(old_url).status_code == 200
    article.slug = "storm-harbour-renamed"
    article.save()
    assert Client().get(old_url).status_code == 404
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_a_cached_page_is_one_cache_read(client, article, make_comment, django_assert_max_num_queries):
    make_comment()
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(1):  # the database cache's get_many; none with Redis
        assert client.get(article.get_absolute_url()).status_code == 200
