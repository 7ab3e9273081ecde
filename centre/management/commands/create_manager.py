"""Create the centre manager's account on a new installation."""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from centre.models import User
from centre.roles import Role
from centre.services import user_create


class Command(BaseCommand):
    help = "Create a user with the manager role. Prompts for the password."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("full_name")

    def handle(self, *args, email, full_name, **options):
        email = email.strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"There is already an account for {email}.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The two passwords differ; nothing was created.")
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user_create(email=email, full_name=full_name, role=Role.MANAGER, password=password)
        self.stdout.write(self.style.SUCCESS(f"{email} can now sign in as the centre manager."))
