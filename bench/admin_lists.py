"""Time the admin's article list at 100 articles and at many more: it should open about as fast.

Usage: python bench/admin_lists.py [--articles 100000] [--repeat 5]

Builds the articles with bulk_create in a throwaway SQLite database, or in the database that
DATABASE_URL names (use a scratch one: its tables are migrated and filled), and times the
changelist as a signed-in superuser sees it: first page, then a filtered and a searched one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = {
    "first page": "/admin/articles/article/",
    "filtered": "/admin/articles/article/?subject__exact=politics",
    "searched": "/admin/articles/article/?q=harbour+7",
}
SUBJECTS = ("politics", "worldnews", "business", "sport")
# What each story is about: a search for one of them finds one story in len(WORKS), as a real search
# finds a few, where one word in every story would only measure reading the whole index.
WORKS = [f"{thing} {n}" for n in range(25) for thing in ("harbour", "bridge", "school", "clinic")]
BATCH = 5_000


def setup_django(scratch: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["HTTPS"] = "off"  # the test client speaks plain HTTP, which HTTPS would redirect
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    import django

    django.setup()


def grow_to(total: int) -> None:
    """Add articles until there are ``total``; each has its own text, so its own fingerprint and slug."""
    from articles.models import Article, Outlet, body_fingerprint

    outlet, _ = Outlet.objects.get_or_create(name="Reuters", defaults={"slug": "reuters"})
    start = Article.objects.count()
    for first in range(start, total, BATCH):
        numbers = range(first, min(first + BATCH, total))
        Article.objects.bulk_create(
            Article(
                outlet=outlet,
                headline=f"Council story {n}",
                slug=f"council-story-{n}",
                body=(
                    body := f"OTTAWA (Reuters) - Story {n}: the council will rebuild {WORKS[n % len(WORKS)]} by spring."
                ),
                fingerprint=body_fingerprint(body),
                published=dt.date(2017, 1, 1) + dt.timedelta(days=n % 900),
                subject=SUBJECTS[n % len(SUBJECTS)],
                place="Ottawa",
            )
            for n in numbers
        )


def time_pages(client, repeat: int) -> dict[str, float]:
    """The median milliseconds each page takes, after one warm-up request."""
    timings = {}
    for name, url in PAGES.items():
        assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        timings[name] = statistics.median(samples)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="the large size (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests a page (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import override_settings

        # Pages render their static links without a collectstatic run first.
        override_settings(
            STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        ).enable()
        call_command("migrate", verbosity=0)
        user = get_user_model().objects.create_superuser("bench", password="bench-only-password")
        client = Client()
        client.force_login(user)
        results = {}
        for size in (100, args.articles):
            grow_to(size)
            results[size] = time_pages(client, args.repeat)
        small, large = results[100], results[args.articles]
        for name in PAGES:
            sys.stdout.write(
                f"{name:>10}: {small[name]:7.1f} ms at 100, {large[name]:7.1f} ms at {args.articles:,}"
                f"  (ratio {large[name] / small[name]:.2f})\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
