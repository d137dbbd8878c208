import pytest
from django.apps import apps
from django.db import models
from django.db.models.signals import post_init

from articles.loading import RowLoadedModel
from articles.models import Quote
from articles.tests.factories import make_archive

ROW_LOADED_MODELS = [model for model in apps.get_models() if issubclass(model, RowLoadedModel)]


def loaded_by_django(model, instance_read, field_names):
    """The instance Django's own from_db() builds from the values ``instance_read`` holds."""
    values = [getattr(instance_read, name) for name in field_names]
    return models.Model.from_db.__func__(model, instance_read._state.db, field_names, values)


def state_of(instance) -> tuple:
    fields = {name: value for name, value in vars(instance).items() if name != "_state"}
    return fields, instance._state.adding, instance._state.db, instance.get_deferred_fields()


@pytest.mark.django_db
@pytest.mark.parametrize("model", ROW_LOADED_MODELS, ids=lambda model: model._meta.label)
def test_a_row_loads_as_django_loads_it(model):
    make_archive()
    attnames = [field.attname for field in model._meta.concrete_fields]
    read = model.objects.order_by("pk").first()
    assert read is not None, f"make_archive() made no {model._meta.label}"
    assert state_of(read) == state_of(loaded_by_django(model, read, attnames))
    # Some columns only, the rest deferred: a list reads only what it shows.
    some = model.objects.only("pk").order_by("pk").first()
    assert state_of(some) == state_of(loaded_by_django(model, some, [model._meta.pk.attname]))


@pytest.mark.django_db
def test_a_deferred_field_and_a_related_row_read_as_before(django_assert_num_queries):
    make_archive()
    quote = Quote.objects.select_related("speaker").only("speaker__name").order_by("pk").first()
    with django_assert_num_queries(0):
        assert quote.speaker.name == "Ada Lovelace"
    with django_assert_num_queries(1):
        assert quote.text == "the government would send 600 troops to the mission"
    quote.speaker_role = "Minister of Defence"
    quote.save(update_fields=["speaker_role"])
    assert Quote.objects.get(pk=quote.pk).speaker_role == "Minister of Defence"


@pytest.mark.django_db
def test_a_listener_for_new_instances_hears_of_each_row_read():
    make_archive()
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.pk)

    post_init.connect(listener, sender=Quote)
    try:
        pks = [quote.pk for quote in Quote.objects.order_by("pk")]
    finally:
        post_init.disconnect(listener, sender=Quote)
    assert heard == pks
