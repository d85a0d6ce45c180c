"""Settings for the newsroom project, read from the environment.

Every value has a safe development default; production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL. The apps'
own settings (COMMENTS_…, BACKGROUND_…) have their defaults in each app's
conf.py and are set here only from the environment. The README's settings
table lists every name. Tests change nothing here: tests/conftest.py.
"""

import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from newsroom import logs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_set(name):
    """True when the environment gives `name` a value (an empty one counts as unset)."""
    return os.environ.get(name, "") != ""


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=None):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_float(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG=0.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
    "background",
    "webhooks",
    # Reader accounts (COMMENTS_ACCOUNTS): installed always, so their tables exist
    # whichever way the switch is set; accounts/urls.py answers 404 while it is off.
    # accounts first: its templates replace allauth's.
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Shared article pages from the cache, before sessions, users and messages (comments/page_cache.py).
    "comments.page_cache.SharedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "newsroom.cross_origin.CrossOriginProtectionMiddleware",
    # Reads form bodies before the CSRF check: one 400 or 413 for a body Django cannot take.
    "newsroom.middleware.FormBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Below SharedPageMiddleware: shared pages never reach it.
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write
    # lock at BEGIN, so two posters queue on the busy timeout instead of one
    # failing with "database is locked" when it upgrades a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Kept open like PostgreSQL's (DATABASE_CONN_MAX_AGE): opening a file and running the
    # PRAGMAs on every request cost more than serving a cached page (README "Performance").

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------

# Throttles, flood windows and rendered threads must be shared by every server
# process, so the fallback is the database cache, never per-process memory.
# "limits" holds rate-limit counters and mail windows apart from the pages in
# "default": pages may be evicted at will, a counter that is evicted lets a
# flood through. In the database it is a table of its own that never culls
# (its keys expire within the hour); in Redis, a key prefix of its own on a
# server that must not evict keys (README, "Production").
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
        },
        "limits": {
            "BACKEND": "newsroom.cache.ReusingRedisCache",
            "LOCATION": env_str("LIMITS_REDIS_URL") or REDIS_URL,
            "KEY_PREFIX": "newsroom-limits",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_cache",
        },
        "limits": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_limits",
            "OPTIONS": {"MAX_ENTRIES": 10_000_000},
        },
    }

# --- Auth, i18n, static -------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# One language for the whole site, chosen by the operator: no LocaleMiddleware, so a
# reader's Accept-Language never changes a page (which would also split the page cache).
LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
# Translations of templates/ and newsroom/; each app keeps its own in <app>/locale/.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# A reply is at most 5,000 characters; even fully percent-encoded 4-byte
# characters fit well inside this. Anything larger is refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 128 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50

# --- Security -----------------------------------------------------------------
# With DJANGO_DEBUG=0 everything is on; each switch exists for a TLS-terminating
# proxy or a loopback benchmark. Behind a proxy that speaks plain HTTP to us,
# set DJANGO_BEHIND_TLS_PROXY=1 (the proxy must set X-Forwarded-Proto and strip
# it from clients), or the SSL redirect loops.

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain HTTP and do not follow redirects.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: JSON lines, never a request body, email-shaped text redacted ----

# runserver in development prints readable lines; gunicorn and everything else JSON.
# DJANGO_LOG_FORMAT=json or text chooses either way.
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT") or ("text" if DEBUG and sys.argv[1:2] == ["runserver"] else "json")
LOGGING = logs.config(env_str("DJANGO_LOG_LEVEL", "INFO"), readable=LOG_FORMAT == "text")

# --- Django REST framework ----------------------------------------------------

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "newsroom.api.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON, not Django's HTML page, for bodies past DATA_UPLOAD_MAX_MEMORY_SIZE or _NUMBER_FIELDS.
    "EXCEPTION_HANDLER": "newsroom.api.exception_handler",
    # Views name a scope from COMMENTS_RATES; the class reads the rates per request.
    "DEFAULT_THROTTLE_CLASSES": ["comments.throttling.ScopedRateThrottle"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom comments API",
    "DESCRIPTION": "Articles, their approved replies, posting and moderation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components, so `email` (write-only) appears in requests alone.
    "COMPONENT_SPLIT_REQUEST": True,
    # No validator badge: it would load an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Two `reason` fields with their own lists: readers' report reasons, moderators' rejection reasons.
    "ENUM_NAME_OVERRIDES": {
        "ReportReasonEnum": "comments.models.Flag.Reason",
        "DecisionReasonEnum": "comments.reasons.Decision",
    },
}

