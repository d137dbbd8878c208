"""The helpers the readers' templates call."""

import pytest
from django.template import defaulttags, engines
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from jinja2 import pass_context

from newsarchive.jinja2 import querystring, url


@pytest.mark.parametrize("script_prefix", ["/", "/archive/"])
def test_page_addresses_are_what_reverse_gives(script_prefix):
    set_script_prefix(script_prefix)
    try:
        for _ in range(2):  # the second time from what the first remembered
            assert url("articles:quote_list") == reverse("articles:quote_list") == f"{script_prefix}quotes/"
            assert url("articles:speaker_detail", "ada-lovelace") == f"{script_prefix}speakers/ada-lovelace/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("query", ["", "status=kept&page=2", "q=caf%C3%A9+%26+co&after=&tag=a&tag=b", "page=3"])
@pytest.mark.parametrize("changes", [{}, {"page": None}, {"page": 4, "format": "csv"}, {"status": "broken", "q": None}])
def test_links_to_this_list_changed_are_what_djangos_querystring_gives(query, changes):
    request = RequestFactory().get(f"/pledges/?{query}")
    assert querystring({"request": request}, **changes) == defaulttags.querystring(None, request.GET, **changes)


class Speaker:
    def named(self, title):
        return f"{title} Lovelace"

    @pass_context
    def greeted(self, context, greeting):
        return f"{greeting}, {context['reader']}"

    def stops(self):
        raise StopIteration


def test_templates_call_methods_and_macros_as_jinja_does():
    template = engines["jinja2"].from_string(
        "{% macro badge(text, kind='plain') %}[{{ kind }} {{ text }}]{% endmacro %}"
        "{{ speaker.named('Ada') }} | {{ speaker.greeted('Hello') }} | {{ badge('new', kind='bold') }}"
        "{% for title in ['Countess'] %} | {{ speaker.named(title) }} {{ badge(loop.index) }}{% endfor %}"
        " | {{ speaker.stops() is undefined }}"
    )
    assert template.render({"speaker": Speaker(), "reader": "Grace"}) == (
        "Ada Lovelace | Hello, Grace | [bold new] | Countess Lovelace [plain 1] | True"
    )
