"""A small stdlib HTTP client for tests that talk to a real server over a socket."""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Reader:
    """One reader's browser: cookies, and the reply form's hidden fields."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, method, path, data=None, headers=None, timeout=30):
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def open_article(self, path):
        status, _, body = self.request("GET", path)
        html = body.decode()
        self.form = {
            name: value
            for name, value in re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]*)"', html)
        }
        return status, html

    def post_reply(self, slug, **fields):
        data = urllib.parse.urlencode({**self.form, "parent": "", "website": "", **fields}).encode()
        return self.request(
            "POST", f"/articles/{slug}/comments/", data,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base_url + "/"},
        )

    def post_json(self, path, payload, headers=None):
        data = json.dumps(payload).encode()
        return self.request("POST", path, data, {"Content-Type": "application/json", **(headers or {})})