# --- Email -------------------------------------------------------------------
# Development prints mail to the console. Production sets EMAIL_URL, e.g.
# "submission://user:password@smtp.example.com:587" (STARTTLS), "smtps://…:465"
# (TLS from the start) or "smtp://localhost:25" (a local relay), or the usual
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL. Mail is sent after the reply is stored; a slow server can hold a
# request at most EMAIL_TIMEOUT seconds and a failing one never fails it.


def email_url_settings(url):
    """Django's EMAIL_* settings from "scheme://user:password@host:port"."""
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme in backends:
        return {"EMAIL_BACKEND": backends[parts.scheme]}
    ports = {"smtp": 25, "submission": 587, "smtps": 465}
    if parts.scheme not in ports:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {parts.scheme!r}; use smtp, submission or smtps.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or ports[parts.scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "submission",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
    }


EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    _mail = email_url_settings(EMAIL_URL)
    EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
    if "EMAIL_HOST" in _mail:  # a mail server, not console:, locmem: or dummy:
        EMAIL_HOST, EMAIL_PORT = _mail["EMAIL_HOST"], _mail["EMAIL_PORT"]
        EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _mail["EMAIL_HOST_USER"], _mail["EMAIL_HOST_PASSWORD"]
        EMAIL_USE_TLS, EMAIL_USE_SSL = _mail["EMAIL_USE_TLS"], _mail["EMAIL_USE_SSL"]
elif env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Newsroom <comments@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Background work -----------------------------------------------------------

# --- Reader accounts (accounts/, django-allauth) ---------------------------------
# COMMENTS_ACCOUNTS, COMMENTS_REQUIRE_ACCOUNT and COMMENTS_EDIT_SECONDS are the comments
# app's (comments/conf.py); below, allauth's settings for them.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "reader_profile"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.DisplayNameForm"
# allauth's messages and pages name the account by this, never by its address.
ACCOUNT_USER_DISPLAY = "accounts.readers.display_name"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
# Signing up with a known address does not say so on the page (allauth mails its owner instead).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
# The identity provider's own verified-email claim counts; otherwise allauth sends its own link.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# A newsroom's own OpenID Connect provider (SSO): nothing is offered until these are set.
# OIDC_SERVER_URL is the issuer (its /.well-known/openid-configuration is read).
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if env_str("OIDC_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append({
        "provider_id": env_str("OIDC_PROVIDER_ID", "newsroom"),
        "name": env_str("OIDC_NAME", "Newsroom account"),
        "client_id": env_str("OIDC_CLIENT_ID"),
        "secret": env_str("OIDC_SECRET"),
        "settings": {"server_url": env_str("OIDC_SERVER_URL")},
    })
# Django's Tasks API (the django-tasks backport until Django 6.0). The default
# keeps tasks in the database: no extra server on SQLite, and on PostgreSQL any
# number of `manage.py run_worker` processes share the queue (SKIP LOCKED).
# "immediate" runs each task inside the request instead (no worker needed).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("BACKGROUND_TASKS_BACKEND", "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"BACKGROUND_TASKS_BACKEND: use one of {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
# `manage.py run_periodic` (cron, every minute) queues each of these at most once per interval.
BACKGROUND_PERIODIC_TASKS = {
    "comments.tasks.send_moderation_digest": env_int("COMMENTS_DIGEST_EVERY_SECONDS", 300),
    "comments.tasks.check_queue_age": 60,
    "comments.tasks.purge_personal_data": 24 * 60 * 60,
    "comments.tasks.retrain_triage_nightly": 24 * 60 * 60,
    "background.tasks.prune": 24 * 60 * 60,
    "webhooks.tasks.prune_deliveries": 24 * 60 * 60,
}

# --- The apps' own settings ---------------------------------------------------------
# Each app keeps its defaults, and what each setting means, in its conf.py
# (comments/conf.py, background/conf.py, webhooks/conf.py); a setting is made here
# only when the environment gives it a value. README "Settings" lists them all.

if env_set("COMMENTS_EMAIL_DIGEST_KEY"):
    COMMENTS_EMAIL_DIGEST_KEY = env_str("COMMENTS_EMAIL_DIGEST_KEY")
if env_set("COMMENTS_THREAD_DEPTH"):
    COMMENTS_THREAD_DEPTH = env_int("COMMENTS_THREAD_DEPTH")
if env_set("COMMENTS_PER_PAGE"):
    COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE")
if env_set("COMMENTS_NEWEST_FIRST"):
    COMMENTS_NEWEST_FIRST = env_bool("COMMENTS_NEWEST_FIRST")
if env_set("COMMENTS_MIN_SUBMIT_SECONDS"):
    COMMENTS_MIN_SUBMIT_SECONDS = env_int("COMMENTS_MIN_SUBMIT_SECONDS")
if env_set("COMMENTS_FORM_MAX_AGE"):
    COMMENTS_FORM_MAX_AGE = env_int("COMMENTS_FORM_MAX_AGE")
