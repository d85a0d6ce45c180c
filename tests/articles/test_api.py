import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from comments.conf import comment_settings
from comments.models import Status
from tests.conftest import clear_caches


@pytest.fixture(autouse=True)
def empty_cache(db):
    """Throttle counts live in the shared cache, which on Redis outlives each test's transaction."""
    clear_caches()


@pytest.fixture
def api():
    return APIClient()


def test_articles_are_listed_newest_first_with_their_reply_counts(api, article, make_article, make_comment):
    older = article
    older.published_at = timezone.now() - timezone.timedelta(days=2)
    older.save()
    newer = make_article(title="Newer")
    make_article(title="Embargoed", published_at=timezone.now() + timezone.timedelta(days=1))
    make_comment(article=older)
    make_comment(article=older)
    make_comment(article=older, status=Status.PENDING)
    make_comment(article=older, status=Status.SPAM)
    response = api.get("/api/articles/")
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["next"], data["previous"]) == (2, None, None)
    assert [a["title"] for a in data["results"]] == ["Newer", older.title]
    assert data["results"][1] == {
        "slug": older.slug, "title": older.title, "url": f"http://testserver/api/articles/{older.slug}/",
        "published_at": older.published_at.isoformat().replace("+00:00", "Z"),
        "comments_open": True, "comment_count": 2,
    }
    assert data["results"][0]["comment_count"] == 0 and newer.slug in data["results"][0]["url"]


def test_an_article_in_full(api, article, make_comment):
    make_comment()
    response = api.get(f"/api/articles/{article.slug}/")
    assert response.status_code == 200
    assert response.json() == {
        "slug": article.slug, "title": article.title, "body": "First paragraph.\n\nSecond paragraph.",
        "published_at": article.published_at.isoformat().replace("+00:00", "Z"),
        "comments_open": True, "comment_count": 1,
    }


def test_comments_open_says_whether_a_reply_would_be_taken(api, make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    closed = make_article(comments_open=False)
    aged = make_article(published_at=timezone.now() - timezone.timedelta(days=8))
    for article in (closed, aged):
        assert api.get(f"/api/articles/{article.slug}/").json()["comments_open"] is False


@pytest.mark.parametrize("slug", ["no-such-article", "ünïcödé", "x" * 300, "%00"])
def test_unknown_article_is_404(api, db, slug):
    response = api.get(f"/api/articles/{slug}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Article matches the given query."}


def test_an_embargoed_article_is_404(api, make_article):
    embargoed = make_article(published_at=timezone.now() + timezone.timedelta(days=1))
    assert api.get(f"/api/articles/{embargoed.slug}/").status_code == 404


@pytest.mark.parametrize("page", ["2", "abc", "0", "-3", "9" * 40])
def test_a_page_past_the_end_or_not_a_number_is_404(api, article, page):
    response = api.get("/api/articles/", {"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_the_list_costs_the_same_queries_however_many_articles(
    api, make_article, make_comment, settings, django_assert_num_queries
):
    settings.COMMENTS_THROTTLE_ENABLED = False  # the database cache would add its own queries
    make_comment(article=make_article())
    with django_assert_num_queries(2):  # count, page with its reply counts
        api.get("/api/articles/")
    for _ in range(10):
        make_comment(article=make_article())
    with django_assert_num_queries(2):
        assert api.get("/api/articles/").json()["count"] == 12  # with the `article` fixture's


def test_reading_articles_is_throttled_per_ip(api, article, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "read": "2/minute"}
    assert api.get("/api/articles/").status_code == 200
    assert api.get(f"/api/articles/{article.slug}/").status_code == 200
    response = api.get("/api/articles/")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert api.get("/api/articles/", REMOTE_ADDR="198.51.100.3").status_code == 200


def test_articles_are_read_only(api, article):
    assert api.post("/api/articles/", {"slug": "new"}, format="json").status_code == 405
    assert api.delete(f"/api/articles/{article.slug}/").status_code == 405


def test_comment_count_is_the_page_s_count_not_the_approved_replies(api, client, admin_client, article, make_comment):
    """One visibility rule: an approved answer under a rejected reply is counted nowhere, as nobody sees it."""
    parent = make_comment()
    make_comment(parent=parent)
    make_comment(status=Status.PENDING)
    parent.reject()
    assert api.get(f"/api/articles/{article.slug}/").json()["comment_count"] == 0
    assert api.get("/api/articles/").json()["results"][0]["comment_count"] == 0
    assert "No replies yet" in client.get(article.get_absolute_url()).content.decode()
    listing = admin_client.get("/admin/articles/article/").content.decode()
    assert '<td class="field-published">0</td>' in listing and '<td class="field-pending">1</td>' in listing
    make_comment()  # a published thread of its own: counted everywhere
    assert api.get(f"/api/articles/{article.slug}/").json()["comment_count"] == 1
    assert '<td class="field-published">1</td>' in admin_client.get("/admin/articles/article/").content.decode()
