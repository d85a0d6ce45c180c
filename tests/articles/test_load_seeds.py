from django.core.management import call_command

from articles.management.commands.load_seeds import parse_seed, seed_slug
from articles.models import Article

SEED = (
    "A ‘Quoted’ Headline’s Day\n\n\nFirst para.\n\nSecond para.\n\n"
    "Leave a Reply\n\nYour email address will not be published.\n"
)


def test_parse_seed_stops_at_page_furniture():
    title, body = parse_seed(SEED)
    assert title == "A ‘Quoted’ Headline’s Day"
    assert body == "First para.\n\nSecond para."


def test_slug_handles_curly_quotes():
    assert seed_slug("Israel-Hamas ‘Tango’ Ends as Full Gaza Occupation Looms") == (
        "israel-hamas-tango-ends-as-full-gaza-occupation-looms"
    )
    assert seed_slug("A “Big” Headline’s Day") == "a-big-headlines-day"


def test_load_seeds_is_idempotent_and_updates_changed_text(db, tmp_path, capsys):
    (tmp_path / "one.txt").write_text(SEED, encoding="utf-8")
    call_command("load_seeds", dir=tmp_path)
    call_command("load_seeds", dir=tmp_path)
    assert Article.objects.count() == 1
    (tmp_path / "one.txt").write_text(SEED.replace("Second para.", "Revised para."), encoding="utf-8")
    call_command("load_seeds", dir=tmp_path)
    article = Article.objects.get()
    assert article.body == "First para.\n\nRevised para."
    assert capsys.readouterr().out.splitlines() == [
        "1 created, 0 updated, 0 unchanged",
        "0 created, 0 updated, 1 unchanged",
        "0 created, 1 updated, 0 unchanged",
    ]


def test_the_project_seed_loads(db, client):
    call_command("load_seeds")
    article = Article.objects.get(slug="israel-hamas-tango-ends-as-full-gaza-occupation-looms")
    assert len(article.paragraphs()) == 5
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>Israel-Hamas ‘Tango’ Ends as Full Gaza Occupation Looms</h1>" in html
    assert html.count("Leave a Reply") == 1  # the form's heading, not article text
