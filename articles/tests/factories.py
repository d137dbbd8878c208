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


# A small archive for page tests: two outlets, a published story quoting two people and recording
# two pledges, a second story, a draft, and items an editor rejected or has not yet reviewed.
TREATY_BODY = (
    "GENEVA (Reuters) - Minister Ada Lovelace said the government would send 600 troops to the mission.\n"
    "We will double the aid budget by 2019, Lovelace told reporters on Tuesday.\n"
    "A spokesman said the plan was under review."
)
HARBOUR_BODY = "OTTAWA (Reuters) - The harbour wall will be rebuilt by spring, Mayor Grace Hopper said on Monday."


def make_archive():
    """Rows for the reader's pages; returns them as a SimpleNamespace."""
    from types import SimpleNamespace

    from articles.models import Origin, SpeakerAlias
    from pledges.models import Status

    reuters = make_outlet(name="Reuters", slug="reuters")
    licensed = make_outlet(name="Licensed Daily", slug="licensed-daily", display=Outlet.Display.EXCERPT)
    treaty = make_article(
        headline="Minister promises troops for peace mission",
        body=TREATY_BODY,
        outlet=reuters,
        published=dt.date(2017, 9, 13),
        place="GENEVA",
        subject="worldnews",
    )
    harbour = make_article(
        headline="Harbour wall to be rebuilt",
        body=HARBOUR_BODY,
        outlet=licensed,
        published=dt.date(2018, 2, 1),
        place="OTTAWA",
        subject="politics",
        source_url="https://example.org/harbour",
    )
    draft = make_article(headline="Draft story about troops", status=Article.Status.DRAFT, outlet=reuters)
    ada = make_speaker("Ada Lovelace", slug="ada-lovelace")
    SpeakerAlias.objects.create(speaker=ada, name="Lovelace")
    grace = make_speaker("Grace Hopper", slug="grace-hopper")
    ministry = make_speaker("Ministry of Defence", slug="ministry-of-defence", kind=Speaker.Kind.ORGANISATION)
    spokesman = make_speaker("A spokesman", kind=Speaker.Kind.UNNAMED, article=treaty)
    troops = make_quote(
        "the government would send 600 troops to the mission",
        article=treaty,
        speaker=ada,
        speaker_role="Minister",
        kind=Quote.Kind.INDIRECT,
    )
    aid = make_quote(
        "We will double the aid budget by 2019",
        article=treaty,
        speaker=ada,
        speaker_role="Foreign Minister",
        origin=Origin.EXTRACTOR,
        review=Review.UNREVIEWED,
    )
    review = make_quote("the plan was under review", article=treaty, speaker=spokesman, kind=Quote.Kind.INDIRECT)
    wall = make_quote(
        "The harbour wall will be rebuilt by spring", article=harbour, speaker=grace, speaker_role="Mayor"
    )
    rejected = make_quote("Minister Ada Lovelace", article=treaty, speaker=ministry, review=Review.REJECTED)
    in_draft = make_quote("the budget would build 40 new bridges", article=draft, speaker=ministry)
    send = make_pledge(
        "send 600 troops to the mission",
        article=treaty,
        pledger=ada,
        action="send 600 troops to the mission",
        quantity_value=600,
        quantity_unit="troops",
        made_on=dt.date(2017, 9, 13),
        deadline=dt.date(2018, 1, 1),
        recipient="the mission",
        topic="defence",
    )
    double = make_pledge(
        "We will double the aid budget by 2019",
        article=treaty,
        pledger=ada,
        action="double the aid budget",
        made_on=dt.date(2017, 9, 12),
        deadline=dt.date(2019, 12, 31),
        deadline_text="by 2019",
        topic="aid",
        origin=Origin.EXTRACTOR,
        review=Review.UNREVIEWED,
    )
    rebuild = make_pledge(
        "The harbour wall will be rebuilt by spring",
        article=harbour,
        pledger=grace,
        action="rebuild the harbour wall",
        made_on=dt.date(2018, 2, 1),
        topic="infrastructure",
    )
    send.record_status(Status.IN_THE_WORKS, changed_on=dt.date(2017, 10, 1), note="Planning began.")
    send.record_status(Status.KEPT, changed_on=dt.date(2017, 12, 1), evidence_article=harbour, note="Troops arrived.")
    rebuild.record_status(Status.BROKEN, changed_on=dt.date(2018, 6, 1), note="The council dropped it.")
    return SimpleNamespace(
        reuters=reuters,
        licensed=licensed,
        treaty=treaty,
        harbour=harbour,
        draft=draft,
        ada=ada,
        grace=grace,
        ministry=ministry,
        spokesman=spokesman,
        troops=troops,
        aid=aid,
        review=review,
        wall=wall,
        rejected=rejected,
        in_draft=in_draft,
        send=send,
        double=double,
        rebuild=rebuild,
    )
