"""A real HTTP cache in front of the site: nginx from Debian with deploy/nginx-cache.conf.

Anonymous views come from nginx, an approval shows through it within
COMMENTS_PAGE_S_MAXAGE + COMMENTS_PAGE_STALE_WHILE_REVALIDATE seconds, and no
reader's own page is ever kept by it or served to anyone else.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.test import Client

from comments.conf import comment_settings
from comments.models import Comment, Status
from tests.conftest import prove_own
from tests.proof.browserless import Reader

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx-cache.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path):
    if not os.path.exists(NGINX):
        message = "needs nginx: run `apt-get install nginx-light` (or `make browser-deps` as root)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    site = (CONFIG.read_text()
            .replace("/var/cache/nginx/newsroom", str(tmp_path / "cache"))
            .replace("listen 80;", f"listen 127.0.0.1:{port};")
            .replace("http://127.0.0.1:8000", live_server.url))
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    (tmp_path / "nginx.conf").write_text(f"""
daemon off;
master_process off;
error_log {tmp_path}/error.log warn;
pid {tmp_path}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
{site}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                               stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(10)


def get(reader, path, **headers):
    status, response_headers, body = reader.request("GET", path, headers={"Accept-Encoding": "identity", **headers})
    return status, response_headers.get("X-Cache-Status"), body.decode()


def test_anonymous_views_come_from_nginx_and_an_approval_shows_in_time(
    nginx, settings, article, make_comment, moderator
):
    settings.COMMENTS_PAGE_S_MAXAGE, settings.COMMENTS_PAGE_STALE_WHILE_REVALIDATE = 2, 1
    make_comment(body="Already public")
    url = article.get_absolute_url()
    first = get(Reader(nginx), url)
    assert first[:2] == (200, "MISS") and "Already public" in first[2]
    for _ in range(3):
        status, cache_status, html = get(Reader(nginx), url)
        assert (status, cache_status, html) == (200, "HIT", first[2])  # the very same bytes, from nginx

    pending = make_comment(status=Status.PENDING, body="Approved a moment ago")
    pending.approve(by=moderator)  # committed: the live server's test database is transactional
    approved_at = time.monotonic()
    limit = comment_settings.PAGE_S_MAXAGE + comment_settings.PAGE_STALE_WHILE_REVALIDATE
    while "Approved a moment ago" not in get(Reader(nginx), url)[2]:
        assert time.monotonic() - approved_at < limit + 1.5, "the approval did not show through nginx in time"
        time.sleep(0.2)


def test_no_readers_own_page_is_kept_or_served_to_another(nginx, article, make_comment, make_user):
    make_comment(body="Public words")
    url = article.get_absolute_url()
    author = Reader(nginx)
    # Cold cache: the author's own requests go first, so nginx would keep them if it ever did.
    author.request("GET", f"/articles/{article.slug}/comments/stamp.gif")
    form = "name=Author&email=author%40example.org&website=&body=My+words+await+moderation&parent="
    status, headers, _ = author.request("POST", f"/articles/{article.slug}/comments/", form.encode(), SAME_ORIGIN)
    assert status == 303 and Comment.objects.get(body="My words await moderation").status == Status.PENDING
    for _ in range(2):
        status, cache_status, html = get(author, url)
        assert status == 200 and cache_status == "BYPASS" and "My words await moderation" in html

    session = Client()
    session.force_login(make_user(staff=False))
    status, cache_status, html = get(Reader(nginx), url, Cookie=f"sessionid={session.cookies['sessionid'].value}")
    assert cache_status == "BYPASS" and "csrfmiddlewaretoken" in html

    for _ in range(3):
        status, cache_status, html = get(Reader(nginx), url)
        assert status == 200 and "Public words" in html
        assert "My words await moderation" not in html and "csrfmiddlewaretoken" not in html


def test_personal_pages_are_never_stored_even_without_the_cookie_rules(nginx, article, make_comment):
    """Without the map (a cache that knows nothing of our cookies), Cache-Control alone keeps them out."""
    make_comment(body="Public words")
    mine = make_comment(status=Status.PENDING, body="Only for my eyes")
    client = Client()
    prove_own(client, mine)
    cookie = f"own_replies={client.cookies['own_replies'].value}"
    # /?replytocom= is personal for everyone; the nginx bypass does not look at query strings.
    url = article.get_absolute_url() + f"?replytocom={mine.pk}"
    for _ in range(2):
        status, cache_status, html = get(Reader(nginx), url)
        assert cache_status == "MISS"  # private, no-store: fetched every time, never kept
    status, _, html = get(Reader(nginx), article.get_absolute_url(), Cookie=cookie)
    assert "Only for my eyes" in html
    for _ in range(2):
        assert "Only for my eyes" not in get(Reader(nginx), article.get_absolute_url())[2]