if env_set("COMMENTS_FLOOD_INTERVAL"):
    COMMENTS_FLOOD_INTERVAL = env_int("COMMENTS_FLOOD_INTERVAL")
if env_set("COMMENTS_FLOOD_IP_ALLOWANCE"):
    COMMENTS_FLOOD_IP_ALLOWANCE = env_int("COMMENTS_FLOOD_IP_ALLOWANCE")
if env_set("COMMENTS_DUPLICATE_SECONDS"):
    COMMENTS_DUPLICATE_SECONDS = env_int("COMMENTS_DUPLICATE_SECONDS")
if env_set("COMMENTS_MAX_LINKS"):
    COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS")
if env_set("COMMENTS_CLOSE_AFTER_DAYS"):
    COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS")
if env_set("COMMENTS_REPORT_THRESHOLD"):
    COMMENTS_REPORT_THRESHOLD = env_int("COMMENTS_REPORT_THRESHOLD")
if env_set("COMMENTS_THROTTLE_ENABLED"):
    COMMENTS_THROTTLE_ENABLED = env_bool("COMMENTS_THROTTLE_ENABLED")
if env_set("COMMENTS_TRUST_X_FORWARDED_FOR"):
    COMMENTS_TRUST_X_FORWARDED_FOR = env_bool("COMMENTS_TRUST_X_FORWARDED_FOR")
if env_set("COMMENTS_PERSONAL_DATA_DAYS"):
    COMMENTS_PERSONAL_DATA_DAYS = env_int("COMMENTS_PERSONAL_DATA_DAYS")
if env_set("COMMENTS_MODERATOR_EMAILS"):
    COMMENTS_MODERATOR_EMAILS = env_list("COMMENTS_MODERATOR_EMAILS")
if env_set("COMMENTS_NOTIFY_BATCH_SECONDS"):
    COMMENTS_NOTIFY_BATCH_SECONDS = env_int("COMMENTS_NOTIFY_BATCH_SECONDS")
if env_set("COMMENTS_CONFIRM_EMAIL"):
    COMMENTS_CONFIRM_EMAIL = env_bool("COMMENTS_CONFIRM_EMAIL")
if env_set("COMMENTS_CONFIRM_MAX_AGE"):
    COMMENTS_CONFIRM_MAX_AGE = env_int("COMMENTS_CONFIRM_MAX_AGE")
if env_set("COMMENTS_UNSUBSCRIBE_MAX_AGE"):
    COMMENTS_UNSUBSCRIBE_MAX_AGE = env_int("COMMENTS_UNSUBSCRIBE_MAX_AGE")
if env_set("COMMENTS_REPLIES_CACHE_SECONDS"):
    COMMENTS_REPLIES_CACHE_SECONDS = env_int("COMMENTS_REPLIES_CACHE_SECONDS")
if env_set("COMMENTS_UNDO_SECONDS"):
    COMMENTS_UNDO_SECONDS = env_int("COMMENTS_UNDO_SECONDS")
if env_set("COMMENTS_DECISION_NOTICES"):
    COMMENTS_DECISION_NOTICES = env_bool("COMMENTS_DECISION_NOTICES")
if env_set("COMMENTS_APPEAL_MAX_AGE"):
    COMMENTS_APPEAL_MAX_AGE = env_int("COMMENTS_APPEAL_MAX_AGE")
if env_set("COMMENTS_QUEUE_ALERT_MINUTES"):
    COMMENTS_QUEUE_ALERT_MINUTES = env_int("COMMENTS_QUEUE_ALERT_MINUTES")
if env_set("COMMENTS_RECOMMEND_REFRESH_SECONDS"):
    COMMENTS_RECOMMEND_REFRESH_SECONDS = env_int("COMMENTS_RECOMMEND_REFRESH_SECONDS")
if env_set("COMMENTS_FEED_ITEMS"):
    COMMENTS_FEED_ITEMS = env_int("COMMENTS_FEED_ITEMS")
if env_set("COMMENTS_TRIAGE_MIN_DECISIONS"):
    COMMENTS_TRIAGE_MIN_DECISIONS = env_int("COMMENTS_TRIAGE_MIN_DECISIONS")
if env_set("COMMENTS_TRIAGE_RETRAIN_EVERY"):
    COMMENTS_TRIAGE_RETRAIN_EVERY = env_int("COMMENTS_TRIAGE_RETRAIN_EVERY")
if env_set("COMMENTS_TRIAGE_SPAM_AT"):
    COMMENTS_TRIAGE_SPAM_AT = env_float("COMMENTS_TRIAGE_SPAM_AT")
