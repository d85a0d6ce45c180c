"""comments.throttling: the one rate limiter, for the API's scopes and the page's report form."""

from rest_framework.test import APIClient, APIRequestFactory

from comments.conf import comment_settings
from comments.throttling import ScopedRateThrottle

from .test_reports import reader, report


def test_throttle_counts_keep_no_raw_address():  # moved from test_api
    request = APIRequestFactory().get("/", REMOTE_ADDR="198.51.100.23", HTTP_X_FORWARDED_FOR="203.0.113.1")
    ident = ScopedRateThrottle().get_ident(request)
    assert "198.51.100.23" not in ident and "203.0.113.1" not in ident
    other = APIRequestFactory().get("/", REMOTE_ADDR="198.51.100.24")
    assert ScopedRateThrottle().get_ident(other) != ident


def test_the_page_says_when_to_report_again(make_comment, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "report": "1/hour"}
    replies = [make_comment() for _ in range(2)]
    client = reader(8)
    assert report(client, replies[0]).status_code == 303
    refused = report(client, replies[1])
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert refused.content.decode() == "Too many reports from your address; please try again later."
    assert report(reader(9), replies[1]).status_code == 303  # another address is counted apart


def test_page_and_api_reports_are_counted_apart(make_comment, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "report": "1/hour"}
    replies = [make_comment() for _ in range(3)]
    assert report(reader(10), replies[0]).status_code == 303
    assert report(reader(10), replies[1]).status_code == 429
    api = APIClient(REMOTE_ADDR="198.51.100.10")
    assert api.post(f"/api/comments/{replies[2].pk}/flag/", {}, format="json").status_code == 202
    assert api.post(f"/api/comments/{replies[1].pk}/flag/", {}, format="json").status_code == 429
