"""The people directory: what the SIS (OneRoster) and HR say exists.

Synced fields are owned by their source system and are read-only in the admin.
Nothing here is ever deleted by a sync: people who leave are marked inactive.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class SourceSystem(models.TextChoices):
    ONEROSTER = "oneroster", _("Student information system (OneRoster)")
    HR = "hr", _("Human resources")


class Org(models.Model):
    class OrgType(models.TextChoices):
        DISTRICT = "district", _("District")
        SCHOOL = "school", _("School")
        DEPARTMENT = "department", _("Department")
        LOCAL = "local", _("Local")
        STATE = "state", _("State")
        NATIONAL = "national", _("National")

    sourced_id = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    org_type = models.CharField(max_length=20, choices=OrgType.choices)
    identifier = models.CharField(max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AcademicSession(models.Model):
    sourced_id = models.CharField(max_length=255, unique=True)
    title = models.CharField(max_length=255)
    session_type = models.CharField(max_length=40)
    start_date = models.DateField()
    end_date = models.DateField()
    school_year = models.PositiveSmallIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    def __str__(self) -> str:
        return self.title


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(status=Status.ACTIVE)

    def claimable(self, now: datetime | None = None) -> PersonQuerySet:
        """Active people whose waiting period after first being seen has passed."""
        return self.active().filter(claimable_at__lte=now or timezone.now())


class Person(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")
        STAFF = "staff", _("Staff")
        ADMINISTRATOR = "administrator", _("Administrator")

    # OneRoster sourcedId, or "hr:<employee id>" for people only HR knows.
    sourced_id = models.CharField(max_length=255, unique=True)
    # An HR-owned employee's sourcedId in OneRoster, when it differs from sourced_id:
    # enrollments in the SIS point at it, and the SIS must not create a second person.
    oneroster_sourced_id = models.CharField(max_length=255, blank=True, db_index=True)
    source_system = models.CharField(max_length=20, choices=SourceSystem.choices)
    role = models.CharField(max_length=20, choices=Role.choices, db_index=True)

    given_name = models.CharField(max_length=255)
    family_name = models.CharField(max_length=255)
    middle_name = models.CharField(max_length=255, blank=True)
    preferred_given_name = models.CharField(max_length=255, blank=True)
    preferred_family_name = models.CharField(max_length=255, blank=True)
    # Student number or (zero-padded) employee number, as the SIS/HR holds it.
    identifier = models.CharField(max_length=64, db_index=True)
    # Derived from the per-role username template; always lower case.
    username = models.CharField(max_length=150, unique=True)
    email = models.EmailField(max_length=254, blank=True, db_index=True)
    grades = models.CharField(max_length=255, blank=True, help_text=_("Comma-separated grades"))

    orgs = models.ManyToManyField(Org, blank=True, related_name="people")
    primary_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.SET_NULL, related_name="primary_people"
    )
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    job_title = models.CharField(max_length=255, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    termination_date = models.DateField(null=True, blank=True)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    claimable_at = models.DateTimeField(db_index=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # The hash of the source row this record was last written from
    # (directory/sync/fingerprint.py): a sync skips the checks of a row whose hash is
    # unchanged. 0: none, the row is checked in full.
    source_fingerprint = models.BigIntegerField(default=0, editable=False)
    # For an HR-owned employee linked to a OneRoster user: the fingerprint of that
    # user's row when it last read clean, so the next run need not check it again.
    link_fingerprint = models.BigIntegerField(default=0, editable=False)
    # Whether this person's account is claimed: a copy of the account's claimed_at
    # (accounts.models.copy_claims_to_people writes it when an account's claim or
    # person changes, or the account is deleted), so the claim figures count the
    # people without joining accounts.
    account_claimed = models.BooleanField(default=False, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["role", "identifier"]),
            # Every column the dashboard's claim figures group and count by, in
            # grouping order, and the key a class's enrollments join on: the figures
            # read this index alone, in order, without sorting and without visiting
            # the table.
            models.Index(
                fields=[
                    "primary_org", "role", "grades", "status", "account_claimed",
                    "claimable_at", "id",
                ],
                name="person_claim_counts_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})"

    @property
    def display_name(self) -> str:
        given = self.preferred_given_name or self.given_name
        family = self.preferred_family_name or self.family_name
        return f"{given} {family}"

    @property
    def display_username(self) -> str:
        """How the username is shown: students upper case, as the district's letters
        print them ("S0123456"); everyone else as stored ("e077777"). Sign-in ignores
        case either way."""
        return self.username.upper() if self.is_student else self.username

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE


class Class(models.Model):
    sourced_id = models.CharField(max_length=255, unique=True)
    title = models.CharField(max_length=255)
    class_code = models.CharField(max_length=255, blank=True)
    class_type = models.CharField(max_length=40, blank=True)
    course_sourced_id = models.CharField(max_length=255, blank=True)
    course_title = models.CharField(max_length=255, blank=True)
    school = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="classes")
    grades = models.CharField(max_length=255, blank=True)
    terms = models.ManyToManyField(AcademicSession, blank=True, related_name="classes")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name_plural = "classes"

    def __str__(self) -> str:
        return self.title


class Enrollment(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")
        ADMINISTRATOR = "administrator", _("Administrator")
        PROCTOR = "proctor", _("Proctor")

    sourced_id = models.CharField(max_length=255, unique=True)
    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=20, choices=Role.choices)
    primary = models.BooleanField(default=False)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # As Person.source_fingerprint: the hash of the row last written here, 0 for none.
    source_fingerprint = models.BigIntegerField(default=0, editable=False)

    class Meta:
        indexes = [
            # A class's active students, read from the index alone (the dashboard's
            # claim figures per class).
            models.Index(
                fields=["klass", "role", "status", "person"], name="enrollment_roster_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.klass_id} as {self.role}"


class SyncRun(models.Model):
    """One sync attempt and its report, kept for the administrators."""

    class Kind(models.TextChoices):
        ONEROSTER = "oneroster", "OneRoster"
        HR = "hr", "HR"

    class Result(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DRY_RUN = "dry_run", _("Dry run")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")
        # A scheduled run found the newest package already taken.
        SKIPPED = "skipped", _("Skipped (already taken)")

    class Review(models.TextChoices):
        # A refused run is kept for an IT administrator to approve or discard.
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        DISCARDED = "discarded", _("Discarded")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=1024)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices)
    report = models.JSONField(default=dict)
    # SHA-256 of the files read: a nightly run skips a package already applied.
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Started by the nightly schedule (no person watching): problems are emailed.
    scheduled = models.BooleanField(default=False)
    review = models.CharField(max_length=20, choices=Review.choices, blank=True)
    # The copy of a refused run's package that approving applies.
    held_package = models.CharField(max_length=1024, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.result}"
