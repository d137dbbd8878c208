"""Reads from PostgreSQL streaming replicas, writes to the primary.

Settings switch this on when DATABASE_REPLICA_URLS names replicas (aliases `replica1`, `replica2`, … listed in
DATABASE_REPLICAS). Replicas lag the primary by a moment, so only reads that cannot miss a write just made go
to one: those of an anonymous GET or HEAD request. ReplicaReadsMiddleware picks one replica for the whole
request, so its pages never mix two replicas' moments. Everything else reads from the primary:

- an authenticated user's requests, so that editors read their own writes at once;
- requests that write (POST and the other unsafe methods), and reads after a write in the same request;
- reads inside a transaction, which must see the transaction's own changes;
- everything outside a request (management commands, imports, the shell): the safe default. Code there that
  wants a replica asks for it by name, `Model.objects.using("replica1")`.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The replica this context reads from; None reads from the primary.
_replica_for_reads: ContextVar[str | None] = ContextVar("replica_for_reads", default=None)

SAFE_METHODS = frozenset({"GET", "HEAD"})


@contextmanager
def reads_from(replica: str | None) -> Iterator[None]:
    """Send the reads made inside the block to the database alias ``replica``, or to the primary when None."""
    token = _replica_for_reads.set(replica)
    try:
        yield
    finally:
        _replica_for_reads.reset(token)


class ReplicaReadsMiddleware:
    """Lets an anonymous GET or HEAD request read from a replica; every other request reads from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reads_from(self.replica_for(request)):
            return self.get_response(request)

    @staticmethod
    def replica_for(request) -> str | None:
        # Runs while reads still go to the primary: a session that a login has just written must be found.
        if request.method not in SAFE_METHODS or request.user.is_authenticated:
            return None
        return random.choice(settings.DATABASE_REPLICAS)  # noqa: S311 - spreads load, guards no secret


class ReplicaRouter:
    """Writes and migrations on the primary; reads where ReplicaReadsMiddleware says, unless a transaction is open."""

    def db_for_read(self, model, **hints):
        replica = _replica_for_reads.get()
        if replica is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return replica

    def db_for_write(self, model, **hints):
        # Read-your-writes: once a request writes, its later reads go to the primary too.
        _replica_for_reads.set(None)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows, so an object read from one may point at one read from another.
        same_data = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas are read-only copies: the schema reaches them by replication.
        return db == DEFAULT_DB_ALIAS
