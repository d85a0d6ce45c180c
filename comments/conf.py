"""The comments app's settings and their defaults: ``comment_settings.FLOOD_INTERVAL`` is
``settings.COMMENTS_FLOOD_INTERVAL`` if the project sets it, else the default here.

The README's settings table explains each; ``comments/checks.py`` refuses nonsense values.
"""

from django.conf import settings

from articles.conf import DEFAULTS as ARTICLE_DEFAULTS
from newsroom.app_settings import AppSettings

RATES = {"report": "10/hour", "post": "20/hour", "read": "600/minute", "recommend": "120/hour"}

DEFAULTS = {
    # Key of the email digest; empty: SECRET_KEY. Rotating it splits every commenter's
    # history and bans, so production sets it once and keeps it.
    "EMAIL_DIGEST_KEY": "",
    "THREAD_DEPTH": 5,
    # Top-level threads per page of replies, and which come first.
    "PER_PAGE": 50,
    "NEWEST_FIRST": False,
    "MIN_SUBMIT_SECONDS": 3,
    "FORM_MAX_AGE": 24 * 60 * 60,
    "FLOOD_INTERVAL": 15,
    # Replies one IP address may send within the flood interval: many readers share one.
    "FLOOD_IP_ALLOWANCE": 5,
    # How long the same text from the same IP address counts as a duplicate.
    "DUPLICATE_SECONDS": 3600,
    "MAX_LINKS": 2,
    "REPORT_THRESHOLD": 3,
    "THROTTLE_ENABLED": True,
    # Take the reader's IP from X-Forwarded-For; only behind a proxy that sets it.
    "TRUST_X_FORWARDED_FOR": False,
    # Request rates per IP for the page's report form and the API (DRF scopes); a project's
    # COMMENTS_RATES replaces some of them.
    "RATES": RATES,
    # Links in emails are absolute: the public address of the site, without a trailing slash.
    "SITE_URL": "http://127.0.0.1:8000",
    # Days an IP address and user agent are kept (manage.py purge_personal_data clears them).
    "PERSONAL_DATA_DAYS": 30,
    # Addresses told about held replies, besides active users with the moderation permission.
    "MODERATOR_EMAILS": (),
    # After a moderators' email, further held replies wait this long and go out as one digest.
    "NOTIFY_BATCH_SECONDS": 300,
    # New commenters confirm their address by a link before their reply reaches the queue.
    "CONFIRM_EMAIL": False,
    "CONFIRM_MAX_AGE": 3 * 24 * 60 * 60,
    # How long the unsubscribe link in a follow-up email works.
    "UNSUBSCRIBE_MAX_AGE": 90 * 24 * 60 * 60,
    # Seconds a rendered page of replies is kept; any change to them replaces it at once.
    "REPLIES_CACHE_SECONDS": 24 * 60 * 60,
    # The moderators' workspace: how long a decision can be undone; decision notices to rejected
    # replies' authors, with a link to appeal once that works this long; the queue-age alert.
    "UNDO_SECONDS": 30,
    "DECISION_NOTICES": True,
    "APPEAL_MAX_AGE": 14 * 24 * 60 * 60,
    "QUEUE_ALERT_MINUTES": 60,
    # Readers' recommendations reach the cached pages at most this often (comments.recommend).
    "RECOMMEND_REFRESH_SECONDS": 10,
    # Replies in each Atom/RSS feed (comments/feeds.py).
    "FEED_ITEMS": 50,
    # Triage (comments/triage.py). Thresholds left empty (None) are the ones each training chooses.
    "TRIAGE_MIN_DECISIONS": 200,
    "TRIAGE_RETRAIN_EVERY": 100,
    "TRIAGE_SPAM_AT": None,
    "TRIAGE_HOLD_AT": None,
    # HTTP caching of shared article pages (README "Caching and CDNs"). Browsers keep a
    # shared page max-age seconds (0: they revalidate every view with its ETag, a 304 that
    # reads no page body); shared caches and CDNs s-maxage seconds, and may serve a stale
    # copy for stale-while-revalidate seconds more while they fetch the new one.
    "PAGE_MAX_AGE": 0,
    "PAGE_S_MAXAGE": 10,
    "PAGE_STALE_WHILE_REVALIDATE": 30,
    # Reader accounts (the accounts app, django-allauth): off by default.
    "ACCOUNTS": False,
    # Only signed-in readers may reply (the form becomes a sign-in link; the API answers 403).
    "REQUIRE_ACCOUNT": False,
    # Seconds after posting during which an author may edit their reply (0: never).
    "EDIT_SECONDS": 300,
    # How comments asks who is signed in, without importing the accounts app.
    "READER_ACCOUNT": "accounts.readers.signed_in_reader",
    **ARTICLE_DEFAULTS,  # the articles app reads these (articles/conf.py); checked here
}


class CommentSettings(AppSettings):
    @property
    def EMAIL_DIGEST_KEY(self):  # noqa: N802 (a setting's name)
        return getattr(settings, "COMMENTS_EMAIL_DIGEST_KEY", "") or settings.SECRET_KEY

    @property
    def RATES(self):  # noqa: N802
        return {**RATES, **getattr(settings, "COMMENTS_RATES", {})}


comment_settings = CommentSettings("COMMENTS_", DEFAULTS)
