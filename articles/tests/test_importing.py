"""The readers: every format, and every kind of bad input, reported by file and line."""

import datetime as dt
import json

import pytest

from articles.importing.dateline import derive_headline, parse_date, parse_dateline
from articles.importing.readers import MAX_TEXT_CHARS, read_paths
from articles.importing.records import ArticleRecord, RejectedRecord

STORY = "OTTAWA (Reuters) - The minister said the bridge would open next spring. Work starts in May."


def read(path):
    records = list(read_paths([path]))
    return [r for r in records if isinstance(r, ArticleRecord)], [
        str(r) for r in records if isinstance(r, RejectedRecord)
    ]


def write_jsonl(path, *rows):
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows))
    return path


def test_txt_body_only(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    [article], rejected = read(path)
    assert rejected == []
    assert (article.body, article.headline) == (STORY, "")


def test_txt_with_headline_line(tmp_path):
    path = tmp_path / "bbc.txt"
    path.write_text("Bridge opening delayed\n\nThe minister said the bridge would open next spring.\n")
    [article], _ = read(path)
    assert article.headline == "Bridge opening delayed"
    assert article.body == "The minister said the bridge would open next spring."


def test_jsonl_fields(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        {
            "id": "r-1",
            "title": "Bridge",
            "text": STORY,
            "subject": "worldnews",
            "published": "2017-11-15",
            "url": "https://example.com/bridge",
            "outlet": "Reuters",
        },
    )
    [article], rejected = read(path)
    assert rejected == []
    assert article == ArticleRecord(
        body=STORY,
        where=f"{path}:1",
        headline="Bridge",
        subject="worldnews",
        published=dt.date(2017, 11, 15),
        url="https://example.com/bridge",
        external_id="r-1",
        outlet="Reuters",
    )


def test_csv_isot_columns_with_quoted_newlines(tmp_path):
    path = tmp_path / "isot.csv"
    path.write_text(
        "title,text,subject,date\n"
        'Bridge,"OTTAWA (Reuters) - The minister said\nthe bridge would open.",worldnews,"November 15, 2017 "\n'
        "Roads,The roads will be paved.,politicsNews,Dec 1 2017\n"
    )
    articles, rejected = read(path)
    assert [a.published for a in articles] == [dt.date(2017, 11, 15)]
    assert articles[0].body.endswith("would open.")
    assert rejected == [f"{path}:4: unreadable date 'Dec 1 2017': use 2017-11-15 or November 15, 2017"]


def test_folder_is_walked_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("The second story.")
    (tmp_path / "a.txt").write_text("The first story.")
    (tmp_path / "notes.md").write_text("not an article")
    articles, rejected = read(tmp_path)
    assert [a.body for a in articles] == ["The first story.", "The second story."]
    assert rejected == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
        ('["a list"]', "expected a JSON object"),
        ('{"title": "No text"}', "missing or empty text"),
        ('{"text": "   "}', "missing or empty text"),
        ('{"text": 42}', "missing or empty text"),
        ('{"text": "Fine.", "title": {"nested": 1}}', "'title' must be text"),
        ('{"text": "Nul\\u0000 inside."}', "NUL character in the text"),
        ('{"text": "Fine.", "title": "Nul\\u0000"}', "NUL character in 'title'"),
    ],
)
def test_bad_jsonl_records_are_reported_and_the_rest_read(tmp_path, line, reason):
    path = write_jsonl(tmp_path / "mixed.jsonl", {"text": "The first story."}, line, {"text": "The third story."})
    articles, rejected = read(path)
    assert [a.body for a in articles] == ["The first story.", "The third story."]
    assert rejected == [f"{path}:2: {reason}"]


def test_undecodable_bytes_reject_only_their_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"text": "Good one."}\n{"text": "Caf\xe9 society."}\n{"text": "Good two."}\n')
    articles, rejected = read(path)
    assert [a.body for a in articles] == ["Good one.", "Good two."]
    assert rejected == [f"{path}:2: undecodable bytes: not UTF-8 text"]


