import json

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from comments import privacy
from comments.models import Comment, ListEntry, Status
from comments.moderation import form_token
from tests.background.conftest import run_queue
from tests.conftest import reply_data
from tests.test_privacy_sweep import forms_of
from webhooks import net
from webhooks.models import Delivery, Endpoint, validate_public_url

SECRET = "Hidden.Writer-51@Private-Mail.example"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post(client, article, **overrides):
    overrides.setdefault("email", SECRET)
    data = reply_data(token=form_token(article), **overrides)
    return client.post(reverse("post_comment", args=[article.slug]), data, REMOTE_ADDR="198.51.100.77",
                       HTTP_USER_AGENT="SecretBrowser/9.9")


def verified(request, endpoint):
    """The payload, after checking the Standard Webhooks signature as a receiver would."""
    return Webhook(endpoint.secret).verify(request["body"], request["headers"])


# --- Events and payloads -----------------------------------------------------------------


def test_a_held_reply_sends_created_and_held_signed_and_without_personal_data(
    endpoint, receiver, client, article, committed
):
    with committed():
        three_links = "Check www.example.com and www.example.org and www.example.net"
        assert post(client, article, body=three_links).status_code == 303
    assert receiver.events() == ["reply.created", "reply.held"]
    reply = Comment.objects.get()
    for request in receiver.requests:
        payload = verified(request, endpoint)
        assert request["path"] == "/hooks/newsroom?token=abc"
        assert request["headers"]["webhook-id"].startswith("msg_")
        data = payload["data"]
        assert data["id"] == reply.pk and data["article"] == article.slug and data["status"] == "pending"
        assert data["commenter"] == privacy.commenter_id(reply.email_digest)
        assert data["reasons"] == ["held: 3 links"]
        text = request["body"] + json.dumps(request["headers"])
        for needle in forms_of(SECRET) | {reply.email_digest, "198.51.100.77", "SecretBrowser"}:
            assert needle not in text
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert len(ids) == 2
    assert Delivery.objects.filter(status=Delivery.Status.DELIVERED, response_status=200).count() == 2


def test_moderation_decisions_reports_and_bans_each_send_their_event(
    endpoint, receiver, settings, make_comment, moderator, committed
):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    held, other, spammy, reported = (make_comment(status=s) for s in
                                     [Status.PENDING, Status.PENDING, Status.PENDING, Status.APPROVED])
    with committed():
        held.approve(by=moderator)
        other.reject(by=moderator)
        spammy.mark_spam(by=moderator)
    with committed():
        reported.report(reporter="reader-a")
        reported.report(reporter="reader-b")
    with committed():
        ListEntry.objects.create(kind=ListEntry.Kind.COMMENTER, value=spammy.email)
    assert receiver.events() == [
        "reply.approved", "reply.rejected", "reply.spam", "reply.held", "reply.reported", "commenter.banned",
    ]
    ban = json.loads(receiver.requests[-1]["body"])["data"]
    assert ban["commenter"] == privacy.commenter_id(spammy.email_digest) and spammy.email_digest not in str(ban)
    reported_data = json.loads(receiver.requests[4]["body"])["data"]
    assert reported_data["reasons"] == ["reported by 2 readers"] and reported_data["status"] == "pending"


def test_a_listed_ip_in_the_reasons_is_not_sent(endpoint, receiver, client, article, committed):
    ListEntry.objects.create(kind=ListEntry.Kind.IP, action=ListEntry.Action.HOLD, value="198.51.100.77")
    with committed():
        post(client, article)
    assert "198.51.100.77" not in receiver.requests[-1]["body"]
    assert json.loads(receiver.requests[-1]["body"])["data"]["reasons"] == ["held: IP address on the list"]


