"""Turning stored text into what readers see: marked article bodies, quotes in context, search snippets,
a speaker's quotes over time, and schema.org data. Plain functions; the template tags call them.

Wire copy often arrives with its apostrophes stripped ("Queen s University"); readers see them put
back, and since the repair keeps every character where it was, stored offsets still apply.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape as escape_markup

from .extraction import REPAIR_CONTEXT, repair_apostrophes
from .search import search_words

PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")
SENTENCE_END = re.compile(r"[.!?][\"”’']?\s|\n")
CONTEXT_LIMIT = 400


@dataclass(frozen=True)
class Mark:
    """A span of an article body that a quote or pledge covers, and where it leads."""

    start: int
    end: int
    kind: str  # "quote" or "pledge"
    href: str
    title: str
    anchor: str
    unreviewed: bool = False


def quote_mark(quote) -> Mark:
    title = f"{quote.speaker}, {quote.speaker_role}" if quote.speaker_role else str(quote.speaker)
    return Mark(
        quote.start,
        quote.end,
        "quote",
        quote.speaker.get_absolute_url(),
        title,
        f"quote-{quote.pk}",
        quote.is_unreviewed_machine_item,
    )


def pledge_mark(pledge) -> Mark:
    return Mark(
        pledge.start,
        pledge.end,
        "pledge",
        pledge.get_absolute_url(),
        f"Pledge by {pledge.pledger}: {pledge.display_status}",
        f"pledge-{pledge.pk}",
        pledge.is_unreviewed_machine_item,
    )


def marked_body(body: str, marks: list[Mark]) -> SafeString:
    """The body as paragraphs, each stretch that a quote or pledge covers a link.

    Spans may overlap (a pledge inside a quoted sentence), and links may not nest, so the text is cut
    at every span boundary and each piece becomes one link: to the pledge where a pledge covers it,
    otherwise to the speaker of the quote.
    """
    body = repair_apostrophes(body)
    paragraphs = []
    for paragraph in PARAGRAPH.finditer(body):
        start, end = paragraph.span()
        inside = [m for m in marks if m.start < end and start < m.end]
        cuts = sorted({start, end} | {max(start, min(end, p)) for m in inside for p in (m.start, m.end)})
        pieces = [marked_piece(body, a, b, inside) for a, b in zip(cuts, cuts[1:], strict=False)]
        # Every piece went through escape() or format_html().
        paragraphs.append(format_html("<p>{}</p>", mark_safe("".join(pieces))))  # noqa: S308
    return mark_safe("\n".join(paragraphs))  # noqa: S308


def marked_piece(body: str, start: int, end: int, marks: list[Mark]) -> str:
    covering = [m for m in marks if m.start <= start and end <= m.end]
    anchors = "".join(format_html('<span id="{}"></span>', m.anchor) for m in marks if m.start == start)
    if not covering:
        return anchors + escape(body[start:end])
    lead = next((m for m in covering if m.kind == "pledge"), covering[0])
    classes = ["mark", *sorted({f"mark-{m.kind}" for m in covering})]
    if any(m.unreviewed for m in covering):
        classes.append("unreviewed")
    return anchors + format_html(
        '<a class="{}" href="{}" title="{}">{}</a>', " ".join(classes), lead.href, lead.title, body[start:end]
    )


@dataclass(frozen=True)
class InContext:
    before: str
    text: str
    after: str


def in_context(body: str, start: int, end: int) -> InContext:
    """The sentence (or sentences) around a span, split into what comes before, the span, and after."""
    body = repair_apostrophes(body)
    sentence_starts = [m.end() for m in SENTENCE_END.finditer(body, 0, start)]
    begin = max([0, *sentence_starts, start - CONTEXT_LIMIT])
    following = SENTENCE_END.search(body, end)
    finish = min(following.start() + 1 if following else len(body), end + CONTEXT_LIMIT)
    return InContext(body[begin:start].lstrip(), body[start:end], body[end:finish].rstrip())


def snippet(text: str, query: str, width: int = 110) -> SafeString:
    """A stretch of ``text`` around the first word of ``query`` it holds, with the words marked."""
    words = search_words(query)
    pattern = re.compile(r"\b(" + "|".join(re.escape(word) for word in words) + r")\w*", re.IGNORECASE)
    found = pattern.search(text) if words else None
    centre = found.start() if found else 0
    # Only the stretch shown is mended (with the characters repair_apostrophes() reads around it): mending the
    # whole bodies of a search page's five articles took 0.72 ms, a twentieth of the page, and their stretches 0.07.
    mended = slice(max(0, centre - width - REPAIR_CONTEXT), centre + 2 * width + REPAIR_CONTEXT)
    text = text[: mended.start] + repair_apostrophes(text[mended]) + text[mended.stop :]
    if not words:
        return escape(text[: width * 2])
    begin, finish = max(0, centre - width), min(len(text), centre + width)
    # Cut at spaces, so that the snippet starts and ends with whole words.
    if begin:
        begin = text.find(" ", begin, centre) + 1 or begin
    if finish < len(text):
        last_space = text.rfind(" ", centre, finish)
        finish = last_space if last_space > centre else finish
    pieces, done = ["…" if begin else ""], begin
    for match in pattern.finditer(text, begin, finish):
        pieces += [escape(text[done : match.start()]), format_html("<mark>{}</mark>", match.group(0))]
        done = match.end()
    pieces += [escape(text[done:finish]), "…" if finish < len(text) else ""]
    return mark_safe("".join(pieces))  # noqa: S308 - each piece went through escape() or format_html()


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    height: int  # percent of the tallest bar

    @property
    def top(self) -> int:
        """Where the bar starts in a chart 100 high, drawn from the top down."""
        return 100 - self.height


def quotes_over_time(per_month: Iterable[tuple[dt.date, int]]) -> list[Bar]:
    """Bars for each month from the first quote to the last; for each year when that spans three years.

    ``per_month``: each month's first day, with how many quotes it holds."""
    counts = dict(per_month)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if (last.year - first.year) * 12 + last.month - first.month < 36:
        periods = month_range(first, last)
        totals = [(month.strftime("%b %Y"), counts.get(month, 0)) for month in periods]
    else:
        totals = [
            (str(year), sum(n for month, n in counts.items() if month.year == year))
            for year in range(first.year, last.year + 1)
        ]
    tallest = max(n for _, n in totals)
    return [Bar(label, n, round(100 * n / tallest)) for label, n in totals]


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def news_article_data(article, url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": url,
    }
    if article.published:
        data["datePublished"] = article.published.isoformat()
    if article.outlet:
        data["publisher"] = {"@type": "Organization", "name": article.outlet.name}
    if article.place:
        data["dateline"] = article.place
    if article.source_url:
        data["isBasedOn"] = article.source_url
    return data