def test_undecodable_csv_row(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"title,text,subject,date\nA,Caf\xe9 society.,x,\nB,Good.,x,\n")
    articles, rejected = read(path)
    assert [a.body for a in articles] == ["Good."]
    assert rejected == [f"{path}:2: undecodable bytes: not UTF-8 text"]


def test_csv_row_with_wrong_column_count(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("title,text,subject,date\nA,Good.,x\nB,Fine.,x,2017-01-02\n")
    articles, rejected = read(path)
    assert [a.body for a in articles] == ["Fine."]
    assert rejected == [f"{path}:2: expected 4 columns, found 3"]


def test_huge_field_is_rejected_without_stopping(tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("w") as out:
        out.write(json.dumps({"text": "Before."}) + "\n")
        out.write(json.dumps({"text": "x" * (50 * 1024 * 1024)}) + "\n")  # a 50 MB field
        out.write(json.dumps({"text": "After."}) + "\n")
    articles, rejected = read(path)
    assert [a.body for a in articles] == ["Before.", "After."]
    assert rejected == [f"{path}:2: line longer than {4 * MAX_TEXT_CHARS:,} bytes"]


def test_huge_csv_field(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("title,text,subject,date\nA," + "x" * (50 * 1024 * 1024) + ",x,\nB,After.,x,\n")
    articles, rejected = read(path)
    assert [a.body for a in articles] == ["After."]
    assert len(rejected) == 1 and rejected[0].startswith(f"{path}:2: invalid CSV row: field larger than")


def test_binary_file(tmp_path):
    path = tmp_path / "photo.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert read(path) == ([], [f"{path}:1: binary file, not text"])


def test_missing_path_and_unknown_format(tmp_path):
    (tmp_path / "story.pdf").write_text("%PDF")
    assert read(tmp_path / "nowhere.jsonl")[1] == [f"{tmp_path / 'nowhere.jsonl'}: no such file or folder"]
    assert read(tmp_path / "story.pdf")[1] == [
        f"{tmp_path / 'story.pdf'}: not an article file: expected one of .txt, .csv, .jsonl"
    ]


@pytest.mark.parametrize(
    ("body", "place", "outlet"),
    [
        ("VANCOUVER (Reuters) - Canada will not", "Vancouver", "Reuters"),
        ("NEW YORK (Reuters) - Stocks rose", "New York", "Reuters"),
        ("WASHINGTON/LONDON (Reuters) - Talks", "Washington/London", "Reuters"),
        ("(Reuters) - A story with no place", "", "Reuters"),
    ],
)
def test_dateline(body, place, outlet):
    dateline = parse_dateline(body)
    assert (dateline.place, dateline.outlet) == (place, outlet)


def test_no_dateline():
    assert parse_dateline("The minister said (again) - no.") is None


def test_derived_headline_skips_the_dateline_and_stops_at_the_first_sentence():
    assert derive_headline(STORY) == "The minister said the bridge would open next spring"


def test_derived_headline_is_cut_at_a_word():
    headline = derive_headline("word " * 60)
    assert headline.endswith("word…") and len(headline) <= 121


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2017-11-15", dt.date(2017, 11, 15)),
        ("November 15, 2017", dt.date(2017, 11, 15)),
        ("November 15, 2017 ", dt.date(2017, 11, 15)),
        ("Nov 15, 2017", dt.date(2017, 11, 15)),
        ("2017-11-15T10:00:00Z", dt.date(2017, 11, 15)),
        ("", None),
        ("soon", None),
        ("2017-13-45", None),
    ],
)
def test_parse_date(text, date):
    assert parse_date(text) == date


def test_derived_headline_puts_stripped_apostrophes_back():
    assert derive_headline("LONDON (Reuters) - Britain s finance minister said it would. More.") == (
        "Britain's finance minister said it would"
    )
