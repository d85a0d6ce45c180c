import re

from django.test import Client

from comments.conf import comment_settings
from comments.models import Comment, Flag, ModerationEvent, Status


def report(client, comment, **data):
    data.setdefault("reason", "abusive")
    return client.post(f"/comments/{comment.pk}/report/", data)


def reader(n):
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


def test_page_offers_a_report_link_on_approved_replies_and_one_report_form(client, article, make_comment):
    replies = [make_comment(), make_comment()]
    html = client.get(article.get_absolute_url()).content.decode()
    for reply in replies:
        assert f'<a class="comment-report-link" href="/comments/{reply.pk}/report/"' in html
    assert html.count('id="report-form"') == 1 and html.count('name="reason"') == 1
    assert '<option value="illegal">Illegal content</option>' in html


def test_report_is_stored_and_thanks_the_reader(article, make_comment):
    reply = make_comment()
    client = reader(1)
    response = report(client, reply, reason="off_topic", note="about football")
    assert response.status_code == 303 and response["Location"].endswith(f"#comment-{reply.pk}")
    flag = Flag.objects.get()
    assert (flag.reason, flag.note) == ("off_topic", "about football")
    assert "198.51.100.1" not in flag.reporter  # a keyed digest, not the address
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_the_thanks_is_shown_next_to_the_reported_reply(article, make_comment):
    replies = [make_comment(body=f"Reply {n}") for n in range(5)]
    client = reader(1)
    response = report(client, replies[3])
    html = client.get(response["Location"]).content.decode()
    # The reply's own entry: from its <li> to the end of its text.
    item = re.search(rf'<li id="comment-{replies[3].pk}" .*?<div class="comment-content">.*?</div>', html,
                     re.DOTALL)[0]
    assert '<p class="reply-message" role="status">Thank you. A moderator will look at this reply.</p>' in item
    assert html.count("Thank you.") == 1 and '<ul class="messages"' not in html
    assert "Thank you" not in client.get(response["Location"]).content.decode()  # shown once


def test_the_thanks_for_a_reply_sent_back_to_the_queue_is_at_the_top(article, make_comment, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    reply = make_comment()
    client = reader(1)
    html = client.get(report(client, reply)["Location"]).content.decode()
    assert f'id="comment-{reply.pk}"' not in html
    assert '<ul class="messages" role="status"><li>Thank you. A moderator will look at this reply.</li></ul>' in html


def test_one_report_per_reader(make_comment):
    reply = make_comment()
    report(reader(1), reply)
    report(reader(1), reply, reason="spam")
    assert Flag.objects.count() == 1


def test_threshold_sends_reply_back_to_the_queue(article, make_comment, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    reply = make_comment()
    for n in (1, 2):
        report(reader(n), reply)
    reply.refresh_from_db()
    assert reply.status == Status.APPROVED
    report(reader(3), reply)
    reply.refresh_from_db()
    assert reply.status == Status.PENDING
    assert reply.reason_list == ["reported by 3 readers"]
    event = ModerationEvent.objects.get(comment=reply)
    assert (event.from_status, event.to_status, event.actor) == ("approved", "pending", None)
    assert "Reply number" not in Client().get(article.get_absolute_url()).content.decode()


def test_only_approved_replies_can_be_reported(make_comment):
    hidden = make_comment(status=Status.PENDING)
    assert report(reader(1), hidden).status_code == 404
    assert reader(1).post("/comments/999999/report/", {"reason": "spam"}).status_code == 404


def test_bad_reason_is_400(make_comment):
    assert report(reader(1), make_comment(), reason="because").status_code == 400
    assert not Flag.objects.exists()


def test_reports_are_throttled_per_ip(make_comment, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "report": "2/hour"}
    replies = [make_comment() for _ in range(3)]
    client = reader(7)
    assert [report(client, r).status_code for r in replies] == [303, 303, 429]
    settings.COMMENTS_THROTTLE_ENABLED = False
    assert report(client, replies[2]).status_code == 303


def test_report_with_a_session_but_without_csrf_is_403(make_comment, make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(staff=False))
    assert report(client, make_comment()).status_code == 403
    assert not Flag.objects.exists()


def test_anonymous_report_from_another_site_is_403(make_comment):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/comments/{make_comment().pk}/report/", {"reason": "spam"},
                           HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403 and not Flag.objects.exists()


def test_report_page_without_javascript(client, make_comment):
    reply = make_comment(body="Reported words")
    html = client.get(f"/comments/{reply.pk}/report/").content.decode()
    assert "Reported words" in html and f'action="/comments/{reply.pk}/report/"' in html
    assert 'name="reason"' in html and "csrfmiddlewaretoken" not in html
    assert client.post(f"/comments/{reply.pk}/report/", {"reason": "spam"}).status_code == 303
    assert Flag.objects.filter(comment=reply).count() == 1


def test_report_page_of_a_hidden_reply_is_404(client, make_comment):
    reply = make_comment(status=Status.PENDING)
    assert client.get(f"/comments/{reply.pk}/report/").status_code == 404


def test_moderation_writes_one_event_per_real_change(make_comment, moderator):
    replies = [make_comment(status=Status.PENDING) for _ in range(3)]
    assert Comment.objects.filter(pk__in=[r.pk for r in replies]).approve(by=moderator) == 3
    assert Comment.objects.all().approve(by=moderator) == 0  # already approved: no new history
    assert ModerationEvent.objects.count() == 3
    assert replies[0].mark_spam(by=moderator, reason="link farm") == 1
    assert list(replies[0].events.values_list("from_status", "to_status", "reason")) == [
        ("pending", "approved", ""), ("approved", "spam", "link farm")
    ]
