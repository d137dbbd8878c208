"""Two importers, or two extraction runs, at once on the same archive: real processes, one database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
STORIES = 40
MAYORS = ["Ann Lee", "Omar Diallo", "Ines Moreau", "Tom Becker", "Sara Novak"]

pytestmark = pytest.mark.django_db(transaction=True)


def environment(database_url: str) -> dict:
    return os.environ | {"DATABASE_URL": database_url, "SECRET_KEY": "concurrency-test", "LOG_LEVEL": "ERROR"}


def manage(database_url: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def at_once(database_url: str, *args) -> list[subprocess.CompletedProcess]:
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=environment(database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    # communicate() reads both pipes while waiting: a chatty process never blocks on a full pipe.
    outputs = [run.communicate(timeout=300) for run in runs]
    return [
        subprocess.CompletedProcess(run.args, run.returncode, *output)
        for run, output in zip(runs, outputs, strict=True)
    ]


def counts(database_url: str) -> dict:
    script = (
        "import json; from articles.models import Article, Quote, Speaker; from pledges.models import Pledge; "
        "print(json.dumps({'articles': Article.objects.count(), 'quotes': Quote.objects.count(), "
        "'pledges': Pledge.objects.count(), 'speakers': Speaker.objects.count(), "
        "'duplicate quotes': Quote.objects.count() - len(set(Quote.objects.values_list('article', 'start', 'end')))}))"
    )
    return json.loads(manage(database_url, "shell", "--no-imports", "-c", script).stdout)


def write_stories(path: Path) -> Path:
    with path.open("w") as out:
        for n in range(STORIES):
            text = (
                f"OTTAWA (Reuters) - The harbour wall in Port {n} will be rebuilt by spring, "
                f"Mayor {MAYORS[n % len(MAYORS)]} said on Monday. "
                f"Prime Minister Justin Trudeau promised to spend up to ${n + 1} million on harbours."
            )
            out.write(json.dumps({"id": f"story-{n}", "text": text, "published": "2017-11-15"}) + "\n")
    return path


def test_two_importers_at_once_create_no_duplicates(tmp_path, shared_database_url):
    stories = write_stories(tmp_path / "stories.jsonl")
    runs = at_once(shared_database_url, "import_articles", str(stories))
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    held = counts(shared_database_url)
    assert held["articles"] == STORIES and held["duplicate quotes"] == 0
    # One import alone gives the same rows.
    assert manage(shared_database_url, "import_articles", str(stories)).returncode == 0
    assert counts(shared_database_url) == held


def test_two_extraction_runs_at_once_leave_one_set_of_items(tmp_path, shared_database_url):
    stories = write_stories(tmp_path / "stories.jsonl")
    assert manage(shared_database_url, "import_articles", str(stories)).returncode == 0
    once = counts(shared_database_url)
    runs = at_once(shared_database_url, "extract", "--store")
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    assert counts(shared_database_url) == once


def test_workers_import_each_story_once(tmp_path, shared_database_url):
    stories = write_stories(tmp_path / "stories.jsonl")
    result = manage(shared_database_url, "import_articles", str(stories), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert f"{STORIES} imported" in result.stdout
    held = counts(shared_database_url)
    assert held["articles"] == STORIES and held["duplicate quotes"] == 0
    assert held["quotes"] >= STORIES  # every story's quote, from whichever worker imported it


def test_counts_added_side_by_side_are_never_lost():
    import threading

    from django.db import connection, connections, transaction

    from articles.counting import add_counts
    from articles.models import Quote, Speaker

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time")
    # Enough speakers, in no order, that PostgreSQL joins them to the counts as it would in a large archive.
    Speaker.objects.bulk_create(Speaker(name=f"Speaker {n}", slug=f"speaker-{n}") for n in range(20_000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_speaker")
    quoted = list(Speaker.objects.order_by("?")[:60])

    def add_one_quote_each():
        add_counts([Quote(speaker=speaker, article_published=None) for speaker in quoted], [])

    def second_importer():
        try:
            with transaction.atomic():
                add_one_quote_each()
        finally:
            connections.close_all()

    with transaction.atomic():
        add_one_quote_each()
        # The second importer's increments wait for this transaction, then must count on top of it.
        side_by_side = threading.Thread(target=second_importer)
        side_by_side.start()
        side_by_side.join(timeout=1)
    side_by_side.join(timeout=30)
    counts = Speaker.objects.filter(pk__in=[speaker.pk for speaker in quoted]).values_list("quote_count", flat=True)
    assert set(counts) == {2}


def test_one_person_named_by_two_importers_at_once_gets_one_speaker():
    import threading

    from django.db import connection, connections, transaction

    from articles.curation import SpeakerResolver
    from articles.extraction.types import Extraction, Source, SourceKind
    from articles.models import Speaker

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time")

    def speaker_of(source: Source) -> Speaker:
        # Named sources only: the resolver looks at no article for them.
        return SpeakerResolver([(None, Extraction(sources=(source,)))], new_articles=True).speakers[0][source.name]

    # One story gives her full name; the other, the name she goes by, which the first registers as her alias.
    first_story = Source(name="Ann Marie Lee", kind=SourceKind.PERSON, aliases=("Ann Lee",))
    second_story = Source(name="Ann Lee", kind=SourceKind.PERSON)
    found = {}

    def second_importer():
        try:
            with transaction.atomic():
                found["second"] = speaker_of(second_story)
        finally:
            connections.close_all()

    with transaction.atomic():
        found["first"] = speaker_of(first_story)
        # The second importer finds neither name yet; its alias waits for this transaction, then must give way.
        side_by_side = threading.Thread(target=second_importer)
        side_by_side.start()
        side_by_side.join(timeout=1)
    side_by_side.join(timeout=30)
    assert found["second"] == found["first"]
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Ann Marie Lee"]
