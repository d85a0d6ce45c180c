import pytest

from comments.sanitize import render_reply, reply_urls, url_hosts


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


def test_reply_urls_counts_links_and_typed_markup():
    assert len(reply_urls(render_reply("http://a.com and www.b.org <a href='http://c.example'>c</a>"))) == 3


@pytest.mark.parametrize(
    "typed,href",
    [
        ("http://cheap.shop/x", "http://cheap.shop/x"),
        ("https://pills.xyz/a", "https://pills.xyz/a"),
        ("http://spam.top/", "http://spam.top/"),
        ("https://x.online/", "https://x.online/"),
        ("https://evil.click/", "https://evil.click/"),
        ("http://deals.store", "http://deals.store"),
        ("www.spam.site/p", "http://www.spam.site/p"),
        ("http://a.example/1", "http://a.example/1"),
        ("http://1.2.3.4/x", "http://1.2.3.4/x"),
        ("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
        ("https://bücher.shop/angebot", "https://bücher.shop/angebot"),
        ("https://例え.テスト/", "https://例え.テスト/"),
        ("HTTPS://EVIL.SHOP/X", "HTTPS://EVIL.SHOP/X"),
    ],
)
def test_every_http_url_and_www_host_is_linkified_whatever_its_tld(typed, href):
    html = render_reply(f"Look at {typed} now")
    assert f'<a href="{href}" rel="nofollow ugc noopener">{typed}</a> now' in html


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("(see https://x.shop/promo)", '(see <a href="https://x.shop/promo" rel="nofollow ugc noopener">'
                                        "https://x.shop/promo</a>)"),
        ('"https://x.online/"', '"<a href="https://x.online/" rel="nofollow ugc noopener">https://x.online/</a>"'),
        ("'https://x.online/'", "'<a href=\"https://x.online/\" rel=\"nofollow ugc noopener\">https://x.online/</a>'"),
        ("Go to http://a.xyz/b.", '<a href="http://a.xyz/b" rel="nofollow ugc noopener">http://a.xyz/b</a>.'),
        ("Wow, http://a.xyz!", '<a href="http://a.xyz" rel="nofollow ugc noopener">http://a.xyz</a>!'),
        ("http://en.wikipedia.org/wiki/Foo_(bar)", '<a href="http://en.wikipedia.org/wiki/Foo_(bar)" '),
    ],
)
def test_urls_in_parentheses_quotes_and_sentences_leave_the_punctuation_outside(typed, expected):
    assert expected in render_reply(typed)


@pytest.mark.parametrize("text", ["jane@www.example.com", "node.js and 3.14", "see example.community", "ftp://x.com",
                                  "www.example"])
def test_what_is_not_a_web_address_stays_text(text):
    assert "<a" not in render_reply(text)


def test_reply_urls_include_urls_that_are_not_links():
    html = render_reply('<code>http://a.shop/x</code> <a href="https://ok.example">https://evil.shop</a>')
    assert reply_urls(html) == ["http://a.shop/x", "https://ok.example", "https://evil.shop"]


def test_a_link_whose_text_is_its_address_counts_once():
    html = render_reply('<a href="https://Example.org/a/">https://example.org/a</a> and <a href="http://b.xyz">b</a>')
    assert reply_urls(html) == ["https://Example.org/a/", "http://b.xyz"]


def test_a_linkified_url_counts_once():
    assert reply_urls(render_reply("www.spam.site/p and http://a.xyz")) == ["http://www.spam.site/p", "http://a.xyz"]


def test_url_hosts_of_every_kind_of_address():
    urls = ["https://Casino-Bonus.SHOP/promo", "www.spam.site/p", "http://1.2.3.4/x", "http://google.com@evil.top/",
            "https://bücher.shop/", "mailto:x@mail.spam.click", "http://[::1"]
    assert url_hosts(urls) == {
        "casino-bonus.shop", "www.spam.site", "1.2.3.4", "evil.top", "bücher.shop", "xn--bcher-kva.shop",
        "mail.spam.click",
    }
