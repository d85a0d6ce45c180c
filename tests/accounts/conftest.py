import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client


@pytest.fixture
def accounts_on(settings):
    settings.COMMENTS_ACCOUNTS = True
    return settings


@pytest.fixture
def make_reader(db, django_user_model):
    """A reader account with a verified address, as sign-up and its emailed link leave it."""

    def make(email="pat.reader@example.net", name="Pat Reader", verified=True):
        user = django_user_model.objects.create_user(username=f"reader-{email.split('@')[0]}",
                                                     first_name=name, password="a-long-test-password")
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def reader_client(accounts_on, make_reader):
    client = Client(enforce_csrf_checks=True)
    client.user = make_reader()
    client.force_login(client.user)
    return client


def csrf(client, url):
    """The CSRF token of the form on `url`, as a signed-in reader's browser sends it."""
    html = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
