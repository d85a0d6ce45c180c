import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from articles.models import Article
from comments import importing, privacy
from comments.models import Comment, ModerationEvent, Status
from comments.notifications import notify_moderators
from comments.sanitize import render_reply
from comments.page_cache import page_version

from . import export_samples as samples


def write(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(command, path, *args):
    out, err = StringIO(), StringIO()
    call_command(command, str(path), *args, stdout=out, stderr=err)
    assert err.getvalue() == ""  # no progress bar when stderr is not a terminal
    return out.getvalue()


def by_source_id(source="wordpress"):
    return {c.source_id: c for c in Comment.objects.filter(source=source)}


# --- WordPress ---------------------------------------------------------------------------


def test_wxr_1_2_brings_in_every_comment_threaded_with_its_status_and_date(article, tmp_path):
    output = run("import_wordpress", write(tmp_path, samples.WXR_1_2))

    replies = by_source_id()
    assert set(replies) == {"101", "103", "104", "105", "107"}  # 106 is a pingback
    assert {r.article for r in replies.values()} == {article}
    # 103 comes before its parent 101 in the file; 107 answers 103.
    assert replies["101"].parent is None and replies["103"].parent == replies["101"]
    assert replies["107"].parent == replies["103"] and replies["107"].depth == 2
    assert replies["107"].thread_path == f"{replies['101'].pk:010d}/{replies['103'].pk:010d}/{replies['107'].pk:010d}"
    assert {sid: r.status for sid, r in replies.items()} == {
        "101": Status.APPROVED, "103": Status.APPROVED, "104": Status.SPAM, "105": Status.REJECTED,
        "107": Status.PENDING,
    }
    # comment_date_gmt wins over the local comment_date.
    assert replies["107"].created_at == datetime(2024, 2, 12, 13, 0, tzinfo=UTC)
    zoe = replies["101"]
    assert zoe.name == "Zoë Ångström" and zoe.ip_address == "198.51.100.23" and zoe.website == ""
    assert zoe.email == "Zoe@Example.org" and zoe.email_digest == privacy.email_digest("zoe@example.org")
    assert zoe.body_html == render_reply(zoe.body)
    assert "<script" not in zoe.body_html and "javascript:" not in zoe.body_html
    assert replies["103"].website == "https://port.example"
    assert replies["104"].email == "" and replies["104"].email_digest == ""
    events = ModerationEvent.objects.filter(comment__in=replies.values())
    assert events.count() == 5
    assert {(e.reason, e.reason_code) for e in events} == {("imported from WordPress", "imported")}
    assert {tuple(r.reason_codes) for r in replies.values()} == {("imported",)}
    assert {(e.comment.status, e.to_status) for e in events} == {(r.status, r.status) for r in replies.values()}
    # The second item's article does not exist here: its reply is skipped and listed.
    assert "5 replies imported (1 pending, 2 approved, 1 rejected, 1 spam)" in output
    assert "1 pingback or trackback" in output and "1 no article" in output
    assert "harbour: 1 reply" in output


def test_create_articles_makes_the_missing_ones_from_title_content_and_date(db, tmp_path):
    output = run("import_wordpress", write(tmp_path, samples.WXR_1_2), "--create-articles")

    assert "articles: 0 matched, 2 created" in output
    storm = Article.objects.get(slug="storm-closes-the-harbour")
    assert storm.body == "The harbour closed at noon as the storm came in."
    assert storm.published_at == datetime(2024, 2, 12, 8, 30, tzinfo=UTC)
    russian = Article.objects.get(comments__source_id="201")
    assert russian.title == "Привет, мир: the “Harbour” in Russian"
    assert russian.paragraphs() == [
        "First paragraph, with bold & an entity.", "Second paragraph.", "Same paragraph, new line.",
    ]
    assert russian.comments.get().body_html == "<p>Спасибо! Отличная статья 👍</p>"
    # A page and a draft without comments are not the import's business.
    assert Article.objects.count() == 2


def test_pingbacks_only_when_asked(article, tmp_path):
    run("import_wordpress", write(tmp_path, samples.WXR_1_2), "--include-pingbacks")
    pingback = Comment.objects.get(source_id="106")
    assert pingback.name == "Harbour Watch Blog" and pingback.status == Status.APPROVED


@pytest.mark.parametrize("sample, slug, imported", [
    (samples.WXR_1_1, "council-votes", 2), (samples.WXR_1_0, "lighthouse-reopens", 1),
])
def test_older_wxr_versions(make_article, tmp_path, sample, slug, imported):
    target = make_article(slug=slug)
    output = run("import_wordpress", write(tmp_path, sample))
    assert Comment.objects.filter(article=target).count() == imported
    assert "1 reply skipped" in output


def test_wxr_1_1_falls_back_to_the_local_date_and_drops_what_is_not_a_url_or_ip(make_article, tmp_path, settings):
    settings.TIME_ZONE = "Europe/Paris"
    make_article(slug="council-votes")
    output = run("import_wordpress", write(tmp_path, samples.WXR_1_1))
    replies = by_source_id()
    assert set(replies) == {"11", "13"} and "1 pingback or trackback" in output  # 12 is a trackback
    assert replies["13"].created_at == datetime(2011, 5, 3, 16, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert replies["13"].parent == replies["11"]
    assert replies["13"].body_html == "<p>The county pays &amp; the state matches.</p>"
    assert replies["11"].website == "" and replies["11"].ip_address is None


def test_wxr_1_0_skips_a_comment_with_nothing_readable(make_article, tmp_path):
    make_article(slug="lighthouse-reopens")
    output = run("import_wordpress", write(tmp_path, samples.WXR_1_0))
    assert set(by_source_id()) == {"5"}
    assert "1 empty text" in output


def test_running_again_imports_nothing_twice_and_threads_new_answers_under_old_replies(article, tmp_path):
    path = write(tmp_path, samples.WXR_1_2)
    run("import_wordpress", str(path))
    before = Comment.objects.count(), ModerationEvent.objects.count()

    output = run("import_wordpress", str(path))
    assert (Comment.objects.count(), ModerationEvent.objects.count()) == before
    assert "0 replies imported" in output and "5 replies already present" in output

    # A later export has one more answer, to a reply imported the first time.
    later = samples.WXR_1_2.replace("<wp:comment_id>107</wp:comment_id>", "<wp:comment_id>108</wp:comment_id>", 1)
    output = run("import_wordpress", write(tmp_path, later, "later.xml"))
    assert "1 reply imported" in output and "4 replies already present" in output
    replies = by_source_id()
    assert replies["108"].parent == replies["103"]
    assert replies["108"].thread_path.startswith(replies["103"].thread_path + "/")


def test_deep_threads_attach_within_the_depth_limit(article, tmp_path, settings):
    settings.COMMENTS_THREAD_DEPTH = 2
    run("import_wordpress", write(tmp_path, samples.WXR_1_2))
    replies = by_source_id()
    assert replies["107"].parent == replies["101"] and replies["107"].depth == 1


def test_posting_rules_do_not_apply_but_nothing_is_mailed(article, tmp_path, settings, mailoutbox, moderator):
    settings.COMMENTS_FLOOD_INTERVAL = 3600
    moderator.email = "mod@newsroom.example"
    moderator.save()
    twins = samples.WXR_1_2.replace("Nobody cares.", "Are the ferries running?")
    run("import_wordpress", write(tmp_path, twins))
    assert Comment.objects.count() == 5
    assert mailoutbox == []
    # A pending imported reply is not news to the moderators: no digest picks it up later.
    assert notify_moderators() == 0 and mailoutbox == []


def test_pages_are_invalidated_once_at_the_end(article, tmp_path, monkeypatch):
    before = page_version(article.slug)
    calls = []
    real = importing.pages_changed
    monkeypatch.setattr(importing, "pages_changed", lambda **kw: calls.append(kw) or real(**kw))
    run("import_wordpress", write(tmp_path, samples.WXR_1_2))
    assert calls == [{"article_ids": {article.pk}}]
    assert page_version(article.slug) != before
    assert len(article.comments.public()) == 2  # 101 and 103 are approved and show on the page


def test_a_truncated_file_fails_and_leaves_no_half_imported_article(make_article, tmp_path):
    first = make_article(slug="storm-closes-the-harbour")
    second = make_article(slug="harbour")
    cut = samples.WXR_1_2.index("<wp:comment_id>201</wp:comment_id>")
    with pytest.raises(CommandError, match="not well-formed"):
        run("import_wordpress", write(tmp_path, samples.WXR_1_2[:cut]))
    assert first.comments.count() == 5  # the article before the break is complete
    assert second.comments.count() == 0


@pytest.mark.parametrize("text", [
    samples.BILLION_LAUGHS,
    samples.external_entity("file:///etc/passwd"),
    samples.BILLION_LAUGHS.replace("<?xml version=\"1.0\"?>\n", ""),
])
def test_xml_bombs_and_external_entities_are_refused(article, tmp_path, text):
    with pytest.raises(CommandError, match="DTD"):
        run("import_wordpress", write(tmp_path, text))
    assert not Comment.objects.exists()


def test_an_external_entity_on_the_network_is_never_fetched(article, tmp_path):
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"leaked")

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/entity"
        for text in (samples.external_entity(url), f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{url}">\n<rss/>'):
            with pytest.raises(CommandError, match="DTD"):
                run("import_wordpress", write(tmp_path, text))
    finally:
        server.shutdown()
    assert requests == []


def test_the_command_exits_non_zero_with_a_clear_message(tmp_path):
    for text, message in [
        (samples.BILLION_LAUGHS, b"declares a DTD"),
        (samples.DISQUS, b"not a WordPress (WXR) export"),
        ("<rss><channel><item>", b"not well-formed"),
    ]:
        result = subprocess.run(
            [sys.executable, "manage.py", "import_wordpress", str(write(tmp_path, text))],
            cwd=django_settings.BASE_DIR, capture_output=True, timeout=60,
        )
        assert result.returncode != 0
        assert message in result.stderr and b"Traceback" not in result.stderr


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_wordpress", tmp_path / "nope.xml")


def test_article_bodies_from_wordpress_html():
    html = ('<!-- wp:paragraph --><p>One &amp; <a href="/x">two</a></p><!-- /wp:paragraph -->\n\n'
            "Three<br>four<script>x()</script>")
    assert importing.article_body(html) == "One & two\n\nThree\n\nfour"


# --- Disqus --------------------------------------------------------------------------------


def test_disqus_threads_map_to_articles_by_link_and_posts_find_parents_that_come_later(article, tmp_path):
    output = run("import_disqus", write(tmp_path, samples.DISQUS))

    posts = by_source_id("disqus")
    assert set(posts) == {"900001", "900003", "900004", "900005", "900006"}
    assert {p.article for p in posts.values()} == {article}
    assert posts["900003"].parent == posts["900001"]  # the answer came first in the file
    assert posts["900005"].parent == posts["900003"] and posts["900006"].parent == posts["900005"]
    assert {sid: p.status for sid, p in posts.items()} == {
        "900001": Status.APPROVED, "900003": Status.APPROVED, "900004": Status.SPAM,
        "900005": Status.REJECTED, "900006": Status.REJECTED,
    }
    assert posts["900001"].body_html == "<p>First line.</p><p>Second paragraph with a bad() script.</p>"
    assert 'rel="nofollow ugc noopener"' in posts["900003"].body_html
    assert posts["900003"].name == "Olaf Ødegård" and posts["900003"].ip_address == "203.0.113.44"
    assert posts["900003"].email_digest == privacy.email_digest("olaf@example.no")
    assert posts["900005"].name == "guest_123"  # no name: the username
    assert posts["900001"].created_at == datetime(2024, 2, 12, 10, 0, tzinfo=UTC)
    assert {e.reason for e in ModerationEvent.objects.all()} == {"imported from Disqus"}
    assert "https://gazette.example/tides/?utm_source=x: 1 reply" in output


def test_disqus_creates_missing_articles_and_is_idempotent(db, tmp_path):
    path = write(tmp_path, samples.DISQUS)
    run("import_disqus", path, "--create-articles")
    tides = Article.objects.get(slug="tides")
    assert tides.title == "Tide tables for 2024"
    assert tides.comments.get().body_html == "<p>High water at 06:12, 日本語 too.</p>"

    output = run("import_disqus", path, "--create-articles")
    assert "6 replies already present" in output and "0 replies imported" in output
    assert Comment.objects.count() == 6 and Article.objects.count() == 2


def test_disqus_threads_map_by_identifier_when_the_link_does_not_match(make_article, tmp_path):
    tables = make_article(slug="tides-table-2024")
    run("import_disqus", write(tmp_path, samples.DISQUS))
    assert tables.comments.count() == 1


def test_a_truncated_disqus_export_imports_nothing(article, tmp_path):
    cut = samples.DISQUS.index('<post dsq:id="900006">') + 40
    with pytest.raises(CommandError, match="not well-formed"):
        run("import_disqus", write(tmp_path, samples.DISQUS[:cut]))
    assert not Comment.objects.exists()


def test_disqus_refuses_a_bomb_and_another_format(article, tmp_path):
    with pytest.raises(CommandError, match="DTD"):
        run("import_disqus", write(tmp_path, samples.BILLION_LAUGHS.replace("rss", "disqus")))
    with pytest.raises(CommandError, match="not a Disqus export"):
        run("import_disqus", write(tmp_path, samples.WXR_1_2))
    assert not Comment.objects.exists()


def test_slugs_from_disqus_links_and_identifiers():
    from comments.disqus import thread_slugs

    assert thread_slugs("https://x.example/2012/05/my-post.html?a=1", "42 https://x.example/?p=42") == [
        "my-post", "42",
    ]
    assert thread_slugs("", "/news/%C3%A9t%C3%A9-hot/") == ["ete-hot"]


def test_sanitising_in_worker_processes_stores_the_same_replies(article, tmp_path):
    path = write(tmp_path, samples.WXR_1_2)

    def stored():
        return {
            c.source_id: (c.body, c.body_html, c.email_digest, c.status, c.parent.source_id if c.parent else None)
            for c in Comment.objects.select_related("parent")
        }

    run("import_wordpress", path, "--jobs", "2")
    in_workers = stored()
    Comment.objects.all().delete()
    run("import_wordpress", path, "--jobs", "1")
    assert stored() == in_workers and len(in_workers) == 5


def test_ids_met_under_another_article_are_reported_and_never_become_parents(article, make_article, tmp_path):
    run("import_wordpress", write(tmp_path, samples.WXR_1_2))
    # Another site's export: its own comment 101, and an answer to it, on another article.
    other = make_article(slug="council-votes")
    other_site = samples.WXR_1_1.replace("_id>11</", "_id>101</").replace("_parent>11</", "_parent>101</")
    output = run("import_wordpress", write(tmp_path, other_site, "other.xml"))

    assert "1 reply already present" in output and "1 of them under another article" in output
    answer = Comment.objects.get(article=other, source_id="13")
    assert answer.parent is None and answer.thread_path == f"{answer.pk:010d}"
