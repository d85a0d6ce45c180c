from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from comments import feeds
from comments.models import Status

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def replies(make_comment):
    shown = make_comment(name="Ada Visible", email="ada@example.org", website="https://ada.example",
                         body="Hello <script>x()</script>**world**")
    make_comment(name="Bo Answer", email="bo@example.org", parent=shown, body="Shown answer")
    hidden_parent = make_comment(name="Pending Pat", email="pat@example.org", status=Status.PENDING)
    make_comment(name="Under Pending", parent=hidden_parent, body="Approved but its parent is not")
    make_comment(name="Spammer", email="spam@example.org", status=Status.SPAM)
    make_comment(name="Rejected Rita", status=Status.REJECTED)
    return shown


def entries(response):
    root = etree.fromstring(response.content)
    return {e.findtext(f"{ATOM}author/{ATOM}name"): e for e in root.iter(f"{ATOM}entry")}


def test_article_atom_feed_has_the_public_replies_and_no_email(client, article, replies):
    response = client.get(f"/articles/{article.slug}/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    found = entries(response)
    assert set(found) == {"Ada Visible", "Bo Answer"}
    ada = found["Ada Visible"]
    assert ada.findtext(f"{ATOM}summary") == replies.body_html and "<script" not in replies.body_html
    assert ada.find(f"{ATOM}link").get("href").endswith(f"/articles/{article.slug}/#comment-{replies.pk}")
    assert ada.findtext(f"{ATOM}author/{ATOM}uri") == "https://ada.example"
    assert ada.find(f"{ATOM}author/{ATOM}email") is None
    assert b"@example.org" not in response.content


def test_article_rss_feed(client, article, replies):
    response = client.get(f"/articles/{article.slug}/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    root = etree.fromstring(response.content)
    assert sorted(i.findtext("title") for i in root.iter("item")) == [
        "Ada Visible on “Storm closes the harbour”", "Bo Answer on “Storm closes the harbour”",
    ]
    assert b"@example.org" not in response.content and b"Pending Pat" not in response.content


def test_site_feed_covers_every_published_article(client, article, replies, make_article, make_comment):
    other = make_article(slug="other")
    make_comment(article=other, name="Elsewhere Eve")
    future = make_article(slug="future", published_at=timezone.now() + timedelta(days=1))
    make_comment(article=future, name="Too Early")
    for url in ("/feed/", "/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Elsewhere Eve" in response.content and b"Ada Visible" in response.content
        assert b"Too Early" not in response.content and b"Spammer" not in response.content
        assert b"@example.org" not in response.content


def test_feeds_of_unknown_or_unpublished_articles_are_404(client, make_article):
    make_article(slug="later", published_at=timezone.now() + timedelta(days=1))
    assert client.get("/articles/later/feed/").status_code == 404
    assert client.get("/articles/nope/feed/atom/").status_code == 404


def test_feeds_are_cached_until_the_replies_change(client, article, replies, make_comment, monkeypatch):
    rendered = []
    real = feeds.ArticleRepliesAtomFeed.items
    monkeypatch.setattr(feeds.ArticleRepliesAtomFeed, "items", lambda self, a: rendered.append(a) or real(self, a))
    url = f"/articles/{article.slug}/feed/atom/"
    site_before = client.get("/feed/atom/").content

    first = client.get(url).content
    assert client.get(url).content == first and len(rendered) == 1

    late = make_comment(name="Late Lou", status=Status.PENDING)
    assert b"Late Lou" not in client.get(url).content  # a pending reply changes nothing

    late.approve()
    assert b"Late Lou" in client.get(url).content
    assert b"Late Lou" in client.get("/feed/atom/").content and site_before != client.get("/feed/atom/").content

    late.mark_spam()
    assert b"Late Lou" not in client.get(url).content
    assert b"Late Lou" not in client.get("/feed/atom/").content


def test_pages_link_to_their_feeds(client, article):
    page = client.get(f"/articles/{article.slug}/").content.decode()
    assert f'<link rel="alternate" type="application/atom+xml"' in page
    assert f'href="/articles/{article.slug}/feed/atom/"' in page
    assert f'href="/articles/{article.slug}/feed/"' in page
    home = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in home and 'href="/feed/atom/"' in home and 'href="/feed/"' in home


def test_feeds_hold_the_newest_replies_up_to_the_setting(client, article, replies, settings):
    settings.COMMENTS_FEED_ITEMS = 1
    assert list(entries(client.get(f"/articles/{article.slug}/feed/atom/"))) == ["Bo Answer"]
