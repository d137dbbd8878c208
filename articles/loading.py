"""The archive's models build an instance from a database row without running Model.__init__.

A list page builds about 75 instances: 25 quotes, and the speaker and article of each. Django's from_db()
pads a row of a few columns (a list reads only those it shows) to every field of the model. It then calls
Model.__init__, which sends two signals and sets each field in turn. For the 25 quotes of a list, that
was a third of the time taken to read them (1.57 ms; 1.02 ms without it).

A row read from the database needs only its values put in place. Each field's value goes in the
instance's ``__dict__``, which is where Model.__init__ puts it: the fields' descriptors store there, and
they find a field missing from it deferred.
"""

from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class RowLoadedModel(models.Model):
    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        if pre_init.receivers or post_init.receivers:
            # Something listens for instances being made (an ImageField does): it gets Django's way.
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance = cls.__new__(cls)
        instance.__dict__.update(zip(field_names, values, strict=True))
        state = instance._state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        return instance
