"""How the moderation queue is doing, read from the replies and the audit trail.

``queue_now()`` is the state of the queue; ``period()`` what happened over a
day, a week or 30 days: replies received, decisions per moderator, time to
first decision (median, 90th percentile), the share the rules decided alone,
reversals, the busiest articles, and hourly (daily for 30 days) series for the
charts. ``check_queue_age()`` alerts the moderators once when the oldest
pending reply has waited past COMMENTS_QUEUE_ALERT_MINUTES.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDay, TruncHour  # bucket sizes (the series count by range)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from background.mail import send_once

from .conf import comment_settings
from .models import Appeal, Comment, ModerationEvent, Status
from .notifications import absolute, moderator_emails

PERIODS = {
    "day": (timedelta(days=1), gettext_lazy("Last 24 hours")),
    "week": (timedelta(days=7), gettext_lazy("Last 7 days")),
    "30days": (timedelta(days=30), gettext_lazy("Last 30 days")),
}
DECIDED = [Status.APPROVED, Status.REJECTED, Status.SPAM]
ALERT_KEY = "comments:queue-behind"


def queue_now(now=None, count_up_to=None):
    """The queue as it stands; `count_up_to` caps the pending count (the workspace shows "1,000+")."""
    now = now or timezone.now()
    pending = Comment.objects.in_queue()
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    counted = pending.order_by()[:count_up_to + 1] if count_up_to else pending
    return {
        "pending": counted.count(),
        "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "reported": Comment.objects.reported_open().filter(status=Status.PENDING).count(),
        "appealed": Appeal.objects.filter(decided_at=None, comment__status=Status.PENDING).count(),
    }


def percentile(values, p):
    """Nearest-rank percentile of sorted values; None for none."""
    if not values:
        return None
    rank = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[rank]


def period(name="day", now=None):
    now = now or timezone.now()
    span, label = PERIODS[name]
    since = now - span
    received = Comment.objects.filter(created_at__gte=since)
    events = ModerationEvent.objects.filter(created_at__gte=since, comment__isnull=False)
    by_people = events.filter(actor__isnull=False, to_status__in=DECIDED, undoes=None)

    # Time to first decision (by a person or the rules) of each reply that waited in the queue.
    first = dict(
        ModerationEvent.objects.filter(comment__created_at__gte=since, from_status=Status.PENDING)
        .values_list("comment_id").annotate(at=Min("created_at")).order_by()
    )
    created = dict(received.filter(pk__in=list(first)).values_list("pk", "created_at"))
    waits = sorted((first[pk] - at).total_seconds() for pk, at in created.items())

    total = received.count()
    auto = received.filter(
        events__actor=None, events__from_status="", events__to_status__in=[Status.APPROVED, Status.SPAM]
    ).distinct().count()
    reversals = by_people.filter(
        Q(from_status=Status.APPROVED, to_status=Status.REJECTED)
        | Q(from_status=Status.REJECTED, to_status=Status.APPROVED)
        | Q(from_status=Status.SPAM, to_status=Status.APPROVED)
        | Q(from_status=Status.APPROVED, to_status=Status.SPAM)
    ).count()
    moderators = [
        {"moderator": username, "decisions": n, **{s: c for s, c in zip(DECIDED, counts)}}
        for username, n, *counts in by_people.values_list("actor__username").annotate(
            n=Count("pk"), **{s: Count("pk", filter=Q(to_status=s)) for s in DECIDED}
        ).order_by("-n")
    ]
    articles = list(
        received.values_list("article__slug", "article__title").annotate(n=Count("pk")).order_by("-n")[:10]
    )
    trunc = TruncDay if span > timedelta(days=7) else TruncHour
    return {
        "period": name,
        "label": str(label),
        "since": since,
        "received": total,
        "decisions": by_people.count(),
        "undos": events.filter(undoes__isnull=False).count(),
        "per_moderator": moderators,
        "first_decision_seconds": {"median": percentile(waits, 50), "p90": percentile(waits, 90), "count": len(waits)},
        "auto_decided_share": round(auto / total, 3) if total else None,
        "reversals": reversals,
        "per_article": [{"article": slug, "title": title, "received": n} for slug, title, n in articles],
        "series": {
            "bucket": "day" if trunc is TruncDay else "hour",
            "received": _series(received, since, now, trunc),
            "decisions": _series(by_people, since, now, trunc),
            "queue_age_minutes": _queue_age(since, now, trunc),
        },
    }


def _buckets(since, now, trunc):
    step = timedelta(days=1) if trunc is TruncDay else timedelta(hours=1)
    start = since.replace(minute=0, second=0, microsecond=0)
    if trunc is TruncDay:
        start = start.replace(hour=0)
    out = []
    while start <= now:
        out.append(start)
        start += step
    return out, step


def _series(queryset, since, now, trunc):
    """Rows of `queryset` per bucket of created_at, in one query: a range condition per bucket
    reads the created_at index, where truncating every row's time (a function per row on SQLite) did not."""
    buckets, step = _buckets(since, now, trunc)
    counts = queryset.aggregate(**{
        f"b{i}": Count("pk", filter=Q(created_at__gte=at, created_at__lt=at + step)) for i, at in enumerate(buckets)
    })
    return [{"at": at, "n": counts[f"b{i}"]} for i, at in enumerate(buckets)]


