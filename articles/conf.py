"""The settings the articles app reads, with their defaults (``article_settings.CDN_PURGE_URL``).

They keep their COMMENTS_ names (the environment and README use them); ``comments.conf``
answers them too, so its system checks cover them.
"""

from newsroom.app_settings import AppSettings

DEFAULTS = {
    # Replies close this many days after publication (0: never); an article's own setting wins.
    "CLOSE_AFTER_DAYS": 0,
    # Purge hook: a URL template with {key} (the article's surrogate key), called after
    # every change readers would see, e.g. https://api.fastly.com/service/<id>/purge/{key}.
    "CDN_PURGE_URL": "",
    "CDN_PURGE_METHOD": "POST",
    # One header sent with each purge, "Name: value" (e.g. "Fastly-Key: …").
    "CDN_PURGE_HEADER": "",
    "CDN_PURGE_TIMEOUT": 3,
}

article_settings = AppSettings("COMMENTS_", DEFAULTS)
