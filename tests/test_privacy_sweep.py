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


def test_email_never_appears_anywhere_the_project_serves(article, make_user, settings, mailoutbox):
    """Every URL, as reader, API client and moderator (without the reveal permission), errors included."""
    settings.COMMENTS_FLOOD_INTERVAL = 15
    moderator = make_user("comments.moderate_comment", "comments.erase_commenter_data")
    api = Client()
    created = api.post(f"/api/articles/{article.slug}/comments/",
                       {"name": "Sweeper", "email": EMAIL, "body": "Via the API", "notify": True},
                       content_type="application/json")
    assert created.status_code == 201
    responses = [created]
    responses.append(api.post(f"/api/articles/{article.slug}/comments/",  # flood: 429
                              {"name": "Sweeper", "email": EMAIL, "body": "Again"}, content_type="application/json"))
    settings.COMMENTS_FLOOD_INTERVAL = 0
    responses.append(api.post(f"/api/articles/{article.slug}/comments/",  # duplicate: 400
                              {"name": "Sweeper", "email": EMAIL, "body": "Via the API"},
                              content_type="application/json"))
    responses.append(api.post(f"/api/articles/{article.slug}/comments/",  # bad email: 400
                              {"name": "Sweeper", "email": EMAIL + "@@", "body": "x"}, content_type="application/json"))
    assert [r.status_code for r in responses] == [201, 429, 400, 400]
    reply = Comment.objects.get()
    reply.approve(by=moderator)

    public = ["/", article.get_absolute_url(), "/api/articles/", f"/api/articles/{article.slug}/",
              f"/api/articles/{article.slug}/comments/", "/api/schema/", "/api/docs/",
              "/articles/missing/", "/api/articles/missing/", "/api/comments/999999/flag/",
              "/feed/", "/feed/atom/", f"/articles/{article.slug}/feed/", f"/articles/{article.slug}/feed/atom/"]
    responses += [Client().get(url) for url in public]
    responses.append(Client().post(f"/api/comments/{reply.pk}/flag/", {}, content_type="application/json"))

    staff = Client()
    staff.force_login(moderator)
    changelist = reverse("admin:comments_comment_changelist")
    responses += [staff.get(url) for url in [
        changelist, f"{changelist}?q=sweeper", reverse("admin:comments_comment_change", args=[reply.pk]),
        reverse("admin:comments_moderationqueue_changelist"), reverse("admin:comments_flag_changelist"),
        reverse("admin:comments_moderationevent_changelist"), reverse("admin:comments_listentry_changelist"),
        "/api/moderation/comments/", "/api/moderation/comments/?status=approved",
    ]]
    responses.append(staff.post(changelist, {"action": "export_commenters", "_selected_action": [reply.pk]}))
    responses.append(staff.post(f"/api/moderation/comments/{reply.pk}/reject/"))
    responses.append(staff.post(changelist, {"action": "ban_commenter", "_selected_action": [reply.pk]}))
    responses.append(staff.get(reverse("admin:comments_listentry_changelist")))
    for response in responses:
        assert response.status_code < 500
        assert_clean(response)
    for message in mailoutbox:
        if EMAIL.lower() not in [to.lower() for to in message.to]:  # mail to anyone but the commenter
            assert all(n not in message.body for n in forms_of(EMAIL))


def test_a_staff_members_address_never_appears(article, make_user, make_comment, mailoutbox,
                                                django_capture_on_commit_callbacks):
    """Staff replies carry the account's address like any reply: under the same promise."""
    from comments.voices import StaffProfile

    journalist = make_user("comments.reply_as_staff", "comments.pick_comment", "comments.moderate_comment",
                           username="ines", first_name="Ines", last_name="Ortega", email=EMAIL)
    StaffProfile.objects.create(user=journalist, title="Reporter")
    asker = make_comment(notify=True, email="asker@example.org")
    staff = Client()
    staff.force_login(journalist)
    with django_capture_on_commit_callbacks(execute=True):
        posted = staff.post(reverse("post_staff_reply", args=[article.slug]), {"body": "Staff answer", "parent": asker.pk})
    reply = Comment.objects.get(staff_title="Reporter")
    assert reply.email.lower() == EMAIL.lower()  # (create_user lower-cases the domain)
    responses = [posted, staff.post(reverse("post_staff_reply", args=[article.slug]), {"body": ""})]  # a 400
    responses.append(staff.post(f"/api/moderation/comments/{reply.pk}/pick/"))
    responses.append(staff.post(reverse("recommend_comment", args=[reply.pk]), HTTP_ACCEPT="application/json"))
    for query in ("", "?sort=newest", "?sort=picks", "?sort=recommended"):
        responses += [Client().get(article.get_absolute_url() + query), staff.get(article.get_absolute_url() + query)]
    responses += [Client().get(url) for url in [
        f"/api/articles/{article.slug}/comments/", "/feed/", f"/articles/{article.slug}/feed/atom/"]]
    moderator = Client()
    moderator.force_login(make_user("comments.moderate_comment", "comments.reply_as_staff"))
    responses += [moderator.get(url) for url in [
        reverse("admin:comments_comment_changelist"), reverse("admin:comments_comment_change", args=[reply.pk]),
        reverse("admin:comments_comment_change", args=[asker.pk]), reverse("admin:comments_moderationevent_changelist"),
        "/api/moderation/comments/",
    ]]
    assert "Ines Ortega" in responses[4].content.decode()
    for response in responses:
        assert response.status_code < 500
        assert_clean(response)
    assert mailoutbox  # the follow-up to the reader who asked
    for message in mailoutbox:
        assert all(n not in message.body for n in forms_of(EMAIL))


