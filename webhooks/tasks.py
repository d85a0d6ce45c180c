"""Webhook deliveries on the task queue: fan-out, delivery with retries, and telling moderators."""

import hashlib
import http.client
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from standardwebhooks.webhooks import Webhook

from background.mail import send_once
from background.queue import enqueue_on_commit
from background.retries import attempts, max_attempts
from comments.notifications import absolute, moderator_emails

from . import dispatch as payloads
from . import net
from .conf import webhook_settings
from .models import Delivery, Endpoint


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; the message says what happened (never a payload)."""


@task(takes_context=True)
def dispatch(context, event, ids):
    """Record one delivery per subscribed endpoint and reply (or ban), and queue each."""
    endpoints = [endpoint for endpoint in Endpoint.objects.filter(active=True) if endpoint.wants(event)]
    if not endpoints:
        return 0
    created = 0
    for subject_id, data in payloads.subjects(event, ids):
        for endpoint in endpoints:
            # Derived from this task's id, so a second run of it finds its deliveries instead of adding more.
            seed = f"{context.task_result.id}:{endpoint.pk}:{subject_id}"
            message_id = "msg_" + hashlib.sha256(seed.encode()).hexdigest()[:32]
            if Delivery.objects.filter(message_id=message_id).exists():
                continue
            # The delivery and its task commit together (the task table is in the same database).
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    endpoint=endpoint, message_id=message_id, event=event, payload=payloads.body(event, data)
                )
                deliver.enqueue(delivery.pk)
            created += 1
    return created


def signed_headers(delivery):
    now = timezone.now()
    return {
        "Content-Type": "application/json",
        "User-Agent": "newsroom-comments-webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(delivery.endpoint.secret).sign(delivery.message_id, now, delivery.payload),
    }


@attempts(lambda: webhook_settings.ATTEMPTS)
@task(takes_context=True)
def deliver(context, delivery_id):
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return "done already"  # delivered by an earlier run, or given up on
    endpoint = delivery.endpoint
    if not endpoint.active:
        delivery.record_attempt(status=Delivery.Status.FAILED, error="endpoint is not active")
        return "endpoint not active"
    last = context.attempt >= max_attempts(deliver.module_path)
    try:
        status, latency = net.post(endpoint.url, delivery.payload, signed_headers(delivery))
    except net.UnsafeURL as exc:  # no retry: the address will not become public by waiting
        delivery.record_attempt(status=Delivery.Status.FAILED, error=f"refused: {exc}")
        endpoint_failed(endpoint)
        return "refused"
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
        status = latency = None
    else:
        if 200 <= status < 300:
            delivery.record_attempt(status=Delivery.Status.DELIVERED, response_status=status, latency_ms=latency)
            endpoint.attempt_succeeded()
            return status
        error = f"HTTP {status}"
    disabled = endpoint_failed(endpoint)
    delivery.record_attempt(
        status=Delivery.Status.FAILED if last or disabled else None,
        response_status=status, latency_ms=latency, error=error,
    )
    if disabled:
        return "endpoint disabled"
    raise DeliveryFailed(error[:300])


@task()
def prune_deliveries():
    """Delete deliveries older than COMMENTS_WEBHOOKS_LOG_DAYS: their payloads hold names and reply text."""
    cutoff = timezone.now() - timedelta(days=webhook_settings.LOG_DAYS)
    deleted, _ = Delivery.objects.filter(created_at__lt=cutoff).exclude(status=Delivery.Status.PENDING).delete()
    return deleted


def endpoint_failed(endpoint):
    """Count a failed attempt; True if that switched the endpoint off, and then the moderators are told."""
    disabled = endpoint.attempt_failed()
    if disabled:
        enqueue_on_commit(tell_moderators_endpoint_disabled, endpoint.pk)
    return disabled


def send_again(delivery):
    """Queue a failed delivery once more (the admin's action), with the same webhook-id."""
    if Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(status=Delivery.Status.PENDING):
        enqueue_on_commit(deliver, delivery.pk)
        return True
    return False


def on_reply_event(sender, *, event, ids, **kwargs):
    """comments.events.reply_event (connected in WebhooksConfig.ready)."""
    if Endpoint.objects.filter(active=True).exists():
        dispatch.enqueue(event, ids)


def on_commenter_banned(sender, *, entry_id, **kwargs):
    if Endpoint.objects.filter(active=True).exists():
        dispatch.enqueue("commenter.banned", [entry_id])


@task()
def tell_moderators_endpoint_disabled(endpoint_id):
    endpoint = Endpoint.objects.filter(pk=endpoint_id, active=False).exclude(disabled_at=None).first()
    if endpoint is None:
        return 0  # switched on again meanwhile
    body = render_to_string("webhooks/email/disabled.txt", {
        "endpoint": endpoint,
        "failures": endpoint.failure_count,
        "admin_url": absolute(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])),
    })
    subject = _("Webhook endpoint switched off: %(endpoint)s") % {"endpoint": endpoint}
    return send_once(
        f"webhook-disabled:{endpoint.pk}:{endpoint.disabled_at.timestamp()}",
        [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in moderator_emails()],
    )
