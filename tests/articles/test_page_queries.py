from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for_page(client, article):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(queries)


def test_article_page_runs_the_same_queries_for_0_10_and_200_replies(client, article, make_comment):
    counts = {0: queries_for_page(client, article)}
    for shown in (10, 200):
        while article.comments.count() < shown:
            parent = make_comment()
            make_comment(parent=parent)  # threads, not just a flat list
        counts[shown] = queries_for_page(client, article)
    assert counts[0] == counts[10] == counts[200], counts