def quotation_data(quote, url: str, article_url: str, speaker_url: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "Quotation",
        "text": quote.text,
        "url": url,
        "spokenByCharacter": {
            "@type": "Organization" if quote.speaker.kind == "organisation" else "Person",
            "name": quote.speaker.name,
            "url": speaker_url,
        },
        "isPartOf": {"@type": "NewsArticle", "headline": quote.article.headline, "url": article_url},
        **({"dateCreated": quote.article.published.isoformat()} if quote.article.published else {}),
    }


def form_control(field) -> SafeString:
    """A filter form's input or select, as its widget's template would render it.

    Built here, not through the form renderer's templates: a list's filters hold a few hundred options
    (places, subjects), one template rendered for each, which took a third of every list page's time.
    A field's errors are described by the element the filter form gives them, ``<id>-error``.
    """
    widget = field.field.widget
    attrs = {**field.build_widget_attrs(dict(widget.attrs), widget), "id": field.auto_id}
    if field.errors:
        attrs |= {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"}
    value = widget.format_value(field.value())
    if not isinstance(widget, forms.Select):
        first = {"type": widget.input_type, "name": field.html_name, "value": value}
        return mark_safe(f"<input{html_attrs(first | attrs)}>")  # noqa: S308 - html_attrs() escaped each value
    selected = {value} if isinstance(value, str) else set(value)  # a NullBooleanSelect's is one string
    # MarkupSafe's escaping (Jinja's own, in C) and f-strings: format_html() for each of hundreds of options
    # was most of this function.
    options = "".join(
        f'<option value="{escape_markup(choice)}"{" selected" if str(choice) in selected else ""}>'
        f"{escape_markup(label)}</option>"
        for choice, label in widget.choices
    )
    return mark_safe(f"<select{html_attrs({'name': field.html_name} | attrs)}>{options}</select>")  # noqa: S308


def html_attrs(attrs: dict) -> str:
    """Attributes as Django's widget templates write them, escaped: True as the name alone; False, None and ""
    left out. In f-strings with MarkupSafe's escaping: format_html() for each attribute of each field was a
    twentieth of a list's time, and Django's escape(), which first looks for lazy text in its arguments, half
    of the filter form's."""
    written = []
    for name, value in attrs.items():
        if value is True:
            written.append(f" {escape_markup(name)}")
        elif value is not None and value is not False and value != "":
            written.append(f' {escape_markup(name)}="{escape_markup(value)}"')
    return "".join(written)
