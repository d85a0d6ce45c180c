"""Sign-in through the newsroom's own OpenID Connect provider, against a fake one started here.

The fake provider is a small threaded HTTP server on 127.0.0.1 serving the
discovery document, JWKS, the token endpoint (an RS256 id_token signed with a
key generated for the test) and userinfo: no network. allauth's
openid_connect provider is configured as the environment would configure it
(newsroom/settings.py reads OIDC_*).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.moderation import form_token

CLIENT_ID, SECRET = "newsroom-comments", "test-secret"
CLAIMS = {"sub": "idp-user-42", "email": "sso.reader@newsroom.example", "email_verified": True,
          "name": "Sam Subscriber", "preferred_username": "sso.reader@newsroom.example"}


class FakeProvider(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server_address[1]}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.requests = []  # (method, path, form) as the provider received them

    def id_token(self):
        now = int(time.time())
        claims = {**CLAIMS, "iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "test-key"})

    def jwks(self):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        server = self.server
        server.requests.append(("GET", self.path, None))
        if self.path == "/.well-known/openid-configuration":
            self.reply({
                "issuer": server.issuer,
                "authorization_endpoint": f"{server.issuer}/authorize",
                "token_endpoint": f"{server.issuer}/token",
                "userinfo_endpoint": f"{server.issuer}/userinfo",
                "jwks_uri": f"{server.issuer}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "id_token_signing_alg_values_supported": ["RS256"],
            })
        elif self.path == "/jwks":
            self.reply(server.jwks())
        elif self.path == "/userinfo" and self.headers.get("Authorization") == "Bearer access-123":
            self.reply(CLAIMS)
        else:
            self.send_error(404)

    def do_POST(self):
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.server.requests.append(("POST", self.path, form))
        if self.path == "/token" and form.get("code") == ["code-abc"] and form.get("client_secret") == [SECRET]:
            self.reply({"access_token": "access-123", "token_type": "Bearer", "expires_in": 300,
                        "id_token": self.server.id_token()})
        else:
            self.send_error(400)


@pytest.fixture
def provider(settings, monkeypatch):
    server = FakeProvider()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    settings.COMMENTS_ACCOUNTS = True
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [{
        "provider_id": "newsroom", "name": "Newsroom account", "client_id": CLIENT_ID, "secret": SECRET,
        "settings": {"server_url": server.issuer},
    }]}}
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_no_provider_is_offered_by_default(client, db, settings):
    settings.COMMENTS_ACCOUNTS = True
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in html


def test_a_reader_signs_in_with_the_newsrooms_provider_and_posts_as_that_account(provider, article):
    client = Client()
    # The article page itself asks nothing of the provider: only choosing to sign in does.
    client.get(article.get_absolute_url())
    assert provider.requests == []
    assert "Newsroom account" in client.get("/accounts/login/").content.decode()

    start = client.post("/accounts/oidc/newsroom/login/", {"next": article.get_absolute_url()})
    assert start.status_code == 302
    location = urlsplit(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.issuer}/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID] and "code_challenge" in query
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/newsroom/login/callback/"]

    # The provider sends the reader back with a code; the site exchanges it and signs them in.
    done = client.get("/accounts/oidc/newsroom/login/callback/", {"code": "code-abc", "state": query["state"][0]})
    assert done.status_code == 302, done.content.decode()[:2000]
    assert done["Location"] == article.get_absolute_url()
    token_request = next(form for method, path, form in provider.requests if path == "/token")
    assert "code_verifier" in token_request  # PKCE

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Replying as <strong>Sam Subscriber</strong>" in html
    assert "sso.reader" not in html
    csrf = client.cookies["csrftoken"].value
    posted = client.post(reverse("post_comment", args=[article.slug]),
                         {"body": "Signed in through the newsroom.", "token": form_token(article),
                          "csrfmiddlewaretoken": csrf})
    assert posted.status_code == 303
    reply = Comment.objects.get()
    assert (reply.name, reply.email) == ("Sam Subscriber", "sso.reader@newsroom.example")
    assert "@" not in reply.user.username


def test_a_forged_callback_signs_nobody_in(provider, db):
    client = Client()
    response = client.get("/accounts/oidc/newsroom/login/callback/", {"code": "code-abc", "state": "forged"})
    assert response.status_code in (400, 401)
    assert "_auth_user_id" not in client.session
    assert not [r for r in provider.requests if r[1] == "/token"]
