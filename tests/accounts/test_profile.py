"""A signed-in reader's page: their replies with statuses, a JSON export, erasure (comments.personal_data)."""

import json

from django.urls import reverse

from comments.models import Comment, ModerationEvent, Status

from .conftest import csrf


def test_the_profile_lists_the_readers_replies_with_statuses(reader_client, make_comment, make_reader):
    mine = [
        make_comment(user=reader_client.user, email="pat.reader@example.net", body="Published one"),
        make_comment(user=reader_client.user, email="pat.reader@example.net", body="Waiting one",
                     status=Status.PENDING),
        # Posted before the account existed, with the address the account has since verified.
        make_comment(email="Pat.Reader@example.net", body="From before", status=Status.REJECTED),
    ]
    make_comment(user=make_reader(email="someone@example.net"), body="Not mine")
    response = reader_client.get(reverse("reader_profile"))
    html = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    for reply in mine:
        assert reply.body in html
    assert "Not mine" not in html
    assert "Published" in html and "Awaiting moderation" in html and "Not published" in html
    assert "pat.reader@" not in html


def test_the_profile_needs_a_sign_in(client, accounts_on):
    response = client.get(reverse("reader_profile"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_export_is_the_operator_commands_export_without_the_address(reader_client, make_comment):
    reply = make_comment(user=reader_client.user, email="pat.reader@example.net", body="Mine",
                         ip_address="198.51.100.9")
    response = reader_client.get(reverse("reader_export"))
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["name"] == "Pat Reader"
    (exported,) = data["replies"]
    assert (exported["id"], exported["body"], exported["ip_address"]) == (reply.pk, "Mine", "198.51.100.9")
    assert "pat.reader@" not in response.content.decode()


def test_erase_removes_the_replies_as_erase_commenter_does_and_closes_the_account(
        reader_client, make_comment, django_user_model):
    alone = make_comment(user=reader_client.user, email="pat.reader@example.net", body="Alone")
    answered = make_comment(user=reader_client.user, email="pat.reader@example.net", body="Answered")
    make_comment(parent=answered, body="An answer")
    page = reader_client.get(reverse("reader_erase"))
    assert "Your 2 replies will be deleted." in page.content.decode()
    assert reader_client.post(reverse("reader_erase")).status_code == 403  # CSRF, as for every signed-in form
    response = reader_client.post(reverse("reader_erase"),
                                  {"csrfmiddlewaretoken": csrf(reader_client, reverse("reader_erase"))})
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=alone.pk).exists()
    answered.refresh_from_db()
    assert (answered.name, answered.email, answered.user) == ("Anonymous", "", None)
    assert ModerationEvent.objects.filter(reason=f"reply #{alone.pk} deleted at its author's request").exists()
    assert not django_user_model.objects.filter(pk=reader_client.user.pk).exists()
    assert reader_client.get(reverse("reader_profile")).status_code == 302  # signed out
