"""The Russian translation: pages, form errors and emails render in it, and its catalogs are complete.

The site speaks one language, LANGUAGE_CODE (DJANGO_LANGUAGE_CODE); these tests switch it
with the `settings` fixture, as a deploy would with the environment.
"""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from comments import notifications
from comments.models import Status
from comments.moderation import form_token
from tests.conftest import reply_data

ROOT = Path(django_settings.BASE_DIR)
CATALOGS = sorted(p for p in ROOT.glob("**/locale/ru/LC_MESSAGES/django.po") if ".venv" not in p.parts)
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]|\{[a-z_]+\}")


@pytest.fixture
def russian(settings):
    settings.LANGUAGE_CODE = "ru"


@pytest.fixture
def moderator(make_user):
    return make_user("comments.moderate_comment", username="moderator", email="mod@newsroom.example")


def post(client, article, **overrides):
    overrides.setdefault("token", form_token(article))
    return client.post(reverse("post_comment", args=[article.slug]), reply_data(**overrides))


@pytest.mark.parametrize(("replies", "heading"), [
    (1, "1 комментарий к статье «Шторм закрыл гавань»"),
    (3, "3 комментария к статье «Шторм закрыл гавань»"),
    (5, "5 комментариев к статье «Шторм закрыл гавань»"),
], ids=["one", "few", "many"])
def test_article_page_in_russian_with_each_plural_form(russian, make_article, make_comment, replies, heading):
    article = make_article(title="Шторм закрыл гавань")
    for _ in range(replies):
        make_comment(article=article)
    html = Client().get(article.get_absolute_url()).content.decode()
    assert '<html lang="ru">' in html
    assert heading in html
    for words in ("Добавить комментарий", "Ваш адрес электронной почты не будет опубликован",
                  "Отправить комментарий", ">Ответить</a>", ">Пожаловаться</a>", "Перейти к содержанию",
                  "<label for=\"id_name\">Имя ", ">Оскорбления или травля</option>"):
        assert words in html
    assert re.search(r"<time datetime=\"[^\"]+\">\d+ [а-я]+ \d{4} в \d\d:\d\d</time>", html)  # "2 декабря 2026 в 12:31"
    assert "Leave a Reply" not in html and "Replies to" not in html


def test_a_page_cached_in_english_is_not_served_once_the_site_speaks_russian(settings, article, make_comment):
    make_comment()
    assert "Leave a Reply" in Client().get(article.get_absolute_url()).content.decode()
    settings.LANGUAGE_CODE = "ru"
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Добавить комментарий" in html and "1 комментарий к статье" in html


def test_form_errors_in_russian(russian, article):
    response = post(Client(), article, name="", body="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ваш комментарий не отправлен" in html
    assert '<a href="#id_name">Имя: Обязательное поле.</a>' in html  # the label ours, the error Django's own
    assert '<a href="#id_body">Комментарий: Обязательное поле.</a>' in html


def test_a_refused_reply_is_told_why_in_russian(russian, article):
    reader = Client()
    assert post(reader, article, body="Ровно то же самое.").status_code == 303
    html = post(reader, article, body="Ровно то же самое.").content.decode()
    assert "Повторный комментарий: похоже, вы это уже написали." in html


def test_reader_sees_awaiting_moderation_and_report_thanks_in_russian(russian, client, article, make_comment):
    post(client, article, body="Мой комментарий")
    assert "Ваш комментарий ожидает модерации." in client.get(article.get_absolute_url()).content.decode()
    reported = make_comment()
    response = client.post(reverse("report_comment", args=[reported.pk]), {"reason": "spam"}, follow=True)
    assert "Спасибо. Модератор посмотрит этот комментарий." in response.content.decode()


def test_moderator_email_in_russian(russian, client, article, moderator, committed, mailoutbox):
    with committed():
        post(client, article, body="См. https://a.example.com https://b.example.com https://c.example.com")
    message = mailoutbox[0]
    assert message.subject == f"Комментарий ждёт модерации: {article.title}"
    assert message.body.startswith("Комментарий ждёт модератора.\n")
    assert "Очередь модерации: " in message.body


@pytest.mark.parametrize(("waiting", "subject", "first_line"), [
    (3, "3 комментария ждут модерации", "3 комментария ждут модератора."),
    (5, "5 комментариев ждут модерации", "5 комментариев ждут модератора."),
], ids=["few", "many"])
def test_moderators_digest_in_russian_with_plural_forms(
    russian, article, make_comment, moderator, mailoutbox, waiting, subject, first_line
):
    for n in range(waiting):
        make_comment(status=Status.PENDING, body=f"Ждёт {n}")
    notifications.notify_moderators()
    assert mailoutbox[0].subject == subject
    assert mailoutbox[0].body.startswith(first_line)


def test_emails_go_out_in_the_sites_language_whatever_is_active(russian, article, make_comment, moderator, mailoutbox):
    make_comment(status=Status.PENDING)
    with translation.override("en"):
        notifications.notify_moderators()
    assert mailoutbox[0].subject.startswith("Комментарий ждёт модерации")


def test_feeds_in_russian_and_never_served_from_the_english_cache(settings, article, make_comment):
    make_comment(name="Анна")
    assert "Newsroom: latest replies" in Client().get(reverse("site_feed")).content.decode()
    settings.LANGUAGE_CODE = "ru"
    assert "Newsroom: последние комментарии" in Client().get(reverse("site_feed")).content.decode()
    feed = Client().get(reverse("article_feed", args=[article.slug])).content.decode()
    assert f"Анна к статье «{article.title}»" in feed


def test_moderation_admin_in_russian(russian, client, moderator, article, make_comment):
    reply = make_comment(status=Status.PENDING)
    client.force_login(moderator)
    html = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    for words in ("Одобрить выбранные комментарии", "Очередь модерации", "История комментатора",
                  "одобрено: 0 · отклонено: 0 · спам: 0"):
        assert words in html
    response = client.post(reverse("admin:comments_comment_changelist"),
                           {"action": "approve", "_selected_action": [reply.pk]}, follow=True)
    assert "1 комментарий одобрен." in response.content.decode()


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 комментарий одобрен."), (2, "2 комментария одобрены."), (5, "5 комментариев одобрено."),
    (11, "11 комментариев одобрено."), (21, "21 комментарий одобрен."), (22, "22 комментария одобрены."),
])
def test_russian_plural_forms(n, expected):
    with translation.override("ru"):
        assert ngettext("%(n)d reply approved.", "%(n)d replies approved.", n) % {"n": n} == expected


# --- The catalogs -------------------------------------------------------------------------


def test_there_is_a_russian_catalog_per_app_and_for_the_project():
    assert {p.relative_to(ROOT).parts[0] for p in CATALOGS} == {"articles", "background", "comments", "locale",
                                                                  "webhooks"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_entry_is_translated_with_the_same_placeholders(path):
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy
    entries = [e for e in po if not e.obsolete]
    assert entries
    for entry in entries:
        assert "fuzzy" not in entry.flags, entry.msgid
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        assert all(forms), f"untranslated: {entry.msgid!r}"
        wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, (entry.msgid, form)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalog_matches_its_po_file(path):
    """The .mo is committed: it must be compiled from the .po as it stands (make messages)."""
    with open(path.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert compiled._catalog[(key, 1)] == entry.msgstr_plural[1], entry.msgid
        else:
            assert compiled._catalog[key] == entry.msgstr, entry.msgid
