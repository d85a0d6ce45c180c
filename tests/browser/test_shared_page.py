"""The shared article page in Chromium: timing proof and reports, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Flag, Status
from tests.browser.test_reader_page import fill_reply

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_person_who_takes_a_few_seconds_is_not_taken_for_a_bot(pages, article, settings, javascript):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 2
    page = pages.open(article.get_absolute_url(), java_script_enabled=javascript)
    assert "csrfmiddlewaretoken" not in page.content()
    page.wait_for_timeout(2500)  # reading, then writing
    fill_reply(page, "Written at a human pace.")
    page.get_by_role("button", name="Post Reply").click()
    expect(page.locator(".awaiting-moderation")).to_have_count(1)
    reply = Comment.objects.get(body="Written at a human pace.")
    assert (reply.status, reply.reasons) == (Status.PENDING, "")


def test_report_a_reply_without_javascript(pages, article, make_comment):
    reply = make_comment(name="Troll", body="Something abusive.")
    page = pages.open(article.get_absolute_url(), java_script_enabled=False)
    page.locator(f"#comment-{reply.pk}").get_by_role("link", name="Report").click()
    expect(page).to_have_url(f"{pages.base_url}/comments/{reply.pk}/report/")
    expect(page.locator(".reported-reply")).to_contain_text("Something abusive.")
    page.get_by_label("Why should a moderator look at this reply?").select_option("abusive")
    page.get_by_role("button", name="Send report").click()
    # Back on the article, the thanks stands next to the reported reply.
    expect(page.locator(f"#comment-{reply.pk} .reply-message")).to_contain_text(
        "Thank you. A moderator will look at this reply."
    )
    assert Flag.objects.get().comment == reply


def test_one_report_form_moves_under_the_reply_reported(pages, article, make_comment):
    first, second = make_comment(body="First words."), make_comment(body="Second words.")
    page = pages.open(article.get_absolute_url())
    form = page.locator("#report-form")
    expect(form).to_be_hidden()
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Report").click()
    expect(page.locator(f"#comment-{first.pk} #report-form")).to_be_visible()
    expect(page.get_by_label("Why should a moderator look at this reply?")).to_be_focused()
    page.locator(f"#comment-{second.pk}").get_by_role("link", name="Report").click()
    expect(page.locator(f"#comment-{second.pk} #report-form")).to_be_visible()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(f"#comment-{second.pk} .reply-message")).to_contain_text("Thank you.")
    assert Flag.objects.get().comment == second
