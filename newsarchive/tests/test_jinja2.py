"""The helpers the readers' templates call."""

import pytest
from django.urls import reverse, set_script_prefix

from newsarchive.jinja2 import url


@pytest.mark.parametrize("script_prefix", ["/", "/archive/"])
def test_page_addresses_are_what_reverse_gives(script_prefix):
    set_script_prefix(script_prefix)
    try:
        for _ in range(2):  # the second time from what the first remembered
            assert url("articles:quote_list") == reverse("articles:quote_list") == f"{script_prefix}quotes/"
            assert url("articles:speaker_detail", "ada-lovelace") == f"{script_prefix}speakers/ada-lovelace/"
    finally:
        set_script_prefix("/")
