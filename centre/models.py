import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from core.plausible import too_early_error, within

from . import roles
from .uploads import private_storage, private_upload_to, validate_upload


def _today():
    return timezone.localdate()


def future_date_errors(instance, labels):
    """``{field: error}`` for each date field of ``labels`` that lies after today, or
    earlier than a record of the centre can be (``core.plausible``)."""
    today = _today()
    errors = {}
    for field, label in labels.items():
        day = getattr(instance, field)
        if not day:
            continue
        if day > today:
            errors[field] = ValidationError(f"{label} cannot be in the future.", code="future")
        elif message := too_early_error(field, label, day):
            errors[field] = ValidationError(message, code="too_early")
    return errors


def private_file_field(verbose_name=None, **options):
    """An upload (optional unless ``blank=False``), checked by content and kept where no
    URL serves it."""
    options.setdefault("help_text", "PDF, JPEG or PNG, up to 10 MB.")
    options.setdefault("blank", True)
    return models.FileField(
        verbose_name,
        upload_to=private_upload_to,
        storage=private_storage,
        validators=[validate_upload],
        **options,
    )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def with_role(self):
        """Accounts with their role read in the same query (``role_group``, the highest
        role group they are in): every signed-in page asks the role, and this saves it
        a query of the groups. ``User.role`` reads it where it is there."""
        from django.contrib.auth.models import Group

        precedence = models.Case(
            *(models.When(name=role.value, then=rank) for rank, role in enumerate(roles.Role))
        )
        highest = (
            Group.objects.filter(user=models.OuterRef("pk"), name__in=[r.value for r in roles.Role])
            .order_by(precedence)
            .values("name")[:1]
        )
        return self.annotate(role_group=models.Subquery(highest))


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in. E-mail is the login name; the role is the user's one group."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(
        default=True, help_text="Untick to stop this person signing in without deleting them."
    )
    is_safeguarding_lead = models.BooleanField(
        "designated safeguarding lead",
        default=False,
        help_text="Sees and acts on every safeguarding concern raised at the centre.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def role(self):
        """The user's role, from the groups they belong to (the highest if several)."""
        if "role_group" in self.__dict__:  # read with the account (``with_role``)
            return roles.Role(self.role_group) if self.role_group else None
        names = {group.name for group in self.groups.all()}
        for role in roles.Role:
            if role.value in names:
                return role
        return None

    @property
    def role_label(self):
        return roles.ROLE_LABELS.get(self.role, "No role")


class CentreProfile(models.Model):
    """The centre's own details. There is one; the privacy notice is written from it."""

    name = models.CharField(max_length=200)
    address = models.TextField(help_text="The postal address people write to.")
    postcode = models.CharField(max_length=10)
    phone = models.CharField(max_length=40)
    email = models.EmailField("e-mail address")
    controller_name = models.CharField(
        "data controller's name",
        max_length=200,
        help_text="The person who decides how the centre uses personal data.",
    )
    controller_role = models.CharField(
        "data controller's role", max_length=200, default="Centre Manager"
    )
    ico_registration_number = models.CharField("ICO registration number", max_length=20, blank=True)
    financial_year_end_day = models.PositiveSmallIntegerField(
        default=31, validators=within(1, 31, "a day of the month")
    )
    financial_year_end_month = models.PositiveSmallIntegerField(
        default=3,
        choices=[(month, datetime.date(2001, month, 1).strftime("%B")) for month in range(1, 13)],
    )
    missed_sessions_before_review = models.PositiveSmallIntegerField(
        "missed sessions in a row before a review",
        default=3,
        help_text="A family that misses this many sessions in a row is flagged for review.",
        validators=within(1, 20, "a number of missed sessions"),
    )
    volunteers_use_two_factor = models.BooleanField(
        "volunteers sign in with a second factor too",
        default=False,
        help_text=(
            "Staff and the manager always give a code from an authenticator app as well as "
            "their password. Tick this to ask volunteers for one too; leave it unticked "
            "where volunteers share the centre's tablets and have no phone of their own "
            "to hand."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "centre profile"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        try:
            # A non-leap year: 29 February would not be a year end every year.
            datetime.date(2001, self.financial_year_end_month, self.financial_year_end_day)
        except (TypeError, ValueError):
            raise ValidationError(
                {"financial_year_end_day": "That day does not exist in the month chosen."}
            ) from None

    @classmethod
    def load(cls):
        """The saved profile, or an unsaved blank one before the manager has filled it in."""
        return cls.objects.first() or cls()

    @property
    def is_complete(self):
        return bool(self.pk and self.name and self.controller_name)

    def financial_year_end_for(self, year):
        return datetime.date(year, self.financial_year_end_month, self.financial_year_end_day)


class StaffMemberQuerySet(models.QuerySet):
    def current(self):
        today = _today()
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=today))

    def former(self):
        return self.filter(ended_on__lt=_today())


class StaffMember(models.Model):
    """Someone who works at the centre, paid or unpaid."""

    class Role(models.TextChoices):
        MANAGER = "manager", "Centre manager"
        STAFF = "staff", "Staff (coordinator or supervisor)"
        VOLUNTEER = "volunteer", "Volunteer"

    former_reference = models.CharField(
        max_length=64,
        blank=True,
        help_text="The reference this person had in the centre's earlier records, if any.",
    )
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=150, blank=True)
    paid = models.BooleanField(
        default=True, help_text="Untick for volunteers and other unpaid roles."
    )
    started_on = models.DateField()
    ended_on = models.DateField(
        null=True, blank=True, help_text="The last day of employment or volunteering."
    )
    confidentiality_agreement_signed_on = models.DateField(
        "confidentiality agreement signed", null=True, blank=True
    )
    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_record",
        help_text="The account this person signs in with, if they sign in.",
    )
    # Set when the HR file is disposed of while records under rules of their own (a
    # training document used since, parental leave) are kept: the row stays as a
    # reference-only stub for them, with no personal details, and goes with the last.
    details_removed_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "staff member"

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        if self.details_removed_on is not None:
            return f"Former staff member {self.reference}"
        return f"{self.first_name} {self.last_name}"

    @property
    def reference(self):
        """The former reference where the record was imported, otherwise our own."""
        return self.former_reference or f"ST-{self.pk:04d}"

    @property
    def is_current(self):
        return self.ended_on is None or self.ended_on >= _today()

    def clean(self):
        if self.details_removed_on is not None:
            raise ValidationError(
                "This staff member's HR file has been disposed of: the record keeps only "
                "their reference, for the records still kept, and cannot be filled in again."
            )
        super().clean()
        errors = future_date_errors(
            self,
            {
                "date_of_birth": "A date of birth",
                "started_on": "A start date",
                "confidentiality_agreement_signed_on": "The date the agreement was signed",
            },
        )
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = "The end date cannot be before the start date."
        if errors:
            raise ValidationError(errors)


