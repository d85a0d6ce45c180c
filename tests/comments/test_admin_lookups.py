"""The admin's query string cannot be used to test guesses about personal data.

Django lets a change list filter by any local field from the URL; with it a
moderator who sees addresses masked recovered one a character at a time
(?email__startswith=v). Every registered admin is walked here, as a moderator
without the reveal permission, with lookups that would probe a commenter.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from comments.models import Flag, ListEntry, ModerationEvent, Status

EMAIL = "victor.secret@example.net"

# (lookup, right guess, wrong guess)
PROBES = [
    ("email", EMAIL, "someone@example.net"),
    ("email__exact", EMAIL, "someone@example.net"),
    ("email__iexact", EMAIL.upper(), "SOMEONE@EXAMPLE.NET"),
    ("email__startswith", "v", "x"),
    ("email__istartswith", "V", "X"),
    ("email__contains", "secret", "public"),
    ("email__regex", "^v", "^x"),
    ("email__endswith", ".net", ".org"),
    ("email__in", EMAIL, "someone@example.net"),
    ("email__gt", "v", "w"),
    ("email_digest__startswith", "a", "b"),
    ("ip_address", "198.51.100.23", "198.51.100.24"),
    ("ip_address__startswith", "198", "203"),
    ("user_agent__contains", "Firefox", "Chrome"),
    ("comment__email__startswith", "v", "x"),
    ("comment__ip_address__startswith", "198", "203"),
    ("comment__user_agent__contains", "Firefox", "Chrome"),
    ("comment__email_digest__startswith", "a", "b"),
    ("comments__email__startswith", "v", "x"),
    ("parent__email__startswith", "v", "x"),
    ("replies__email__startswith", "v", "x"),
    ("flags__comment__email__startswith", "v", "x"),
    ("events__comment__email__startswith", "v", "x"),
    ("reporter__startswith", "a", "b"),
    ("value__startswith", "a", "b"),
    ("digest__startswith", "a", "b"),
    ("name__regex", "[", "("),
    ("created_at__year", "99999", "2026"),
    ("status__exact", "\x00", "pending\x00"),
]


@pytest.fixture
def personal_data(make_comment, moderator):
    reply = make_comment(
        email=EMAIL, ip_address="198.51.100.23", user_agent="Mozilla/5.0 Firefox/128.0", body="Probe me"
    )
    Flag.objects.create(comment=reply, reporter="r" * 64)
    ListEntry.objects.create(kind=ListEntry.Kind.COMMENTER, value=EMAIL)
    reply.reject(by=moderator)
    return reply


OUR_APPS = {"articles", "comments", "background", "webhooks"}


def changelists(apps=None):
    for model in admin.site._registry:
        if apps is None or model._meta.app_label in apps:
            yield reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("lookup,right,wrong", PROBES, ids=[p[0] for p in PROBES])
def test_no_admin_answers_a_lookup_on_personal_data(client, moderator, personal_data, lookup, right, wrong):
    client.force_login(moderator)
    for url in changelists():
        answers = []
        for guess in (right, wrong):
            response = client.get(url, {lookup: guess})
            assert response.status_code in (302, 400, 403), (url, lookup, response.status_code)
            if response.status_code == 302:
                assert response["Location"].endswith("?e=1") or "/login/" in response["Location"], url
            answers.append((response.status_code, response.get("Location")))
        assert answers[0] == answers[1], (url, lookup)


def test_the_filters_each_admin_offers_still_work(client, moderator, personal_data, article):
    client.force_login(moderator)
    allowed = [
        ("comment", {"status__exact": Status.REJECTED, "article__id__exact": str(article.pk)}),
        ("comment", {"reason": "links", "reported": "yes"}),
        ("moderationqueue", {"reported": "open", "article__isnull": "False"}),
        ("flag", {"reason__exact": Flag.Reason.OTHER}),
        ("moderationevent", {"to_status__exact": Status.REJECTED}),
        ("listentry", {"kind__exact": "commenter", "action__exact": "spam"}),
    ]
    for model, params in allowed:
        response = client.get(reverse(f"admin:comments_{model}_changelist"), params)
        assert response.status_code == 200, (model, params)
    assert ModerationEvent.objects.filter(to_status=Status.REJECTED).exists()


def test_autocomplete_does_not_find_replies_by_address(client, moderator, personal_data):
    client.force_login(moderator)
    url = reverse("admin:autocomplete")
    params = {"app_label": "comments", "model_name": "flag", "field_name": "comment"}
    right = client.get(url, {**params, "term": EMAIL})
    wrong = client.get(url, {**params, "term": "someone@example.net"})
    assert right.status_code == wrong.status_code
    if right.status_code == 200:
        assert right.json()["results"] == wrong.json()["results"] == []
    nul = client.get(url, {**params, "term": "\x00"})
    assert nul.status_code in (200, 403, 404)


def test_search_with_nul_answers_an_empty_list(client, moderator, personal_data):
    client.force_login(moderator)
    for url in changelists():
        assert client.get(url, {"q": "a\x00b"}).status_code in (200, 403), url


def test_a_commenter_listed_twice_is_replaced_without_an_error(client, moderator, personal_data):
    client.force_login(moderator)
    url = reverse("admin:comments_listentry_add")
    for typed in (EMAIL, EMAIL.upper(), " " + EMAIL):
        response = client.post(url, {"kind": "commenter", "action": "spam", "value": typed, "note": ""})
        assert response.status_code == 302, response.content.decode()[:500]
    assert ListEntry.objects.filter(kind="commenter").count() == 1
    # A new address is answered exactly the same.
    response = client.post(url, {"kind": "commenter", "action": "spam", "value": "new@example.net", "note": ""})
    assert response.status_code == 302
    assert ListEntry.objects.filter(kind="commenter").count() == 2


def test_a_word_listed_twice_or_in_another_case_is_a_form_error(client, moderator, db):
    client.force_login(moderator)
    url = reverse("admin:comments_listentry_add")
    assert client.post(url, {"kind": "word", "action": "spam", "value": "Casino"}).status_code == 302
    for typed in ("casino", "CASINO ", "Casino"):
        response = client.post(url, {"kind": "word", "action": "spam", "value": typed})
        assert response.status_code == 200
        assert "already on the list" in response.content.decode()
    assert ListEntry.objects.filter(kind="word").count() == 1


def test_commenter_entries_show_no_commenter_id(personal_data):
    from comments import privacy

    entry = ListEntry.objects.get(kind="commenter")
    assert privacy.commenter_id(entry.value) not in str(entry)


def test_ip_and_user_agent_are_masked_without_the_reveal_permission(client, moderator, make_user, personal_data):
    url = reverse("admin:comments_comment_change", args=[personal_data.pk])
    client.force_login(moderator)
    html = client.get(url).content.decode()
    assert "198.51.100.x" in html and "198.51.100.23" not in html
    assert "Firefox" in html and "128.0" not in html
    client.force_login(make_user("comments.moderate_comment", "comments.view_commenter_email"))
    html = client.get(url).content.decode()
    assert "198.51.100.23" in html and "Firefox/128.0" in html


def test_a_superuser_gets_the_same_refusals(client, admin_user, personal_data):
    """Every admin of ours, including those only superusers open (tasks, webhooks), refuses the probes alike.
    (Django's own user and group admins are for superusers, who may see everything anyway.)"""
    client.force_login(admin_user)
    for url in changelists(OUR_APPS):
        for lookup, right, wrong in PROBES:
            answers = {client.get(url, {lookup: guess}).status_code for guess in (right, wrong)}
            assert answers <= {302, 400} and len(answers) == 1, (url, lookup, answers)