def test_only_subscribed_active_endpoints_receive(endpoint, receiver, make_comment, moderator, committed):
    endpoint.events = ["reply.rejected"]
    endpoint.save()
    Endpoint.objects.create(url=receiver.url + "&off", events=["reply.approved"], active=False)
    with committed():
        make_comment(status=Status.PENDING).approve(by=moderator)
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_no_endpoint_no_task(db, make_comment, moderator, committed, monkeypatch):
    from webhooks import tasks

    queued = []

    class Dispatch:
        def enqueue(self, *args):
            queued.append(args)

    monkeypatch.setattr(tasks, "dispatch", Dispatch())
    with committed():
        make_comment(status=Status.PENDING).approve(by=moderator)
    assert queued == []
    Endpoint.objects.create(url="https://hooks.example.com/", events=["reply.approved"])
    with committed():
        make_comment(status=Status.PENDING).approve(by=moderator)
    assert len(queued) == 1


# --- Delivery: failures, retries, switching off ---------------------------------------------


def test_a_failed_attempt_is_logged_and_retried_with_the_same_id(
    endpoint, receiver, make_comment, moderator, committed
):
    receiver.statuses = [500]
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with committed():
            make_comment(status=Status.PENDING).approve(by=moderator)
        run_queue()  # dispatch, then the first attempt: HTTP 500
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_status, delivery.last_error) == (
            Delivery.Status.PENDING, 1, 500, "HTTP 500"
        )
        DBTaskResult.objects.filter(status="READY").update(run_after="2000-01-01T00:00Z")  # skip the backoff
        run_queue()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2 and delivery.latency_ms is not None
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert first["body"] == second["body"]


def test_redirects_are_not_followed(endpoint, receiver, make_comment, moderator, committed):
    receiver.statuses = [302]
    with committed():
        make_comment(status=Status.PENDING).approve(by=moderator)
    assert [r["path"] for r in receiver.requests] == ["/hooks/newsroom?token=abc"]
    assert Delivery.objects.get().response_status == 302


def test_a_long_run_of_failures_switches_the_endpoint_off_and_tells_moderators(
    endpoint, receiver, settings, make_comment, moderator, committed, mailoutbox
):
    settings.COMMENTS_WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    settings.COMMENTS_WEBHOOKS_DISABLE_AFTER_HOURS = 0
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@newsroom.example"]
    endpoint.events = ["reply.approved"]
    endpoint.save()
    receiver.statuses = [503] * 10
    for _ in range(4):
        with committed():
            make_comment(status=Status.PENDING).approve(by=moderator)
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at and endpoint.failure_count == 3
    assert len(receiver.requests) == 3  # the fourth reply found the endpoint off
    desk = [m for m in mailoutbox if m.to == ["desk@newsroom.example"]]
    assert len(desk) == 1 and "switched off" in desk[0].subject and "token=abc" not in desk[0].body
    assert Delivery.objects.filter(status=Delivery.Status.FAILED).count() == 1  # the one that switched it off


# --- SSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "::1", "fc00::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1", "240.0.0.1",
])
def test_private_and_special_addresses_are_not_public(address):
    assert not net.is_public(address)


def test_public_addresses_are(settings):
    assert net.is_public("93.184.215.14") and net.is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://localhost/hook", "http://[::1]/", "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.5/", "ftp://example.org/", "http://0x7f000001/",
])
def test_urls_into_our_own_network_are_refused_at_save_time(settings, url):
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        validate_public_url(url)


def test_a_host_resolving_to_a_private_address_among_public_ones_is_refused(settings, monkeypatch):
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(net.socket, "getaddrinfo", lambda *a, **k: [
        (2, 1, 6, "", ("93.184.215.14", 443)), (2, 1, 6, "", ("10.0.0.7", 443)),
    ])
    with pytest.raises(net.UnsafeURL):
        net.resolve("https://hooks.example.com/x")


