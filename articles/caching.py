"""A page cache for anonymous readers, shared by every worker and process, emptied by any change readers see.

Pages are stored under their URL with the current *generation*, a value that every change to what readers
see replaces (``pages_changed()``: connected to the models' save and delete signals, and called by the bulk
writers, which send none). A page is served only in the generation it was stored in, so a new generation
makes every stored page unreachable at once in every worker; the old entries are replaced or expire. The
cache is Django's default one, Redis or a database table (settings.CACHES), which every worker shares;
``PAGE_CACHE_SECONDS=0`` turns page caching off.

Quote and pledge pages carry a correction form whose CSRF token belongs to one reader: the stored copy
holds a placeholder where the token was, and each reader's own token is put in when the page is served.

Values derived from the archive (a list's choices, the scorecard, the lists' sizes) are kept the same way
(``until_pages_change()``), and each process keeps its own copy of those of the current generation too. A
request reads the generation once, with the first value it asks for; every later value it asks for is then
the process's copy, with no round trip, where a list of articles made three.
"""

import hashlib
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import has_vary_header

GENERATION_KEY = "pages:generation"
# Never cached: editors' pages, and the health check, which must ask the database every time.
UNCACHED_PREFIXES = ("/admin/", "/healthz")
# A download of a whole list is rare and large: not worth a cache entry.
MAX_CACHED_BYTES = 1_000_000
# How long a value kept until_pages_change() stays: a change makes it unreachable at once, and the
# copies of past generations go after this.
DERIVED_SECONDS = 3600
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"__csrf_token__"
# What readers see changes with these; corrections readers send, and history rows, change nothing they see.
MODELS_READERS_SEE = (
    "articles.Outlet",
    "articles.Article",
    "articles.Speaker",
    "articles.SpeakerAlias",
    "articles.SpeakerRedirect",
    "articles.SpeakerMerge",
    "articles.Quote",
    "pledges.Pledge",
    "pledges.PledgeStatusChange",
)


class PageCacheMiddleware:
    """Serves anonymous GET and HEAD requests for public pages from the shared cache, and stores what it renders;
    has every request read the values kept until_pages_change() in one generation.

    Goes after CsrfViewMiddleware, which then sets each reader's CSRF cookie on cached pages too, and before
    the middleware that reads the session or the user, which a cached page never needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Values kept until_pages_change() are read in one generation a request.
        token = request_generation.set("")
        try:
            return self.served_or_rendered(request)
        finally:
            request_generation.reset(token)

    def served_or_rendered(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        generation, stored = kept_in_this_generation(key)
        request_generation.set(generation)
        if stored is not None:
            return served(stored, request)
        response = self.get_response(request)
        if is_cacheable_response(response):
            cache.set(key, (generation, stored_copy(response)), settings.PAGE_CACHE_SECONDS)
        return response


def is_cacheable_request(request) -> bool:
    """A reader's GET or HEAD of a public page, from someone signed out and with no message waiting."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def is_cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and "private" not in response.get("Cache-Control", "")
        and len(response.content) <= MAX_CACHED_BYTES
    )


def page_key(request) -> str:
    url = f"{request.method} {request.build_absolute_uri()}"
    return f"pages:{hashlib.sha256(url.encode()).hexdigest()}"


def stored_copy(response) -> tuple[int, list[tuple[str, str]], bytes]:
    """What the cache keeps of a response: status, headers and body, with no reader's CSRF token in it."""
    content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    return response.status_code, list(response.headers.items()), content


def served(stored, request) -> HttpResponse:
    status, headers, content = stored
    if CSRF_PLACEHOLDER in content:
        # get_token() also has CsrfViewMiddleware set this reader's CSRF cookie on the way out.
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers["Content-Length"] = str(len(content))
    return response


def page_generation() -> str:
    if (generation := cache.get(GENERATION_KEY)) is None:
        # The first request after a flush or an eviction starts a generation no stored page can have.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def kept_in_this_generation(key: str) -> tuple[str, object]:
    """The current generation, and what is kept under ``key`` if it was kept in this generation (else None).

    Each value is kept with the generation it was made in, and both are read in one round trip, where a
    key holding the generation took a second round trip for the generation first.
    """
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or page_generation()
    return generation, kept_in(found.get(key), generation)


def kept_in(kept: tuple[str, object] | None, generation: str):
    """The value of ``kept`` (a generation and a value) if it was kept in ``generation``, else None."""
    return kept[1] if kept is not None and kept[0] == generation else None


# The generation the request being served reads kept values in (PageCacheMiddleware sets it for each request):
# None outside a request, "" until it reads one.
request_generation: ContextVar[str | None] = ContextVar("request_generation", default=None)


class KeptInProcess:
    """This process's copies of the values kept until_pages_change(), all of one generation."""

    generation = ""
    values: dict[str, object] = {}


def until_pages_change(key: str, read):
    """What ``read()`` returns, kept in the shared cache until the next change readers can see.

    The value is shared with the requests that follow in this process: it is read, never changed.
    """
    key = f"derived:{key}"
    generation = request_generation.get()
    if generation:
        if generation == KeptInProcess.generation and key in KeptInProcess.values:
            return KeptInProcess.values[key]
        value = kept_in(cache.get(key), generation)
    else:
        in_a_request = generation == ""
        generation, value = kept_in_this_generation(key)
        if in_a_request:
            request_generation.set(generation)
    if value is None:
        value = read()
        cache.set(key, (generation, value), timeout=DERIVED_SECONDS)
    if KeptInProcess.generation != generation:
        KeptInProcess.generation, KeptInProcess.values = generation, {}
    KeptInProcess.values[key] = value
    return value


def new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


class _Throttle:
    seconds = 0.0  # 0: every transaction that changes what readers see starts a new generation
    due = 0.0


def throttle_page_changes(seconds: float) -> None:
    """From now on, let this process's changes start a new generation at most once every ``seconds``.

    For a long run of writes (an import): readers see its new rows within that time, and a database
    cache is not written after every article. The caller passes 0 when the run ends, then starts
    the last generation itself (``new_generation()``).
    """
    _Throttle.seconds, _Throttle.due = seconds, 0.0


def pages_changed(**kwargs) -> None:
    """Make every stored page stale once the transaction that changed what readers see commits.

    Not before: until then readers still see the old rows, so the stored pages are still right, and a
    page rendered meanwhile from the old rows would be stored under a generation made too early. A
    transaction that changes many rows (an import, a bulk review) starts one new generation, not one
    a row.
    """
    if _Throttle.seconds:
        if (now := time.monotonic()) < _Throttle.due:
            return
        _Throttle.due = now + _Throttle.seconds
    connection = transaction.get_connection()
    if not any(callback is new_generation for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(new_generation)


def connect_signals() -> None:
    """Empty the page cache whenever a model whose rows readers see is saved or deleted; called by apps.ready()."""
    for model in MODELS_READERS_SEE:
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"pages_changed_save_{model}")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"pages_changed_delete_{model}")
