"""The pledge admin: its review queue, status history, Overdue, and conflicts between editors."""

import datetime as dt

import pytest

from articles.models import Origin, Review
from articles.tests.admin_helpers import change_form_data, client_for, make_editor, run_action
from articles.tests.factories import make_article, make_pledge
from pledges.models import Pledge, Status

pytestmark = pytest.mark.django_db

PLEDGES = "/admin/pledges/pledge/"


@pytest.fixture
def desk():
    return client_for(make_editor())


def machine_pledge(**overrides):
    return make_pledge(**{"origin": Origin.EXTRACTOR, "review": Review.UNREVIEWED, "method": "will-verb", **overrides})


def test_pledge_queue_approves_and_rejects_with_a_reason(desk):
    approved, rejected = machine_pledge(), machine_pledge(text="We will cut taxes by spring")
    assert approved.text in desk.get(PLEDGES).text
    run_action(desk, PLEDGES, "approve", [approved])
    run_action(desk, PLEDGES, "reject", [rejected], reason="A hope, not a pledge.")
    approved.refresh_from_db(), rejected.refresh_from_db()
    assert approved.review == Review.APPROVED
    assert (rejected.review, rejected.review_note) == (Review.REJECTED, "A hope, not a pledge.")
    assert not Pledge.objects.published().filter(pk=rejected.pk).exists()


def test_status_change_is_a_history_entry_and_the_public_page_shows_it_at_once(desk, client):
    pledge = machine_pledge()
    evidence = make_article(headline="The wall is finished")
    url = f"{PLEDGES}{pledge.pk}/change/"
    data = change_form_data(
        desk.get(url),
        **{
            "status_changes-0-changed_on": "2018-05-01",
            "status_changes-0-status": Status.KEPT,
            "status_changes-0-evidence_article": evidence.pk,
            "status_changes-0-note": "Opened in May.",
        },
    )
    response = desk.post(url, data, follow=True)
    assert "was changed successfully" in response.text
    pledge.refresh_from_db()
    change = pledge.status_changes.get()
    assert (pledge.status, change.evidence_article, change.editor.username) == (Status.KEPT, evidence, "editor")
    public = client.get(pledge.get_absolute_url()).text
    assert "Kept" in public and "Opened in May." in public


def test_overdue_shows_and_filters_when_the_deadline_has_passed(desk):
    late = machine_pledge(deadline=dt.date(2018, 1, 1))
    on_time = machine_pledge(text="We will cut taxes by spring", deadline=dt.date(2999, 1, 1))
    response = desk.get(PLEDGES, {"status": "overdue"})
    assert late.text in response.text and on_time.text not in response.text
    assert "Overdue" in response.text


def test_second_editor_saving_the_same_pledge_is_told(desk):
    pledge = machine_pledge()
    other = client_for(make_editor("other"))
    url = f"{PLEDGES}{pledge.pk}/change/"
    mine, theirs = desk.get(url), other.get(url)
    other.post(url, change_form_data(theirs, recipient="the harbour board"))
    response = desk.post(url, change_form_data(mine, recipient="the city"))
    assert "other saved a change to this pledge" in response.text and "the harbour board" in response.text
    assert Pledge.objects.get(pk=pledge.pk).recipient == "the harbour board"
