"""Text from the wire or a reader is never markup: scripts in stories, quotes and names render as text
everywhere, JSON-LD included, and downloads are safe to open in a spreadsheet."""

import csv
import io

import pytest

from articles.tests.factories import make_article, make_pledge, make_quote, make_speaker

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
END_OF_SCRIPT = "</script><script>alert(3)</script>"
HOSTILE_WORDS = f"=HYPERLINK(1) {SCRIPT} said {IMG} and {END_OF_SCRIPT}"


@pytest.fixture
def hostile():
    body = f"{HOSTILE_WORDS}. The minister promised to build 5 bridges by 2020."
    article = make_article(headline=f"+Headline {SCRIPT}", body=body)
    speaker = make_speaker(f"@Eve {IMG}", slug="eve")
    quote = make_quote(HOSTILE_WORDS, article=article, speaker=speaker, speaker_role=END_OF_SCRIPT)
    pledge = make_pledge(
        "The minister promised to build 5 bridges by 2020", article=article, pledger=speaker, action=f"build {SCRIPT}"
    )
    return article, speaker, quote, pledge


def pages(article, speaker, quote, pledge):
    return [
        "/",
        "/articles/",
        article.get_absolute_url(),
        "/quotes/",
        quote.get_absolute_url(),
        "/speakers/",
        speaker.get_absolute_url(),
        "/pledges/",
        pledge.get_absolute_url(),
        "/search/?q=minister",
        f"/search/?q={SCRIPT}",
        "/articles/feed/",
        "/quotes/feed/",
        "/pledges/feed/",
    ]


def test_markup_in_content_renders_as_text_everywhere(client, hostile):
    for url in pages(*hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for raw in ("<script>alert", "<img src=x", "onerror=alert(2)>"):
            assert raw not in html, f"{url} shows {raw!r} as markup"


def test_json_ld_cannot_be_closed_by_content(client, hostile):
    article, _, quote, _ = hostile
    for url in (article.get_absolute_url(), quote.get_absolute_url()):
        html = client.get(url).content.decode()
        scripts = html.split('<script type="application/ld+json">')[1:]
        assert scripts, url
        for script in scripts:
            data = script.split("</script>", 1)[0]
            assert "<" not in data and ">" not in data, url


@pytest.mark.parametrize(
    ("url", "quoted"),
    [
        ("/quotes/?format=csv", "'=HYPERLINK(1)"),
        ("/speakers/?format=csv", "'@Eve"),
        ("/articles/?format=csv", "'+Headline"),
    ],
)
def test_csv_cells_never_start_a_formula(client, hostile, url, quoted):
    response = client.get(url)
    cells = [cell for row in csv.reader(io.StringIO(b"".join(response.streaming_content).decode())) for cell in row]
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")] == []
    assert any(cell.startswith(quoted) for cell in cells)
