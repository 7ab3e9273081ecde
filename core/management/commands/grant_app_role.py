"""``manage.py grant_app_role ROLE``, run by the owner of the tables after every
``migrate`` (docker-compose's ``migrate`` service does): the application's role may read
and write what the application needs, only add to the audit trail and the proofs of
disposal, and remove their rows only through the expiry functions (core.database_role)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core.database_role import grant_app_role


class Command(BaseCommand):
    help = (
        "Grant the application's PostgreSQL role its privileges: read and write every "
        "table, but only SELECT and INSERT on the append-only ones. Run as the owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as")

    def handle(self, *args, role, **options):
        try:
            granted = grant_app_role(role)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{role}: SELECT, INSERT, UPDATE, DELETE on the tables of {granted['schema']}; "
            f"only SELECT, INSERT on {', '.join(granted['append_only']) or 'none'}; "
            f"EXECUTE on {', '.join(f'{name}()' for name in granted['functions']) or 'none'}."
        )
