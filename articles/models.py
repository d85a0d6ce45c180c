from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone

from .conf import article_settings


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles whose publication time has come, newest first."""
        return self.filter(published_at__lte=timezone.now()).order_by("-published_at")


class Article(models.Model):
    class ModerationMode(models.TextChoices):
        ALL = "all", "Every reply waits for a moderator"
        TRUSTED = "trusted", "Approve commenters with an earlier approved reply"

    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=300)
    body = models.TextField(help_text="Paragraphs separated by blank lines.")
    published_at = models.DateTimeField(default=timezone.now)
    comments_open = models.BooleanField("replies open", default=True)
    moderation_mode = models.CharField(
        max_length=10, choices=ModerationMode.choices, default=ModerationMode.ALL
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article", kwargs={"slug": self.slug})

    def paragraphs(self):
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    def accepts_replies(self, now=None):
        """Open, and not yet auto-closed by COMMENTS_CLOSE_AFTER_DAYS."""
        if not self.comments_open:
            return False
        days = article_settings.CLOSE_AFTER_DAYS
        return not days or (now or timezone.now()) < self.published_at + timedelta(days=days)
