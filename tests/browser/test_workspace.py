"""The moderators' workspace in Chromium: 20 decisions by keyboard alone, the same without
JavaScript, and the stock change list for comparison (keystrokes and page loads measured)."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, ListEntry, ModerationEvent, Status
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_reader_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What each of the 20 replies gets, oldest first.
PLAN = ["approve"] * 10 + ["reject"] * 5 + ["spam"] * 4 + ["reject"]


@pytest.fixture
def queue(make_comment, article, make_article):
    other = make_article(title="Council votes on the bypass")
    parent = make_comment(body="The harbour wall was repaired in 1998.", name="Pat")
    replies = []
    start = timezone.now() - timedelta(hours=3)
    for i in range(20):
        reply = make_comment(
            status=Status.PENDING, body=f"Reply {i:02d}: " + "a considered thought, " * (3 + i % 5),
            email=f"reader{i}@example.org", name=f"Reader {i}", parent=parent if i % 4 == 0 else None,
            article=other if i % 3 == 0 else article, reasons="held: 3 links" if i % 5 == 0 else "",
            reason_codes=["too_many_links"] if i % 5 == 0 else [],
        )
        Comment.objects.filter(pk=reply.pk).update(created_at=start + timedelta(minutes=i))
        replies.append(reply)
    return replies


class Measure:
    """Counts what a moderator does: keys pressed, clicks, page loads."""

    def __init__(self, page):
        self.page, self.keys, self.clicks, self.loads = page, 0, 0, 0
        page.on("load", lambda _page: setattr(self, "loads", self.loads + 1))

    def press(self, key):
        self.keys += 1
        self.page.keyboard.press(key)

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def select(self, locator, value):
        self.clicks += 2  # open the list, pick one
        locator.select_option(value)


def record(name, **numbers):
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS.parent / "moderation-measurements.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = numbers
    path.write_text(json.dumps(data, indent=2))


def assert_results(queue, mailoutbox, moderator):
    statuses = [Comment.objects.get(pk=r.pk).status for r in queue]
    expected = {"approve": "approved", "reject": "rejected", "spam": "spam"}
    assert statuses == [expected[action] for action in PLAN]
    events = ModerationEvent.objects.filter(comment__in=queue, actor=moderator)
    assert events.filter(to_status="rejected").exclude(reason_code="").count() == 6
    notices = [m for m in mailoutbox if "was not published" in m.subject]
    assert sorted(m.to[0] for m in notices) == sorted(
        f"reader{i}@example.org" for i, action in enumerate(PLAN) if action == "reject"
    )


def test_twenty_decisions_by_keyboard_without_a_page_load(pages, queue, moderator, mailoutbox, screenshot,
                                                           make_comment):
    troll = make_comment(status=Status.APPROVED, email="troll@example.net", name="Troll", body="Published once.")
    Comment.objects.filter(pk=troll.pk).update(created_at=timezone.now() - timedelta(days=3))
    page = pages.open(viewport={"width": 1280, "height": 900})
    log_in(page, moderator, "/admin/moderate/")
    expect(page.locator("article.card")).to_have_count(20)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no horizontal scroll
    screenshot(page, "workspace", full_page=False)
    m = Measure(page)
    page.wait_for_load_state()
    expect(page.locator(f"#card-{queue[0].pk}")).to_be_focused()
    for i, action in enumerate(PLAN):
        card = page.locator(f"#card-{queue[i].pk}")
        expect(card).to_be_focused()
        if i == 19:  # approve by mistake, undo, then reject
            m.press("a")
            expect(card).to_have_class(re.compile("decided"))
            m.press("u")
            expect(card).not_to_have_class(re.compile("decided"))
            expect(page.locator("#announce")).to_contain_text("Undone")
        if action == "approve":
            m.press("a")
        elif action == "spam":
            m.press("s")
        else:
            m.press("r")
            expect(card.locator("select[name=reason]")).to_be_focused()
            m.press("ArrowDown")
            m.press("Enter")
        expect(card).to_have_class(re.compile("decided"))
        expect(page.locator("#announce")).to_contain_text(f"Reply #{queue[i].pk}")
    assert m.loads == 0
    record("workspace, JavaScript", decisions=20, keystrokes=m.keys, clicks=m.clicks, page_loads=m.loads + 1)
    assert_results(queue, mailoutbox, moderator)
    assert ModerationEvent.objects.filter(undoes__isnull=False, actor=moderator).count() == 1

    # The commenter drawer: ban, removing the published reply.
    page.goto(f"/admin/moderate/?commenter={troll.commenter}")
    page.goto(f"/admin/moderate/commenter/{troll.commenter}/")
    expect(page.get_by_text("also remove their published reply (1)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "commenter-drawer", full_page=False)
    page.get_by_label("also remove their published reply (1)").check()
    page.get_by_role("button", name="Ban", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Banned: 0 pending and 1 published replies removed.")
    troll.refresh_from_db()
    assert troll.status == Status.SPAM
    assert ListEntry.objects.filter(kind="commenter", value=troll.email_digest).exists()

    page.goto("/admin/moderate/stats/?period=day")
    expect(page.locator("svg.chart")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "moderation-stats", full_page=False)


def test_twenty_decisions_without_javascript(pages, queue, moderator, mailoutbox):
    page = pages.open(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    log_in(page, moderator, "/admin/moderate/")
    expect(page.locator("article.card")).to_have_count(20)
    page.wait_for_load_state()
    m = Measure(page)
    for i, action in enumerate(PLAN):
        card = page.locator(f"#card-{queue[i].pk}")
        if action == "reject":
            m.select(card.locator("select[name=reason]"), "off_topic")
            m.click(card.get_by_role("button", name="Reject", exact=True))
        else:
            m.click(card.locator("button.approve" if action == "approve" else "button.spam"))
        expect(page.locator(".messagelist")).to_contain_text(f"Reply #{queue[i].pk}")
    record("workspace, no JavaScript", decisions=20, keystrokes=m.keys, clicks=m.clicks, page_loads=m.loads + 1)
    assert m.loads == 20
    assert_results(queue, mailoutbox, moderator)


def test_the_stock_change_list_for_comparison(pages, queue, moderator, mailoutbox):
    """The same 20 decisions one by one from the queue's change list: open, read, decide."""
    page = pages.open(viewport={"width": 1280, "height": 900})
    log_in(page, moderator, "/admin/comments/moderationqueue/")
    expect(page.locator("#result_list tbody tr")).to_have_count(20)
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # the columns fit too
    m = Measure(page)
    for i, action in enumerate(PLAN):
        m.click(page.locator(f"#result_list a[href$='/{queue[i].pk}/change/']"))
        if action == "reject":
            m.select(page.locator("select[name=reject-reason]"), "off_topic")
            m.click(page.get_by_role("button", name="Save and reject"))
        else:
            m.click(page.get_by_role("button", name="Save and approve" if action == "approve" else
                                     "Save and mark as spam"))
        # Saving returns to the queue's change list.
        expect(page.locator(".messagelist")).to_contain_text("Reply marked")
    record("stock change list (change page per reply)", decisions=20, keystrokes=m.keys, clicks=m.clicks,
           page_loads=m.loads + 1)
    assert_results(queue, mailoutbox, moderator)
