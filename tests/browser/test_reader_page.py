"""The reader's page and the moderation queue in headless Chromium.

Every test also fails on a console error, an uncaught exception or a CSP
violation in any page it opened (see the `pages` fixture).
"""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment, Flag, Status

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AWAITING = "Your reply is awaiting moderation."


def fill_reply(page, body, name="Jane Reader", email="jane.reader@example.com"):
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="Email", exact=True).fill(email)
    form.get_by_role("textbox", name="Comment", exact=True).fill(body)


def log_in(page, user, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()


def test_the_author_alone_sees_their_reply_awaiting_moderation(pages, article, screenshot):
    author = pages.open(article.get_absolute_url())
    fill_reply(author, "Harbour walls need repairs before winter.")
    author.get_by_role("button", name="Post Reply").click()

    mine = Comment.objects.get()
    expect(author).to_have_url(re.compile(rf"{article.get_absolute_url()}#comment-{mine.pk}$"))
    reply = author.locator(f"#comment-{mine.pk}")
    expect(reply).to_contain_text(AWAITING)
    expect(reply).to_contain_text("Harbour walls need repairs before winter.")
    author.reload()
    expect(reply).to_contain_text(AWAITING)
    screenshot(author, "article-author-preview")

    stranger = pages.open(article.get_absolute_url())
    expect(stranger.locator("#comments")).to_contain_text("No replies yet")
    expect(stranger.locator(f"#comment-{mine.pk}")).to_have_count(0)


def test_a_moderator_approves_from_the_queue_and_everyone_sees_the_reply(
    pages, article, make_comment, moderator, screenshot
):
    waiting = make_comment(status=Status.PENDING, name="Ada", body="The ferry timetable changed too.")
    admin = pages.open()
    log_in(admin, moderator, "/admin/comments/moderationqueue/")
    row = admin.locator("#result_list tbody tr", has_text="The ferry timetable changed too.")
    expect(row).to_have_count(1)
    screenshot(admin, "admin-moderation-queue")

    row.get_by_role("checkbox").check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 reply approved.")
    expect(admin.locator("#result_list")).to_have_count(0)  # the queue is empty
    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED and waiting.moderated_by == moderator

    reader = pages.open(article.get_absolute_url())
    expect(reader.get_by_role("heading", level=2).first).to_have_text("1 Reply to “Storm closes the harbour”")
    expect(reader.locator(f"#comment-{waiting.pk}")).to_contain_text("The ferry timetable changed too.")
    expect(reader.locator(f"#comment-{waiting.pk}")).not_to_contain_text(AWAITING)


def test_reply_to_a_reply_in_place_using_only_the_keyboard(pages, article, make_comment, screenshot):
    parent = make_comment(name="Ada", body="Who pays for the new sea wall?")
    make_comment(body="A later thread.")
    page = pages.open(article.get_absolute_url())

    page.get_by_role("link", name="Reply to Ada").focus()
    page.keyboard.press("Enter")
    respond = page.locator(f"#comment-{parent.pk} > #respond")
    expect(respond).to_be_visible()  # the form moved under Ada's reply
    expect(page.locator("#replying-to")).to_have_text("Replying to Ada · Cancel")
    expect(page.locator("#id_name")).to_be_focused()
    assert page.locator("#id_parent").input_value() == str(parent.pk)

    page.keyboard.type("Jane Reader")
    page.keyboard.press("Tab")
    page.keyboard.type("jane.reader@example.com")
    page.keyboard.press("Tab")  # website, optional
    page.keyboard.press("Tab")
    page.keyboard.type("The council, and the port.")
    screenshot(page, "article-replying-in-place")
    page.keyboard.press("Tab")
    expect(page.locator("#id_notify")).to_be_focused()  # "Notify me of follow-up replies"
    page.keyboard.press("Tab")  # past the honeypot (tabindex=-1) to "remember me"
    expect(page.locator("#remember-me")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#submit")).to_be_focused()
    page.keyboard.press("Enter")

    nested = page.locator(f"#comment-{parent.pk} > ol.children > li")
    expect(nested).to_contain_text(AWAITING)
    child = Comment.objects.get(body="The council, and the port.")
    expect(nested).to_have_id(f"comment-{child.pk}")
    assert child.parent == parent and child.depth == 1
    screenshot(page, "article-thread")


def test_cancel_puts_the_form_back(pages, article, make_comment):
    parent = make_comment(name="Ada")
    page = pages.open(article.get_absolute_url())
    page.get_by_role("link", name="Reply to Ada").click()
    expect(page.locator(f"#comment-{parent.pk} #respond")).to_have_count(1)
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator(f"#comment-{parent.pk} #respond")).to_have_count(0)
    expect(page.locator("#comments + div + #respond")).to_be_visible()
    expect(page.locator("#replying-to")).to_be_hidden()
    assert page.locator("#id_parent").input_value() == ""


def test_the_reply_path_without_javascript(pages, article, make_comment):
    parent = make_comment(name="Ada", body="Who pays for the new sea wall?")
    page = pages.open(article.get_absolute_url(), java_script_enabled=False)
    expect(page.locator(".comment-form-remember")).to_be_hidden()  # needs the script

    page.get_by_role("link", name="Reply to Ada").click()
    expect(page).to_have_url(re.compile(rf"\?replytocom={parent.pk}#respond$"))
    expect(page.locator("#replying-to")).to_have_text("Replying to Ada · Cancel")
    expect(page.locator(f"#comment-{parent.pk} #respond")).to_have_count(0)  # stays at the end
    fill_reply(page, "Posted without any script.")
    page.get_by_role("button", name="Post Reply").click()

    nested = page.locator(f"#comment-{parent.pk} > ol.children > li")
    expect(nested).to_contain_text(AWAITING)
    expect(nested).to_have_id(f"comment-{Comment.objects.get(body='Posted without any script.').pk}")


def test_a_form_error_shows_the_summary_and_takes_focus(pages, article, screenshot):
    page = pages.open(article.get_absolute_url())
    pages.expect_error("status of 400")  # the refused form's own response
    fill_reply(page, "Forgot my name.", name="", email="kept.in.this.tab@example.com")
    page.get_by_role("button", name="Post Reply").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your reply was not posted")
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(page.locator("#id_body")).to_have_value("Forgot my name.")
    # Not sent back by the server, restored by the script from this tab's sessionStorage.
    expect(page.locator("#id_email")).to_have_value("kept.in.this.tab@example.com")
    screenshot(page, "article-error-summary", full_page=False)
    summary.get_by_role("link", name="Name: This field is required.").click()
    expect(page.locator("#id_name")).to_be_focused()
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    assert not Comment.objects.exists()


def test_report_a_reply(pages, article, make_comment):
    reply = make_comment(name="Troll", body="Something abusive.")
    page = pages.open(article.get_absolute_url())
    item = page.locator(f"#comment-{reply.pk}")
    item.get_by_text("Report", exact=True).click()
    item.get_by_label("Why should a moderator look at this reply?").select_option("abusive")
    item.get_by_label("Note (optional)").fill("Personal attack")
    item.get_by_role("button", name="Send report").click()

    # Back at the reply, with the thanks next to it rather than at the top of the page.
    assert page.url.endswith(f"#comment-{reply.pk}")
    expect(item.locator(".reply-message")).to_contain_text("Thank you. A moderator will look at this reply.")
    expect(item.locator(".reply-message")).to_be_in_viewport()
    flag = Flag.objects.get()
    assert (flag.comment, flag.reason, flag.note) == (reply, "abusive", "Personal attack")


def test_remember_me_keeps_the_details_in_this_browser_only(pages, article):
    page = pages.open(article.get_absolute_url())
    remember = page.get_by_label("Save my name, email, and website in this browser for the next time I comment.")
    expect(remember).not_to_be_checked()
    fill_reply(page, "First reply, remembered.", name="Kim", email="kim@example.net")
    page.locator("#id_website").fill("https://kim.example.net/")
    remember.check()
    page.get_by_role("button", name="Post Reply").click()
    expect(page.locator(".awaiting-moderation")).to_have_count(1)

    response = page.goto(article.get_absolute_url())
    assert "kim@example.net" not in response.text()  # the server never sends it back
    expect(page.locator("#id_name")).to_have_value("Kim")
    expect(page.locator("#id_email")).to_have_value("kim@example.net")
    expect(page.locator("#id_website")).to_have_value("https://kim.example.net/")
    expect(remember).to_be_checked()

    remember.uncheck()
    page.locator("#id_body").fill("Second reply, forget me.")
    page.get_by_role("button", name="Post Reply").click()
    expect(page.locator(".awaiting-moderation")).to_have_count(2)
    assert page.evaluate("localStorage.length") == 0
    expect(page.locator("#id_email")).to_have_value("")


def test_pages_of_replies_and_a_phone_sized_screen(pages, settings, article, make_comment, screenshot):
    settings.COMMENTS_PER_PAGE = 3
    threads = [make_comment(name=f"Reader {n}", body=f"Thread {n} " + "longwordwithoutspaces" * 6)
               for n in range(1, 5)]
    deepest = threads[0]
    for depth in range(4):
        deepest = make_comment(parent=deepest, body=f"Answer at depth {depth + 1}")
    phone = pages.open(article.get_absolute_url(), viewport={"width": 360, "height": 740}, is_mobile=True)
    expect(phone.locator("#comments h2")).to_have_text("8 Replies to “Storm closes the harbour”")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    screenshot(phone, "article-phone")

    phone.get_by_role("link", name="Newer replies").click()
    expect(phone).to_have_url(re.compile(r"\?cpage=2#comments$"))
    expect(phone.locator(f"#comment-{threads[3].pk}")).to_be_visible()
    expect(phone.locator(f"#comment-{threads[0].pk}")).to_have_count(0)


def test_the_page_meets_its_content_security_policy(pages, article, make_comment, screenshot):
    call_command("load_seeds", stdout=io.StringIO())
    article = Article.objects.exclude(pk=article.pk).get()  # the seed article
    first = make_comment(article=article, name="Sam", website="https://sam.example.org/",
                         body="A clear summary of where the talks stand. Background: https://example.org/")
    make_comment(article=article, parent=first, name="Ada",
                 body="Agreed. <em>Demilitarisation</em> keeps coming up as the sticking point.")
    make_comment(article=article, name="Mallory",
                 body='<img src=x onerror=alert(1)><script>alert(2)</script> <b>Nothing runs here.</b>')
    page = pages.open(article.get_absolute_url())
    policy = page.evaluate("fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "default-src 'none'" in policy
    expect(page.locator(".comment-content b")).to_have_text("Nothing runs here.")
    expect(page.locator(".comment-content img")).to_have_count(0)
    screenshot(page, "article-page")
    assert pages.unexpected_problems() == []