def test_the_request_goes_to_the_checked_address_without_a_second_lookup(settings, monkeypatch, receiver):
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = True
    port = receiver.server.server_port
    lookups = []

    def getaddrinfo(host, *args, **kwargs):
        lookups.append(host)  # a rebinding DNS server would answer differently the second time
        return [(2, 1, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(net.socket, "getaddrinfo", getaddrinfo)
    status, _ = net.post(f"http://hooks.example.test:{port}/in?x=1", "{}", {"Content-Type": "application/json"})
    # The name is looked up once; the connection is made to the address (an IP literal needs no DNS).
    assert status == 200 and lookups == ["hooks.example.test", "127.0.0.1"]
    [request] = receiver.requests
    assert request["path"] == "/in?x=1" and request["headers"]["Host"] == f"hooks.example.test:{port}"


def test_an_endpoint_gone_private_after_saving_is_refused_at_delivery(
    endpoint, receiver, settings, make_comment, moderator, committed
):
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = False  # saved while allowed; the switch is now off
    with committed():
        make_comment(status=Status.PENDING).approve(by=moderator)
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.last_error.startswith("refused:")


# --- Admin -------------------------------------------------------------------------------


def test_admin_creates_an_endpoint_and_sends_a_test_event(settings, receiver, admin_client, committed):
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = True
    response = admin_client.post(reverse("admin:webhooks_endpoint_add"), {
        "url": receiver.url, "description": "Slack", "events": ["reply.held", "reply.approved"], "active": "on",
        "secret": "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["reply.held", "reply.approved"]
    with committed():
        response = admin_client.post(reverse("admin:webhooks_endpoint_changelist"),
                                     {"action": "send_test_event", "_selected_action": [endpoint.pk]})
    assert response.status_code == 302
    [request] = receiver.requests
    assert verified(request, endpoint)["type"] == "webhook.test"
    page = admin_client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])).content.decode()
    assert "Delivered: 1" in page
    log = admin_client.get(reverse("admin:webhooks_delivery_changelist") + f"?endpoint__id__exact={endpoint.pk}")
    assert "webhook.test" in log.content.decode()


def test_admin_refuses_a_private_url(settings, admin_client):
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = False
    response = admin_client.post(reverse("admin:webhooks_endpoint_add"), {
        "url": "http://127.0.0.1:8000/", "events": ["reply.held"], "active": "on", "secret": Endpoint().secret,
    })
    assert response.status_code == 200 and "private, loopback or reserved" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_webhook_admin_is_for_administrators_only(endpoint, client, moderator, make_user):
    urls = [reverse("admin:webhooks_endpoint_changelist"), reverse("admin:webhooks_delivery_changelist"),
            reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])]
    client.force_login(moderator)
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    client.force_login(make_user("webhooks.manage_webhooks"))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_the_api_document_gains_nothing(client):
    schema = client.get("/api/schema/").content.decode().lower()
    assert "webhook" not in schema and "task" not in schema


def test_old_deliveries_are_pruned_but_pending_ones_kept(endpoint, settings):
    from datetime import timedelta

    from django.utils import timezone

    from webhooks import tasks

    settings.COMMENTS_WEBHOOKS_LOG_DAYS = 14
    old = timezone.now() - timedelta(days=15)
    for n, status in enumerate([Delivery.Status.DELIVERED, Delivery.Status.FAILED, Delivery.Status.PENDING]):
        Delivery.objects.create(endpoint=endpoint, message_id=f"msg_{n}", event="reply.held", payload="{}",
                                status=status, created_at=old)
    Delivery.objects.create(endpoint=endpoint, message_id="msg_new", event="reply.held", payload="{}")
    tasks.prune_deliveries.call()
    assert set(Delivery.objects.values_list("message_id", flat=True)) == {"msg_2", "msg_new"}


def test_https_connects_to_the_checked_address_and_verifies_the_host_name(settings, monkeypatch, tmp_path):
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", key, "-out", cert,
         "-subj", "/CN=hooks.example.test", "-addext", "subjectAltName=DNS:hooks.example.test"],
        check=True, capture_output=True,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(net.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("127.0.0.1", port))])
    trusting = ssl.create_default_context(cafile=str(cert))  # our certificate as the only authority
    monkeypatch.setattr(net.ssl, "create_default_context", lambda: trusting)
    try:
        assert net.post(f"https://hooks.example.test:{port}/in", "{}", {})[0] == 204
        with pytest.raises(ssl.SSLCertVerificationError):  # same address, a name the certificate does not carry
            net.post(f"https://elsewhere.example.test:{port}/in", "{}", {})
    finally:
        server.shutdown()
        server.server_close()
