import pytest

from comments.sanitize import count_links, render_reply


def test_plain_text_becomes_paragraphs_and_line_breaks():
    assert render_reply("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_urls_are_linkified_with_rel():
    html = render_reply("see https://example.com/x now")
    assert '<a href="https://example.com/x" rel="nofollow ugc noopener">https://example.com/x</a>' in html


def test_typed_links_get_rel_replaced():
    html = render_reply('<a href="https://ok.example" rel="follow" title="t">ok</a>')
    assert html == '<p><a href="https://ok.example" title="t" rel="nofollow ugc noopener">ok</a></p>'


@pytest.mark.parametrize("tag", ["abbr", "b", "code", "em", "i", "strong"])
def test_allowed_inline_tags_survive(tag):
    assert f"<{tag}>x</{tag}>" in render_reply(f"<{tag}>x</{tag}>")


def test_allowed_block_tags_are_not_wrapped_in_paragraphs():
    html = render_reply("<blockquote>quoted</blockquote>\n\n<ul><li>a</li></ul>")
    assert html == "<blockquote>quoted</blockquote>\n<ul><li>a</li></ul>"


def test_script_tag_is_stripped_to_inert_text():
    assert render_reply("<script>bad()</script>") == "<p>bad()</p>"


@pytest.mark.parametrize(
    "payload",
    [
        '<img src=x onerror="alert(1)">hi',
        '<a href="javascript:alert(1)">hi</a>',
        '<a href="data:text/html,<script>alert(1)</script>">hi</a>',
        '<svg onload="alert(1)">hi</svg>',
        '<p onclick="alert(1)">hi</p>',
        '<iframe src="https://evil.example"></iframe>hi',
        '<a href="JaVaScRiPt:alert(1)">hi</a>',
        '<style>body{display:none}</style>hi',
    ],
)
def test_dangerous_markup_is_removed(payload):
    html = render_reply(payload)
    for needle in ("onerror", "javascript", "data:", "<svg", "onclick", "<iframe", "<img", "<style"):
        assert needle not in html.lower()
    assert "hi" in html


def test_disallowed_protocol_loses_href():
    assert render_reply('<a href="ftp://x.example/f">f</a>') == '<p><a rel="nofollow ugc noopener">f</a></p>'


def test_markup_only_reply_sanitises_to_nothing():
    assert render_reply("<b></b><img src=x>") == ""
    assert render_reply("   \n\n  ") == ""


def test_text_is_escaped():
    assert render_reply("1 < 2 & 3 > 2") == "<p>1 &lt; 2 &amp; 3 &gt; 2</p>"


def test_count_links():
    assert count_links(render_reply("http://a.com and www.b.org <a href='http://c.example'>c</a>")) == 3
