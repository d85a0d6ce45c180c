import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from comments.models import Comment, Status

EMAIL_PARTS = ("@example", "reader", "10.9.8.7", "2001:db8::42", "SecretBrowser")


def export(*args):
    out, err = StringIO(), StringIO()
    call_command("export_comments", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def threads(make_comment, make_article):
    """Two articles; threads with every status, personal data on every reply."""
    details = {"ip_address": "10.9.8.7", "user_agent": "SecretBrowser/1.0"}
    root = make_comment(name="Ada", body="Top & <b>bold</b>", created_at=datetime(2024, 1, 1, 9, tzinfo=UTC),
                        **details)
    answer = make_comment(name="Bo", parent=root, body="An answer", **details)
    make_comment(name="Cy", parent=answer, status=Status.PENDING, body="Waiting", **details)
    make_comment(name="Di", status=Status.SPAM, body="Spam here", **details)
    make_comment(name="Ed", parent=root, status=Status.REJECTED, body="Rejected one",
                 ip_address="2001:db8::42", user_agent="SecretBrowser/2.0")
    other = make_article(slug="other-story")
    make_comment(article=other, name="Fay", body="Elsewhere", **details)
    return root


def test_jsonl_has_every_reply_with_its_thread_status_and_dates_but_no_personal_data(threads, article):
    out, err = export()
    records = [json.loads(line) for line in out.splitlines()]
    assert err == ""
    assert len(records) == 6
    by_name = {r["name"]: r for r in records}
    assert by_name["Bo"]["parent"] == by_name["Ada"]["id"] and by_name["Cy"]["parent"] == by_name["Bo"]["id"]
    assert {r["name"]: r["status"] for r in records} == {
        "Ada": "approved", "Bo": "approved", "Cy": "pending", "Di": "spam", "Ed": "rejected", "Fay": "approved",
    }
    assert by_name["Ada"]["created_at"] == "2024-01-01T09:00:00+00:00"
    assert by_name["Ada"]["article"] == article.slug and by_name["Fay"]["article"] == "other-story"
    assert by_name["Ada"]["body"] == "Top & <b>bold</b>"
    for part in EMAIL_PARTS:
        assert part not in out
    assert not {"email", "ip_address", "user_agent", "reasons"} & set(records[0])


def test_personal_data_only_when_asked_and_then_with_a_warning(threads):
    out, err = export("--include-personal-data")
    records = [json.loads(line) for line in out.splitlines()]
    assert "personal data" in err
    emails = {c.email for c in Comment.objects.all()}
    assert {r["email"] for r in records} == emails
    assert "10.9.8.7" in out and "SecretBrowser/1.0" in out


def test_one_article_only(threads, article):
    out, _ = export("--article", "other-story")
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["Fay"]
    with pytest.raises(CommandError, match="No article"):
        export("--article", "no-such-story")


def test_wxr_export_is_wordpress_shaped_and_private(threads):
    out, err = export("--format", "wxr")
    assert err == ""
    root = etree.fromstring(out.encode())
    wp = "{http://wordpress.org/export/1.2/}"
    items = root.findall("channel/item")
    assert [i.findtext(f"{wp}post_name") for i in items] == ["storm-closes-the-harbour", "other-story"]
    comments = items[0].findall(f"{wp}comment")
    assert [c.findtext(f"{wp}comment_approved") for c in comments] == ["1", "1", "0", "trash", "spam"]
    assert {c.findtext(f"{wp}comment_author_email") for c in comments} == {""}
    for part in EMAIL_PARTS:
        assert part not in out
    out, _ = export("--format", "wxr", "--include-personal-data")
    assert "10.9.8.7" in out and "@example.org" in out


def _shape():
    """Every reply as (article, name, parent's name, status, date, text): ids aside, the threads."""
    return sorted(
        (c.article.slug, c.name, c.parent.name if c.parent else None, c.status,
         c.created_at.replace(microsecond=0), c.body_html, c.depth)  # WXR dates are to the second
        for c in Comment.objects.select_related("article", "parent")
    )


def test_a_wxr_export_imports_back_with_the_same_threads_and_statuses(threads, tmp_path):
    before = _shape()
    out, _ = export("--format", "wxr")
    path = tmp_path / "newsroom.xml"
    path.write_text(out, encoding="utf-8")

    Comment.objects.all().delete()
    result = StringIO()
    call_command("import_wordpress", str(path), stdout=result)

    assert "6 replies imported (1 pending, 3 approved, 1 rejected, 1 spam)" in result.getvalue()
    assert _shape() == before
