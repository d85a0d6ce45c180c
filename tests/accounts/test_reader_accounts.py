"""Reader accounts (COMMENTS_ACCOUNTS): off by default, sign-up with a verified address, posting as the account."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments import privacy
from comments.models import Comment, Status
from comments.moderation import form_token
from tests.conftest import reply_data

from .conftest import csrf

ACCOUNT_URLS = ["/accounts/login/", "/accounts/signup/", "/accounts/profile/", "/accounts/password/reset/",
                "/accounts/oidc/newsroom/login/"]


@pytest.mark.parametrize("url", ACCOUNT_URLS)
def test_accounts_are_off_by_default_and_their_pages_answer_404(client, db, url):
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "a@example.org"}).status_code == 404


def test_with_accounts_off_the_page_offers_no_sign_in(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "/accounts/" not in html and "Sign in" not in html
    assert 'name="email"' in html


def test_with_accounts_on_the_shared_page_links_to_sign_in_and_loads_nothing_from_elsewhere(client, article, accounts_on):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response["Cache-Control"].startswith("public")  # still the shared page
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    assert '/accounts/login/?next=%2Farticles%2Fstorm-closes-the-harbour%2F%23respond' in html
    assert 'name="email"' in html  # readers who do not sign in keep the form
    assert not re.search(r'(src|href)="https?://', html)  # no third-party request before signing in


def test_sign_up_requires_a_verified_address_then_the_reader_posts_without_name_or_email(client, article, accounts_on):
    signup = client.post("/accounts/signup/", {
        "email": "new.reader@example.net", "name": "Robin Newcomer",
        "password1": "a-long-test-password-1", "password2": "a-long-test-password-1",
    })
    assert signup.status_code == 302 and signup["Location"] == "/accounts/confirm-email/"
    # Mandatory verification: not signed in until the emailed link is followed.
    assert client.get("/accounts/profile/").status_code == 302
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+)", message.body)[1]
    assert client.post(link).status_code == 302
    assert client.post("/accounts/login/", {"login": "new.reader@example.net",
                                            "password": "a-long-test-password-1"}).status_code == 302
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert "Replying as <strong>Robin Newcomer</strong>" in html
    assert 'name="email"' not in html and 'name="name"' not in html
    assert "new.reader" not in html  # not even the username: it is not made from the address
    assert "private" in page["Cache-Control"]

    posted = client.post(reverse("post_comment", args=[article.slug]), {
        "body": "Signed in and replying.", "token": form_token(article),
        "csrfmiddlewaretoken": csrf(client, article.get_absolute_url()),
        "name": "Someone Else", "email": "typed@example.org",  # ignored: the account speaks
    })
    assert posted.status_code == 303
    reply = Comment.objects.get()
    assert (reply.name, reply.email) == ("Robin Newcomer", "new.reader@example.net")
    assert reply.email_digest == privacy.email_digest("new.reader@example.net")
    assert reply.user.username != "new.reader" and "@" not in reply.user.username


def test_history_bans_and_trust_follow_the_account_not_what_is_typed(reader_client, article, make_comment):
    from comments.models import ListEntry

    article.moderation_mode = article.ModerationMode.TRUSTED
    article.save()
    # An approved reply this person wrote before, anonymously, with the same address and name.
    make_comment(email="pat.reader@example.net", name="Pat Reader", status=Status.APPROVED)
    url = reverse("post_comment", args=[article.slug])
    token = csrf(reader_client, article.get_absolute_url())
    reader_client.post(url, {"body": "Trusted, as the account proves the address.", "token": form_token(article),
                             "csrfmiddlewaretoken": token})
    assert Comment.objects.latest("pk").status == Status.APPROVED
    ListEntry.objects.create(kind=ListEntry.Kind.COMMENTER, value="pat.reader@example.net")
    reader_client.post(url, {"body": "Now banned.", "token": form_token(article), "csrfmiddlewaretoken": token})
    assert Comment.objects.latest("pk").status == Status.SPAM


def test_a_signed_in_form_without_its_csrf_token_is_refused(reader_client, article):
    response = reader_client.post(reverse("post_comment", args=[article.slug]),
                                  {"body": "No token", "token": form_token(article)})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_an_account_without_a_verified_address_cannot_post(accounts_on, make_reader, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_reader(verified=False))
    response = client.post(reverse("post_comment", args=[article.slug]),
                           {"body": "Unverified", "token": form_token(article),
                            "csrfmiddlewaretoken": csrf(client, article.get_absolute_url())})
    assert response.status_code == 403
    assert "Confirm your email address" in response.content.decode()
    assert "send it again" in client.get(article.get_absolute_url()).content.decode()
    assert not Comment.objects.exists()


def test_the_api_posts_as_the_signed_in_reader(reader_client, article):
    token = csrf(reader_client, article.get_absolute_url())
    response = reader_client.post(f"/api/articles/{article.slug}/comments/", {"body": "Via the API, signed in."},
                                  content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    assert "pat.reader" not in response.content.decode()
    reply = Comment.objects.get()
    assert (reply.user, reply.name, reply.email) == (reader_client.user, "Pat Reader", "pat.reader@example.net")


class TestRequireAccount:
    @pytest.fixture(autouse=True)
    def required(self, accounts_on):
        accounts_on.COMMENTS_REQUIRE_ACCOUNT = True

    def test_the_form_becomes_a_sign_in_link(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'id="commentform"' not in html
        assert '<a href="/accounts/login/?next=' in html and "to reply." in html

    def test_an_anonymous_post_is_refused_with_403_and_nothing_stored(self, client, article):
        response = client.post(reverse("post_comment", args=[article.slug]), reply_data(token=form_token(article)))
        assert response.status_code == 403
        assert "Sign in to reply." in response.content.decode()
        assert not Comment.objects.exists()

    def test_the_api_refuses_an_anonymous_reply_with_a_clear_403(self, client, article):
        response = client.post(f"/api/articles/{article.slug}/comments/", reply_data(),
                               content_type="application/json")
        assert response.status_code == 403
        assert response.json() == {"detail": "Sign in to reply."}
        assert not Comment.objects.exists()

    def test_a_signed_in_reader_still_posts(self, reader_client, article):
        html = reader_client.get(article.get_absolute_url()).content.decode()
        assert 'id="commentform"' in html
        response = reader_client.post(reverse("post_comment", args=[article.slug]), {
            "body": "Signed in.", "token": form_token(article),
            "csrfmiddlewaretoken": csrf(reader_client, article.get_absolute_url()),
        })
        assert response.status_code == 303
        assert Comment.objects.get().user == reader_client.user