ACCOUNT_EMAIL = "Account.Sweeper-91c2@Private-Mail.example"


def test_an_account_email_never_appears_anywhere_either(article, make_user, settings, mailoutbox, caplog):
    """Issue 18: a reader account's address is under the same promise, in pages, API, admin, logs and webhooks."""
    import json
    import logging

    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from webhooks.dispatch import reply_data as webhook_data

    caplog.set_level(logging.DEBUG)
    settings.COMMENTS_ACCOUNTS = True

    def clean(response):
        text = response.content.decode(errors="replace") + str(response.headers)
        for needle in forms_of(ACCOUNT_EMAIL):
            assert needle not in text, f"{needle!r} leaked in {response.request['PATH_INFO']}"

    reader = make_user(staff=False, username="acct-sweeper", first_name="Acct Sweeper", email=ACCOUNT_EMAIL)
    EmailAddress.objects.create(user=reader, email=ACCOUNT_EMAIL, verified=True, primary=True)
    SocialAccount.objects.create(user=reader, provider="newsroom", uid="sub-1",
                                 extra_data={"userinfo": {"email": ACCOUNT_EMAIL}})
    browser = Client()
    browser.force_login(reader)
    responses = [browser.post(reverse("post_comment", args=[article.slug]),
                              {"body": "Posted signed in.", "token": form_token(article)})]
    responses.append(browser.post(f"/api/articles/{article.slug}/comments/", {"body": "Via the API, signed in."},
                                  content_type="application/json"))
    first, second = Comment.objects.order_by("pk")
    assert first.email == ACCOUNT_EMAIL and first.user == reader
    responses += [browser.get(url) for url in [
        article.get_absolute_url(), reverse("edit_comment", args=[first.pk]), reverse("delete_comment", args=[first.pk]),
        reverse("reader_profile"), reverse("reader_export"), reverse("reader_erase"),
    ]]
    responses.append(browser.post(reverse("edit_comment", args=[first.pk]), {"body": "Edited, signed in."}))
    first.approve(by=make_user("comments.moderate_comment"))
    responses += [Client().get(url) for url in [
        article.get_absolute_url(), f"/api/articles/{article.slug}/comments/", "/feed/",
    ]]

    # A moderator who may see users (not addresses) in the admin.
    moderator = make_user("comments.moderate_comment", "auth.view_user", "account.view_emailaddress",
                          "socialaccount.view_socialaccount")
    staff = Client()
    staff.force_login(moderator)
    responses += [staff.get(url) for url in [
        reverse("admin:auth_user_changelist"), reverse("admin:auth_user_changelist") + "?q=Account.Sweeper",
        reverse("admin:auth_user_change", args=[reader.pk]),
        reverse("admin:socialaccount_socialaccount_changelist"),
        reverse("admin:socialaccount_socialaccount_change", args=[SocialAccount.objects.get(user=reader).pk]),
        reverse("admin:comments_comment_changelist"), reverse("admin:comments_comment_change", args=[first.pk]),
        "/api/moderation/comments/",
    ]]
    for response in responses:
        assert response.status_code < 400, (response.request["PATH_INFO"], response.status_code)
        clean(response)
    # The list of addresses is for holders of the reveal permission alone.
    for url in [reverse("admin:account_emailaddress_changelist"),
                reverse("admin:account_emailaddress_change", args=[EmailAddress.objects.get(user=reader).pk])]:
        response = staff.get(url)
        assert response.status_code == 403
        clean(response)
    # The admin's user search does not find a reader by their address without the permission.
    found = staff.get(reverse("admin:auth_user_changelist") + "?q=Private-Mail").content.decode()
    assert "acct-sweeper" not in found
    # Webhook payloads and the log.
    assert all(n not in json.dumps(webhook_data(first)) for n in forms_of(ACCOUNT_EMAIL))
    assert all(n not in caplog.text for n in forms_of(ACCOUNT_EMAIL))
    for message in mailoutbox:
        if ACCOUNT_EMAIL.lower() not in [to.lower() for to in message.to]:
            assert all(n not in message.body for n in forms_of(ACCOUNT_EMAIL))
    # Whoever holds the reveal permission sees it, as for commenters.
    revealer = make_user("auth.view_user", "comments.view_commenter_email")
    staff.force_login(revealer)
    revealed = staff.get(reverse("admin:auth_user_change", args=[reader.pk])).content.decode()
    assert ACCOUNT_EMAIL.lower() in revealed.lower()  # Django stores the domain lower-cased
