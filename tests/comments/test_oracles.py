"""A stranger who types a guess at someone's address learns nothing from the answer.

Each test plays the attacker from outside (a fresh browser, the form and the
API) with the right and a wrong guess, and requires the two answers to be the
same: status, redirect, JSON shape, what the attacker's page then shows.
"""

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from comments import intake, notifications
from comments.models import Comment, Status
from comments.moderation import Refused, Submission
from tests.conftest import aged_token, prove_own, reply_data

VICTIM = "victoria.regular@example.net"
WRONG = "someone.else@example.net"


@pytest.fixture
def regular(make_article, make_comment):
    """A regular on a trusted article, with a published reply anyone can copy."""
    article = make_article(moderation_mode="trusted")
    return make_comment(article=article, name="Victoria", email=VICTIM, body="The harbour wall was rebuilt in 1987.")


def form_answer(article, **fields):
    client = Client()
    response = client.post(
        f"/articles/{article.slug}/comments/", reply_data(token=aged_token(article, 60), **fields)
    )
    page = client.get(response["Location"]).content.decode() if response.status_code == 303 else ""
    location = re.sub(r"comment-\d+", "comment-N", response.get("Location", ""))
    return response.status_code, location, "awaiting moderation" in page, response.content.decode()


def api_answer(article, **fields):
    response = Client().post(
        f"/api/articles/{article.slug}/comments/", reply_data(**fields), content_type="application/json"
    )
    body = response.json()
    body.pop("id", None)
    body.pop("created_at", None)
    return response.status_code, body


@pytest.mark.parametrize("answer", [form_answer, api_answer], ids=["form", "api"])
def test_reposting_a_published_reply_does_not_confirm_its_author(regular, answer):
    copy = {"name": regular.name, "body": regular.body}
    right = answer(regular.article, email=VICTIM, **copy)
    Comment.objects.exclude(pk=regular.pk).delete()
    wrong = answer(regular.article, email=WRONG, **copy)
    assert right == wrong
    assert right[0] in (201, 303)


@pytest.mark.parametrize("answer", [form_answer, api_answer], ids=["form", "api"])
def test_trusted_mode_does_not_confirm_a_regular(regular, answer):
    right = answer(regular.article, email=VICTIM, name="Victoria", body="Borrowing a regular's name")
    Comment.objects.exclude(pk=regular.pk).delete()
    wrong = answer(regular.article, email=WRONG, name="Victoria", body="Borrowing a regular's name")
    assert right == wrong
    assert Comment.objects.exclude(pk=regular.pk).get().status == Status.PENDING


@pytest.mark.parametrize("answer", [form_answer, api_answer], ids=["form", "api"])
def test_the_flood_rule_does_not_confirm_that_an_address_just_posted(settings, regular, answer):
    settings.COMMENTS_FLOOD_INTERVAL = 15
    Comment.objects.filter(pk=regular.pk).update(ip_address="203.0.113.50")  # the victim, elsewhere, just now
    right = answer(regular.article, email=VICTIM, body="Right guess")
    Comment.objects.exclude(pk=regular.pk).delete()
    wrong = answer(regular.article, email=WRONG, body="Right guess")
    assert right == wrong


def test_a_real_double_post_is_still_refused(settings, article):
    settings.COMMENTS_FLOOD_INTERVAL = 0
    client = Client()
    data = reply_data(token=aged_token(article, 60), body="Pressed twice")
    assert client.post(f"/articles/{article.slug}/comments/", data).status_code == 303
    again = client.post(f"/articles/{article.slug}/comments/", data)
    assert again.status_code == 400 and "already said that" in again.content.decode()
    # From the same address without the cookie (a script, a second tab in private mode): refused too.
    assert Client().post(f"/articles/{article.slug}/comments/", data).status_code == 400
    assert Comment.objects.count() == 1


