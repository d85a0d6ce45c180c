"""Newsroom voices in headless Chromium: a journalist answers a reader, an editor picks a reply,
readers switch order and recommend. Every test also fails on a console error or CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Status
from comments.voices import StaffProfile

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(page, user, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_journalist_answers_a_reader(pages, article, make_comment, make_user, screenshot, javascript):
    question = make_comment(name="Ada", body="Will the ferry run tomorrow?")
    journalist = make_user("comments.reply_as_staff", first_name="Ines", last_name="Ortega",
                           email="ines@newsroom.example")
    StaffProfile.objects.create(user=journalist, title="Reporter")
    page = pages.open("/", java_script_enabled=javascript)
    log_in(page, journalist, article.get_absolute_url())
    page.locator(f"#comment-{question.pk}").get_by_role("link", name="Reply to Ada").click()
    form = page.locator("#commentform")
    expect(form.get_by_role("textbox", name="Email")).to_have_count(0)
    expect(form.get_by_role("textbox", name="Name")).to_have_count(0)
    expect(page.locator("#replying-to")).to_contain_text("Replying to Ada")
    if javascript:  # the form moved under the reply, its text box focused
        expect(page.locator(f"#comment-{question.pk} #commentform")).to_have_count(1)
        expect(form.get_by_role("textbox", name="Comment")).to_be_focused()
    form.get_by_role("textbox", name="Comment").fill("Yes, from six o'clock, the port authority says.")
    form.get_by_role("button", name="Post Staff Reply").click()

    reply = Comment.objects.get(parent=question)
    assert (reply.status, reply.staff_title, reply.name) == (Status.APPROVED, "Reporter", "Ines Ortega")
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    # Every reader sees it at once, marked as the newsroom's, for eyes and screen readers alike.
    reader = pages.open(article.get_absolute_url(), java_script_enabled=javascript)
    answer = reader.locator(f"#comment-{reply.pk}")
    expect(answer).to_contain_text("Yes, from six o'clock")
    expect(answer.locator(".staff-badge")).to_have_text("Staff reply: Reporter")
    expect(answer.locator(".staff-badge .visually-hidden")).to_have_text("Staff reply:")
    expect(answer).to_have_class(re.compile("staff-reply"))
    assert "ines@newsroom.example" not in reader.content()
    screenshot(reader, f"staff-reply-{'js' if javascript else 'nojs'}")


def test_an_editor_picks_a_reply_and_a_reader_switches_to_editors_picks(
    pages, article, make_comment, make_user, screenshot
):
    best = make_comment(name="Bo", body="The harbour wall was last rebuilt in 1953.")
    make_comment(name="Cy", body="First!")
    editor = make_user("comments.moderate_comment", "comments.pick_comment")
    admin = pages.open()
    log_in(admin, editor, "/admin/comments/comment/")
    admin.locator(f"input[name=_selected_action][value='{best.pk}']").check()
    admin.get_by_label("Action:").select_option("pick")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 reply picked.")

    for javascript in (True, False):
        reader = pages.open(article.get_absolute_url(), java_script_enabled=javascript)
        expect(reader.locator(f"#comment-{best.pk} .pick-badge")).to_have_text("Editors' pick")
        reader.locator(".comment-sort").get_by_role("link", name="Editors' picks").click()
        expect(reader).to_have_url(re.compile(r"\?sort=picks#comments$"))
        expect(reader.locator(".comment-sort [aria-current]")).to_have_text("Editors' picks")
        expect(reader.locator("li.comment")).to_have_count(1)
        expect(reader.locator(f"#comment-{best.pk}")).to_contain_text("rebuilt in 1953")
        screenshot(reader, f"editors-picks-{'js' if javascript else 'nojs'}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_reader_recommends_a_reply(pages, article, make_comment, javascript):
    reply = make_comment(name="Di", body="Sandbags are at the town hall.")
    page = pages.open(article.get_absolute_url(), java_script_enabled=javascript)
    item = page.locator(f"#comment-{reply.pk}")
    item.get_by_role("button", name="Recommend").click()
    if javascript:  # the count in place, no page load
        expect(item.locator(".recommend-count")).to_have_text("1 recommendation")
        expect(item.get_by_role("button", name="Recommend")).to_have_attribute("aria-pressed", "true")
        expect(page).to_have_url(re.compile(rf"{article.get_absolute_url()}$"))
    else:  # back at the reply; the page's own count follows within COMMENTS_RECOMMEND_REFRESH_SECONDS
        expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
        expect(item.locator(".reply-message")).to_have_text(
            "Thank you for recommending this reply (1 recommendation).")
    assert Comment.objects.get(pk=reply.pk).recommend_count == 1
