import itertools

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.cache import caches

from articles.models import Article
from comments.models import Comment, Status

_seq = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, not memory, so live-server and concurrency
    tests share one database (pytest-django's hook, before the test database is made)."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"] = {**database.get("TEST", {}), "NAME": str(django_settings.BASE_DIR / "test-db.sqlite3")}


@pytest.fixture(autouse=True)
def relaxed_timing(settings):
    """Tests post many replies from one test client at once; the rules that
    watch timing are switched on again by the tests that exercise them."""
    settings.COMMENTS_FLOOD_INTERVAL = 0
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0


@pytest.fixture(autouse=True)
def tasks_run_inline(settings):
    """Queued tasks run at once, inside the test (after commit, where they are queued).

    Tests of the queue itself switch to the database backend and a real worker.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Each test starts with an empty cache (rate windows, cached pages).

    The database cache empties itself when a test's transaction rolls back, but
    not in transactional (live server) tests, whose tables are flushed without
    it; Redis keeps everything. Both are cleared here when they would leak.
    """
    if "DatabaseCache" not in django_settings.CACHES["default"]["BACKEND"]:
        clear_caches()
    elif {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        clear_caches()


def clear_caches():
    for alias in django_settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on_commit callbacks, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def make_article(db):
    def make(**fields):
        n = next(_seq)
        fields.setdefault("slug", f"article-{n}")
        fields.setdefault("title", f"Article {n}")
        fields.setdefault("body", "First paragraph.\n\nSecond paragraph.")
        return Article.objects.create(**fields)

    return make


@pytest.fixture
def article(make_article):
    return make_article(title="Storm closes the harbour", slug="storm-closes-the-harbour")


@pytest.fixture
def make_comment(db, article):
    def make(status=Status.APPROVED, **fields):
        n = next(_seq)
        fields.setdefault("article", article)
        fields.setdefault("name", f"Reader {n}")
        fields.setdefault("email", f"reader{n}@example.org")
        fields.setdefault("body", f"Reply number {n}.")
        comment = Comment(status=status, **fields)
        if comment.parent:
            comment.attach_to(comment.parent)
        comment.save()
        return comment

    return make


@pytest.fixture
def make_user(db, django_user_model):
    def make(*permissions, staff=True, **fields):
        n = next(_seq)
        user = django_user_model.objects.create_user(
            username=fields.pop("username", f"user{n}"), password="a-long-test-password",
            is_staff=staff, **fields,
        )
        for perm in permissions:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


@pytest.fixture
def moderator(make_user):
    return make_user("comments.moderate_comment", username="moderator")


def reply_data(**overrides):
    data = {
        "name": "Jane Reader",
        "email": "jane.reader@example.com",
        "website": "",
        "body": "A thoughtful reply.",
        "parent": "",
    }
    data.update(overrides)
    return data


def aged_token(article, seconds):
    """A form token as if the page had been served `seconds` ago."""
    import time

    class Signer(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - seconds))

    return Signer(salt="comments.form").sign(str(article.pk))


def prove_own(client, *replies):
    """Give a test client the signed cookie a browser gets when it posts these replies."""
    from comments.http import OWN_REPLIES_COOKIE, _OWN_REPLIES_SALT

    signer = signing.get_cookie_signer(salt=OWN_REPLIES_COOKIE + _OWN_REPLIES_SALT)
    client.cookies[OWN_REPLIES_COOKIE] = signer.sign(",".join(str(reply.pk) for reply in replies))
