"""`manage.py create_user USERNAME --role ROLE …` (CONTRACT §2): create or update a user with exactly the roles
given and print the user's API token alone on the last line, so that a script can do
`TOKEN=$(python manage.py create_user … | tail -n 1)`.

- Roles are the Django groups of CONTRACT §3; the user ends up in exactly those groups.
- `--role admin` also makes the user staff, so that the Django admin opens (not superuser).
- Without `--password` a new user gets an unusable password (token or a later password reset only); an
  existing user keeps the password it has.
- `--certificate NUMBER --certificate-expires YYYY-MM-DD` records an enforcement certificate (处罚法 Art 42);
  only enforcement officers hold one.
"""

import datetime
import re

from django.apps import apps
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from rest_framework.authtoken.models import Token

from workflows import roles

MOBILE = re.compile(r"1[3-9]\d{9}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value: str) -> datetime.date:
    if not ISO_DATE.fullmatch(value or ""):
        raise ValueError(value)
    return datetime.datetime.strptime(value, "%Y-%m-%d").date()


class Command(BaseCommand):
    help = "Create or update a user with exactly the given roles; print the user's API token on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", dest="roles", required=True, metavar="ROLE",
            help=f"a role the user holds (repeat for several): {', '.join(roles.ALL_ROLES)}",
        )
        parser.add_argument("--password", help="set this password (default on create: unusable password)")
        parser.add_argument("--phone", help="11-digit mainland mobile number, e.g. 13812345678")
        parser.add_argument("--email")
        parser.add_argument("--first-name", dest="first_name", help="given name, e.g. 三")
        parser.add_argument("--last-name", dest="last_name", help="family name, e.g. 张")
        parser.add_argument(
            "--legal-qualification", dest="legal_qualification", action="store_true", default=None,
            help="the user holds the legal professional qualification (法律职业资格; 处罚法 Art 58 ¶2)",
        )
        parser.add_argument(
            "--no-legal-qualification", dest="legal_qualification", action="store_false",
            help="clear the legal professional qualification flag",
        )
        parser.add_argument("--certificate", metavar="NUMBER", help="enforcement certificate number (执法证号)")
        parser.add_argument("--certificate-expires", dest="certificate_expires", metavar="YYYY-MM-DD",
                            help="expiry date of the enforcement certificate")

    def handle(self, *args, username, **options):
        username = (username or "").strip()
        if not username:
            raise CommandError("USERNAME must not be empty.")
        wanted = self._roles(options["roles"])
        phone = self._phone(options.get("phone"))
        email = self._email(options.get("email"))
        certificate = self._certificate(options.get("certificate"), options.get("certificate_expires"), wanted)

        User = get_user_model()
        with transaction.atomic():
            user = User.objects.select_for_update().filter(username=username).first()
            created = user is None
            if created:
                user = User(username=username)
            for field in ("first_name", "last_name"):
                if options.get(field) is not None:
                    setattr(user, field, options[field].strip())
            if phone is not None:
                user.phone = phone
            if email is not None:
                user.email = email
            if options.get("legal_qualification") is not None:
                user.legal_qualification = options["legal_qualification"]
            elif created:
                user.legal_qualification = False
            user.is_staff = roles.ADMIN in wanted or user.is_superuser

            password = options.get("password")
            if password is not None:
                try:
                    password_validation.validate_password(password, user)
                except ValidationError as error:
                    raise CommandError("Password rejected: " + " ".join(error.messages)) from None
                user.set_password(password)
            elif created:
                user.set_unusable_password()
            user.save()

            user.groups.set(Group.objects.filter(name__in=wanted))
            stored_certificate = self._store_certificate(user, certificate)
            token, _ = Token.objects.get_or_create(user=user)

        action = "created" if created else "updated"
        name = f" ({user})" if str(user) != user.username else ""
        self.stdout.write(f"{action} user {user.username}{name} with roles: {', '.join(sorted(wanted))}")
        if user.is_staff:
            self.stdout.write("staff: may open the Django admin at /admin/")
        if password is None and created:
            self.stdout.write("no password set (unusable): the user signs in with the API token only")
        if stored_certificate:
            self.stdout.write(f"enforcement certificate {certificate[0]} valid until {certificate[1].isoformat()}")
        self.stdout.write(token.key)

    # --- validation --------------------------------------------------------------------------------

    def _roles(self, given) -> list[str]:
        wanted = []
        for role in given or []:
            role = role.strip()
            if role not in roles.ALL_ROLES:
                raise CommandError(f"Unknown role “{role}”. Valid roles: {', '.join(roles.ALL_ROLES)}.")
            if role not in wanted:
                wanted.append(role)
        missing = set(wanted) - set(Group.objects.filter(name__in=wanted).values_list("name", flat=True))
        if missing:  # pragma: no cover - the groups come with the migrations
            raise CommandError(f"The role groups {', '.join(sorted(missing))} are missing: run `manage.py migrate`.")
        return wanted

    @staticmethod
    def _phone(value):
        if value is None:
            return None
        value = value.strip().replace(" ", "").replace("-", "")
        if value and not MOBILE.fullmatch(value):
            raise CommandError(f"“{value}” is not an 11-digit mainland mobile number (1[3-9] and 9 digits).")
        return value

    @staticmethod
    def _email(value):
        if value is None:
            return None
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise CommandError(f"“{value}” is not a valid e-mail address.") from None
        return value

    @staticmethod
    def _certificate(number, expires, wanted):
        if number is None and expires is None:
            return None
        if not number or not expires:
            raise CommandError("--certificate and --certificate-expires go together: give both or neither.")
        try:
            expires_on = parse_iso_date(expires)
        except ValueError:
            raise CommandError(f"--certificate-expires “{expires}” is not a date in the form YYYY-MM-DD.") from None
        if roles.ENFORCEMENT_OFFICER not in wanted:
            raise CommandError("Only enforcement officers hold an enforcement certificate: add --role enforcement_officer.")
        return number.strip(), expires_on

    def _store_certificate(self, user, certificate) -> bool:
        if certificate is None:
            return False
        if not apps.is_installed("cases"):
            self.stderr.write(
                "note: enforcement certificates are stored once the enforcement-case module (cases) exists; "
                f"certificate {certificate[0]} was checked but not stored."
            )
            return False
        from cases.models import OfficerCertificate
        from cases.services import set_certificate

        number, expires_on = certificate
        holder = OfficerCertificate.objects.filter(number=number).exclude(officer=user).select_related("officer").first()
        if holder is not None:
            raise CommandError(f"Certificate {number} belongs to {holder.officer.username}; numbers are unique.")
        set_certificate(officer=user, number=number, expires_on=expires_on)
        return True
