"""Small helpers that make rows through the ORM, with spans that satisfy the model constraints."""

import datetime as dt
import itertools

from articles.models import Article, Outlet, Quote, Review, Speaker
from pledges.models import Pledge

counter = itertools.count(1)

DEFAULT_BODY = (
    "OTTAWA (Reuters) - The minister said on Monday that the budget would build 40 new bridges.\n"
    "We will finish the harbour wall by spring, the mayor told reporters."
)


def make_outlet(**overrides) -> Outlet:
    n = next(counter)
    return Outlet.objects.create(**{"name": f"Outlet {n}", **overrides})


def make_article(**overrides) -> Article:
    n = next(counter)
    values = {
        "headline": f"Story number {n}",
        "body": f"{DEFAULT_BODY}\nStory {n}.",
        "published": dt.date(2017, 3, 1),
        "place": "Ottawa",
        "subject": "politics",
        **overrides,
    }
    return Article.objects.create(**values)


def make_speaker(name: str | None = None, **overrides) -> Speaker:
    return Speaker.objects.create(name=name or f"Speaker {next(counter)}", **overrides)


def span(article: Article, text: str) -> dict:
    """The offsets of ``text`` in the article body, for a quote or pledge that quotes it."""
    start = article.body.index(text)
    return {"article": article, "text": text, "start": start, "end": start + len(text)}


def make_quote(text: str = "the budget would build 40 new bridges", **overrides) -> Quote:
    article = overrides.pop("article", None) or make_article(body=f"The minister said {text}, officials said.")
    values = {"speaker": overrides.pop("speaker", None) or make_speaker(), "review": Review.APPROVED}
    return Quote.objects.create(**span(article, text), **{**values, **overrides})


def make_pledge(text: str = "We will finish the harbour wall by spring", **overrides) -> Pledge:
    article = overrides.pop("article", None) or make_article(body=f"{text}, the mayor told reporters.")
    values = {
        "pledger": overrides.pop("pledger", None) or make_speaker(),
        "action": "finish the harbour wall",
        "review": Review.APPROVED,
    }
    return Pledge.objects.create(**span(article, text), **{**values, **overrides})