def _queue_age(since, now, trunc):
    """Age in minutes of the oldest reply still pending at the end of each bucket."""
    decided = dict(
        ModerationEvent.objects.filter(from_status=Status.PENDING, created_at__gte=since)
        .values_list("comment_id").annotate(at=Min("created_at")).order_by()
    )
    waiting = list(
        Comment.objects.filter(Q(pk__in=list(decided)) | Q(status=Status.PENDING), created_at__lt=now)
        .order_by("created_at").values_list("pk", "created_at")[:5000]
    )
    buckets, step = _buckets(since, now, trunc)
    out = []
    for at in buckets:
        end = min(at + step, now)
        age = 0
        for pk, created in waiting:
            if created > end:
                break
            left = decided.get(pk)
            if left is None or left > end:
                age = int((end - created).total_seconds() // 60)
                break
        out.append({"at": at, "n": age})
    return out


def chart(series, *, width=600, height=120):
    """Bars for a server-rendered SVG: (x, y, w, h, label) each, and the largest value."""
    top = max((point["n"] for point in series), default=0) or 1
    w = width / max(1, len(series))
    bars = []
    for i, point in enumerate(series):
        h = round(point["n"] / top * (height - 4), 1)
        bars.append({"x": round(i * w, 1), "y": round(height - h, 1), "w": round(max(1, w - 1), 1), "h": h,
                     "title": f"{timezone.localtime(point['at']):%d %b %H:%M}: {point['n']}"})
    return {"bars": bars, "top": top, "width": width, "height": height}


def check_queue_age(now=None):
    """One alert per fall-behind: sent when the oldest pending reply passes the limit, again only
    after the queue has caught up and fallen behind anew. Returns whether an alert went."""
    limit = comment_settings.QUEUE_ALERT_MINUTES
    now = now or timezone.now()
    oldest = Comment.objects.in_queue().order_by("created_at").only("pk", "created_at").first()
    behind = bool(limit) and oldest is not None and now - oldest.created_at > timedelta(minutes=limit)
    if not behind:
        cache.delete(ALERT_KEY)
        return False
    if not cache.add(ALERT_KEY, oldest.pk, timeout=None):
        return False
    waited = int((now - oldest.created_at).total_seconds() // 60)
    pending = Comment.objects.in_queue().count()
    subject = _("Moderation queue behind: the oldest reply has waited %(m)d minutes") % {"m": waited}
    body = _(
        "The oldest reply in the moderation queue has waited %(m)d minutes (the alert limit is %(limit)d).\n"
        "%(n)d replies are waiting.\n\nOpen the workspace: %(url)s\n"
    ) % {"m": waited, "limit": limit, "n": pending, "url": absolute(reverse("moderate:queue"))}
    recipients = moderator_emails()
    send_once(f"queue-behind:{oldest.pk}", [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients
    ])
    return bool(recipients)
