"""Admin logins are throttled: repeated failures lock the account out from that address, and are logged."""

import io

import pytest
from django.core.management import call_command

from articles.tests.admin_helpers import make_editor

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password"


def log_in(client, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": "editor", "password": password})


def test_repeated_failures_lock_the_account_out_and_are_logged(client, settings, caplog):
    make_editor()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error
    locked = log_in(client, "wrong")
    assert locked.status_code == 429
    assert log_in(client, PASSWORD).status_code == 429  # even the right password, while locked
    assert any("locked out" in record.getMessage().lower() for record in caplog.records)


def test_an_administrator_unlocks_an_account(client, settings):
    make_editor()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")
    call_command("axes_reset_username", "editor", stdout=io.StringIO())
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_success_clears_earlier_failures(client, settings):
    make_editor()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "wrong").status_code == 200
