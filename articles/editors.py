"""The Editors group: staff who curate the archive's content but do not manage accounts.

Permissions exist only once ``post_migrate`` has created them, so the group is brought up to date
after every migration, on a fresh database as on an old one. Logins locked out by django-axes are
logged here too.
"""

import logging

from django.contrib.auth.models import Group, Permission

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"
# Every model of these apps is content: articles, speakers, quotes, pledges, their history and merges.
CONTENT_APPS = ("articles", "pledges")


def editor_permissions():
    return Permission.objects.filter(content_type__app_label__in=CONTENT_APPS)


def ensure_editors_group(*, using: str = "default", **kwargs) -> Group:
    """Create the Editors group if needed and grant it every content permission that exists so far."""
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    # post_migrate runs once an app, and each app's permissions appear with its own run: adding
    # what exists on every run leaves the group complete after the last one.
    group.permissions.add(*editor_permissions().using(using))
    return group


def log_lockout(*, username: str, ip_address: str, **kwargs) -> None:
    """Connected to django-axes' user_locked_out: a lockout is worth an operator's attention."""
    logger.warning("Login locked out after repeated failures: account %r from %s", username, ip_address)
