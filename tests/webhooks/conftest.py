import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.models import EVENTS, Endpoint


class Receiver:
    """A webhook receiver on 127.0.0.1: records each request; answers with the next of `statuses` (then 200)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/newsroom?token=abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        import json

        return [json.loads(r["body"])["type"] for r in self.requests]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def endpoint(db, settings, receiver):
    settings.COMMENTS_WEBHOOKS_ALLOW_PRIVATE = True
    return Endpoint.objects.create(url=receiver.url, events=[value for value, _ in EVENTS], description="Desk bot")
