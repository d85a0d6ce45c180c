import json
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.test import APIClient, APIRequestFactory

from comments.api import ArticleReplyViewSet
from comments.conf import comment_settings
from comments.models import Comment, Flag, ListEntry, ModerationEvent, Status

EMAIL = "Private.Reader-39ab@Secret-Mail.example"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def moderator_api(moderator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    return client


def replies_url(article):
    return f"/api/articles/{article.slug}/comments/"


def new_reply(**overrides):
    data = {"name": "Jane Reader", "email": EMAIL, "body": "A thoughtful reply."}
    data.update(overrides)
    return data


def post_reply(api, article, **overrides):
    return api.post(replies_url(article), new_reply(**overrides), format="json")


def assert_no_email(response):
    text = response.content.decode(errors="replace") + str(response.headers)
    for needle in (EMAIL, EMAIL.lower(), EMAIL.split("@")[0], EMAIL.split("@")[0].lower()):
        assert needle not in text, f"{needle!r} leaked"


# --- GET /api/articles/<slug>/comments/ -----------------------------------------------------


def test_replies_are_the_approved_ones_in_thread_order(api, article, make_comment):
    first = make_comment(body="First")
    second = make_comment(body="Second")
    answer = make_comment(parent=first, body="Answer to the first")
    make_comment(status=Status.PENDING, body="Waiting")
    make_comment(status=Status.SPAM, body="Spam")
    make_comment(status=Status.REJECTED, body="Rejected")
    response = api.get(replies_url(article))
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["next"], data["previous"]) == (3, None, None)
    assert [r["id"] for r in data["results"]] == [first.pk, answer.pk, second.pk]
    assert data["results"][1] == {
        "id": answer.pk, "parent": first.pk, "name": answer.name, "website": "",
        "body_html": "<p>Answer to the first</p>", "created_at": answer.created_at.isoformat().replace("+00:00", "Z"),
    }


def test_a_reply_whose_parent_is_no_longer_published_is_left_out(api, article, make_comment):
    parent = make_comment()
    make_comment(parent=parent)
    parent.reject()
    assert api.get(replies_url(article)).json()["count"] == 0


def test_replies_are_paginated(api, article, make_comment, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)  # DRF copies PAGE_SIZE at import
    for _ in range(3):
        make_comment()
    first = api.get(replies_url(article)).json()
    second = api.get(first["next"]).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert len(second["results"]) == 1 and second["next"] is None


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "", "1.5", "9" * 30])
def test_a_bad_page_number_is_a_404_never_a_500(api, article, make_comment, page):
    make_comment()
    response = api.get(replies_url(article), {"page": page})
    assert response.status_code in (200, 404)
    assert response["Content-Type"] == "application/json"


def test_replies_of_an_unknown_or_unpublished_article_are_404(api, db, make_article):
    embargoed = make_article(published_at=timezone.now() + timezone.timedelta(days=1))
    assert api.get("/api/articles/nope/comments/").status_code == 404
    assert api.get(replies_url(embargoed)).status_code == 404


def test_reading_replies_costs_the_same_queries_however_many(
    api, article, make_comment, settings, django_assert_num_queries
):
    settings.COMMENTS_THROTTLE_ENABLED = False  # the database cache would add its own queries
    make_comment()
    with django_assert_num_queries(2):  # the article, the replies
        api.get(replies_url(article))
    for _ in range(20):
        make_comment()
    with django_assert_num_queries(2):
        api.get(replies_url(article))


# --- POST /api/articles/<slug>/comments/ ----------------------------------------------------


def test_a_posted_reply_is_stored_pending_and_answers_201(api, article):
    response = post_reply(api, article, body="Hello <b>world</b> https://example.org", website="https://jane.example/")
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert response.json() == {
        "id": comment.pk, "parent": None, "name": "Jane Reader", "website": "https://jane.example/",
        "body_html": comment.body_html, "status": "pending",
        "created_at": comment.created_at.isoformat().replace("+00:00", "Z"),
    }
    assert comment.status == Status.PENDING
    assert comment.body_html == (
        '<p>Hello <b>world</b> <a href="https://example.org" rel="nofollow ugc noopener">'
        "https://example.org</a></p>"
    )
    assert comment.email == EMAIL and comment.ip_address == "127.0.0.1"
    assert_no_email(response)


