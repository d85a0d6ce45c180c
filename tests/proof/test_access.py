"""Every admin and moderation URL, tried by people who must not get in."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from comments.models import Comment, ListEntry, Status
from comments.moderation import form_token
from tests.conftest import reply_data
from tests.test_settings import settings_values

SECRET_TEXT = "pending words nobody may read"
EMAIL = "hidden.person@example.net"


@pytest.fixture
def pending_reply(make_comment):
    return make_comment(status=Status.PENDING, body=SECRET_TEXT, email=EMAIL)


def admin_urls(reply):
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse("admin:%s_%s_changelist" % info), reverse("admin:%s_%s_add" % info)]
        obj = model.objects.first()
        if obj is not None:
            urls += [
                reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk]) for view in ("change", "history", "delete")
            ]
    return urls


@pytest.fixture(params=["anonymous", "reader account", "staff without permissions"])
def outsider(request, make_user):
    client = Client()
    if request.param == "reader account":
        client.force_login(make_user(staff=False))
    elif request.param == "staff without permissions":
        client.force_login(make_user())
    return request.param, client


def test_outsiders_read_nothing_in_the_admin(outsider, pending_reply):
    who, client = outsider
    ListEntry.objects.create(kind="word", action="spam", value="casino")
    pending_reply.report(reporter="r")
    for url in admin_urls(pending_reply):
        response = client.get(url)
        # Staff without permissions get the (empty) admin index; nothing else.
        allowed = (200, 302, 403) if url == reverse("admin:index") else (302, 403)
        assert response.status_code in allowed, (who, url, response.status_code)
        body = response.content.decode()
        assert SECRET_TEXT not in body and EMAIL not in body
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/")


def test_outsiders_cannot_act(outsider, pending_reply):
    who, client = outsider
    for action in ("approve", "reject", "mark_spam", "ban_commenter", "pick", "unpick"):
        client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": action, "_selected_action": [pending_reply.pk], "apply": "1", "reason": "other"},
        )
    client.post(reverse("admin:comments_comment_change", args=[pending_reply.pk]), {"body": "changed", "_approve": "1"})
    client.post(reverse("admin:comments_comment_delete", args=[pending_reply.pk]), {"post": "yes"})
    client.post(reverse("admin:comments_listentry_add"), {"kind": "word", "action": "spam", "value": "x"})
    client.post(reverse("admin:comments_comment_staff_reply", args=[pending_reply.pk]), {"body": "staff?"})
    client.post(reverse("post_staff_reply", args=[pending_reply.article.slug]), {"body": "staff?"})
    pending_reply.refresh_from_db()
    assert (pending_reply.status, pending_reply.body, pending_reply.picked_at) == (Status.PENDING, SECRET_TEXT, None)
    assert not ListEntry.objects.exists()
    assert Comment.objects.count() == 1


def test_outsiders_do_not_see_pending_replies_on_pages(outsider, article, pending_reply):
    _, client = outsider
    assert SECRET_TEXT not in client.get(article.get_absolute_url()).content.decode()


def test_csrf_is_enforced_on_every_html_post(article, make_comment, moderator, make_user):
    # Readers' forms: token CSRF wherever a session is involved; without one, the cross-origin check.
    url = reverse("post_comment", args=[article.slug])
    approved = make_comment()
    report_url = reverse("report_comment", args=[approved.pk])
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(make_user(staff=False))
    anonymous = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://evil.example")
    for reader in (signed_in, anonymous):
        assert reader.post(url, reply_data(token=form_token(article))).status_code == 403
        assert reader.post(report_url, {"reason": "spam"}).status_code == 403
        assert reader.post(reverse("recommend_comment", args=[approved.pk])).status_code == 403
    journalist = Client(enforce_csrf_checks=True)
    journalist.force_login(make_user("comments.reply_as_staff"))
    assert journalist.post(reverse("post_staff_reply", args=[article.slug]), {"body": "Forged"}).status_code == 403
    assert Comment.objects.count() == 1 and Comment.objects.get().recommend_count == 0
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(moderator)
    pending = make_comment(status=Status.PENDING)
    response = staff.post(
        reverse("admin:comments_comment_changelist"), {"action": "approve", "_selected_action": [pending.pk]}
    )
    assert response.status_code == 403
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_production_cookie_flags():
    code_env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 64}
    values = settings_values(
        ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_SAMESITE"],
        **code_env,
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "Lax",
    }


def moderation_api_calls(reply):
    base = "/api/moderation/comments/"
    return [
        ("get", base, None),
        ("get", f"{base}?status=pending", None),
        ("post", f"{base}{reply.pk}/approve/", {}),
        ("post", f"{base}{reply.pk}/reject/", {}),
        ("post", f"{base}{reply.pk}/spam/", {}),
        ("post", f"{base}bulk/", {"action": "approve", "ids": [reply.pk]}),
        ("post", f"{base}{reply.pk}/pick/", {}),
        ("post", f"{base}{reply.pk}/unpick/", {}),
    ]


def test_outsiders_cannot_use_the_moderation_api(outsider, pending_reply):
    who, client = outsider
    for method, url, payload in moderation_api_calls(pending_reply):
        kwargs = {"data": payload, "content_type": "application/json"} if payload is not None else {}
        response = getattr(client, method)(url, **kwargs)
        expected = 401 if who == "anonymous" else 403
        assert response.status_code == expected, (who, url)
        assert SECRET_TEXT not in response.content.decode() and EMAIL not in response.content.decode()
    pending_reply.refresh_from_db()
    assert pending_reply.status == Status.PENDING


def test_public_api_never_shows_pending_replies_or_emails(outsider, article, pending_reply, make_comment):
    _, client = outsider
    make_comment(body="Public reply", email="public.person@example.net")
    for url in ["/api/articles/", f"/api/articles/{article.slug}/", f"/api/articles/{article.slug}/comments/",
                "/api/schema/", "/api/docs/"]:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert SECRET_TEXT not in body and EMAIL not in body and "public.person" not in body
    flag = client.post(f"/api/comments/{pending_reply.pk}/flag/", {"reason": "spam"}, content_type="application/json")
    assert flag.status_code == 404  # a pending reply does not exist for readers