class DBSCheck(models.Model):
    """A Disclosure and Barring Service check. The certificate copy may be kept for six
    months only; the date, number, decision and outcome are kept after it is destroyed."""

    class Level(models.TextChoices):
        BASIC = "basic", "Basic"
        STANDARD = "standard", "Standard"
        ENHANCED = "enhanced", "Enhanced"
        ENHANCED_BARRED = "enhanced_barred", "Enhanced with barred lists"

    class Decision(models.TextChoices):
        CLEARED = "cleared", "Cleared"
        CLEARED_WITH_CONDITIONS = "cleared_with_conditions", "Cleared with conditions"
        NOT_CLEARED = "not_cleared", "Not cleared"
        PENDING = "pending", "Decision pending"

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="dbs_checks"
    )
    checked_on = models.DateField("date of check")
    certificate_number = models.CharField(max_length=32)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.ENHANCED)
    decision = models.CharField("vetting decision", max_length=30, choices=Decision.choices)
    outcome = models.TextField(blank=True)
    certificate_copy = private_file_field(
        "copy of the certificate",
        help_text="PDF, JPEG or PNG, up to 10 MB. It is destroyed six months after the check.",
    )
    certificate_copy_held_elsewhere = models.BooleanField(
        "a copy is held outside Handover",
        default=False,
        help_text=(
            "On paper or in an earlier system. It too must be destroyed six months after the check."
        ),
    )
    certificate_destroyed_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_on"]
        verbose_name = "DBS check"

    def __str__(self):
        return f"DBS check of {self.checked_on:%d/%m/%Y}"

    @property
    def has_certificate_copy(self):
        """Whether a copy of the certificate exists anywhere the centre keeps one."""
        return bool(self.certificate_copy) or (
            self.certificate_copy_held_elsewhere and not self.certificate_destroyed_on
        )

    def clean(self):
        super().clean()
        errors = future_date_errors(self, {"checked_on": "The date of the check"})
        if errors:
            raise ValidationError(errors)