def form(data):
    return {"data": urlencode(data, doseq=True), "content_type": "application/x-www-form-urlencoded"}


def test_form_encoded_replies_are_accepted_too(api, article):
    response = api.post(replies_url(article), **form(new_reply()))
    assert response.status_code == 201


def test_a_trusted_commenter_is_approved_at_once(api, make_article, moderator):
    article = make_article(moderation_mode="trusted")
    first = post_reply(api, article, body="First")
    assert first.json()["status"] == "pending"
    Comment.objects.get(pk=first.json()["id"]).approve(by=moderator)
    response = post_reply(api, article, body="Again")  # the same client, with its own-replies cookie
    assert response.status_code == 201
    assert response.json()["status"] == "approved"
    assert Comment.objects.get(pk=response.json()["id"]).status == Status.APPROVED


def test_a_reply_judged_spam_answers_pending(api, article):
    ListEntry.objects.create(kind=ListEntry.Kind.WORD, value="cheap watches")
    response = post_reply(api, article, body="Buy cheap watches here")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert Comment.objects.get().status == Status.SPAM
    assert ModerationEvent.objects.get().to_status == Status.SPAM


def test_a_reply_with_too_many_links_is_held_with_its_reason(api, article, settings):
    settings.COMMENTS_MAX_LINKS = 1
    response = post_reply(api, article, body="https://a.example.org https://b.example.org")
    assert response.json()["status"] == "pending"
    assert Comment.objects.get().reason_list == ["held: 2 links"]


def test_reply_to_an_approved_reply_and_depth_limit(api, article, make_comment, settings):
    settings.COMMENTS_THREAD_DEPTH = 2
    parent = make_comment()
    child = make_comment(parent=parent)
    response = post_reply(api, article, parent=child.pk)
    assert response.status_code == 201
    reply = Comment.objects.get(pk=response.json()["id"])
    assert reply.parent == parent and reply.depth == 1  # attached to the deepest allowed ancestor
    assert response.json()["parent"] == parent.pk


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_parent_must_be_an_approved_reply(api, article, make_comment, status):
    parent = make_comment(status=status)
    response = post_reply(api, article, parent=parent.pk)
    assert response.status_code == 400
    assert response.json() == {"parent": ["The reply you are answering does not exist on this article."]}
    assert Comment.objects.count() == 1


def test_parent_on_another_article_is_refused(api, article, make_article, make_comment):
    other = make_comment(article=make_article())
    assert post_reply(api, article, parent=other.pk).status_code == 400


BAD_INPUT = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "nul\x00byte"}, "name"),
    ({"name": None}, "name"),
    ({"name": ["a list"]}, "name"),
    ({"email": ""}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "a" * 250 + "@example.com"}, "email"),
    ({"email": "nul\x00@example.com"}, "email"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"website": "ftp://example.com/"}, "website"),
    ({"website": "https://example.com/" + "x" * 200}, "website"),
    ({"website": "example.com"}, "website"),
    ({"body": ""}, "body"),
    ({"body": " \n\t "}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"body": "nul\x00byte"}, "body"),
    ({"body": "<b></b><img src=x onerror=alert(1)>"}, "body"),
    ({"body": {"an": "object"}}, "body"),
    ({"parent": "abc"}, "parent"),
    ({"parent": -1}, "parent"),
    ({"parent": 99999999999999999999999}, "parent"),
    ({"parent": 1.5}, "parent"),
]


