"""A page on another origin that auto-submits each of the site's forms, in Chromium.

The other origin is served by Playwright's router (no network); the forms post
to the live server, so the request carries exactly the headers Chromium sends.
"""

import pytest

from comments.models import Comment, Flag

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVIL = "http://evil.example/"


def auto_submit(action, fields):
    inputs = "".join(f'<input name="{name}" value="{value}">' for name, value in fields.items())
    return (f'<!doctype html><form id="f" method="post" action="{action}">{inputs}</form>'
            '<script>document.getElementById("f").submit()</script>')


def test_forms_auto_submitted_from_another_origin_are_refused(pages, live_server, article, make_comment):
    reply = make_comment()
    targets = [
        (f"/articles/{article.slug}/comments/", {"name": "Victim", "email": "v@example.org", "body": "Forged"}),
        (f"/comments/{reply.pk}/report/", {"reason": "spam"}),
        (f"/api/comments/{reply.pk}/flag/", {"reason": "spam"}),
        (f"/api/articles/{article.slug}/comments/", {"name": "Victim", "email": "v@example.org", "body": "Forged"}),
    ]
    for path, fields in targets:
        page = pages.open("/")
        html = auto_submit(live_server.url + path, fields)
        page.context.route(EVIL, lambda route, request, html=html: route.fulfill(body=html, content_type="text/html"))
        pages.expect_error("403")
        with page.expect_response(live_server.url + path) as answer:
            page.goto(EVIL)
        response = answer.value
        assert response.status == 403, path
        assert response.request.headers.get("origin") == "http://evil.example"
    assert Comment.objects.count() == 1 and not Flag.objects.exists()
