"""Each rule alone (pass and trigger), then the pipeline through the real form view."""

import re

import pytest
from django.utils import timezone

from comments import moderation, privacy
from comments.conf import comment_settings
from comments.models import Comment, ListEntry, ModerationEvent, Status
from comments.moderation import APPROVE, HOLD, REFUSE, SPAM, Submission, form_token
from tests.conftest import aged_token, reply_data


@pytest.fixture
def submission(article):
    def make(form_token=None, honeypot="", own_ids=(), proven_commenters=(), **fields):
        fields.setdefault("name", "Jane Reader")
        fields.setdefault("email", "jane@example.com")
        fields.setdefault("body", "A calm reply.")
        fields.setdefault("ip_address", "203.0.113.9")
        comment = Comment(article=article, **fields)
        comment.attach_to(fields.get("parent"))
        comment.render()
        return Submission(
            comment, form_token=form_token, honeypot=honeypot, own_ids=frozenset(own_ids),
            proven_commenters=frozenset(proven_commenters),
        )

    return make


def action_of(rule, sub):
    verdict = rule(sub)
    return verdict and verdict.action


def test_replies_closed(submission, article, settings):
    assert action_of(moderation.replies_closed, submission()) is None
    article.comments_open = False
    verdict = moderation.replies_closed(submission())
    assert (verdict.action, verdict.status_code) == (REFUSE, 403)


