"""Requests a hostile or careless client sends, each once gave a 500: now a clear 4xx with the site's headers."""

from urllib.parse import urlencode

import pytest
from django.core import checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from comments import notifications
from comments.models import Comment, Status
from tests.conftest import aged_token, reply_data

SITE_HEADERS = ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy")


def nested(depth):
    return "[" * depth + "]" * depth


@pytest.fixture
def moderator_api(moderator):
    client = APIClient()
    client.force_authenticate(moderator)
    return client


@pytest.mark.parametrize("depth", [1100, 20_000])
def test_deeply_nested_json_is_400_on_every_json_endpoint(api_client_urls, moderator_api, depth):
    for url in api_client_urls:
        for body in (nested(depth), '{"body": %s, "ids": %s}' % (nested(depth), nested(depth))):
            response = moderator_api.post(url, body, content_type="application/json")
            assert response.status_code == 400, (url, response.status_code)
            assert "nested too deeply" in response.json()["detail"]


def test_nested_json_within_the_limit_is_judged_by_the_serializers(api_client_urls, moderator_api):
    # Where the limit falls depends on the stack already in use (middleware, tasks): 300 is well inside.
    response = moderator_api.post(api_client_urls[0], '{"body": %s}' % nested(300), content_type="application/json")
    assert response.status_code == 400 and response.json()["body"] == ["Not a valid string."]
    for url in api_client_urls[1:]:
        response = moderator_api.post(url, '{"note": %s, "ids": %s}' % (nested(300), nested(300)),
                                      content_type="application/json")
        assert response.status_code < 500


@pytest.fixture
def api_client_urls(article, make_comment):
    reply = make_comment()
    return [
        f"/api/articles/{article.slug}/comments/",
        f"/api/comments/{reply.pk}/flag/",
        "/api/moderation/comments/bulk/",
    ]


@pytest.fixture
def csrf_client(article):
    """A browser with a valid CSRF cookie, which Django checks on every form POST."""
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")  # the article page is shared bytes and sets no cookie; the admin's login does
    client.csrf_token = client.cookies["csrftoken"].value
    return client


def form_urls(article, reply):
    token = notifications.confirmation_token(reply)
    return {
        f"/articles/{article.slug}/comments/": reply_data(token=aged_token(article, 60)),
        f"/comments/{reply.pk}/report/": {"reason": "spam"},
        "/admin/login/": {"username": "moderator", "password": "x"},
        f"/comments/confirm/?token={token}": {},
    }


@pytest.mark.parametrize("charset", ["latin-1", "ISO-8859-1", "utf-16"])
def test_a_form_body_in_another_charset_is_400_with_the_site_headers(csrf_client, article, make_comment, charset):
    for url, data in form_urls(article, make_comment()).items():
        body = urlencode({**data, "csrfmiddlewaretoken": csrf_client.csrf_token}).encode()
        response = csrf_client.generic(
            "POST", url, body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
        )
        assert response.status_code == 400, (url, response.status_code)
        for header in SITE_HEADERS:
            assert header in response, (url, header)
    assert Comment.objects.count() == 1
    # The API's own form parser decodes the declared charset.
    api = csrf_client.generic("POST", f"/api/articles/{article.slug}/comments/", urlencode(reply_data()).encode(),
                              content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert api.status_code in (201, 400)


def test_a_broken_multipart_body_is_400_with_the_site_headers(csrf_client, article):
    body = b"--xyz\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nunterminated"
    response = csrf_client.post(
        f"/articles/{article.slug}/comments/", body, content_type="multipart/form-data; boundary=xyz"
    )
    assert response.status_code in (400, 403)
    for header in SITE_HEADERS:
        assert header in response
    assert not Comment.objects.exists()


def test_the_usual_utf8_form_still_posts(csrf_client, article):
    body = urlencode({**reply_data(token=aged_token(article, 60)), "csrfmiddlewaretoken": csrf_client.csrf_token})
    response = csrf_client.post(
        f"/articles/{article.slug}/comments/", body, content_type="application/x-www-form-urlencoded; charset=UTF-8"
    )
    assert response.status_code == 303 and Comment.objects.count() == 1


def test_options_on_the_api_docs_page(client):
    response = client.options("/api/docs/")
    assert response.status_code == 200
    assert set(response["Allow"].split(", ")) >= {"GET", "OPTIONS"}


@pytest.mark.parametrize("depth,errors", [(5, []), (23, []), (24, ["comments.E001"]), (50, ["comments.E001"]),
                                          (0, ["comments.E001"])])
def test_thread_depth_setting_is_checked_against_what_thread_path_holds(settings, depth, errors):
    settings.COMMENTS_THREAD_DEPTH = depth
    assert [error.id for error in checks.run_checks() if error.id.startswith("comments.")] == errors


@pytest.mark.parametrize("depth", [23, 50])
def test_a_thread_as_deep_as_the_path_holds_is_stored(settings, make_comment, depth):
    """On PostgreSQL thread_path is varchar(255): depth 23 used to fail there with COMMENTS_THREAD_DEPTH=50."""
    settings.COMMENTS_THREAD_DEPTH = depth
    parent = None
    for _ in range(30):
        parent = make_comment(parent=parent, status=Status.APPROVED)
    deepest = Comment.objects.order_by("-depth").first()
    assert deepest.depth == 22 and len(deepest.thread_path) <= 255


def test_a_large_multipart_upload_is_413_and_nothing_is_stored(csrf_client, article):
    """Django counts only a multipart body's fields against DATA_UPLOAD_MAX_MEMORY_SIZE, not its files."""
    upload = SimpleUploadedFile("big.bin", b"\0" * (5 * 1024 * 1024))
    data = {**reply_data(token=aged_token(article, 60)), "csrfmiddlewaretoken": csrf_client.csrf_token, "f": upload}
    response = csrf_client.post(f"/articles/{article.slug}/comments/", data)
    assert response.status_code == 413
    for header in SITE_HEADERS:
        assert header in response
    assert not Comment.objects.exists()


def test_a_large_multipart_upload_to_the_api_is_refused_unread(client, article):
    upload = SimpleUploadedFile("big.bin", b"\0" * (1024 * 1024))
    response = client.post(f"/api/articles/{article.slug}/comments/", {**reply_data(), "f": upload})
    assert response.status_code == 415
    assert not Comment.objects.exists()


def test_a_multipart_form_within_the_limit_still_posts(csrf_client, article):
    data = {**reply_data(token=aged_token(article, 60)), "csrfmiddlewaretoken": csrf_client.csrf_token}
    response = csrf_client.post(f"/articles/{article.slug}/comments/", data)  # the test client sends multipart
    assert response.status_code == 303 and Comment.objects.count() == 1