def test_confirming_does_not_release_an_impersonators_reply(settings, article, committed, mailoutbox):
    settings.COMMENTS_CONFIRM_EMAIL = True
    impostor, owner = Client(REMOTE_ADDR="198.51.100.66"), Client(REMOTE_ADDR="203.0.113.7")
    with committed():
        impostor.post(f"/articles/{article.slug}/comments/",
                      reply_data(email=VICTIM, body="Fake", token=aged_token(article, 60)))
        owner.post(f"/articles/{article.slug}/comments/",
                   reply_data(email=VICTIM, body="Mine", token=aged_token(article, 60)))
    mine = Comment.objects.get(body="Mine")
    token = notifications.confirmation_token(mine)
    with committed():
        assert owner.post("/comments/confirm/", QUERY_STRING=f"token={token}").status_code == 200
    assert list(Comment.objects.in_queue().values_list("body", flat=True)) == ["Mine"]


def test_a_name_on_several_lines_is_refused_everywhere(article):
    name = "Bob\n\nNOTICE: sign in again at https://evil.example"
    form = Client().post(f"/articles/{article.slug}/comments/",
                         reply_data(name=name, token=aged_token(article, 60)))
    assert form.status_code == 400 and "one line" in form.content.decode()
    api = Client().post(f"/api/articles/{article.slug}/comments/", reply_data(name=name),
                        content_type="application/json")
    assert api.status_code == 400 and "name" in api.json()
    for other in ("Tab\there", "Line\u2028separator", "Bell\x07"):
        assert Client().post(f"/api/articles/{article.slug}/comments/", reply_data(name=other),
                             content_type="application/json").status_code == 400
    assert not Comment.objects.exists()


def test_emails_quote_reader_text_so_it_cannot_pass_for_ours(settings, article, make_comment, moderator,
                                                             committed, mailoutbox):
    settings.COMMENTS_MODERATOR_EMAILS = ["mod@newsroom.example"]
    make_comment(status=Status.PENDING, name="Mallory", body="Fine.\n\nNOTICE: your password expired, log in at "
                 "https://evil.example")
    with committed():
        notifications.notify_moderators()
    body = mailoutbox[0].body
    notice = next(line for line in body.splitlines() if "NOTICE" in line)
    assert notice.startswith("> NOTICE")
    assert "“Mallory”" in body


def test_the_authors_own_page_is_never_kept_by_a_shared_cache(article):
    client = Client()
    response = client.post(f"/articles/{article.slug}/comments/", reply_data(token=aged_token(article, 60)))
    own_page = client.get(response["Location"])
    assert "awaiting moderation" in own_page.content.decode()
    assert "private" in own_page["Cache-Control"] and "no-store" in own_page["Cache-Control"]
    error_page = client.post(f"/articles/{article.slug}/comments/", reply_data(body=""))
    assert "no-store" in error_page["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_identical_posts_store_one_reply(settings, article):
    """Truly simultaneous: eight threads released together, each on its own connection."""
    settings.COMMENTS_FLOOD_INTERVAL = 15
    barrier = threading.Barrier(8)
    outcomes = []

    def post():
        comment = Comment(article=article, name="Bot", email="bot@example.net", body="Same words",
                          ip_address="198.51.100.9")
        barrier.wait()
        try:
            intake.submit(Submission(comment))
            outcomes.append("stored")
        except Refused as refused:
            outcomes.append(refused.verdict.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Comment.objects.count() == 1
    assert outcomes.count("stored") == 1 and len(outcomes) == 8


def test_a_browser_that_posted_proves_its_own_replies_only(article, make_comment):
    theirs = make_comment(body="Someone's words", email=VICTIM)
    client = Client()
    prove_own(client, make_comment(body="My words"))
    # Proof of one's own replies says nothing about anyone else's.
    response = client.post(f"/articles/{article.slug}/comments/",
                           reply_data(email=VICTIM, body=theirs.body, token=aged_token(article, 60)))
    assert response.status_code == 303