class StaffDocument(models.Model):
    """A document on a staff member's file: references, contracts, training and so on."""

    class Category(models.TextChoices):
        REFERENCE = "reference", "Employment reference"
        REDUNDANCY = "redundancy", "Redundancy details"
        CONTRACT = "contract", "Contract"
        TRAINING = "training", "Training"
        SUPERVISION = "supervision", "Supervision"
        OTHER = "other", "Other"

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="documents"
    )
    former_reference = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=200)
    file = private_file_field()
    last_used_on = models.DateField(
        "date last used",
        null=True,
        blank=True,
        help_text="Documents not used for three years are disposed of.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = future_date_errors(self, {"last_used_on": "The date last used"})
        if errors:
            raise ValidationError(errors)


class ParentalLeave(models.Model):
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="parental_leave"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    child_born_on = models.DateField("child's date of birth", null=True, blank=True)
    adopted_on = models.DateField("date of adoption", null=True, blank=True)
    disability_allowance = models.BooleanField(
        "the child receives a disability allowance",
        default=False,
        help_text="The record is then kept until the child is 18, not for 5 years.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "parental leave record"

    def __str__(self):
        return f"Parental leave from {self.starts_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        errors = future_date_errors(
            self,
            {"child_born_on": "The child's date of birth", "adopted_on": "The date of adoption"},
        )
        if not self.child_born_on and not self.adopted_on:
            errors["child_born_on"] = "Give the child's date of birth or the date of adoption."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date cannot be before the start date."
        if errors:
            raise ValidationError(errors)


class FinanceRecord(models.Model):
    """Tax, payroll and accounts records, kept six years from the end of the last
    financial year they relate to."""

    class Category(models.TextChoices):
        PAYROLL = "payroll", "Wages, salary and payroll"
        TAX = "tax", "Income tax, NI and HMRC correspondence"
        ACCOUNTS = "accounts", "Accounts"
        INVOICE = "invoice", "Invoice"
        GRANT = "grant", "Grant"
        OTHER = "other", "Other"

    former_reference = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    financial_year_end = models.DateField(
        "end of the financial year it relates to", help_text="For example 31/03/2026."
    )
    spans_later_years_until = models.DateField(
        "end of the last financial year it spans into",
        null=True,
        blank=True,
        help_text="Only for a record covering more than one financial year.",
    )
    file = private_file_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year_end", "description"]

    def __str__(self):
        return self.description

    @property
    def reference(self):
        return self.former_reference or f"FIN-{self.pk:04d}"

    def clean(self):
        super().clean()
        if (
            self.financial_year_end
            and self.spans_later_years_until
            and self.spans_later_years_until <= self.financial_year_end
        ):
            raise ValidationError(
                {
                    "spans_later_years_until": (
                        "This must be a later year end than the financial year it relates to."
                    )
                }
            )


class Disclosure(models.Model):
    """Personal data that left the centre: to whom, what, when, by whom, on what basis
    and whether the person it is about was told. It keeps copies of the references it
    needs, never a name of the person, so it outlives what it describes."""

    class RecipientType(models.TextChoices):
        CAFCASS = "cafcass", "Cafcass"
        COURT = "court", "A court"
        POLICE = "police", "The police"
        LOCAL_AUTHORITY = "local_authority", "A local authority"
        SOLICITOR = "solicitor", "A solicitor"
        SERVICE_PROVIDER = "service_provider", "A service provider"
        PERSON = "person", "The person themselves"
        OTHER = "other", "Other"

    class Basis(models.TextChoices):
        CONSENT = "consent", "Consent"
        COURT_ORDER = "court_order", "A court order"
        LEGAL_OBLIGATION = "legal_obligation", "A legal obligation"
        VITAL_INTERESTS = "vital_interests", "Vital interests"
        LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"

    class PersonTold(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_YET = "not_yet", "Not yet"

    class PersonKind(models.TextChoices):
        ADULT = "adult", "Adult"
        CHILD = "child", "Child"

    disclosed_at = models.DateTimeField("when it was disclosed", default=timezone.now)
    disclosed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField("to whom", max_length=200)
    # The words the writer used ("Parent", "Cafcass"); recipient_type is the kind the log
    # filters and counts by. Both are kept so rows written before the choices stay valid.
    recipient_kind = models.CharField(max_length=50, blank=True)
    recipient_type = models.CharField(
        "kind of recipient",
        max_length=20,
        choices=RecipientType.choices,
        default=RecipientType.OTHER,
    )
    what = models.CharField(max_length=300, help_text="What was sent, without its content.")
    basis_kind = models.CharField(
        "lawful basis",
        max_length=30,
        choices=Basis.choices,
        # A response pack, the disclosure other code records without choosing, is sent
        # because the law obliges the centre to answer a subject access request.
        default=Basis.LEGAL_OBLIGATION,
    )
    basis = models.CharField(
        "details of the basis",
        max_length=300,
        help_text="For example the court order and its date, or who consented and when.",
    )
    person_told = models.CharField(
        "the person was told",
        max_length=10,
        choices=PersonTold.choices,
        default=PersonTold.NOT_YET,
    )
    case_reference = models.CharField(max_length=64, blank=True)
    # Whom it is about, by reference only (centre cannot point into the case records):
    # person_label reads like "AD-0003 of HC-2026-0001", never a name.
    person_kind = models.CharField(max_length=10, choices=PersonKind.choices, blank=True)
    person_id = models.PositiveBigIntegerField(null=True, blank=True)
    person_label = models.CharField(max_length=100, blank=True)
    record_label = models.CharField(max_length=100, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Set when what the entry is about went and the entry was kept for accountability
    # (``centre.disclosures.disclosures_part``): it then holds references, the date, the
    # kind of recipient and the basis, and is deleted seven years after the disclosure.
    details_removed_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-disclosed_at", "-pk"]
        indexes = [
            models.Index(fields=["case_reference"]),
            models.Index(fields=["person_kind", "person_id"]),
        ]

    def __str__(self):
        return f"{self.what} to {self.recipient}"

    def clean(self):
        super().clean()
        errors = {}
        if self.disclosed_at and self.disclosed_at > timezone.now():
            errors["disclosed_at"] = ValidationError(
                "A disclosure cannot be recorded in the future: give when it was made.",
                code="future",
            )
        if bool(self.person_kind) != (self.person_id is not None):
            errors["person_kind"] = ValidationError(
                "Say both what kind of person the disclosure is about and which one."
            )
        if errors:
            raise ValidationError(errors)


def person_reference(kind, pk, case_reference=""):
    """The reference a disclosure names its person by: "AD-0003 of HC-2026-0001"."""
    prefix = {"adult": "AD", "child": "CH"}[kind]
    label = f"{prefix}-{pk:04d}"
    return f"{label} of {case_reference}" if case_reference else label


class PrivacyNoticeVersion(models.Model):
    """A version of the public privacy notice: the newest one published is current, and
    each person's pre-visit records the version they were given."""

    version = models.CharField(
        max_length=50, unique=True, help_text="For example 2026-01: what pre-visits record."
    )
    published_on = models.DateField()
    changes = models.TextField("what changed", help_text="In plain words, for the public.")
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return f"Version {self.version}, published {self.published_on:%-d %B %Y}"

    @classmethod
    def current(cls):
        """The newest version published by today, or None before the first."""
        return cls.objects.filter(published_on__lte=_today()).first()

    def clean(self):
        super().clean()
        if self.version:
            self.version = self.version.strip()


class SignedInSession(models.Model):
    """One session someone signed in with, so that all of a person's sessions can be
    found and ended: when they change their password, when their account is switched
    off, or when the manager ends them. Holds no address or browser details; the row
    goes when the session ends (signing out, or ending it) or its account is deleted."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self):
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"


class PasswordResetAsk(models.Model):
    """One request for a password-reset link, kept only while it counts towards the
    limit on how many are sent (``centre.sessions.password_reset_limited``): the address
    typed as a keyed digest (never the address itself, which may not be anyone's), and
    the network address it came from. Deleted nightly once older than the hour."""

    asked_at = models.DateTimeField(default=timezone.now, db_index=True)
    address_digest = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["ip_address", "asked_at"])]

    def __str__(self):
        return f"Password reset asked for at {self.asked_at:%Y-%m-%d %H:%M}"
