import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for_page(client, article):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(queries)


def grow_to(article, make_comment, replies):
    while article.comments.count() < replies:
        make_comment(parent=make_comment())  # threads, not just a flat list


def test_rendering_runs_the_same_queries_for_0_10_and_200_replies(client, article, make_comment, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    counts = {}
    for replies in (0, 10, 200):
        grow_to(article, make_comment, replies)
        counts[replies] = queries_for_page(client, article)
    assert counts[0] == counts[10] == counts[200] == 4, counts  # article, counts, edges, replies


@pytest.mark.parametrize("replies", [0, 10, 200])
def test_a_cached_page_costs_the_same_whatever_the_replies(client, article, make_comment, replies):
    grow_to(article, make_comment, replies)
    cold = queries_for_page(client, article)
    warm = queries_for_page(client, article)
    assert warm < cold
    # The cached page and the article's version in one read: a query only with the database cache.
    assert warm == (1 if _database_cache() else 0)


def _database_cache():
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    return isinstance(caches["default"], DatabaseCache)
