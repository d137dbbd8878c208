"""The Jinja2 environment of the readers' pages (templates/): Django's helpers under the names its templates know.

Readers' lists render dozens of items a page; Jinja2 compiles templates to Python and renders them several
times faster than Django's template language, which now serves only the admin and other apps' templates.
"""

import datetime as dt
import functools
import json
from types import MethodType
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from jinja2 import Environment, pass_context
from jinja2.runtime import Context, Macro

from articles import presentation
from articles.extraction import repair_apostrophes

# What could end a <script> element early, or open a comment, inside JSON-LD.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def environment(**options) -> Environment:
    # Always escaped, whatever the settings say: the pages show text from wire copy and readers' searches.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.context_class = DirectCallContext
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        absolute_url=absolute_url,
        json_ld=json_ld,
        marked_body=marked_body,
        in_context=in_context,
    )
    env.filters.update(
        date=formatted_date,
        pluralize=defaultfilters.pluralize,
        capfirst=defaultfilters.capfirst,
        truncatewords=defaultfilters.truncatewords,
        truncatechars=defaultfilters.truncatechars,
        floatformat=defaultfilters.floatformat,
        readable=repair_apostrophes,
        snippet=presentation.snippet,
        form_control=presentation.form_control,
    )
    return env


class DirectCallContext(Context):
    """Jinja's context, calling a model's method or a macro without first asking it for a context to pass.

    Jinja asks each callable for a ``jinja_pass_arg`` attribute, and asks its ``__call__`` too, before each
    call. Asked of a bound method, each question is a failed attribute lookup, which raises and catches an
    AttributeError: a ``{{ quote.get_absolute_url() }}``, which a list's items write three times each, cost 39k
    instructions with them and 30k without. A method answers as its function does, and a macro never takes a
    context.
    """

    # Jinja's own signature: its odd names leave every other name free for keyword arguments.
    def call(__self, __obj, *args, **kwargs):
        direct = type(__obj) is Macro or (
            type(__obj) is MethodType and getattr(__obj.__func__, "jinja_pass_arg", None) is None
        )
        if not direct:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


@functools.lru_cache(maxsize=10_000)
def formatted_date(day: dt.date, format_string: str) -> str:
    """Django's ``date`` filter, remembered: lists show the same few days again and again, and the site
    speaks one language (LANGUAGE_CODE, no per-request locale).
    """
    return defaultfilters.date(day, format_string)


def url(view_name: str, *args) -> str:
    if args:
        return reverse(view_name, args=args)
    return address_of_page(view_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.cache
def address_of_page(view_name: str, script_prefix: str, urlconf) -> str:
    """A page without arguments, reversed once: every page links the same ten in its header and footer, and a
    reverse() walks the URLconf each time."""
    return reverse(view_name, urlconf=urlconf)


@pass_context
def querystring(context, **changes) -> str:
    """This page's query string with ``changes`` made; None removes a parameter.

    Django's ``querystring`` tag, for one value a parameter: the tag copies the query into a new QueryDict
    each time, and a list page writes a dozen of these links.
    """
    params = dict(context["request"].GET.lists())
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = [value]
    return f"?{urlencode(params, doseq=True)}" if params else "?"


@pass_context
def absolute_url(context, path: str | None = None) -> str:
    """The address of ``path`` (or of this page, without its query) with scheme and host."""
    request = context["request"]
    return request.build_absolute_uri(path or request.path)


def json_ld(data: dict) -> str:
    """schema.org data for search engines, as a JSON-LD script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    # SCRIPT_ESCAPES left no character that could end the element or open markup.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def marked_body(article, quotes, pledges) -> str:
    """The article's body with every quote and pledge marked and linked."""
    marks = [*map(presentation.quote_mark, quotes), *map(presentation.pledge_mark, pledges)]
    return presentation.marked_body(article.body, marks)


def in_context(item) -> presentation.InContext:
    """The sentence around a quote or pledge, with the item's words marked."""
    return presentation.in_context(item.article.body, item.start, item.end)
