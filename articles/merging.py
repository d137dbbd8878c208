"""Merging duplicate speakers into one, and undoing a merge.

A merge moves every quote, pledge and alias of the duplicates to the speaker kept, leaves a
redirect from each duplicate's page, deletes the duplicates and records all of it in a
SpeakerMerge, from which ``undo_merge`` puts everything back. Each runs in one transaction.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from pledges.models import Pledge

from .counting import BATCH_SIZE, recount
from .models import Quote, Speaker, SpeakerAlias, SpeakerMerge, SpeakerRedirect, alias_key, unique_slug

# The speaker fields a duplicate gets back when a merge is undone (and created_at, which save() would reset).
RESTORED_FIELDS = ("name", "slug", "kind", "article_id", "wikidata_id")


class MergeError(Exception):
    """A merge or undo that would leave the archive wrong; the message says why, for the editor."""


@dataclass(frozen=True)
class SpeakerMoves:
    """What a merge takes from one duplicate: its quotes, pledges (made and on whose behalf) and aliases."""

    speaker: Speaker
    quote_ids: list[int]
    pledge_ids: list[int]
    on_behalf_ids: list[int]
    alias_names: list[str]

    @classmethod
    def of(cls, speaker: Speaker) -> SpeakerMoves:
        return cls(
            speaker=speaker,
            quote_ids=list(speaker.quotes.values_list("pk", flat=True)),
            pledge_ids=list(speaker.pledges.values_list("pk", flat=True)),
            on_behalf_ids=list(speaker.pledges_on_behalf.values_list("pk", flat=True)),
            alias_names=list(speaker.aliases.values_list("name", flat=True)),
        )


def redirect_for(slug: str) -> Speaker | None:
    """The speaker a merged speaker's old slug now leads to, or None."""
    redirect = SpeakerRedirect.objects.filter(old_slug=slug).select_related("speaker").first()
    return redirect.speaker if redirect else None


def merge_problem(target: Speaker, duplicates: list[Speaker]) -> str | None:
    """Why these speakers cannot be merged, or None when they can."""
    if not duplicates:
        return "Choose at least two speakers: the one to keep and a duplicate."
    if target in duplicates:
        return "The speaker kept cannot also be one of the duplicates."
    unnamed = [speaker for speaker in [target, *duplicates] if speaker.kind == Speaker.Kind.UNNAMED]
    if target.kind == Speaker.Kind.UNNAMED and len(unnamed) <= len(duplicates):
        return "Keep a named speaker: an unnamed source belongs to one article and takes no aliases."
    if len(unnamed) > 1 and len({speaker.article_id for speaker in unnamed}) > 1:
        return "Unnamed sources of different articles are different people and cannot be merged."
    return None


def merge_speakers(target: Speaker, duplicates: list[Speaker], *, editor=None) -> SpeakerMerge:
    """Merge ``duplicates`` into ``target`` in one transaction and record it."""
    if problem := merge_problem(target, duplicates):
        raise MergeError(problem)
    with transaction.atomic():
        moves = [SpeakerMoves.of(duplicate) for duplicate in duplicates]
        merge = SpeakerMerge.objects.create(
            target=target,
            target_name=target.name,
            moved=[record_of(move) for move in moves],
            merged_by=editor,
        )
        duplicate_ids = [duplicate.pk for duplicate in duplicates]
        Quote.objects.filter(speaker__in=duplicate_ids).update(speaker=target)
        Pledge.objects.filter(pledger__in=duplicate_ids).update(pledger=target)
        Pledge.objects.filter(on_behalf_of__in=duplicate_ids).update(on_behalf_of=target)
        SpeakerAlias.objects.filter(speaker__in=duplicate_ids).update(speaker=target)
        # Pages that already led to a duplicate now lead to the speaker kept.
        SpeakerRedirect.objects.filter(speaker__in=duplicate_ids).update(speaker=target)
        Speaker.objects.filter(pk__in=duplicate_ids).delete()
        SpeakerRedirect.objects.bulk_create(
            SpeakerRedirect(old_slug=duplicate.slug, speaker=target, merge=merge) for duplicate in duplicates
        )
        recount([target.pk])
    return merge


def record_of(move: SpeakerMoves) -> dict:
    speaker = move.speaker
    return {
        "id": speaker.pk,
        **{name: getattr(speaker, name) for name in RESTORED_FIELDS},
        "created_at": speaker.created_at.isoformat(),
        "quote_ids": move.quote_ids,
        "pledge_ids": move.pledge_ids,
        "on_behalf_ids": move.on_behalf_ids,
        "alias_keys": [alias_key(name) for name in move.alias_names],
        "redirected_slugs": list(speaker.redirects.values_list("old_slug", flat=True)),
        # Earlier merges into this duplicate, which lose their target now and get it back on undo.
        "merge_ids": list(speaker.merges.values_list("pk", flat=True)),
    }


def undo_merge(merge: SpeakerMerge, *, editor=None) -> list[Speaker]:
    """Bring back the merged speakers with what moved from them, in one transaction; returns them."""
    if merge.undone_at:
        raise MergeError(f"The merge into {merge.target_name} was already undone.")
    if merge.target is None:
        raise MergeError(f"{merge.target_name} was itself merged into another speaker since: undo that merge first.")
    target = merge.target
    restored = []
    with transaction.atomic():
        merge.redirects.all().delete()
        for record in merge.moved:
            speaker = restore_speaker(record)
            # Only what still belongs to the speaker kept goes back: later edits stand.
            moved_back = (
                (Quote.objects.filter(speaker=target), record["quote_ids"], {"speaker": speaker}),
                (Pledge.objects.filter(pledger=target), record["pledge_ids"], {"pledger": speaker}),
                (Pledge.objects.filter(on_behalf_of=target), record["on_behalf_ids"], {"on_behalf_of": speaker}),
            )
            for rows, ids, restored_to in moved_back:
                # A much quoted speaker's ids outnumber the parameters a prepared statement takes (65,535).
                for batch in itertools.batched(ids, BATCH_SIZE):
                    rows.filter(pk__in=batch).update(**restored_to)
            SpeakerAlias.objects.filter(key__in=record["alias_keys"], speaker=target).update(speaker=speaker)
            SpeakerRedirect.objects.filter(old_slug__in=record["redirected_slugs"], speaker=target).update(
                speaker=speaker
            )
            SpeakerMerge.objects.filter(pk__in=record["merge_ids"], target=None).update(target=speaker)
            restored.append(speaker)
        recount([target.pk, *(speaker.pk for speaker in restored)])
        merge.undone_at = timezone.now()
        merge.undone_by = editor
        merge.save(update_fields=["undone_at", "undone_by"])
    return restored


def restore_speaker(record: dict) -> Speaker:
    """The duplicate as it was, under its old id; under a new slug if another speaker took the old one."""
    speaker = Speaker(pk=record["id"], **{name: record[name] for name in RESTORED_FIELDS})
    if Speaker.objects.filter(slug=speaker.slug).exists():
        speaker.slug = unique_slug(Speaker, speaker.name)
    speaker.save(force_insert=True)
    speaker.created_at = datetime.fromisoformat(record["created_at"])
    Speaker.objects.filter(pk=speaker.pk).update(created_at=speaker.created_at)
    return speaker
