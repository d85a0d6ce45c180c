"""Post with a unique address, then read every screen a reader or moderator sees."""

import hashlib

from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.moderation import form_token
from tests.conftest import reply_data

EMAIL = "Unique.Sweeper-7f3a@Private-Mail.example"


def forms_of(email):
    local = email.split("@")[0]
    variants = {email, email.lower(), local, local.lower()}
    for v in (email, email.lower()):
        variants |= {hashlib.md5(v.encode()).hexdigest(), hashlib.sha256(v.encode()).hexdigest()}
    return variants


def assert_clean(response):
    text = response.content.decode(errors="replace") + str(response.headers)
    for needle in forms_of(EMAIL):
        assert needle not in text, f"{needle!r} leaked in {response.request['PATH_INFO']}"


def test_email_never_appears_to_readers_or_moderators(article, moderator):
    reader = Client()
    reader.post(reverse("post_comment", args=[article.slug]), reply_data(email=EMAIL, token=form_token(article)))
    reply = Comment.objects.get()
    reply.approve(by=moderator)
    # A second post from the same reader: a refusal page is also checked.
    refused = reader.post(
        reverse("post_comment", args=[article.slug]), reply_data(email=EMAIL, token=form_token(article))
    )
    assert refused.status_code == 400
    assert_clean(refused)

    for url in ["/", article.get_absolute_url()]:
        assert_clean(reader.get(url))
        assert_clean(Client().get(url))

    staff = Client()
    staff.force_login(moderator)
    for url in [
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_changelist") + "?status__exact=approved",
        reverse("admin:comments_comment_change", args=[reply.pk]),
        reverse("admin:comments_moderationqueue_changelist"),
        reverse("admin:comments_moderationevent_changelist"),
    ]:
        response = staff.get(url)
        assert response.status_code == 200
        assert_clean(response)
