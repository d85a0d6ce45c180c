"""The OpenAPI document: valid, described, free of email in every response, and obeyed by the API.

The property-based part runs schemathesis against the WSGI application, for
every operation in the document: generated requests, valid and invalid, must
never get a server error or a response that breaks the document.
"""

import re
import shutil

import pytest
import schemathesis
import yaml
from django.contrib.staticfiles import finders
from django.test import Client
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from comments.models import Status
from newsroom.wsgi import application


@pytest.fixture
def document(db):
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def resolve(document, schema):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def properties_of(document, schema, seen=None):
    """Every property name reachable from `schema`, through refs, arrays and combinators."""
    seen = set() if seen is None else seen
    if not isinstance(schema, dict):
        return set()
    ref = schema.get("$ref")
    if ref:
        if ref in seen:
            return set()
        seen.add(ref)
        return properties_of(document, resolve(document, schema), seen)
    names = set(schema.get("properties", {}))
    nested = [*schema.get("properties", {}).values(), schema.get("items"), schema.get("additionalProperties")]
    for key in ("allOf", "oneOf", "anyOf"):
        nested += schema.get(key, [])
    for child in nested:
        names |= properties_of(document, child, seen)
    return names


def test_no_response_schema_has_an_email_property(document):
    checked = 0
    for label, operation in operations(document):
        for code, response in operation["responses"].items():
            for media in response.get("content", {}).values():
                checked += 1
                assert "email" not in properties_of(document, media["schema"]), f"{label} {code}"
    assert checked > 20


def test_the_email_is_write_only_where_a_reply_is_posted(document):
    request = document["paths"]["/api/articles/{slug}/comments/"]["post"]["requestBody"]
    schema = resolve(document, request["content"]["application/json"]["schema"])
    assert schema["properties"]["email"]["writeOnly"] is True
    assert "email" in schema["required"]


def test_every_operation_is_described_with_examples_and_its_errors(document):
    for label, operation in operations(document):
        assert operation.get("summary") and operation.get("description"), label
        examples = [
            example
            for response in operation["responses"].values()
            for media in response.get("content", {}).values()
            for example in media.get("examples", {})
        ]
        assert examples, f"{label} has no example"
        assert any(code.startswith("4") for code in operation["responses"]), label
    paths = document["paths"]
    assert set(paths["/api/moderation/comments/"]["get"]["responses"]) >= {"200", "400", "401", "403"}
    assert "Retry-After" in paths["/api/articles/{slug}/comments/"]["post"]["responses"]["429"]["headers"]


def test_every_endpoint_of_the_spec_is_in_the_document(document):
    assert set(document["paths"]) == {
        "/api/articles/",
        "/api/articles/{slug}/",
        "/api/articles/{slug}/comments/",
        "/api/comments/{id}/flag/",
        "/api/moderation/comments/",
        "/api/moderation/comments/{id}/approve/",
        "/api/moderation/comments/{id}/reject/",
        "/api/moderation/comments/{id}/spam/",
        "/api/moderation/comments/{id}/undo/",
        "/api/moderation/comments/{id}/reports/",
        "/api/moderation/comments/{id}/pick/",
        "/api/moderation/comments/{id}/unpick/",
        "/api/moderation/comments/bulk/",
        "/api/moderation/commenters/{id}/",
        "/api/moderation/commenters/{id}/notes/",
        "/api/moderation/commenters/{id}/suspend/",
        "/api/moderation/commenters/{id}/ban/",
        "/api/moderation/commenters/{id}/lift/",
        "/api/moderation/stats/",
    }


def test_schema_is_also_served_as_json(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


# --- Property-based: schemathesis against the WSGI app -----------------------------------

# Fixed keys, so that one run can send every generated request to objects that exist.
FUZZED_SLUG, FUZZED_REPLY = "fuzzed", 900_001

anywhere = schemathesis.openapi.from_wsgi("/api/schema/", application)
on_real_objects = schemathesis.openapi.from_wsgi("/api/schema/", application)
on_real_objects.config.update(parameters={"slug": FUZZED_SLUG, "id": FUZZED_REPLY})

FUZZ = settings(
    max_examples=10, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def moderator_token(transactional_db, settings, make_article, make_comment, moderator):
    """A small world for the generated requests to land in; the moderator's token."""
    settings.COMMENTS_THROTTLE_ENABLED = False
    article = make_article(slug=FUZZED_SLUG)
    reply = make_comment(article=article, id=FUZZED_REPLY)
    make_comment(article=article, parent=reply)
    make_comment(article=article, status=Status.PENDING)
    return Token.objects.create(user=moderator).key


# Every check schemathesis has, but two heuristics about input the API accepts or refuses:
# DRF reads 0 as the string "0" (so "invalid" data passes), and the moderation rules
# rightly refuse schema-valid replies (unknown parent, duplicate, empty once sanitised).
LENIENCY_CHECKS = [positive_data_acceptance, negative_data_rejection]


def call_and_validate(case, token):
    headers = {"Authorization": f"Token {token}"} if case.path.startswith("/api/moderation/") else {}
    case.call_and_validate(headers=headers, excluded_checks=LENIENCY_CHECKS)


@pytest.mark.slow
@anywhere.parametrize()
@FUZZ
def test_api_honours_its_document(case, moderator_token):
    call_and_validate(case, moderator_token)


@pytest.mark.slow
@on_real_objects.parametrize()
@FUZZ
def test_api_honours_its_document_on_real_objects(case, moderator_token):
    call_and_validate(case, moderator_token)


# --- The docs page ------------------------------------------------------------------------


def test_docs_page_loads_everything_from_this_site(client, db):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in html and "style=" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/' in attributes for attributes in scripts)  # no inline script
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    start_up = client.get("/api/docs/?script=")
    assert start_up["Content-Type"] == "application/javascript"
    assert '"/api/schema/"' in start_up.content.decode()
    assert "validator.swagger.io" not in start_up.content.decode()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="needs Chromium (Debian package chromium)")
def test_docs_page_renders_under_the_sites_csp_without_third_party_requests(live_server):
    from playwright.sync_api import sync_playwright

    requested, violations = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message))
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".opblock", timeout=15_000)
        operations = page.locator(".opblock").count()
        browser.close()
    assert operations == 20  # one per documented operation: issue 18 added pick and unpick
    assert [message.text for message in violations] == []
    assert requested and all(url.startswith(live_server.url) for url in requested)
