"""The import_articles and extract commands, run as a user runs them."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Quote, Review, Speaker
from pledges.models import Pledge

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write_jsonl(path: Path, *rows) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows))
    return path


def test_seed_import_finds_its_quotes_and_pledges():
    out, err = run("import_articles", str(SEEDS))
    assert "1 imported, 0 updated, 0 unchanged, 0 rejected" in out and err == ""
    article = Article.objects.get()
    assert (article.place, article.outlet.name, str(article.published)) == ("Vancouver", "Reuters", "2017-11-15")
    assert article.headline_derived
    assert article.quotes.count() >= 11
    assert article.pledges.count() >= 4
    lacroix = Speaker.objects.get(name="Jean-Pierre Lacroix")
    assert lacroix.quotes.filter(text__startswith="This is exactly what we need").exists()
    assert Pledge.objects.filter(pledger__name="Justin Trudeau", quantity_value=600).exists()


def test_reimport_changes_nothing():
    run("import_articles", str(SEEDS))
    counts = (Article.objects.count(), Quote.objects.count(), Pledge.objects.count(), Speaker.objects.count())
    out, _ = run("import_articles", str(SEEDS))
    assert "0 imported, 0 updated, 1 unchanged, 0 rejected" in out
    assert counts == (Article.objects.count(), Quote.objects.count(), Pledge.objects.count(), Speaker.objects.count())


def test_bad_records_are_reported_and_the_rest_imported(tmp_path):
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        {"id": "a", "text": "The council said the road would be finished."},
        "{broken",
        {"id": "c", "text": ""},
        {"id": "d", "text": "The mayor said the bridge would open in May."},
    )
    with pytest.raises(CommandError, match="2 imported, 0 updated, 0 unchanged, 2 rejected") as raised:
        call_command(
            "import_articles", str(path), "--outlet", "BBC", stdout=io.StringIO(), stderr=(err := io.StringIO())
        )
    assert raised.value.returncode == 1
    assert err.getvalue().splitlines() == [
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes at column 2",
        f"{path}:3: missing or empty text",
    ]
    assert sorted(Article.objects.values_list("external_id", flat=True)) == ["a", "d"]
    assert set(Article.objects.values_list("outlet__name", flat=True)) == {"BBC"}


BRIDGE = "OTTAWA (Reuters) - The bridge will open in May, Maria Lopez, the transport minister, said on Monday."
TALKS = "GENEVA (Reuters) - The talks will resume in June, Maria Lopez, the transport minister, told reporters."
FERRY = (
    "OSLO (Reuters) - The ferry will run all winter, Maria Lopez, the transport minister, said. "
    "A government spokesman said the ships were ready."
)


def test_new_stories_are_stored_together_and_the_others_one_by_one(tmp_path, caplog):
    path = write_jsonl(
        tmp_path / "batch.jsonl",
        {"id": "bridge", "text": BRIDGE},
        {"id": "talks", "text": TALKS},
        {"id": "bridge", "text": BRIDGE + " Critics said the date would slip."},  # a correction: the first, revised
        {"id": "talks-copy", "text": TALKS},  # the second's text again
        {"id": "ferry", "text": FERRY},
    )
    out, _ = run("import_articles", str(path), "--workers", "1")
    assert "3 imported, 1 updated, 1 unchanged, 0 rejected" in out
    assert "could not be stored together" not in caplog.text
    lopez = Speaker.objects.get(name="Maria Lopez")  # one speaker, named by stories stored both ways
    assert lopez.quote_count == Quote.objects.filter(speaker=lopez, public=True).count() == 3
    assert Speaker.objects.filter(kind=Speaker.Kind.UNNAMED, article__external_id="ferry").exists()
    assert Article.objects.get(external_id="bridge").quotes.filter(text__contains="the date would slip").exists()


def test_new_stories_that_cannot_be_stored_together_are_stored_one_by_one(tmp_path, monkeypatch, caplog):
    from django.db import IntegrityError

    def fail(found):
        raise IntegrityError("taken meanwhile")

    monkeypatch.setattr("articles.importing.store.curate_new_articles", fail)
    path = write_jsonl(tmp_path / "batch.jsonl", {"text": BRIDGE}, {"text": TALKS}, {"text": FERRY})
    out, _ = run("import_articles", str(path), "--workers", "1")
    assert "3 imported, 0 updated, 0 unchanged, 0 rejected" in out
    assert "could not be stored together" in caplog.text
    assert Speaker.objects.get(name="Maria Lopez").quote_count == 3


def test_draft_and_no_extract(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", {"text": "The mayor said the bridge would open in May."})
    run("import_articles", str(path), "--draft", "--no-extract", verbosity=0)
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.quotes.count() == 0


def test_corrected_story_is_extracted_again_and_keeps_editors_work(tmp_path):
    story = "VANCOUVER (Reuters) - The bridge will open in May, Maria Lopez, the transport minister, said on Monday."
    path = write_jsonl(tmp_path / "a.jsonl", {"id": "r-1", "text": story, "published": "2017-11-13"})
    run("import_articles", str(path))
    approved = Quote.objects.get()
    approved.review = Review.APPROVED
    approved.save()
    article = Article.objects.get()
    article.headline, article.edited_fields = "Bridge to open in May", ["headline"]
    article.save()
    corrected = story + " Critics said the date would slip."
    write_jsonl(path, {"id": "r-1", "text": corrected, "published": "2017-11-13"})
    out, _ = run("import_articles", str(path))
    assert "0 imported, 1 updated" in out
    article.refresh_from_db()
    assert (article.body, article.headline, article.revision) == (corrected, "Bridge to open in May", 2)
    assert Quote.objects.get(pk=approved.pk).review == Review.APPROVED
    assert article.quotes.filter(text__contains="the date would slip").exists()


def test_extract_writes_the_gold_format(tmp_path):
    output = tmp_path / "pred.jsonl"
    run("extract", "--input", str(next(SEEDS.glob("*.jsonl"))), "--output", str(output))
    [prediction] = [json.loads(line) for line in output.read_text().splitlines()]
    assert prediction["id"] == "seed-000"
    assert set(prediction) == {"id", "quotes", "pledges", "people"}
    quote = prediction["quotes"][0]
    assert {"text", "speaker", "speaker_role", "kind", "cue", "start", "end", "confidence", "method"} <= set(quote)
    pledge = prediction["pledges"][0]
    assert {"text", "pledger", "action", "quantity", "recipient", "when", "deadline", "cue"} <= set(pledge)
    assert Article.objects.count() == 0  # files in, files out


def test_extract_one_txt_article_to_stdout(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("The bridge will open in May, Maria Lopez said.")
    out, _ = run("extract", "--input", str(path), "--output", "-")
    prediction = json.loads(out)
    assert [q["speaker"] for q in prediction["quotes"]] == ["Maria Lopez"]


def test_extract_store_keeps_rejections(tmp_path):
    run("import_articles", str(SEEDS))
    rejected = Quote.objects.first()
    rejected.review, rejected.review_note = Review.REJECTED, "Not a quote"
    rejected.save()
    before = Quote.objects.count()
    out, _ = run("extract", "--store")
    assert "0 added, 0 refreshed, 0 removed, 1 kept as editors left them" in out
    assert Quote.objects.count() == before
    assert Quote.objects.get(pk=rejected.pk).review == Review.REJECTED


def test_extract_store_one_article_dry_run():
    run("import_articles", str(SEEDS), "--no-extract")
    slug = Article.objects.get().slug
    out, _ = run("extract", "--store", "--article", slug, "--dry-run")
    assert out.startswith("Would change:") and Quote.objects.count() == 0
    run("extract", "--store", "--article", slug)
    assert Quote.objects.count() >= 11


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "--article", "nope"], "No article with the slug nope"),
        ([], "Give either --input"),
        (["--input", "missing.jsonl"], "missing.jsonl: no such file"),
    ],
)
def test_extract_usage_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run("extract", *args)


def test_progress_bar_shows_count_rate_and_time_left():
    from django.core.management.base import OutputWrapper

    from articles.management.commands.import_articles import Progress

    screen = io.StringIO()
    progress = Progress(OutputWrapper(screen), total=4)
    progress.advance()
    progress.draw(progress.started + 0.5)  # one article in half a second
    assert screen.getvalue().endswith("\r[#######                       ] 1/4 2 articles/s, 2 s left")


def test_shards_split_an_import_without_overlap(tmp_path):
    rows = [{"id": f"s-{n}", "text": f"The council said bridge {n} would open in May."} for n in range(7)]
    path = write_jsonl(tmp_path / "many.jsonl", *rows)
    out, _ = run("import_articles", str(path), "--shard", "1/2", "--no-extract")
    assert "4 imported" in out
    out, _ = run("import_articles", str(path), "--shard", "2/2", "--no-extract")
    assert "3 imported" in out
    assert sorted(Article.objects.values_list("external_id", flat=True)) == sorted(row["id"] for row in rows)


@pytest.mark.parametrize("value", ["3/2", "0/2", "half", "1/"])
def test_shard_must_be_i_of_n(tmp_path, value):
    with pytest.raises(CommandError, match="--shard"):
        call_command("import_articles", str(tmp_path), "--shard", value)


def test_imports_on_postgresql_do_not_wait_for_disk_flushes(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    run("import_articles", str(write_jsonl(tmp_path / "a.jsonl", {"text": "The mayor said so."})), verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