if env_set("COMMENTS_TRIAGE_HOLD_AT"):
    COMMENTS_TRIAGE_HOLD_AT = env_float("COMMENTS_TRIAGE_HOLD_AT")
if env_set("COMMENTS_PAGE_MAX_AGE"):
    COMMENTS_PAGE_MAX_AGE = env_int("COMMENTS_PAGE_MAX_AGE")
if env_set("COMMENTS_PAGE_S_MAXAGE"):
    COMMENTS_PAGE_S_MAXAGE = env_int("COMMENTS_PAGE_S_MAXAGE")
if env_set("COMMENTS_PAGE_STALE_WHILE_REVALIDATE"):
    COMMENTS_PAGE_STALE_WHILE_REVALIDATE = env_int("COMMENTS_PAGE_STALE_WHILE_REVALIDATE")
if env_set("COMMENTS_CDN_PURGE_URL"):
    COMMENTS_CDN_PURGE_URL = env_str("COMMENTS_CDN_PURGE_URL")
if env_set("COMMENTS_CDN_PURGE_METHOD"):
    COMMENTS_CDN_PURGE_METHOD = env_str("COMMENTS_CDN_PURGE_METHOD")
if env_set("COMMENTS_CDN_PURGE_HEADER"):
    COMMENTS_CDN_PURGE_HEADER = env_str("COMMENTS_CDN_PURGE_HEADER")
if env_set("COMMENTS_CDN_PURGE_TIMEOUT"):
    COMMENTS_CDN_PURGE_TIMEOUT = env_int("COMMENTS_CDN_PURGE_TIMEOUT")
if env_set("COMMENTS_ACCOUNTS"):
    COMMENTS_ACCOUNTS = env_bool("COMMENTS_ACCOUNTS")
if env_set("COMMENTS_REQUIRE_ACCOUNT"):
    COMMENTS_REQUIRE_ACCOUNT = env_bool("COMMENTS_REQUIRE_ACCOUNT")
if env_set("COMMENTS_EDIT_SECONDS"):
    COMMENTS_EDIT_SECONDS = env_int("COMMENTS_EDIT_SECONDS")
if env_set("COMMENTS_SITE_URL"):
    COMMENTS_SITE_URL = env_str("COMMENTS_SITE_URL").rstrip("/")
# Some of the rates, per scope: the others keep the app's defaults.
COMMENTS_RATES = {
    scope: env_str(f"COMMENTS_{scope.upper()}_RATE") for scope in ("report", "post", "read", "recommend")
    if env_set(f"COMMENTS_{scope.upper()}_RATE")
}

if env_set("BACKGROUND_TASK_ATTEMPTS"):
    BACKGROUND_TASK_ATTEMPTS = env_int("BACKGROUND_TASK_ATTEMPTS")
if env_set("BACKGROUND_RETRY_BASE_SECONDS"):
    BACKGROUND_RETRY_BASE_SECONDS = env_int("BACKGROUND_RETRY_BASE_SECONDS")
if env_set("BACKGROUND_RETRY_MAX_SECONDS"):
    BACKGROUND_RETRY_MAX_SECONDS = env_int("BACKGROUND_RETRY_MAX_SECONDS")
if env_set("BACKGROUND_TASK_TIMEOUT"):
    BACKGROUND_TASK_TIMEOUT = env_int("BACKGROUND_TASK_TIMEOUT")

if env_set("COMMENTS_WEBHOOKS_ALLOW_PRIVATE"):
    COMMENTS_WEBHOOKS_ALLOW_PRIVATE = env_bool("COMMENTS_WEBHOOKS_ALLOW_PRIVATE")
if env_set("COMMENTS_WEBHOOKS_TIMEOUT"):
    COMMENTS_WEBHOOKS_TIMEOUT = env_int("COMMENTS_WEBHOOKS_TIMEOUT")
if env_set("COMMENTS_WEBHOOKS_ATTEMPTS"):
    COMMENTS_WEBHOOKS_ATTEMPTS = env_int("COMMENTS_WEBHOOKS_ATTEMPTS")
if env_set("COMMENTS_WEBHOOKS_DISABLE_AFTER_FAILURES"):
    COMMENTS_WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("COMMENTS_WEBHOOKS_DISABLE_AFTER_FAILURES")
if env_set("COMMENTS_WEBHOOKS_DISABLE_AFTER_HOURS"):
    COMMENTS_WEBHOOKS_DISABLE_AFTER_HOURS = env_int("COMMENTS_WEBHOOKS_DISABLE_AFTER_HOURS")
if env_set("COMMENTS_WEBHOOKS_LOG_DAYS"):
    COMMENTS_WEBHOOKS_LOG_DAYS = env_int("COMMENTS_WEBHOOKS_LOG_DAYS")