def test_replies_auto_close_by_age(submission, article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    assert action_of(moderation.replies_closed, submission()) is None
    article.published_at = timezone.now() - timezone.timedelta(days=8)
    assert action_of(moderation.replies_closed, submission()) == REFUSE


def test_parent_must_be_approved_and_on_the_same_article(submission, make_comment, make_article):
    assert action_of(moderation.parent_not_approved, submission(parent=make_comment())) is None
    pending = make_comment(status=Status.PENDING)
    assert action_of(moderation.parent_not_approved, submission(parent=pending)) == REFUSE
    elsewhere = make_comment(article=make_article())
    assert action_of(moderation.parent_not_approved, submission(parent=elsewhere)) == REFUSE


def test_form_token(submission, article, make_article, settings):
    assert action_of(moderation.form_expired, submission(form_token=None)) is None  # API and imports
    assert action_of(moderation.form_expired, submission(form_token=form_token(article))) is None
    expired = aged_token(article, comment_settings.FORM_MAX_AGE + 5)
    verdict = moderation.form_expired(submission(form_token=expired))
    assert verdict.action == REFUSE and "reload the page" in verdict.message
    assert action_of(moderation.form_expired, submission(form_token=form_token(article) + "x")) == REFUSE
    other = form_token(make_article())
    assert action_of(moderation.form_expired, submission(form_token=other)) == REFUSE


def test_flood_by_own_browser_or_past_the_ip_allowance(submission, make_comment, settings):
    settings.COMMENTS_FLOOD_INTERVAL = 15
    settings.COMMENTS_FLOOD_IP_ALLOWANCE = 3
    assert action_of(moderation.flood, submission()) is None
    # Other readers on the same network: refused only past the allowance.
    for n in range(2):
        make_comment(email=f"colleague{n}@example.com", ip_address="203.0.113.9")
        assert action_of(moderation.flood, submission()) is None
    make_comment(email="colleague3@example.com", ip_address="203.0.113.9")
    verdict = moderation.flood(submission())
    assert (verdict.action, verdict.status_code) == (REFUSE, 429)
    assert 1 <= verdict.retry_after <= 16
    Comment.objects.all().delete()
    # The commenter's own browser, from anywhere.
    mine = make_comment(email="jane@example.com", ip_address="198.51.100.1")
    assert action_of(moderation.flood, submission(own_ids=[mine.pk])) == REFUSE
    # The same typed address from a browser that did not post it: held, never refused.
    assert action_of(moderation.flood, submission()) == HOLD
    Comment.objects.update(created_at=timezone.now() - timezone.timedelta(seconds=16))
    assert action_of(moderation.flood, submission(own_ids=[mine.pk])) is None
    assert action_of(moderation.flood, submission()) is None
    settings.COMMENTS_FLOOD_INTERVAL = 0
    Comment.objects.update(created_at=timezone.now())
    assert action_of(moderation.flood, submission(own_ids=[mine.pk])) is None


def test_duplicate(submission, make_comment, make_article, settings):
    first = make_comment(email="jane@example.com", body="Same words", ip_address="198.51.100.7")
    verdict = moderation.duplicate(submission(body="Same words", own_ids=[first.pk]))
    assert verdict.action == REFUSE
    assert verdict.message == "Duplicate reply: it looks as though you've already said that."
    assert action_of(moderation.duplicate, submission(body="Other words", own_ids=[first.pk])) is None
    # The same IP address soon after: refused, whatever address is typed.
    for email in ("jane@example.com", "someone@example.com"):
        assert action_of(moderation.duplicate, submission(body="Same words", ip_address="198.51.100.7",
                                                          email=email)) == REFUSE
    # Anyone else: held, whatever address is typed, so the answer tells nothing about the author.
    for email in ("jane@example.com", "someone@example.com"):
        assert action_of(moderation.duplicate, submission(body="Same words", email=email)) == HOLD
    Comment.objects.update(created_at=timezone.now() - timezone.timedelta(seconds=3601))
    assert action_of(moderation.duplicate, submission(body="Same words", ip_address="198.51.100.7")) is None
    assert action_of(moderation.duplicate, submission(body="Same words", own_ids=[first.pk])) == REFUSE


def test_honeypot(submission):
    assert action_of(moderation.honeypot, submission()) is None
    assert moderation.honeypot(submission(honeypot="buy now")).reason == "spam: honeypot field filled"


def test_too_fast(submission, article, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    assert action_of(moderation.too_fast, submission(form_token=form_token(article))) == SPAM
    assert action_of(moderation.too_fast, submission(form_token=aged_token(article, 10))) is None
    assert action_of(moderation.too_fast, submission(form_token=None)) is None
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    assert action_of(moderation.too_fast, submission(form_token=form_token(article))) is None


def test_banned_commenter(submission):
    assert action_of(moderation.banned_commenter, submission()) is None
    ListEntry.objects.create(kind="commenter", action="spam", value="Jane@Example.com")
    assert moderation.banned_commenter(submission()).reason == "spam: banned commenter"


@pytest.mark.parametrize(
    "kind,value,fields,reason",
    [
        ("word", "casino", {"body": "Best CASINO bonus"}, "word “casino”"),
        ("word", "casino", {"name": "Casino King"}, "word “casino”"),
        ("domain", "spam.example", {"body": '<a href="https://www.spam.example/x">x</a>'}, "link to spam.example"),
        ("domain", "spam.example", {"website": "http://spam.example"}, "link to spam.example"),
        ("ip", "203.0.113.0/24", {}, "IP 203.0.113.0/24"),
    ],
)
def test_blocklist_and_hold_list(submission, kind, value, fields, reason):
    assert action_of(moderation.blocklisted, submission(**fields)) is None
    ListEntry.objects.create(kind=kind, action="spam", value=value)
    assert moderation.blocklisted(submission(**fields)).reason == f"spam: blocklisted {reason}"
    assert action_of(moderation.hold_listed, submission(**fields)) is None
    ListEntry.objects.create(kind=kind, action="hold", value=value)
    assert moderation.hold_listed(submission(**fields)).reason == f"held: {reason}"


@pytest.mark.parametrize(
    "value,body",
    [
        ("casino-bonus.shop", "Free spins: https://casino-bonus.shop/promo"),
        ("casino-bonus.shop", "(https://www.casino-bonus.shop/promo)"),
        ("casino-bonus.shop", '"https://casino-bonus.shop/"'),
        ("pills.xyz", "www.pills.xyz/buy"),
        ("pills.xyz", "<code>http://pills.xyz/a</code>"),
        ("pills.xyz", '<a href="https://harmless.example/">https://pills.xyz/</a>'),
        ("198.51.100.7", "http://198.51.100.7/x"),
        ("bücher.shop", "https://xn--bcher-kva.shop/"),
        ("xn--bcher-kva.shop", "https://bücher.shop/"),
        ("evil.top", "http://google.com@evil.top/login"),
    ],
)
def test_blocklisted_domain_matches_every_url_in_the_reply(submission, value, body):
    assert action_of(moderation.blocklisted, submission(body=body)) is None
    ListEntry.objects.create(kind="domain", action="spam", value=value)
    assert moderation.blocklisted(submission(body=body)).action == SPAM


def test_words_match_whole_words_only(submission):
    ListEntry.objects.create(kind="word", action="spam", value="ass")
    assert action_of(moderation.blocklisted, submission(body="A classic assessment.")) is None


def test_too_many_links(submission, settings):
    two = "http://a.com and http://b.com"
    assert action_of(moderation.too_many_links, submission(body=two)) is None
    verdict = moderation.too_many_links(submission(body=two + " and http://c.com"))
    assert (verdict.action, verdict.reason) == (HOLD, "held: 3 links")
    settings.COMMENTS_MAX_LINKS = 5
    assert action_of(moderation.too_many_links, submission(body=two + " and http://c.com")) is None


@pytest.mark.parametrize(
    "urls",
    [
        ["http://cheap.shop/x", "https://pills.xyz/a", "http://spam.top/", "https://x.online/", "https://evil.click/",
         "http://deals.store", "www.spam.site/p", "http://a.example/1", "http://1.2.3.4/x", "https://bücher.shop/"],
        ["<code>http://a.shop/x</code>", "<code>http://b.shop/x</code>", "<code>http://c.shop/x</code>"],
    ],
)
def test_too_many_links_counts_urls_of_any_tld_linked_or_not(submission, urls):
    verdict = moderation.too_many_links(submission(body=" ".join(urls)))
    assert (verdict.action, verdict.reason) == (HOLD, f"held: {len(urls)} links")


def test_trusted_commenter(submission, article, make_comment):
    earlier = make_comment(name="Jane Reader", email="jane@example.com")
    mine = {"own_ids": [earlier.pk]}
    assert action_of(moderation.trusted_commenter, submission(**mine)) is None  # mode "all"
    article.moderation_mode = article.ModerationMode.TRUSTED
    assert action_of(moderation.trusted_commenter, submission(**mine)) == APPROVE
    assert action_of(moderation.trusted_commenter, submission(name="Someone Else", **mine)) is None
    assert action_of(moderation.trusted_commenter, submission(email="new@example.com", **mine)) is None
    # A typed address and name prove nothing; a confirmed address in this browser does.
    assert action_of(moderation.trusted_commenter, submission()) is None
    proven = [privacy.commenter_id(earlier.email_digest)]
    assert action_of(moderation.trusted_commenter, submission(proven_commenters=proven)) == APPROVE


def test_judge_collects_reasons_and_ranks_spam_over_hold_over_approve(submission, article, make_comment):
    article.moderation_mode = article.ModerationMode.TRUSTED
    mine = {"own_ids": [make_comment(name="Jane Reader", email="jane@example.com").pk]}
    assert moderation.judge(submission(**mine)).status == Status.APPROVED
    held = moderation.judge(submission(body="http://a.com http://b.com http://c.com", **mine))
    assert (held.status, held.reasons) == (Status.PENDING, ["held: 3 links"])
    spam = moderation.judge(submission(body="http://a.com http://b.com http://c.com", honeypot="x", **mine))
    assert spam.status == Status.SPAM and spam.reasons == ["spam: honeypot field filled", "held: 3 links"]


# --- through the real form view ----------------------------------------------------


def post(client, article, **overrides):
    overrides.setdefault("token", aged_token(article, 60))
    return client.post(f"/articles/{article.slug}/comments/", reply_data(**overrides))


def test_form_honeypot_is_stored_as_spam_but_looks_normal(client, article):
    response = post(client, article, nickname="http://cheap.example")
    reply = Comment.objects.get()
    assert response.status_code == 303 and reply.status == Status.SPAM
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Your reply is awaiting moderation." in page  # the spammer learns nothing


def test_form_too_fast_is_spam(client, article, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
    post(client, article, token=form_token(article))
    reply = Comment.objects.get()
    assert reply.status == Status.SPAM
    assert re.fullmatch(r"spam: form sent [0-2]s after it was served", reply.reasons)


def test_form_expired_token_asks_to_reload(client, article):
    response = post(client, article, token=aged_token(article, 2 * 24 * 3600))
    assert response.status_code == 400 and "reload the page" in response.content.decode()
    assert not Comment.objects.exists()


def test_form_flood_is_429_with_retry_after(client, article, settings):
    settings.COMMENTS_FLOOD_INTERVAL = 15
    assert post(client, article, body="First").status_code == 303
    response = post(client, article, body="Second", email="other@example.com")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 16
    assert "too quickly" in response.content.decode()
    assert Comment.objects.count() == 1


def test_form_duplicate_is_refused(client, article):
    post(client, article, body="Same words")
    response = post(client, article, body="Same words")
    assert response.status_code == 400
    assert "already said that" in response.content.decode()
    assert Comment.objects.count() == 1


def test_form_closed_article_is_403(client, make_article):
    closed = make_article(comments_open=False)
    response = post(client, closed)
    assert response.status_code == 403 and "Replies are closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_form_banned_and_blocklisted_are_spam(client, article):
    ListEntry.objects.create(kind="commenter", action="spam", value="jane.reader@example.com")
    ListEntry.objects.create(kind="word", action="spam", value="viagra")
    post(client, article, body="cheap viagra")
    assert Comment.objects.get().reason_list == ["spam: banned commenter", "spam: blocklisted word “viagra”"]


def test_form_hold_list_and_links_hold_with_reasons(client, article):
    ListEntry.objects.create(kind="word", action="hold", value="lawsuit")
    post(client, article, body="A lawsuit: http://a.com http://b.com http://c.com")
    reply = Comment.objects.get()
    assert reply.status == Status.PENDING
    assert reply.reason_list == ["held: word “lawsuit”", "held: 3 links"]
    assert ModerationEvent.objects.get(comment=reply).reason == "held: word “lawsuit”; held: 3 links"


def test_form_ten_bare_urls_are_held_and_a_bare_blocklisted_url_is_spam(client, article):
    post(client, article, body="\n".join(f"https://shop-{n}.xyz/deal" for n in range(10)))
    assert Comment.objects.get().reason_list == ["held: 10 links"]
    ListEntry.objects.create(kind="domain", action="spam", value="casino-bonus.shop")
    post(client, article, body="Try https://casino-bonus.shop/promo")
    assert Comment.objects.latest("pk").status == Status.SPAM
    assert Comment.objects.latest("pk").reason_list == ["spam: blocklisted link to casino-bonus.shop"]


def test_form_parent_not_approved_is_refused(client, article, make_comment):
    pending = make_comment(status=Status.PENDING)
    assert post(client, article, parent=pending.pk).status_code == 400
    assert Comment.objects.count() == 1


def test_trusted_mode_end_to_end(client, make_article, moderator):
    trusted = make_article(moderation_mode="trusted")
    post(client, trusted, body="My first reply")
    first = Comment.objects.get()
    assert first.status == Status.PENDING
    first.approve(by=moderator)
    post(client, trusted, body="My second reply")
    second = Comment.objects.latest("pk")
    assert second.status == Status.APPROVED
    assert ModerationEvent.objects.filter(comment=second, actor=None, to_status="approved").exists()
    post(client, trusted, body="Third, with links http://a.com http://b.com http://c.com")
    assert Comment.objects.latest("pk").status == Status.PENDING  # a hold wins over trust


def test_rule_settings_are_read_per_call_not_at_import(submission, settings):
    settings.COMMENTS_MAX_LINKS = 0
    assert action_of(moderation.too_many_links, submission(body="http://a.com")) == HOLD


def test_list_entries_take_effect_on_the_next_reply(client, article):
    post(client, article, body="nothing wrong")
    ListEntry.objects.create(kind="word", action="spam", value="wrong")
    post(client, article, body="something wrong")
    assert list(Comment.objects.values_list("status", flat=True)) == [Status.PENDING, Status.SPAM]

