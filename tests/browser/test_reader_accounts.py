"""A reader with an account in headless Chromium: signs in, posts, edits within the window, deletes.

Every test also fails on a console error, an uncaught exception or a CSP
violation in any page it opened (allauth's pages included).
"""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from comments.models import Comment, CommentRevision

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def account(settings, django_user_model):
    settings.COMMENTS_ACCOUNTS = True
    user = django_user_model.objects.create_user(username="robin", first_name="Robin Reader",
                                                 email="robin@example.net", password="a-long-test-password")
    EmailAddress.objects.create(user=user, email="robin@example.net", verified=True, primary=True)
    return user


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_reader_signs_in_posts_edits_within_the_window_and_deletes(pages, article, account, javascript,
                                                                      screenshot):
    page = pages.open(article.get_absolute_url(), java_script_enabled=javascript)
    page.get_by_role("link", name="Sign in").click()
    page.locator('input[name="login"]').fill("robin@example.net")
    page.locator('input[name="password"]').fill("a-long-test-password")
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}#respond$"))
    form = page.locator("#commentform")
    expect(form).to_contain_text("Replying as Robin Reader")
    expect(form.locator('input[name="email"]')).to_have_count(0)

    form.get_by_role("textbox", name="Comment", exact=True).fill("Teh harbour wall needs repairs.")
    form.get_by_role("button", name="Post Reply").click()
    reply = Comment.objects.get()
    assert (reply.user, reply.name) == (account, "Robin Reader")
    mine = page.locator(f"#comment-{reply.pk}")
    expect(mine).to_contain_text("Teh harbour wall")
    screenshot(page, f"account-reply-{'js' if javascript else 'nojs'}")

    mine.get_by_role("link", name="Edit").click()
    page.get_by_role("textbox", name="Comment").fill("The harbour wall needs repairs.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("The harbour wall needs repairs.")
    assert CommentRevision.objects.get(comment=reply).body == "Teh harbour wall needs repairs."

    page.locator(f"#comment-{reply.pk}").get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("#comments")).to_contain_text("No replies yet")
    expect(page.locator(f"#comment-{reply.pk}")).to_have_count(0)
    assert not Comment.objects.exists()
