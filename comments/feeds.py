"""Atom and RSS feeds of the replies readers can see, per article and for the whole site.

Only Comment.objects.public() replies appear: approved, with every ancestor
approved too. Items carry the name, the sanitised text, the website and a
permalink, never an email address. A rendered feed is cached under the same
version as the article's pages (comments.threads), or for the site-wide feed
under the version that any article's change replaces, so it changes exactly
when the replies on the page do.
"""

import hashlib

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from articles.models import Article

from .conf import comment_settings
from .models import Comment
from .page_cache import page_version, site_version

FEED_FIELDS = ("name", "website", "body_html", "created_at", "thread_path", "parent_id", "article_id",
               "article__slug", "article__title")


def _replies(article=None):
    """The newest COMMENTS_FEED_ITEMS public replies of the article, or of every published article."""
    replies = Comment.objects.public()
    if article is None:
        replies = replies.filter(article__published_at__lte=timezone.now())
    else:
        replies = replies.for_article(article)
    items = comment_settings.FEED_ITEMS
    return replies.select_related("article").only(*FEED_FIELDS).order_by("-created_at", "-pk")[:items]


class RepliesFeed(Feed):
    """What both feeds share: one item per reply."""

    def item_title(self, reply):
        return _("%(name)s on “%(title)s”") % {"name": reply.name, "title": reply.article.title}

    def item_description(self, reply):
        return reply.body_html  # sanitised when stored

    def item_link(self, reply):
        return reply.get_absolute_url()

    def item_guid(self, reply):
        # The permalink carries the page of replies, which moves as threads are added.
        return f"{comment_settings.SITE_URL}{reply.article.get_absolute_url()}#comment-{reply.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, reply):
        return reply.name

    def item_author_link(self, reply):
        return reply.website or None

    def item_pubdate(self, reply):
        return reply.created_at


class SiteRepliesFeed(RepliesFeed):
    link = "/"

    def title(self):
        return _("Newsroom: latest replies")

    def description(self):
        return _("The latest published replies on every article.")

    def items(self):
        return _replies()


class ArticleRepliesFeed(RepliesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, article):
        return _("Replies to “%(title)s”") % {"title": article.title}

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return _("The latest published replies to “%(title)s”.") % {"title": article.title}

    def items(self, article):
        return _replies(article)


class SiteRepliesAtomFeed(SiteRepliesFeed):
    feed_type = Atom1Feed
    subtitle = SiteRepliesFeed.description


class ArticleRepliesAtomFeed(ArticleRepliesFeed):
    feed_type = Atom1Feed
    subtitle = ArticleRepliesFeed.description


def _cached(request, feed, version, name, *args):
    """The feed from the cache, or rendered and kept under the version read before rendering."""
    where = hashlib.blake2b(f"{request.scheme}://{request.get_host()}|{name}|{args}".encode(),
                            digest_size=12).hexdigest()
    key = f"feed:v1:{where}:{version}"
    entry = cache.get(key)
    if entry is None:
        response = feed(request, *args)
        entry = (response.content, response["Content-Type"], response.get("Last-Modified"))
        cache.set(key, entry, timeout=comment_settings.REPLIES_CACHE_SECONDS)
    content, content_type, last_modified = entry
    response = HttpResponse(content, content_type=content_type)
    if last_modified:
        response["Last-Modified"] = last_modified
    return response


_site_rss, _site_atom = SiteRepliesFeed(), SiteRepliesAtomFeed()
_article_rss, _article_atom = ArticleRepliesFeed(), ArticleRepliesAtomFeed()


def site_feed(request):
    return _cached(request, _site_rss, site_version(), "site-rss")


def site_feed_atom(request):
    return _cached(request, _site_atom, site_version(), "site-atom")


def article_feed(request, slug):
    return _cached(request, _article_rss, page_version(slug), "article-rss", slug)


def article_feed_atom(request, slug):
    return _cached(request, _article_atom, page_version(slug), "article-atom", slug)