@pytest.mark.parametrize("overrides,field", BAD_INPUT)
def test_bad_input_is_400_with_the_field_error(api, article, make_comment, overrides, field):
    existing = make_comment(body="Already here")
    response = post_reply(api, article, **overrides)
    assert response.status_code == 400
    assert field in response.json()
    assert Comment.objects.get() == existing  # nothing stored, nothing changed
    assert_no_email(response)


@pytest.mark.parametrize("value", ["مرحبا \u202eevil", "🎉 emoji 👍🏽", "<script>alert(1)</script>visible"])
def test_unusual_but_readable_text_is_accepted(api, article, value):
    response = post_reply(api, article, name=value[:100], body=value)
    assert response.status_code == 201
    assert "<script" not in response.json()["body_html"]


def test_missing_fields_are_named(api, article):
    response = api.post(replies_url(article), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "email", "body"}


def test_duplicate_reply_is_refused_as_a_whole(api, article):
    post_reply(api, article)
    response = post_reply(api, article)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Duplicate reply: it looks as though you've already said that."]}
    assert Comment.objects.count() == 1


def test_closed_replies_are_403(api, make_article):
    article = make_article(comments_open=False)
    response = post_reply(api, article)
    assert response.status_code == 403
    assert response.json() == {"detail": "Replies are closed on this article."}
    assert not Comment.objects.exists()


