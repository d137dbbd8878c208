"""Create an editor: a staff account in the Editors group, which curates content but cannot manage users.

    manage.py create_editor alice --email alice@example.org

The password is asked for twice; with --no-input it is read from DJANGO_EDITOR_PASSWORD. Run on
an existing account, it makes that account an editor and leaves its password alone.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.editors import ensure_editors_group

PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"  # noqa: S105 - the variable's name, not a password


class Command(BaseCommand):
    help = "Create an editor account (staff, in the Editors group), or make an existing account an editor."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help=f"read the password from {PASSWORD_VARIABLE}"
        )
        parser.add_argument("--dry-run", action="store_true", help="say what would be done, and change nothing")

    def handle(self, *args, username, email, interactive, dry_run, verbosity, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if dry_run:
            if verbosity:
                self.stdout.write(f"Would {'make' if user else 'create'} {username!r} an editor.")
            return
        password = None if user else self.new_password(User(username=username, email=email), interactive)
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(username=username, email=email, password=password)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(ensure_editors_group())
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{username} is an editor: they can sign in at /admin/."))

    def new_password(self, user, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"Set {PASSWORD_VARIABLE} to the new editor's password, or leave out --no-input.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return password
