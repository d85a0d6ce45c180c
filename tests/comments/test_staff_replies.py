"""Staff replies: "Can reply as staff", posted under the staff member's name and title, published at once."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, ModerationEvent, Status
from comments.voices import StaffProfile

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def journalist(make_user):
    user = make_user("comments.reply_as_staff", first_name="Ines", last_name="Ortega",
                     email="ines.ortega@newsroom.example")
    StaffProfile.objects.create(user=user, title="Reporter")
    return user


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def staff_url(article):
    return reverse("post_staff_reply", args=[article.slug])


def test_holders_see_the_staff_form_without_name_or_email(article, journalist, make_user):
    page = signed_in(journalist).get(article.get_absolute_url())
    html = page.content.decode()
    assert 'action="/articles/storm-closes-the-harbour/comments/staff/"' in html
    assert 'name="email"' not in html and 'name="name"' not in html
    assert "You are replying as Ines Ortega" in html and "Reporter" in html
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    # A signed-in user without the permission, and an anonymous reader, get the reader's form.
    for client in (signed_in(make_user()), Client()):
        html = client.get(article.get_absolute_url()).content.decode()
        assert "/comments/staff/" not in html and 'name="email"' in html


def test_a_staff_reply_is_published_at_once_under_the_name_and_title(article, journalist, make_comment):
    reader = make_comment(body="When does the ferry run again?")
    client = signed_in(journalist)
    response = client.post(staff_url(article), {"body": "Tomorrow at six, the port says.", "parent": reader.pk})
    assert response.status_code == 303
    reply = Comment.objects.get(parent=reader)
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{reply.pk}"
    assert (reply.status, reply.name, reply.staff_title, reply.user) == (
        Status.APPROVED, "Ines Ortega", "Reporter", journalist)
    assert reply.email == "ines.ortega@newsroom.example"
    assert reply.triage_score is None and reply.moderated_by is None  # never scored, never training data
    (event,) = ModerationEvent.objects.filter(comment=reply)
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        journalist, "", Status.APPROVED, "Staff reply")
    # Every reader sees it, marked for eyes and for screen readers, without the address.
    html = Client().get(article.get_absolute_url()).content.decode()
    item = html[html.index(f'id="comment-{reply.pk}"'):]
    assert 'class="comment depth-1 staff-reply"' in html
    assert '<span class="staff-badge"><span class="visually-hidden">Staff reply: </span>Reporter</span>' in item
    assert "ines.ortega" not in html


def test_a_staff_member_without_a_title_is_staff(article, make_user):
    user = make_user("comments.reply_as_staff", username="desk")
    signed_in(user).post(staff_url(article), {"body": "Thanks, corrected."})
    reply = Comment.objects.get()
    assert (reply.name, reply.staff_title) == ("desk", "Staff")


def test_reader_rules_do_not_apply_to_staff(article, journalist, settings, make_comment):
    settings.COMMENTS_FLOOD_INTERVAL = 60
    settings.COMMENTS_MAX_LINKS = 0
    from comments.models import ListEntry

    ListEntry.objects.create(kind=ListEntry.Kind.WORD, action=ListEntry.Action.SPAM, value="ferry")
    client = signed_in(journalist)
    body = "See https://port.example/ferry and https://port.example/times"
    for _ in range(2):  # flood, duplicate, links and blocklist would all stop a reader
        assert client.post(staff_url(article), {"body": body}).status_code == 303
    assert list(Comment.objects.values_list("status", flat=True)) == [Status.APPROVED] * 2


def test_staff_replies_need_the_permission(article, make_user, moderator):
    for client in (Client(), signed_in(make_user()), signed_in(moderator)):
        assert client.post(staff_url(article), {"body": "Pretending"}).status_code == 403
    assert not Comment.objects.exists()


def test_staff_replies_need_the_csrf_token(article, journalist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    assert client.post(staff_url(article), {"body": "Forged"}).status_code == 403
    page = client.get(article.get_absolute_url()).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(staff_url(article), {"body": "Real", "csrfmiddlewaretoken": token}).status_code == 303


def test_bad_staff_input_is_a_400_and_stores_nothing(article, journalist, make_comment):
    hidden = make_comment(status=Status.PENDING)
    client = signed_in(journalist)
    for data in ({"body": ""}, {"body": "<p></p>"}, {"body": "x", "parent": hidden.pk},
                 {"body": "x", "parent": "nope"}, {"body": "x" * 5001}):
        response = client.post(staff_url(article), data)
        assert response.status_code == 400
        assert "Your reply was not posted" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_staff_reply_replaces_the_cached_page(article, journalist, make_comment):
    make_comment(body="A reader asks")
    reader = Client()
    before = reader.get(article.get_absolute_url())
    signed_in(journalist).post(staff_url(article), {"body": "The newsroom answers"})
    after = reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "The newsroom answers" in after.content.decode()


def test_a_staff_reply_tells_the_reader_who_asked_for_follow_ups(article, journalist, make_comment, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    reader = make_comment(notify=True, email="asker@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(journalist).post(staff_url(article), {"body": "Here is the answer", "parent": reader.pk})
    assert [m.to for m in mailoutbox] == [["asker@example.org"]]
    assert "ines.ortega" not in mailoutbox[0].body


def test_moderators_answer_from_the_admin(article, make_user, make_comment):
    editor = make_user("comments.moderate_comment", "comments.reply_as_staff", first_name="Ola", last_name="Berg")
    reader = make_comment(body="Is the bridge open?")
    client = signed_in(editor)
    change = reverse("admin:comments_comment_change", args=[reader.pk])
    page = client.get(change).content.decode()
    assert 'id="staff-reply-form"' in page
    response = client.post(reverse("admin:comments_comment_staff_reply", args=[reader.pk]), {"body": "It is."})
    reply = Comment.objects.get(parent=reader)
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:comments_comment_change", args=[reply.pk])
    assert (reply.status, reply.name, reply.staff_title) == (Status.APPROVED, "Ola Berg", "Staff")
    # Without the staff permission: no form, and the view refuses.
    moderator = make_user("comments.moderate_comment")
    assert 'id="staff-reply-form"' not in signed_in(moderator).get(change).content.decode()
    refused = signed_in(moderator).post(reverse("admin:comments_comment_staff_reply", args=[reader.pk]),
                                        {"body": "No"})
    assert refused.status_code == 403
    assert Comment.objects.filter(parent=reader).count() == 1


def test_no_staff_form_under_an_unpublished_reply_in_the_admin(article, make_user, make_comment):
    editor = make_user("comments.moderate_comment", "comments.reply_as_staff")
    pending = make_comment(status=Status.PENDING)
    client = signed_in(editor)
    assert 'id="staff-reply-form"' not in client.get(
        reverse("admin:comments_comment_change", args=[pending.pk])).content.decode()
    client.post(reverse("admin:comments_comment_staff_reply", args=[pending.pk]), {"body": "x"})
    assert not Comment.objects.filter(parent=pending).exists()