def test_replies_closed_by_age_are_403(api, make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    article = make_article(published_at=timezone.now() - timezone.timedelta(days=8))
    assert post_reply(api, article).status_code == 403


def test_post_to_unknown_article_is_404(api, db):
    assert api.post("/api/articles/nope/comments/", new_reply(), format="json").status_code == 404


def test_flooding_is_429_with_retry_after(api, article, settings):
    settings.COMMENTS_FLOOD_INTERVAL = 15
    assert post_reply(api, article, body="One").status_code == 201
    response = post_reply(api, article, body="Two")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 15
    assert response.json()["detail"].startswith("You are posting replies too quickly.")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("content_type,body", [
    ("text/plain", "name=Jane"),
    ("application/xml", "<reply/>"),
    ("multipart/form-data; boundary=xyz", "--xyz--"),
])
def test_a_body_that_is_not_json_or_form_data_is_415(api, article, content_type, body):
    response = api.generic("POST", replies_url(article), body, content_type=content_type)
    assert response.status_code == 415
    assert not Comment.objects.exists()


def test_malformed_json_is_400(api, article):
    response = api.generic("POST", replies_url(article), '{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_an_oversized_body_is_413(api, article):
    response = api.generic(
        "POST", replies_url(article), json.dumps(new_reply(body="x" * (200 * 1024))), content_type="application/json"
    )
    assert response.status_code == 413
    assert not Comment.objects.exists()


def test_too_many_form_fields_is_a_json_400(api, article):
    body = "&".join(f"f{i}=x" for i in range(200))
    response = api.generic("POST", replies_url(article), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Too many form fields" in response.json()["detail"]


def test_email_is_a_sensitive_post_parameter(article):
    request = APIRequestFactory().post(replies_url(article), new_reply())
    ArticleReplyViewSet.as_view({"post": "create"})(request, slug=article.slug)
    assert request.sensitive_post_parameters == ("email",)
    assert SafeExceptionReporterFilter().get_post_parameters(request)["email"] != EMAIL


# --- Throttles --------------------------------------------------------------------------------


def test_posting_is_throttled_per_ip_with_retry_after(api, article, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "post": "2/hour"}
    assert post_reply(api, article, body="One").status_code == 201
    assert post_reply(api, article, body="Two").status_code == 201
    response = post_reply(api, article, body="Three")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    # A forged X-Forwarded-For is no way round it; another address is counted apart.
    forged = api.post(replies_url(article), new_reply(body="Four"), format="json", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == 429
    other = api.post(replies_url(article), new_reply(body="Five"), format="json", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 201
    assert Comment.objects.count() == 3


def test_reading_is_throttled_separately(api, article, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "read": "2/minute", "post": "5/hour"}
    assert api.get(replies_url(article)).status_code == 200
    assert api.get(f"/api/articles/{article.slug}/").status_code == 200
    assert api.get(replies_url(article)).status_code == 429
    assert post_reply(api, article).status_code == 201  # its own scope


def test_throttles_can_be_switched_off(api, article, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "read": "1/minute"}
    settings.COMMENTS_THROTTLE_ENABLED = False
    for _ in range(3):
        assert api.get(replies_url(article)).status_code == 200


# --- POST /api/comments/<id>/flag/ ------------------------------------------------------------


def flag(api, reply, **data):
    return api.post(f"/api/comments/{reply.pk}/flag/", data, format="json")


def test_a_report_is_accepted_with_202(api, make_comment):
    reply = make_comment()
    response = flag(api, reply, reason="abusive", note="Insults another reader.")
    assert response.status_code == 202
    assert response.json() == {"detail": "Thank you. A moderator will look at this reply."}
    report = Flag.objects.get()
    assert (report.comment, report.reason, report.note) == (reply, "abusive", "Insults another reader.")
    assert report.user is None
    assert "127.0.0.1" not in report.reporter


def test_reason_is_optional(api, make_comment):
    assert flag(api, make_comment()).status_code == 202
    assert Flag.objects.get().reason == Flag.Reason.OTHER


def test_one_report_per_reader(api, make_comment):
    reply = make_comment()
    assert flag(api, reply).status_code == 202
    assert flag(api, reply, reason="spam").status_code == 202
    assert Flag.objects.count() == 1
    other = api.post(f"/api/comments/{reply.pk}/flag/", {}, format="json", REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 202 and Flag.objects.count() == 2


def test_a_signed_in_reader_reports_as_their_account(api, make_comment, make_user):
    user = make_user(staff=False)
    api.force_authenticate(user)
    flag(api, make_comment())
    assert Flag.objects.get().user == user


def test_reports_past_the_threshold_send_the_reply_back_to_the_queue(api, make_comment, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    reply = make_comment()
    flag(api, reply)
    api.post(f"/api/comments/{reply.pk}/flag/", {}, format="json", REMOTE_ADDR="198.51.100.8")
    reply.refresh_from_db()
    assert reply.status == Status.PENDING
    assert "reported by 2 readers" in reply.reason_list
    assert ModerationEvent.objects.get(comment=reply).to_status == Status.PENDING


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_only_published_replies_can_be_reported(api, make_comment, status):
    assert flag(api, make_comment(status=status)).status_code == 404
    assert not Flag.objects.exists()


@pytest.mark.parametrize("pk", ["999999", "abc", "-1", "99999999999999999999999"])
def test_reporting_an_unknown_reply_is_404(api, db, pk):
    assert api.post(f"/api/comments/{pk}/flag/", {}, format="json").status_code == 404


@pytest.mark.parametrize("data,field", [
    ({"reason": "nonsense"}, "reason"),
    ({"note": "x" * 501}, "note"),
    ({"note": "nul\x00"}, "note"),
])
def test_bad_report_is_400(api, make_comment, data, field):
    response = flag(api, make_comment(), **data)
    assert response.status_code == 400 and field in response.json()
    assert not Flag.objects.exists()


def test_report_body_must_be_json_or_form_data(api, make_comment):
    reply = make_comment()
    response = api.generic("POST", f"/api/comments/{reply.pk}/flag/", "reason=spam", content_type="text/plain")
    assert response.status_code == 415


def test_reports_are_throttled(api, make_comment, settings):
    settings.COMMENTS_RATES = {**comment_settings.RATES, "report": "1/hour"}
    first, second = make_comment(), make_comment()
    assert flag(api, first).status_code == 202
    response = flag(api, second)
    assert response.status_code == 429 and response["Retry-After"]
    assert Flag.objects.count() == 1


# --- Moderation: who may ----------------------------------------------------------------------

MODERATION_REQUESTS = [
    ("get", "/api/moderation/comments/"),
    ("post", "/api/moderation/comments/{pk}/approve/"),
    ("post", "/api/moderation/comments/{pk}/reject/"),
    ("post", "/api/moderation/comments/{pk}/spam/"),
    ("post", "/api/moderation/comments/bulk/"),
]


@pytest.mark.parametrize("method,url", MODERATION_REQUESTS)
def test_anonymous_clients_get_401_with_the_scheme_to_use(api, make_comment, method, url):
    reply = make_comment(status=Status.PENDING)
    response = getattr(api, method)(url.format(pk=reply.pk))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    reply.refresh_from_db()
    assert reply.status == Status.PENDING


@pytest.mark.parametrize("method,url", MODERATION_REQUESTS)
def test_accounts_without_the_permission_get_403(api, make_user, make_comment, method, url):
    reply = make_comment(status=Status.PENDING)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user(staff=True)).key}")
    response = getattr(api, method)(url.format(pk=reply.pk), {"action": "approve", "ids": [reply.pk]}, format="json")
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.status == Status.PENDING


def test_a_bad_token_is_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert api.get("/api/moderation/comments/").status_code == 401


def test_moderators_may_use_their_session(moderator, make_comment):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(moderator)
    reply = make_comment(status=Status.PENDING)
    assert client.get("/api/moderation/comments/").status_code == 200
    # A session is a browser's credential: a change needs the CSRF token too.
    assert client.post(f"/api/moderation/comments/{reply.pk}/approve/").status_code == 403
    reply.refresh_from_db()
    assert reply.status == Status.PENDING


# --- GET /api/moderation/comments/ ------------------------------------------------------------


def test_the_queue_shows_why_and_who_without_the_email(moderator_api, article, make_comment, api):
    parent = make_comment(email=EMAIL)
    held = make_comment(
        status=Status.PENDING, parent=parent, email=EMAIL.lower(), reasons="held: 3 links",
        reason_codes=["too_many_links"],
    )
    make_comment(status=Status.SPAM, email=EMAIL)
    make_comment(status=Status.PENDING)  # someone else
    flag(api, parent)
    response = moderator_api.get("/api/moderation/comments/")
    assert response.status_code == 200
    results = {r["id"]: r for r in response.json()["results"]}
    assert response.json()["count"] == 4
    assert results[held.pk] == {
        "id": held.pk, "article": article.slug, "parent": parent.pk, "name": held.name, "website": "",
        "body_html": held.body_html, "status": "pending", "reasons": ["held: 3 links"],
        "reason_codes": ["too_many_links"], "flag_count": 0,
        "created_at": held.created_at.isoformat().replace("+00:00", "Z"),
        "commenter": held.commenter,
        "commenter_history": {"pending": 1, "approved": 1, "rejected": 0, "spam": 1},
        "triage_score": None, "triage_reasons": [],
    }
    assert results[parent.pk]["flag_count"] == 1
    assert results[parent.pk]["commenter"] == held.commenter != held.email_digest
    assert_no_email(response)
    assert held.email_digest not in response.content.decode()


def test_the_queue_is_oldest_first_and_filters_by_status_and_article(moderator_api, make_article, make_comment):
    other = make_article()
    old = make_comment(status=Status.PENDING)
    new = make_comment(status=Status.PENDING)
    make_comment(status=Status.APPROVED)
    elsewhere = make_comment(status=Status.PENDING, article=other)
    ids = lambda query: [r["id"] for r in moderator_api.get("/api/moderation/comments/", query).json()["results"]]  # noqa: E731
    assert ids({"status": "pending"}) == [old.pk, new.pk, elsewhere.pk]
    assert ids({"status": "pending", "article": other.slug}) == [elsewhere.pk]
    assert ids({"article": "no-such-article"}) == []
    assert len(ids({"status": ""})) == 4


@pytest.mark.parametrize("query,field", [({"status": "deleted"}, "status"), ({"article": "nul\x00"}, "article")])
def test_a_bad_filter_is_400(moderator_api, db, query, field):
    response = moderator_api.get("/api/moderation/comments/", query)
    assert response.status_code == 400 and field in response.json()


def test_the_queue_costs_the_same_queries_however_many_commenters(
    moderator_api, make_comment, django_assert_num_queries
):
    make_comment(status=Status.PENDING)
    # token, the user's two permission lookups, count, page, one history query for the whole page
    with django_assert_num_queries(6):
        moderator_api.get("/api/moderation/comments/")
    for _ in range(15):
        make_comment(status=Status.PENDING)
    with django_assert_num_queries(6):
        assert len(moderator_api.get("/api/moderation/comments/").json()["results"]) == 16


def test_a_reply_without_an_address_has_no_commenter(moderator_api, make_comment):
    make_comment(email="")
    result = moderator_api.get("/api/moderation/comments/").json()["results"][0]
    assert result["commenter"] is None and result["commenter_history"] is None


# --- POST /api/moderation/comments/<id>/<verb>/ -----------------------------------------------


@pytest.mark.parametrize("verb,status", [("approve", "approved"), ("reject", "rejected"), ("spam", "spam")])
def test_moderating_a_reply_returns_it_and_records_the_event(moderator_api, moderator, make_comment, verb, status):
    reply = make_comment(status=Status.PENDING)
    response = moderator_api.post(f"/api/moderation/comments/{reply.pk}/{verb}/")
    assert response.status_code == 200
    assert response.json()["id"] == reply.pk and response.json()["status"] == status
    reply.refresh_from_db()
    assert (reply.status, reply.moderated_by) == (status, moderator)
    event = ModerationEvent.objects.get(comment=reply)
    assert (event.actor, event.from_status, event.to_status) == (moderator, "pending", status)
    # Again: nothing changes, no second event.
    assert moderator_api.post(f"/api/moderation/comments/{reply.pk}/{verb}/").status_code == 200
    assert ModerationEvent.objects.filter(comment=reply).count() == 1
    assert_no_email(response)


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_moderating_an_unknown_reply_is_404(moderator_api, pk):
    assert moderator_api.post(f"/api/moderation/comments/{pk}/approve/").status_code == 404


def test_get_on_a_moderation_verb_is_405(moderator_api, make_comment):
    assert moderator_api.get(f"/api/moderation/comments/{make_comment().pk}/approve/").status_code == 405


# --- POST /api/moderation/comments/bulk/ ------------------------------------------------------


def test_bulk_moderation_counts_real_changes_and_records_each(moderator_api, moderator, make_comment):
    pending = [make_comment(status=Status.PENDING) for _ in range(3)]
    already = make_comment(status=Status.SPAM)
    ids = [c.pk for c in pending] + [already.pk, 999999]
    response = moderator_api.post("/api/moderation/comments/bulk/", {"action": "spam", "ids": ids}, format="json")
    assert response.status_code == 200
    assert response.json() == {"updated": 3}
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.SPAM}
    events = ModerationEvent.objects.all()
    assert len(events) == 3 and {e.actor for e in events} == {moderator}


def test_bulk_moderation_takes_form_data_too(moderator_api, make_comment):
    reply = make_comment(status=Status.PENDING)
    response = moderator_api.post("/api/moderation/comments/bulk/", **form({"action": "approve", "ids": [reply.pk]}))
    assert response.status_code == 200 and response.json() == {"updated": 1}


@pytest.mark.parametrize("data,field", [
    ({"action": "delete", "ids": [1]}, "action"),
    ({"action": "approve", "ids": []}, "ids"),
    ({"action": "approve", "ids": ["x"]}, "ids"),
    ({"action": "approve", "ids": [0]}, "ids"),
    ({"action": "approve", "ids": [2**64]}, "ids"),
    ({"action": "approve", "ids": list(range(1, 502))}, "ids"),
    ({"action": "approve"}, "ids"),
    ({"ids": [1]}, "action"),
])
def test_bad_bulk_requests_are_400_and_change_nothing(moderator_api, make_comment, data, field):
    reply = make_comment(status=Status.PENDING)
    response = moderator_api.post("/api/moderation/comments/bulk/", data, format="json")
    assert response.status_code == 400 and field in response.json()
    reply.refresh_from_db()
    assert reply.status == Status.PENDING and not ModerationEvent.objects.exists()


def test_bulk_body_must_be_json_or_form_data(moderator_api, db):
    response = moderator_api.generic("POST", "/api/moderation/comments/bulk/", "x", content_type="text/csv")
    assert response.status_code == 415


# --- Privacy across the API -------------------------------------------------------------------


def test_no_api_response_carries_the_email(api, moderator_api, article, make_comment):
    reply = make_comment(email=EMAIL)
    post_reply(api, article, body="Mine", parent=reply.pk)
    responses = [
        api.get("/api/articles/"),
        api.get(f"/api/articles/{article.slug}/"),
        api.get(replies_url(article)),
        post_reply(api, article, body="Mine"),  # duplicate: an error page
        post_reply(api, article, email="not an address"),
        flag(api, reply),
        moderator_api.get("/api/moderation/comments/"),
        moderator_api.post(f"/api/moderation/comments/{reply.pk}/spam/"),
        api.get("/api/schema/"),
        api.get("/api/docs/"),
    ]
    for response in responses:
        assert response.status_code < 500
        assert_no_email(response)


def test_the_browsable_api_never_shows_the_email(api, article):
    html = api.get(replies_url(article), HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and 'name="email"' in html.content.decode()
    # A refused post re-renders the form: blank, not refilled with what was sent.
    refused = api.post(replies_url(article), **form(new_reply(body="")), HTTP_ACCEPT="text/html")
    assert refused.status_code == 400
    assert_no_email(refused)
    accepted = api.post(replies_url(article), **form(new_reply()), HTTP_ACCEPT="text/html")
    assert accepted.status_code == 201
    assert_no_email(accepted)


def test_every_browsable_page_renders_for_a_moderator(client, moderator, make_comment, article):
    reply = make_comment()
    client.force_login(moderator)
    for url, status in [
        ("/api/articles/", 200),
        (f"/api/articles/{article.slug}/", 200),
        (replies_url(article), 200),
        (f"/api/comments/{reply.pk}/flag/", 405),
        ("/api/moderation/comments/", 200),
        (f"/api/moderation/comments/{reply.pk}/approve/", 405),
        ("/api/moderation/comments/bulk/", 405),
    ]:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert (response.status_code, response["Content-Type"]) == (status, "text/html; charset=utf-8"), url
        assert reply.email not in response.content.decode()


def test_options_describe_each_endpoint(api, moderator_api, article, make_comment):
    reply = make_comment()
    for client, url in [
        (api, "/api/articles/"),
        (api, f"/api/articles/{article.slug}/"),
        (api, replies_url(article)),
        (api, f"/api/comments/{reply.pk}/flag/"),
        (moderator_api, "/api/moderation/comments/"),
        (moderator_api, "/api/moderation/comments/bulk/"),
    ]:
        response = client.options(url)
        assert response.status_code == 200, url
        assert_no_email(response)


def test_a_reply_can_ask_for_follow_up_emails(api, article):
    assert post_reply(api, article, notify=True).status_code == 201
    assert post_reply(api, article, body="Another", email="b@example.org").status_code == 201
    assert list(Comment.objects.order_by("pk").values_list("notify", flat=True)) == [True, False]


def test_pending_queue_leaves_out_replies_awaiting_email_confirmation(moderator_api, make_comment):
    waiting = make_comment(status=Status.PENDING, body="Confirmed")
    make_comment(status=Status.PENDING, body="Unconfirmed", awaiting_confirmation=True)
    results = moderator_api.get("/api/moderation/comments/?status=pending").json()["results"]
    assert [r["id"] for r in results] == [waiting.pk]
