import re

import pytest
from django.utils import timezone

from comments.models import Status


def test_front_page_lists_articles_newest_first(client, make_article):
    older = make_article(title="Older story", published_at=timezone.now() - timezone.timedelta(days=2))
    newer = make_article(title="Newer story")
    make_article(title="Embargoed story", published_at=timezone.now() + timezone.timedelta(days=1))
    html = client.get("/").content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert f'href="{newer.get_absolute_url()}"' in html
    assert "Embargoed story" not in html


def test_article_page_has_headline_paragraphs_and_reply_form(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Storm closes the harbour</h1>" in html
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert "Leave a Reply" in html
    assert '<form id="commentform"' in html
    for field in ('name="name"', 'name="email"', 'name="website"', '<textarea name="body"',
                  'type="hidden" name="parent"'):
        assert field in html
    assert 'name="csrfmiddlewaretoken"' not in html  # anonymous: guarded by newsroom.cross_origin
    assert "Your email address will not be published. Required fields are marked" in html
    assert html.count('<span class="required" aria-hidden="true">*</span>') == 3  # name, email, body


def test_article_page_has_no_inline_script_or_third_party_resources(client, article, make_comment):
    make_comment()
    html = client.get(article.get_absolute_url()).content.decode()
    # Only the one static script, loaded from a file; no inline code or handlers.
    assert re.findall(r"<script[^>]*>.*?</script>", html, re.S) == [
        '<script src="/static/js/comments.js" defer></script>'
    ]
    assert not re.search(r"\son[a-z]+=", html)
    assert "style=" not in html and "<style" not in html
    assert "gravatar" not in html.lower()
    assert "http://" not in html and "https://" not in html


def test_unknown_article_is_404(client, db):
    assert client.get("/articles/no-such-story/").status_code == 404


def test_only_approved_replies_are_public(client, article, make_comment):
    shown = make_comment(body="Approved words")
    for status in (Status.PENDING, Status.REJECTED, Status.SPAM):
        make_comment(status=status, body=f"Hidden {status} words")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'id="comment-{shown.pk}"' in html and "Approved words" in html
    assert "Hidden" not in html
    assert "1 Reply to “Storm closes the harbour”" in html


def test_replies_are_threaded_under_their_parent(client, article, make_comment):
    first = make_comment(body="First thread")
    second = make_comment(body="Second thread")
    answer = make_comment(body="Answer to first", parent=first)
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("First thread") < html.index("Answer to first") < html.index("Second thread")
    assert f'id="comment-{answer.pk}" class="comment depth-1' in html
    assert second.depth == 0


def test_reply_to_a_hidden_parent_is_not_shown(client, article, make_comment):
    parent = make_comment(body="Parent")
    make_comment(body="Orphan answer", parent=parent)
    parent.reject()
    assert "Orphan answer" not in client.get(article.get_absolute_url()).content.decode()


def test_closed_article_shows_no_form(client, make_article):
    closed = make_article(comments_open=False)
    html = client.get(closed.get_absolute_url()).content.decode()
    assert "Replies are closed." in html and 'id="commentform"' not in html


@pytest.mark.parametrize("url", ["/", "/articles/storm-closes-the-harbour/"])
def test_pages_send_a_content_security_policy(client, article, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
