"""Every payload of the corpus leaves only allowed, inert markup, in storage and on the page."""

from html import unescape
from html.parser import HTMLParser

from comments.models import Comment, Status
from comments.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    render_reply,
)
from tests.proof.xss_payloads import PAYLOADS


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = set(ALLOWED_ATTRIBUTES.get(tag, [])) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                scheme = "".join(ch for ch in unescape(value or "") if ch > " ").split(":")[0].lower()
                if ":" in (value or "") and scheme not in ALLOWED_PROTOCOLS:
                    self.problems.append(f"href {value!r}")
            if tag == "a" and name == "rel" and value != "nofollow ugc noopener":
                self.problems.append(f"rel {value!r}")


def problems_in(html):
    inspector = Inspector()
    inspector.feed(html)
    return inspector.problems


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_every_payload_sanitises_to_allowed_markup():
    failures = {p: problems_in(render_reply(p)) for p in PAYLOADS}
    assert {p: f for p, f in failures.items() if f} == {}


def test_the_inspector_catches_what_it_should():
    assert problems_in('<img src=x onerror="xss(1)">') == [
        "tag <img>", "attribute src on <img>", "attribute onerror on <img>"
    ]
    assert problems_in('<a href="javascript:xss(1)" rel="nofollow ugc noopener">x</a>') == ["href 'javascript:xss(1)'"]


def test_approved_payloads_render_inert_on_the_article_page(client, article, make_comment, settings):
    settings.COMMENTS_PER_PAGE = len(PAYLOADS)
    for payload in PAYLOADS:
        make_comment(body=payload, status=Status.APPROVED)
    html = client.get(article.get_absolute_url()).content.decode()
    start, end = html.index('<ol class="comment-list">'), html.index('id="respond"')
    bodies = [chunk.split("</div>")[0] for chunk in html[start:end].split('<div class="comment-content">')[1:]]
    assert len(bodies) == Comment.objects.approved().count() == len(PAYLOADS)
    assert [problems_in(b) for b in bodies if problems_in(b)] == []
