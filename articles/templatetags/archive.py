import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import presentation
from articles.extraction import repair_apostrophes

register = template.Library()

# What could end a <script> element early, or open a comment, inside JSON-LD.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict):
    """schema.org data for search engines, as a JSON-LD script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    # SCRIPT_ESCAPES left no character that could end the element or open markup.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def marked_body(article, quotes, pledges):
    """The article's body with every quote and pledge marked and linked."""
    marks = [*map(presentation.quote_mark, quotes), *map(presentation.pledge_mark, pledges)]
    return presentation.marked_body(article.body, marks)


@register.simple_tag
def in_context(item):
    """The sentence around a quote or pledge, with the item's words marked."""
    return presentation.in_context(item.article.body, item.start, item.end)


@register.filter
def form_control(field):
    """A filter form's input or select."""
    return presentation.form_control(field)


@register.filter
def readable(text):
    """Text as readers see it: apostrophes that wire copy stripped put back."""
    return repair_apostrophes(text)


@register.filter
def snippet(text, query):
    """A stretch of text around the words of a search, with the words marked."""
    return presentation.snippet(text, query)


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """The address of ``path`` (or of this page, without its query) with scheme and host."""
    request = context["request"]
    return request.build_absolute_uri(path or request.path)
